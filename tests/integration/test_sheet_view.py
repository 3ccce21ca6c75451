"""The sandbox's sheet page shows what `mymein init` set, as officers see it in Google Sheets, over real HTTP:
checkboxes, dropdowns, status colours from the conditional format rules, the frozen header, locked columns,
widths; and whatever officers or operators typed stays text on a page that runs nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.core.complaints import ComplaintStatus
from pipeline.core.model import Mode, Status
from pipeline.google.sheet_setup import COMPLAINT_STATUS_COLORS, STATUS_COLORS, WIDTHS
from pipeline.ops.showcase import Showcase, build_showcase
from pipeline.sandbox.demo_data import DEMO_DEPARTMENTS
from pipeline.sandbox.server import Sandbox
from pipeline.sandbox.sheet_view import MAX_ROWS, hex_colour
from tests.xss_vectors import VECTORS

# ---- the page, parsed as a browser would ---------------------------------------------------------


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    inner: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    options: list[tuple[str, bool]] = field(default_factory=list)  # a dropdown's (text, selected)
    in_head: bool = False

    @property
    def style(self) -> str:
        return self.attrs.get("style", "")

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


@dataclass
class Row:
    attrs: dict[str, str]
    in_head: bool
    cells: list[Cell] = field(default_factory=list)


class Page(HTMLParser):
    """Every tag with its attributes, and the grid tables' rows and cells (text and inner tags)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.tables: list[list[Row]] = []
        self._head = False
        self._cell: Cell | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag == "table":
            self.tables.append([])
        elif tag == "thead":
            self._head = True
        elif tag == "tbody":
            self._head = False
        elif tag == "tr":
            self.tables[-1].append(Row(found, self._head))
        elif tag in ("td", "th"):
            self._cell = Cell(tag, found, in_head=self._head)
            self.tables[-1][-1].cells.append(self._cell)
        elif self._cell is not None:
            self._cell.inner.append((tag, found))
            if tag == "option":
                self._cell.options.append(("", "selected" in found))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is None:
            return
        if self._cell.inner and self._cell.inner[-1][0] == "option":
            text, selected = self._cell.options[-1]
            self._cell.options[-1] = (text + data, selected)
        else:
            self._cell.text += data


def grid(page: Page, header_first: str) -> tuple[list[str], list[Row]]:
    """The table whose first sheet row starts with `header_first`: (header texts, every sheet row) — the
    column letters row and the row numbers left out."""
    for table in page.tables:
        rows = [Row(r.attrs, r.in_head, r.cells[1:]) for r in table[1:]]
        if rows and rows[0].cells and rows[0].cells[0].text == header_first:
            return [c.text for c in rows[0].cells], rows
    raise AssertionError(f"no tab starting with {header_first!r}")


def fetch(sandbox: Sandbox, spreadsheet_id: str, tab: str | None = None) -> requests.Response:
    params = {"tab": tab} if tab else None
    answer = requests.get(f"{sandbox.url}/_sandbox/sheets/{spreadsheet_id}", params=params, timeout=10)
    answer.raise_for_status()
    return answer


@pytest.fixture(scope="module")
def showcase(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Showcase:
    """`mymein init` on the demo's review spreadsheet, then the demo's cycles with the officer at work; the
    command run again finds nothing to add, so the page shows exactly what `mymein init` sets."""
    showcase = build_showcase(tmp_path_factory.mktemp("showcase"), sandbox.url)
    again = CliRunner().invoke(main, ["--config", str(showcase.config), "init"])
    assert again.exit_code == 0 and "nothing was missing" in again.output, again.output
    return showcase


# ---- what init set, drawn -----------------------------------------------------------------------


def test_review_tab_shows_checkboxes_dropdowns_and_status_colours(sandbox: Sandbox, showcase: Showcase) -> None:
    answer = fetch(sandbox, showcase.world.review_spreadsheet_id, "Berita")
    page = Page(answer.text)
    header, rows = grid(page, "Kode")
    approve, mode, status = header.index("Setujui"), header.index("Mode"), header.index("Status")
    data = [r for r in rows[1:] if r.cells[0].text]
    assert len(data) >= 10

    # Checkboxes in Setujui, ticked where the officer approved, and under the data too (the rule covers
    # the column), never a bare TRUE.
    boxes = [r.cells[approve].inner for r in rows[1:]]
    assert all(inner and inner[0][0] == "input" and inner[0][1]["type"] == "checkbox" for inner in boxes)
    ticked = [r for r in data if "checked" in r.cells[approve].inner[0][1]]
    assert ticked and all(r.cells[approve].text.strip() == "" for r in data)
    assert len(rows) > len(data) + 1  # blank rows below, ready for the next answers

    # The Mode dropdown offers exactly the pipeline's modes, with the officer's choice selected.
    for row in data:
        assert row.cells[mode].inner[0][0] == "select"
        assert [text for text, _ in row.cells[mode].options] == [m.value for m in Mode]
    chosen = {text for r in data for text, selected in r.cells[mode].options if selected}
    assert {"Terbit", "Draf"} <= chosen <= {m.value for m in Mode}

    # Colours: every status on the sheet wears the colour init gave it; 'Terbit' is green.
    published = [r for r in data if r.cells[status].text == Status.PUBLISHED.value]
    assert published and hex_colour(STATUS_COLORS[Status.PUBLISHED]) == "#d9f0d1"
    assert all("background-color:#d9f0d1" in r.cells[status].style for r in published)
    for row in data:
        shown = Status(row.cells[status].text)
        colour = STATUS_COLORS.get(shown)
        if colour is None:
            assert "background-color" not in row.cells[status].style
        else:
            assert f"background-color:{hex_colour(colour)}" in row.cells[status].style
    assert len({r.cells[status].text for r in data}) >= 4


def test_frozen_header_locked_columns_and_widths(sandbox: Sandbox, showcase: Showcase) -> None:
    answer = fetch(sandbox, showcase.world.review_spreadsheet_id, "Berita")
    assert "script-src" not in answer.headers["Content-Security-Policy"]  # default-src 'none' covers scripts
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    page = Page(answer.text)
    header, rows = grid(page, "Kode")
    # The frozen header row stays on top: it is in the sticky head, marked with the frozen line.
    assert rows[0].in_head and "frozen-last" in rows[0].attrs.get("class", "")
    assert not any(r.in_head for r in rows[1:])
    assert "thead{position:sticky" in answer.text
    assert all("font-weight:bold" in c.style for c in rows[0].cells[: len(header)] if c.text)

    # The pipeline's columns carry a lock on their letter and are greyed; the officer's are not.
    table = next(t for t in page.tables if any(r.cells[1:] and r.cells[1].text == "Kode" for r in t))
    letters = table[0].cells[1:]
    locked = {header[i] for i, c in enumerate(letters[: len(header)]) if any(t == "svg" for t, _ in c.inner)}
    assert locked == {"Status", "Tautan", "Post ID", "Diproses", "Pesan"}
    for name in ("Status", "Pesan"):
        cells = [r.cells[header.index(name)] for r in rows[1:]]
        assert all("locked" in c.classes and "diisi otomatis" in c.attrs["title"] for c in cells)
    for name in ("Setujui", "Judul", "Catatan"):
        assert not any("locked" in r.cells[header.index(name)].classes for r in rows)

    # Widths as init set them, one <col> per drawn column after the row numbers.
    widths = [int(re.sub(r"\D", "", a["style"])) for t, a in page.tags if t == "col"]
    assert widths[1 + header.index("Isi")] == WIDTHS["body"] and widths[1 + header.index("Kode")] == WIDTHS["code"]


def test_complaint_tab_offers_the_departments_and_colours_its_statuses(sandbox: Sandbox, showcase: Showcase) -> None:
    page = Page(fetch(sandbox, showcase.world.review_spreadsheet_id, showcase.complaints_tab).text)
    header, rows = grid(page, "Kode")
    data = [r for r in rows[1:] if r.cells[0].text]
    skpd, done, status = header.index("SKPD"), header.index("Selesai"), header.index("Status")
    # The SKPD dropdown lists the SKPD tab's names (ONE_OF_RANGE), read from that tab, the chosen one selected.
    for row in data:
        offered = [text for text, _ in row.cells[skpd].options]
        assert offered[-len(DEMO_DEPARTMENTS) :] == [d[0] for d in DEMO_DEPARTMENTS]
    assert any(selected and text for r in data for text, selected in r.cells[skpd].options)
    assert all(r.cells[done].inner[0][1]["type"] == "checkbox" for r in data)
    for row in data:
        colour = COMPLAINT_STATUS_COLORS[ComplaintStatus(row.cells[status].text)]
        assert f"background-color:{hex_colour(colour)}" in row.cells[status].style


def test_the_responses_tab_and_the_index_are_plain(sandbox: Sandbox, showcase: Showcase) -> None:
    page = Page(fetch(sandbox, showcase.world.form_spreadsheet_id).text)
    header, rows = grid(page, "Cap waktu")
    assert "Judul Berita" in header and len(rows) > 5
    assert not any(t in ("input", "select", "svg") for r in rows for c in r.cells for t, _ in c.inner)
    assert requests.get(f"{sandbox.url}/_sandbox/sheets/nope", timeout=10).status_code == 404


def test_every_page_of_the_sandbox_forbids_scripts(sandbox: Sandbox, showcase: Showcase) -> None:
    # Posts and pages show what operators typed, as cells and e-mails do: one policy for all of them.
    blog = f"{sandbox.url}/_sandbox/blogs/{showcase.world.blog_id}"
    post = re.search(r"href='(/_sandbox/blogs/[0-9]+/posts/[0-9]+)'", requests.get(blog, timeout=10).text)
    assert post is not None
    for url in (f"{sandbox.url}/_sandbox/", blog, f"{sandbox.url}{post.group(1)}"):
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200, url
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'"), url
        assert answer.headers["X-Content-Type-Options"] == "nosniff"


# ---- hostile cells ------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "a", "main", "nav", "p", "span", "h2", "div",
    "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td", "input", "select", "option", "svg", "rect",
    "path", "article", "ul", "li",
}  # fmt: skip
DECLARATION = r"[a-z-]+:[a-z0-9#. -]+"
STYLE = re.compile(rf"^{DECLARATION}(?:;{DECLARATION})*$")


def _batch(sandbox: Sandbox, spreadsheet_id: str, requests_: list[dict[str, Any]]) -> None:
    answer = requests.post(
        f"{sandbox.url}/v4/spreadsheets/{spreadsheet_id}:batchUpdate", json={"requests": requests_}, timeout=10
    )
    assert answer.status_code == 200, answer.text


def test_crafted_cells_rules_and_names_stay_text(sandbox: Sandbox, tmp_path: Path) -> None:
    title = "<script>alert('tab')</script>'\""
    body = {"properties": {"title": "<b>Buku</b>"}, "sheets": [{"properties": {"title": title}}]}
    sid = requests.post(f"{sandbox.url}/v4/spreadsheets", json=body, timeout=10).json()["spreadsheetId"]
    sheet_id = 0
    vectors = VECTORS[:40]
    listed = vectors[3:12]
    rows = [{"values": [{"userEnteredValue": {"stringValue": v}, "note": v} for v in vectors[:3]]} for _ in range(3)]
    column = {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 40, "startColumnIndex": 1, "endColumnIndex": 2}
    _batch(
        sandbox,
        sid,
        [
            {"updateCells": {"start": {"sheetId": sheet_id}, "rows": rows, "fields": "userEnteredValue,note"}},
            {
                "updateCells": {
                    "start": {"sheetId": sheet_id, "columnIndex": 4},
                    "rows": [{"values": [{"userEnteredValue": {"stringValue": v}}]} for v in vectors],
                    "fields": "userEnteredValue",
                }
            },
            {
                "setDataValidation": {
                    "range": column,
                    "rule": {
                        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in listed]},
                        "showCustomUi": True,
                        "inputMessage": vectors[12],
                    },
                }
            },
            {
                "addProtectedRange": {
                    "protectedRange": {
                        "range": {"sheetId": sheet_id, "startColumnIndex": 2, "endColumnIndex": 3},
                        "description": vectors[13],
                        "warningOnly": True,
                    }
                }
            },
            {
                "addConditionalFormatRule": {
                    "rule": {
                        "ranges": [{"sheetId": sheet_id, "startColumnIndex": 4, "endColumnIndex": 5}],
                        "booleanRule": {
                            "condition": {"type": "TEXT_CONTAINS", "values": [{"userEnteredValue": "<"}]},
                            "format": {
                                "backgroundColor": {"red": "1;background:url(//evil.example)", "green": 0.5},
                                "textFormat": {"foregroundColor": {"red": 0.5, "green": 2, "blue": -1}},
                            },
                        },
                    }
                }
            },
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": 4, "endIndex": 5},
                    "properties": {"pixelSize": 300},
                    "fields": "pixelSize",
                }
            },
        ],
    )
    answer = fetch(sandbox, sid)
    page = Page(answer.text)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    assert sum(1 for t, _ in page.tags if t in ("style", "meta")) == 2
    for tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if "style" in attrs:
            assert STYLE.match(attrs["style"]), attrs["style"]
        if tag == "a":
            assert attrs["href"].startswith(("?tab=", "/_sandbox/")), attrs["href"]
        if tag == "input":
            assert attrs["type"] == "checkbox" and "disabled" in attrs
    # Every crafted answer is on the page as the text it is.
    _header, drawn = grid(page, vectors[0])
    assert [r.cells[4].text for r in drawn[: len(vectors)]] == vectors
    colours = {r.cells[4].style for r in drawn[: len(vectors)] if "<" in r.cells[4].text}
    assert colours == {"color:#80ff00"}  # the crafted background is dropped, the clamped text colour kept
    # A value outside the crafted list is shown first, selected, and marked invalid; the list follows.
    assert [text for text, _ in drawn[0].cells[1].options] == [vectors[1], *vectors[3:12]]
    assert "invalid" in drawn[0].cells[1].classes and vectors[12] in drawn[5].cells[1].attrs["title"]
    assert drawn[5].cells[2].attrs["title"].startswith(vectors[13]) and "locked" in drawn[5].cells[2].classes


def test_sent_mail_page_shows_each_notice_as_text(sandbox: Sandbox, showcase: Showcase) -> None:
    import base64

    crafted = "Subject: <img src=x onerror=alert(1)>\r\nTo: <b>x</b>@example.com\r\n\r\n<script>alert(1)</script>"
    raw = base64.urlsafe_b64encode(crafted.encode()).decode()
    sent = requests.post(f"{sandbox.url}/gmail/v1/users/me/messages/send", json={"raw": raw}, timeout=10)
    assert sent.status_code == 200, sent.text
    listing = requests.get(f"{sandbox.url}/_sandbox/gmail", timeout=10)
    page = Page(listing.text)
    links = [a["href"] for t, a in page.tags if t == "a" and a["href"].startswith("/_sandbox/gmail/")]
    assert len(links) >= 10 and "Berita Anda sudah terbit" in listing.text
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS | {"pre"} and "&lt;script&gt;" in listing.text
    one = requests.get(f"{sandbox.url}{links[0]}", timeout=10)
    assert one.status_code == 200 and "&lt;img src=x onerror=alert(1)&gt;" in one.text
    assert one.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert requests.get(f"{sandbox.url}/_sandbox/gmail/{'x' * 16}", timeout=10).status_code == 404


def test_an_officer_reshaping_the_tab_moves_colours_locks_and_widths_with_the_columns(
    sandbox: Sandbox, showcase: Showcase
) -> None:
    copy = sandbox.app.sheets.copy_spreadsheet(showcase.world.review_spreadsheet_id, "Salinan latihan")
    assert copy is not None
    book = requests.get(f"{sandbox.url}/v4/spreadsheets/{copy}", timeout=10).json()
    berita = next(s for s in book["sheets"] if s["properties"]["title"] == "Berita")["properties"]["sheetId"]
    header, _ = grid(Page(fetch(sandbox, copy, "Berita").text), "Kode")
    title = header.index("Judul")
    # Two columns inserted at the left, the Judul column deleted, rows sorted by Status: the rules go along.
    _batch(
        sandbox,
        copy,
        [
            {"insertDimension": {"range": {"sheetId": berita, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2}}},
            {
                "deleteDimension": {
                    "range": {
                        "sheetId": berita,
                        "dimension": "COLUMNS",
                        "startIndex": title + 2,
                        "endIndex": title + 3,
                    }
                }
            },
            {
                "sortRange": {
                    "range": {"sheetId": berita, "startRowIndex": 1, "endRowIndex": 40},
                    "sortSpecs": [{"dimensionIndex": header.index("Status") + 1, "sortOrder": "ASCENDING"}],
                }
            },
        ],
    )
    page = Page(fetch(sandbox, copy, "Berita").text)
    moved, rows = grid(page, "")
    assert moved[2] == "Kode" and "Judul" not in moved
    status = moved.index("Status")
    published = [r for r in rows[1:] if r.cells[status].text == Status.PUBLISHED.value]
    assert published and all("background-color:#d9f0d1" in r.cells[status].style for r in published)
    assert all("locked" in r.cells[status].classes for r in rows[1:])
    assert not any("locked" in r.cells[moved.index("Setujui")].classes for r in rows[1:])
    widths = [int(re.sub(r"\D", "", a["style"])) for t, a in page.tags if t == "col"]
    assert widths[1 + moved.index("Isi")] == WIDTHS["body"]


def test_a_long_tab_is_cut_with_a_note(sandbox: Sandbox) -> None:
    body = {"properties": {"title": "Panjang"}, "sheets": [{"properties": {"title": "Data"}}]}
    sid = requests.post(f"{sandbox.url}/v4/spreadsheets", json=body, timeout=10).json()["spreadsheetId"]
    rows = [[f"baris {n}"] for n in range(1, MAX_ROWS + 501)]
    answer = requests.post(
        f"{sandbox.url}/v4/spreadsheets/{sid}/values/Data!A1:append",
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        json={"values": rows},
        timeout=30,
    )
    answer.raise_for_status()
    page = fetch(sandbox, sid)
    _header, drawn = grid(Page(page.text), "baris 1")
    assert len(drawn) == MAX_ROWS and drawn[-1].cells[0].text == f"baris {MAX_ROWS}"
    assert "500 baris berikutnya tidak ditampilkan." in page.text
