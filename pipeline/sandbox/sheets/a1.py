"""A1 notation: parse ranges like `'Form Responses 1'!A2:C`, and format them back the way Google echoes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_PLAIN_TITLE = re.compile(r"^[^\W\d]\w*$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d+[Cc]\d+|[A-Za-z]{1,3}|\d+)$")


class A1Error(ValueError):
    """The text is not A1 notation."""


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, Z -> 25, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


@dataclass(frozen=True)
class Bounds:
    """A block of cells, 0-based, ends exclusive; None means open (to the edge of the grid)."""

    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None

    def resolve(self, rows: int, cols: int) -> Box:
        return Box(
            self.start_row or 0,
            rows if self.end_row is None else self.end_row,
            self.start_col or 0,
            cols if self.end_col is None else self.end_col,
        )


@dataclass(frozen=True)
class Box:
    """A fully bounded block of cells, 0-based, ends exclusive."""

    start_row: int
    end_row: int
    start_col: int
    end_col: int

    @property
    def height(self) -> int:
        return self.end_row - self.start_row

    @property
    def width(self) -> int:
        return self.end_col - self.start_col

    def a1(self) -> str:
        first = f"{column_letter(self.start_col)}{self.start_row + 1}"
        if self.height <= 1 and self.width <= 1:
            return first
        return f"{first}:{column_letter(self.end_col - 1)}{self.end_row}"


@dataclass(frozen=True)
class ParsedRange:
    """A range as written by a client: an optional sheet title and optional cell bounds."""

    sheet: str | None
    bounds: Bounds | None  # None: the whole sheet


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """Split `'It''s'!A1:B2` into (`It's`, `A1:B2`); a bare name or bare cells give one side None."""
    text = text.strip()
    if text.startswith("'"):
        i = 1
        chars: list[str] = []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    chars.append("'")
                    i += 2
                    continue
                break
            chars.append(ch)
            i += 1
        else:
            raise A1Error(text)
        rest = text[i + 1 :]
        if not rest:
            return "".join(chars), None
        if not rest.startswith("!"):
            raise A1Error(text)
        return "".join(chars), rest[1:]
    if "!" in text:
        name, cells = text.rsplit("!", 1)
        return name, cells
    return None, text


def parse_cells(text: str) -> Bounds:
    """`A1`, `A1:C`, `A:C`, `2:5`, `D4:A1` (normalised to A1:D4) -> Bounds. Raises A1Error."""
    parts = text.strip().split(":")
    if len(parts) > 2 or not parts[0]:
        raise A1Error(text)
    c1, r1 = _cell(parts[0])
    if len(parts) == 1:
        if c1 is None or r1 is None:
            raise A1Error(text)
        return Bounds(r1, r1 + 1, c1, c1 + 1)
    c2, r2 = _cell(parts[1])
    if c1 is None and c2 is not None:
        raise A1Error(text)
    if r1 is None and c1 is None:
        raise A1Error(text)
    start_col, end_col = _span(c1, c2)
    start_row, end_row = _span(r1, r2)
    return Bounds(start_row, end_row, start_col, end_col)


def _span(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    """One axis of a two-corner range; a missing corner leaves that axis open at that end."""
    if a is not None and b is not None:
        return min(a, b), max(a, b) + 1
    if a is not None:
        return a, None
    if b is not None:
        return None, b + 1
    return None, None


def _cell(text: str) -> tuple[int | None, int | None]:
    match = _CELL.match(text.strip())
    if not match or not (match.group(1) or match.group(2)):
        raise A1Error(text)
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) - 1 if match.group(2) else None
    if row is not None and row < 0:
        raise A1Error(text)
    return col, row


def parse_range(text: str, sheet_titles: list[str]) -> ParsedRange:
    """Parse a client's range. A bare name that is a sheet's title means that sheet, even if it looks like A1."""
    title, cells = split_sheet(text)
    if title is None:
        assert cells is not None
        if cells in sheet_titles:
            return ParsedRange(cells, None)
        return ParsedRange(None, parse_cells(cells))
    if cells is None:
        return ParsedRange(title, None)
    return ParsedRange(title, parse_cells(cells))


def quote_title(title: str) -> str:
    """Sheet titles are quoted in echoed ranges only when they need it (spaces, symbols, cell look-alikes)."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title) and title.upper() not in ("TRUE", "FALSE"):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title: str, box: Box) -> str:
    return f"{quote_title(title)}!{box.a1()}"
