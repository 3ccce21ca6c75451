"""A spreadsheet drawn as officers see it in Google Sheets, for a trainer to show offline.

What `mymein init` sets is drawn from what the sandbox stored for each batchUpdate request: checkboxes and
dropdowns from the cells' data validation (`BOOLEAN`, `ONE_OF_LIST`, `ONE_OF_RANGE`), colours from the
cells' own format and from the sheet's conditional format rules (evaluated here, first matching rule
first, as Sheets gives the rule listed first priority), the frozen rows kept on top while scrolling,
protected ranges greyed with a lock on their column, column widths and hidden columns.

Conditions evaluated: the text ones (case-insensitive, as Sheets compares), blank / not blank and the
number ones with literal values. Others (custom formulas, dates, gradients) colour nothing here.

Everything that comes from cells is escaped; colours are rebuilt from numbers and widths from integers, so
no cell, note or rule text reaches the page as markup. The page runs no script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

from .errors import ApiError
from .sheets.a1 import column_index, column_letter
from .sheets.defaults import DEFAULT_COLUMN_PIXELS
from .sheets.grid import Sheet, col_count, get_cell, row_count, rows_of
from .sheets.store import Book, resolve, sheets_of
from .sheets.typing_rules import Cell, effective, formatted, has_value

EXTRA_ROWS = 3  # blank rows drawn below the data, so the checkboxes and dropdowns waiting there show
MAX_ROWS = 2000  # a trainer's page, not an export: longer tabs are cut with a note
ROW_NUMBER_PIXELS = 44
LOCK = (
    "<svg class='lock' viewBox='0 0 10 12' width='10' height='12' role='img' aria-label='terkunci'>"
    "<rect x='1' y='5' width='8' height='7' rx='1' fill='currentColor'/>"
    "<path d='M3 5V3.6a2 2 0 0 1 4 0V5' fill='none' stroke='currentColor' stroke-width='1.4'/></svg>"
)
STYLE = """
main{max-width:none;margin:1rem}
nav.tabs a{display:inline-block;margin:0 .3rem .4rem 0;padding:.2rem .7rem;background:#fff;border-radius:4px 4px 0 0;
border:1px solid #ccd5cc;text-decoration:none;color:#1d2a1d}nav.tabs a.on{background:#1f6f43;color:#fff}
.legend{font-size:.8rem;color:#5b6b5b;margin:.3rem 0 .6rem}.legend span{margin-right:1rem}
.scroll{overflow:auto;max-height:80vh;background:#fff;border:1px solid #ccd5cc}
table.grid{table-layout:fixed;border-collapse:separate;border-spacing:0;font:13px Arial,'DejaVu Sans',sans-serif}
table.grid td,table.grid th{border:0;border-right:1px solid #e2e3e3;border-bottom:1px solid #e2e3e3;padding:2px 4px;
white-space:nowrap;overflow:hidden;text-overflow:ellipsis;max-width:none;height:21px;vertical-align:middle;
background-color:#fff}
table.grid thead{position:sticky;top:0;z-index:2}
table.grid th.h{background-color:#f8f9fa;color:#5f6368;font-weight:normal;text-align:center;position:static}
table.grid thead tr.frozen-last>*{border-bottom:4px solid #c0c6c0}
table.grid .n{text-align:right}table.grid .ctr{text-align:center}
table.grid td.locked{background-color:#f1f3f1;color:#4d564d}
table.grid td.invalid{background-image:linear-gradient(225deg,#d93025 5px,transparent 5px)}
table.grid .url{color:#1155cc;text-decoration:underline}
input[type=checkbox]{appearance:none;margin:0;width:14px;height:14px;border:2px solid #5f6368;border-radius:2px;
vertical-align:middle;background:#fff}input[type=checkbox]:checked{background:#1a73e8;border-color:#1a73e8}
input[type=checkbox]:checked::after{content:'';display:block;width:3px;height:7px;margin:0 0 0 3px;border:solid #fff;
border-width:0 2px 2px 0;transform:rotate(45deg)}
.legend input{vertical-align:-2px}
table.grid select{width:100%;font:inherit;border:0;background:transparent;color:inherit;opacity:1;
appearance:none;padding-right:12px;background-image:linear-gradient(45deg,transparent 50%,#5f6368 50%),
linear-gradient(135deg,#5f6368 50%,transparent 50%);background-position:calc(100% - 7px) 50%,calc(100% - 3px) 50%;
background-size:4px 4px;background-repeat:no-repeat}
svg.lock{vertical-align:-1px;margin-left:3px;color:#7a5d00}
"""
_NUMBER_CONDITIONS: dict[str, Callable[[float, list[float]], bool]] = {
    "NUMBER_EQ": lambda x, v: x == v[0],
    "NUMBER_NOT_EQ": lambda x, v: x != v[0],
    "NUMBER_GREATER": lambda x, v: x > v[0],
    "NUMBER_GREATER_THAN_EQ": lambda x, v: x >= v[0],
    "NUMBER_LESS": lambda x, v: x < v[0],
    "NUMBER_LESS_THAN_EQ": lambda x, v: x <= v[0],
    "NUMBER_BETWEEN": lambda x, v: len(v) > 1 and v[0] <= x <= v[1],
    "NUMBER_NOT_BETWEEN": lambda x, v: len(v) > 1 and not v[0] <= x <= v[1],
}


@dataclass(frozen=True)
class Span:
    """A GridRange on one sheet with its open ends closed by the grid."""

    start_row: int
    end_row: int
    start_col: int
    end_col: int

    @classmethod
    def of(cls, grid_range: Mapping[str, Any], sheet: Sheet) -> Span:
        return cls(
            int(grid_range.get("startRowIndex", 0)),
            int(grid_range.get("endRowIndex", row_count(sheet))),
            int(grid_range.get("startColumnIndex", 0)),
            int(grid_range.get("endColumnIndex", col_count(sheet))),
        )

    def holds(self, row: int, col: int) -> bool:
        return self.start_row <= row < self.end_row and self.start_col <= col < self.end_col


def hex_colour(colour: Any) -> str | None:
    """`#rrggbb` from a Sheets Color (`red`/`green`/`blue` in 0..1, missing = 0); None for anything else.
    Built from numbers only, so a crafted colour cannot write into the style attribute."""
    if not isinstance(colour, Mapping):
        return None
    parts = []
    for key in ("red", "green", "blue"):
        value = colour.get(key, 0)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        parts.append(round(min(max(float(value), 0.0), 1.0) * 255))
    return "#{:02x}{:02x}{:02x}".format(*parts)


def _colour_of(fmt: Mapping[str, Any], name: str) -> str | None:
    style = fmt.get(f"{name}Style")
    if isinstance(style, Mapping) and "rgbColor" in style:
        return hex_colour(style["rgbColor"])
    return hex_colour(fmt.get(name)) if name in fmt else None


def _look(fmt: Any) -> dict[str, str]:
    """CSS declarations for a CellFormat (or a conditional rule's format): colours and text style."""
    if not isinstance(fmt, Mapping):
        return {}
    look: dict[str, str] = {}
    background = _colour_of(fmt, "backgroundColor")
    if background:
        look["background-color"] = background
    text = fmt.get("textFormat")
    if isinstance(text, Mapping):
        colour = _colour_of(text, "foregroundColor")
        if colour:
            look["color"] = colour
        if text.get("bold") is True:
            look["font-weight"] = "bold"
        if text.get("italic") is True:
            look["font-style"] = "italic"
        decorations = (("line-through", "strikethrough"), ("underline", "underline"))
        lines = [name for name, key in decorations if text.get(key) is True]
        if lines:
            look["text-decoration"] = " ".join(lines)
    align = fmt.get("horizontalAlignment")
    if align in ("LEFT", "CENTER", "RIGHT"):
        look["text-align"] = str(align).lower()
    return look


def _literal_numbers(values: Sequence[Any]) -> list[float] | None:
    numbers = []
    for value in values:
        text = str((value or {}).get("userEnteredValue", "")).strip()
        try:
            numbers.append(float(text))
        except ValueError:
            return None  # a formula or a date: not evaluated here
    return numbers


def condition_holds(condition: Mapping[str, Any], cell: Cell | None) -> bool:
    """Whether a BooleanCondition of a conditional format rule is true for the cell (see the module's list)."""
    kind = condition.get("type")
    values = condition.get("values") or []
    shown = formatted(cell)
    if kind == "BLANK":
        return not has_value(cell)
    if kind == "NOT_BLANK":
        return has_value(cell)
    if kind in _NUMBER_CONDITIONS:
        value = effective(cell)
        numbers = _literal_numbers(values)
        if "n" not in value or not numbers:
            return False
        return _NUMBER_CONDITIONS[str(kind)](float(value["n"]), numbers)
    if not values or not isinstance(values[0], Mapping):
        return False
    wanted = str(values[0].get("userEnteredValue", "")).casefold()
    if wanted.startswith("="):
        return False
    text = shown.casefold()
    if kind == "TEXT_EQ":
        return bool(shown) and text == wanted
    if kind == "TEXT_CONTAINS":
        return bool(shown) and wanted in text
    if kind == "TEXT_NOT_CONTAINS":
        return wanted not in text
    if kind == "TEXT_STARTS_WITH":
        return bool(shown) and text.startswith(wanted)
    if kind == "TEXT_ENDS_WITH":
        return bool(shown) and text.endswith(wanted)
    return False


def parse_columns(text: str | None) -> set[int] | None:
    """`A,G,K-T` (letters and ranges of letters) -> column indexes; None for nothing or anything else."""
    if not text:
        return None
    found: set[int] = set()
    for part in text.upper().replace(":", "-").split(","):
        ends = [e.strip() for e in part.split("-")]
        if not 1 <= len(ends) <= 2 or not all(re.fullmatch(r"[A-Z]{1,3}", e) for e in ends):
            return None
        first, last = column_index(ends[0]), column_index(ends[-1])
        found.update(range(min(first, last), max(first, last) + 1))
    return found


class TabView:
    """One tab's drawing: its rules resolved once, then one cell at a time. `only` keeps some columns (a trainer
    showing the officer's columns), the others are left out as if hidden."""

    def __init__(self, book: Book, sheet: Sheet, only: set[int] | None = None) -> None:
        self.book = book
        self.sheet = sheet
        self.only = only
        grid = sheet["properties"].get("gridProperties") or {}
        self.frozen_rows = int(grid.get("frozenRowCount") or 0)
        self.frozen_cols = int(grid.get("frozenColumnCount") or 0)
        self.rules: list[tuple[list[Span], Mapping[str, Any], dict[str, str]]] = []
        for rule in sheet.get("conditionalFormats", []):
            boolean = rule.get("booleanRule")
            if not isinstance(boolean, Mapping):
                continue
            spans = [Span.of(r, sheet) for r in rule.get("ranges") or [] if isinstance(r, Mapping)]
            self.rules.append((spans, boolean.get("condition") or {}, _look(boolean.get("format"))))
        self.protected = [
            (Span.of(p.get("range") or {}, sheet), p)
            for p in sheet.get("protectedRanges", [])
            if isinstance(p.get("range"), Mapping)
        ]
        self._lists: dict[str, list[str]] = {}
        self.seen: set[str] = set()  # what the drawing shows, for the legend: checkbox, select, locked...

    # ---- what to draw ------------------------------------------------------------------------------

    def columns(self) -> list[int]:
        """Every column up to the last one holding a value, validation or format, hidden ones left out."""
        width = 0
        for cells in rows_of(self.sheet):
            for c in range(len(cells) - 1, -1, -1):
                if cells[c]:
                    width = max(width, c + 1)
                    break
        width = max(1, min(width, col_count(self.sheet)))
        dims = self._dims()
        return [
            c
            for c in range(width)
            if not dims.get(str(c), {}).get("hiddenByUser") and (self.only is None or c in self.only)
        ]

    def rows(self) -> tuple[int, int]:
        """(rows drawn, rows not drawn): the data plus a few blank rows, within the grid and `MAX_ROWS`."""
        stored = rows_of(self.sheet)
        last = next((r for r in range(len(stored) - 1, -1, -1) if any(has_value(c) for c in stored[r])), -1)
        shown = min(max(last + 1 + EXTRA_ROWS, self.frozen_rows, 1), row_count(self.sheet), MAX_ROWS)
        # A snapshot cut at MAX_ROWS rows says how many the sheet stores (blank formatted rows included).
        hidden = max(int(self.sheet.get("storedRows", 0)), last + 1) - shown
        return shown, max(hidden, 0)

    def width(self, col: int) -> int:
        size = self._dims().get(str(col), {}).get("pixelSize", DEFAULT_COLUMN_PIXELS)
        return int(size) if isinstance(size, int | float) and not isinstance(size, bool) else DEFAULT_COLUMN_PIXELS

    def _dims(self) -> dict[str, Any]:
        found: dict[str, Any] = (self.sheet.get("dims") or {}).get("COLUMNS") or {}
        return found

    def protection(self, row: int, col: int) -> Mapping[str, Any] | None:
        return next((p for span, p in self.protected if span.holds(row, col)), None)

    def column_protection(self, col: int) -> Mapping[str, Any] | None:
        """The protection covering the column's cells below the header, for the lock on its letter."""
        return self.protection(max(self.frozen_rows, 1), col)

    def conditional_look(self, row: int, col: int, cell: Cell | None) -> dict[str, str]:
        for spans, condition, look in self.rules:
            if any(s.holds(row, col) for s in spans) and condition_holds(condition, cell):
                self.seen.add("coloured")
                return look
        return {}

    def choices(self, rule: Mapping[str, Any]) -> list[str] | None:
        """A dropdown's choices: the listed values, or the values of the range it names; None when unknown."""
        condition = rule.get("condition") or {}
        values = [str((v or {}).get("userEnteredValue", "")) for v in condition.get("values") or []]
        if condition.get("type") == "ONE_OF_LIST":
            return values
        if condition.get("type") != "ONE_OF_RANGE" or not values:
            return None
        text = values[0].lstrip("=")
        if text not in self._lists:
            try:
                sheet, box = resolve(self.book, text)
            except ApiError:
                return None
            found = []
            for r in range(box.start_row, min(box.end_row, len(rows_of(sheet)))):
                for c in range(box.start_col, box.end_col):
                    shown = formatted(get_cell(sheet, r, c))
                    if shown and shown not in found:
                        found.append(shown)
            self._lists[text] = found
        return self._lists[text]

    # ---- drawing -----------------------------------------------------------------------------------

    def html(self) -> str:
        columns = self.columns()
        shown, hidden = self.rows()
        offsets = self._frozen_offsets(columns)
        colgroup = f"<col style='width:{ROW_NUMBER_PIXELS}px'>" + "".join(
            f"<col style='width:{self.width(c)}px'>" for c in columns
        )
        letters = "<tr><th class='h'></th>" + "".join(self._letter(c) for c in columns) + "</tr>"
        head = [letters]
        body: list[str] = []
        for r in range(shown):
            classes = " class='frozen-last'" if r == self.frozen_rows - 1 else ""
            if classes:
                self.seen.add("frozen")
            line = f"<tr{classes}><th class='h'>{r + 1}</th>" + "".join(self.cell(r, c, offsets) for c in columns)
            (head if r < self.frozen_rows else body).append(line + "</tr>")
        more = ""
        if hidden:
            more = f"<p class='legend'>{hidden} baris berikutnya tidak ditampilkan.</p>"
        total_width = ROW_NUMBER_PIXELS + sum(self.width(c) for c in columns)
        return (
            f"<div class='scroll'><table class='grid' style='width:{total_width}px'><colgroup>{colgroup}</colgroup>"
            f"<thead>{''.join(head)}</thead><tbody>{''.join(body)}</tbody></table></div>{more}"
        )

    def _frozen_offsets(self, columns: list[int]) -> dict[int, int]:
        offsets, left = {}, ROW_NUMBER_PIXELS
        for c in columns:
            if c >= self.frozen_cols:
                break
            offsets[c] = left
            left += self.width(c)
        return offsets

    def _letter(self, col: int) -> str:
        protected = self.column_protection(col)
        if protected is None:
            return f"<th class='h'>{column_letter(col)}</th>"
        return f"<th class='h' title='{escape(_protection_text(protected))}'>{column_letter(col)}{LOCK}</th>"

    def cell(self, row: int, col: int, offsets: Mapping[int, int]) -> str:
        cell = get_cell(self.sheet, row, col)
        classes: list[str] = []
        titles: list[str] = []
        look = _look((cell or {}).get("fmt"))
        look.update(self.conditional_look(row, col, cell))
        protected = self.protection(row, col)
        if protected is not None:
            self.seen.add("locked")
            classes.append("locked")
            titles.append(_protection_text(protected))
        if col in offsets:
            look.update({"position": "sticky", "left": f"{offsets[col]}px", "z-index": "1"})
        content, valid = self._content(cell, classes, titles)
        if not valid:
            classes.append("invalid")
        attributes = f" class='{' '.join(classes)}'" if classes else ""
        if look:
            attributes += " style='" + ";".join(f"{k}:{v}" for k, v in look.items()) + "'"
        if titles:
            attributes += f" title='{escape(' · '.join(titles))}'"
        return f"<td{attributes}>{content}</td>"

    def _content(self, cell: Cell | None, classes: list[str], titles: list[str]) -> tuple[str, bool]:
        """The cell's inner HTML and whether its value passes its validation."""
        shown = formatted(cell) or str((cell or {}).get("f", ""))
        value = effective(cell)
        rule = (cell or {}).get("dv")
        note = (cell or {}).get("note")
        if isinstance(note, str) and note:
            titles.append(note)
        if isinstance(rule, Mapping):
            message = rule.get("inputMessage")
            if isinstance(message, str) and message:
                titles.append(message)
            kind = (rule.get("condition") or {}).get("type")
            if kind == "BOOLEAN":
                classes.append("ctr")
                if not shown or "b" in value:
                    self.seen.add("checkbox")
                    checked = " checked" if value.get("b") is True else ""
                    return f"<input type='checkbox' disabled{checked} aria-label='centang'>", True
                return escape(shown), False
            choices = self.choices(rule) if rule.get("showCustomUi") else None
            if choices is not None:
                self.seen.add("select")
                valid = not shown or shown in choices
                options = [] if shown in choices else [shown]
                tags = "".join(
                    f"<option{' selected' if option == shown else ''}>{escape(option)}</option>"
                    for option in [*options, *choices]
                )
                return f"<select disabled aria-label='pilihan'>{tags}</select>", valid
        if "n" in value:
            classes.append("n")
        elif "b" in value:
            classes.append("ctr")
        elif shown.startswith(("http://", "https://")):
            return f"<span class='url'>{escape(shown)}</span>", True
        return escape(shown), True


def _protection_text(protected: Mapping[str, Any]) -> str:
    description = str(protected.get("description") or "Rentang dilindungi")
    if protected.get("warningOnly"):
        return f"{description} (mengubahnya memunculkan peringatan)"
    return f"{description} (terkunci)"


LEGEND = {
    "checkbox": "<span><input type='checkbox' disabled checked aria-label='contoh'> kotak centang</span>",
    "select": "<span>▾ pilihan (dropdown)</span>",
    "locked": "<span>" + LOCK + " kolom dilindungi, diisi otomatis</span>",
    "frozen": "<span>garis tebal: baris beku (tetap di atas saat digulir)</span>",
    "coloured": "<span>warna: format bersyarat tab ini</span>",
}


def render_book(book: Book, only: str | None = None, columns: str | None = None) -> str:
    """The spreadsheet's tabs as HTML, in their order (just `only` when it names one), with a tab bar;
    `columns` (`A,G,K-T`) keeps those columns only."""
    ordered = sorted(sheets_of(book), key=lambda s: s["properties"]["index"])
    chosen = [s for s in ordered if only is None or str(s["properties"]["title"]).casefold() == only.casefold()]
    chosen = chosen or ordered
    bar = "".join(
        f"<a href='?tab={escape(quote(str(s['properties']['title']), safe=''))}'"
        f"{' class=on' if len(chosen) == 1 and s is chosen[0] else ''}>{escape(str(s['properties']['title']))}</a>"
        for s in ordered
    )
    parts = [f"<nav class='tabs'>{bar}</nav>"]
    for sheet in chosen:
        title = escape(str(sheet["properties"]["title"]))
        hidden = " <span class='meta'>(tersembunyi)</span>" if sheet["properties"].get("hidden") else ""
        if len(chosen) > 1 or hidden:  # one tab alone is named by the tab bar already
            parts.append(f"<h2 id='tab-{int(sheet['properties']['sheetId'])}'>{title}{hidden}</h2>")
        view = TabView(book, sheet, parse_columns(columns))
        table = view.html()
        shown = "".join(text for key, text in LEGEND.items() if key in view.seen)
        if shown:
            parts.append(f"<p class='legend'>{shown}</p>")
        parts.append(table)
    return "".join(parts)
