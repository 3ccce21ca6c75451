"""Characters no font has are printed as one visible placeholder each, and counted; nothing is dropped."""

from __future__ import annotations

from pipeline.core.glyphs import PLACEHOLDER, fit

LATIN = set(range(0x20, 0x250)) | {ord(PLACEHOLDER), 0x633, 0x644, 0x627, 0x645}


def test_uncovered_characters_become_placeholders_and_are_counted() -> None:
    fitted = fit("Panen 中文 🌾 سلام", LATIN)
    assert fitted.text == f"Panen {PLACEHOLDER}{PLACEHOLDER} {PLACEHOLDER} سلام"
    assert fitted.missing == 3


def test_combining_accents_compose_and_invisible_steering_characters_go() -> None:
    assert fit("Cafe\u0301", LATIN) == fit("Café", LATIN)
    assert fit("Café", LATIN).missing == 0
    # A variation selector or a joiner no font has shows nothing; leaving it out changes nothing a reader sees.
    assert fit("a\ufe0fb\u200dc", LATIN).text == "abc"
    assert fit("a\x00b\x07\nc\u3000d", LATIN).text == "ab\nc d"
