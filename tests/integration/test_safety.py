"""Nothing an operator types runs anywhere: not as script on the blog, not as a formula in the review sheet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests
from gspread.utils import ValueInputOption

from pipeline.app import build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.core.review import column_letter
from pipeline.core.text import plain_text
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from ..htmlcheck import executable_parts
from ..xss_vectors import VECTORS
from .world import blog_posts, make_world, response_row

FORMULAS = [
    '=IMPORTXML("https://evil.example/","//a")',
    '=HYPERLINK("https://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "=1+1",
]


def _approve_all(config: Path, spreadsheet_id: str, rows: int) -> None:
    sheet = officer_sheets_client(load_settings(config)).open_by_key(spreadsheet_id).worksheet("Berita")
    letter = column_letter(sheet.row_values(1).index("Setujui"))
    sheet.update([[True]] * rows, f"{letter}2:{letter}{rows + 1}", value_input_option=ValueInputOption.user_entered)


def test_xss_vectors_through_form_sheet_and_blog_leave_nothing_executable(sandbox: Sandbox, tmp_path: Path) -> None:
    rows: list[list[Any]] = []
    for n, vector in enumerate(VECTORS, start=1):
        row = response_row(n, title=f"Uji {n} {vector}" if n % 2 else f"Uji {n} keamanan")
        row[6] = f"Paragraf pertama {n}.\n\n{vector}\n\nAkhir {n} {vector} https://balangankab.go.id/berita"
        rows.append(row)
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(world.config.read_text() + "  daily_post_limit: 500\n", encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        _approve_all(world.config, world.review_id, len(VECTORS))
        report = run_cycle(app)
    finally:
        app.close()
    assert report.count("publish") == len(VECTORS), report.errors
    posts = blog_posts(world.endpoint, world.blog_id)
    assert len(posts) == len(VECTORS)
    for post in posts:
        n = int(post["title"].split()[1])
        assert executable_parts(post["content"]) == [], (n, VECTORS[n - 1])
        # The operator's words survive as text; only markup is lost.
        assert f"Paragraf pertama {n}." in post["content"] and f"Akhir {n} " in post["content"]
        # Titles are plain text: the markup is gone from them too, the words stay.
        assert post["title"] == plain_text(rows[n - 1][5])
        assert not re.search(r"<[A-Za-z!/?]", post["title"]), (n, post["title"])
        page = requests.get(post["url"], timeout=10)
        page.raise_for_status()
        body = page.text.split("</head>", 1)[1]  # the head is the sandbox's own (charset, stylesheet)
        assert executable_parts(body) == [], (n, VECTORS[n - 1])
        links = links_in(post["content"])
        assert all(link.startswith(("https://", "http://")) for link in links), (n, links)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend(value or "" for name, value in attrs if name in {"href", "src"})


def links_in(html: str) -> list[str]:
    """Every href and src in the post, as a browser reads them (entities decoded)."""
    parser = _Links()
    parser.feed(html)
    parser.close()
    return parser.found


def test_text_that_looks_like_a_formula_stays_text_in_the_review_sheet(sandbox: Sandbox, tmp_path: Path) -> None:
    rows: list[list[Any]] = []
    for n, formula in enumerate(FORMULAS, start=1):
        row = response_row(n, title=formula)
        row[4] = formula  # operator name
        row[6] = formula  # body
        rows.append(row)
    world = make_world(sandbox.url, tmp_path, rows)
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
    finally:
        app.close()
    grid = requests.get(
        f"{world.endpoint}/v4/spreadsheets/{world.review_id}",
        params={"includeGridData": "true", "ranges": "Berita"},
        timeout=10,
    ).json()
    [data] = grid["sheets"][0]["data"]
    header = [c.get("userEnteredValue", {}).get("stringValue", "") for c in data["rowData"][0]["values"]]
    seen: list[str] = []
    for row_data in data["rowData"][1:]:
        cells = row_data["values"]
        for cell in cells:
            assert "formulaValue" not in cell.get("userEnteredValue", {}), cell
        by_name = {name: cells[i].get("userEnteredValue", {}) for i, name in enumerate(header) if i < len(cells)}
        if not by_name.get("Kode"):
            continue  # an empty row of the grid
        assert by_name["Judul"] == by_name["Operator"] == by_name["Isi"]
        assert "stringValue" in by_name["Judul"], by_name
        seen.append(by_name["Judul"]["stringValue"])
    assert sorted(seen) == sorted(FORMULAS)
