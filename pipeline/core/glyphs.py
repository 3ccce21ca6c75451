"""What a printed page can show of what operators type: characters no font of the bulletin has become one
visible placeholder each (never silently dropped), and are counted."""

from __future__ import annotations

import unicodedata
from collections.abc import Container
from dataclasses import dataclass

PLACEHOLDER = "\N{REPLACEMENT CHARACTER}"  # �: shown where a character could not be printed
# Invisible characters that only steer how others are drawn (emoji variation selectors, joiners, direction
# marks): left out when no font has them, as leaving them out changes nothing a reader sees.
_STEERING = {"Cf", "Mn"}


@dataclass(frozen=True)
class Fitted:
    text: str
    missing: int  # characters replaced by the placeholder


def fit(text: str, covered: Container[int]) -> Fitted:
    """`text` with every character that no font covers (`covered`: code points) replaced by `PLACEHOLDER`;
    line breaks and spaces are kept as they are. Text is composed first (NFC), so a letter typed with a combining
    accent prints as the precomposed letter the fonts have."""
    out: list[str] = []
    missing = 0
    for char in unicodedata.normalize("NFC", text):
        code = ord(char)
        if char in "\n\t " or (code in covered and code >= 0x20):
            out.append(char)
            continue
        if code < 0x20 or 0x7F <= code < 0xA0:  # control characters: nothing to print
            continue
        category = unicodedata.category(char)
        if category in _STEERING and (category == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF):
            continue
        if category.startswith("Z"):  # a space no font has (U+3000...): a space
            out.append(" ")
            continue
        out.append(PLACEHOLDER)
        missing += 1
    return Fitted("".join(out), missing)
