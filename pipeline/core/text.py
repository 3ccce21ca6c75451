"""Cleaning text typed on a phone: Unicode NFC, no control or zero-width characters, tidy whitespace."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi-control characters survive copy-paste from chat apps and break matching and layout.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _drop_controls(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def clean_line(value: object) -> str:
    """A one-line field (title, names): NFC, no invisible characters, single spaces, trimmed."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _INVISIBLE.sub("", text)
    text = _drop_controls(text.replace("\r", " ").replace("\n", " "))
    return _SPACES.sub(" ", text).strip()


def clean_body(value: object) -> str:
    """A multi-line field: like `clean_line` per line, keeping paragraph breaks (at most one blank line)."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _drop_controls(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def fold(value: str) -> str:
    """A key for case- and space-insensitive comparison of names (`Batu  mandi` ~ `Batu Mandi`)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", value)).strip().casefold()


def paragraphs(body: str) -> list[str]:
    """Body text split into paragraphs at blank lines; single line breaks stay inside a paragraph."""
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def answer_key(value: object) -> str:
    """A key for a one-word answer typed by hand (a mode, a checkbox look-alike): case, every space (inner ones,
    non-breaking ones), invisible characters and trailing dots do not count, so `Ter bit.` ~ `terbit`."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = _INVISIBLE.sub("", text)
    return re.sub(r"\s+", "", text).rstrip(".").casefold()


# Wide enough for the addresses the pipeline itself writes into notice keys and mail errors.
_ADDRESS = re.compile(r"([^\s@:<>,;\"'()\[\]{}]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def mask_addresses(text: str) -> str:
    """E-mail addresses in `text` cut to their first character and domain (`o***@example.com`): enough to tell
    notices apart in a status, not to write to anyone."""
    return _ADDRESS.sub(lambda m: f"{m.group(1)[0]}***@{m.group(2)}", text)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 e-mail`, `2 e-mails`, `0 cells`: a count with its noun in the right number (English, for the CLI
    and the logs; Indonesian nouns take no plural)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
