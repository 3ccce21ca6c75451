"""What fits in a Google Sheets cell: 50,000 characters, counted after Google's Unicode normalisation (NFC, which
can lengthen text: U+0958 becomes two code points). A batch with one oversized cell fails whole, so every value
the pipeline writes is cut to fit first, with a marker the officer can see; the story itself is held for its
length by the checks in `validate`."""

from __future__ import annotations

import unicodedata

# Google Sheets: "a cell can contain up to 50,000 characters" (developers.google.com/sheets/api/limits).
CELL_CHARS = 50_000
CUT_MARKER = " … [dipotong: melebihi batas 50.000 karakter sel Google Sheets]"


def fit_cell(text: str) -> str:
    """`text` as Google will count it, cut to fit one cell (with the marker) when it is too long."""
    normal = unicodedata.normalize("NFC", text)
    if len(normal) <= CELL_CHARS:
        return text if len(text) == len(normal) else normal
    return normal[: CELL_CHARS - len(CUT_MARKER)] + CUT_MARKER
