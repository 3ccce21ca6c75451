"""Hostile answers against Google's cell limits: nothing typed into a form stops the write-back of the others."""

from __future__ import annotations

from pathlib import Path

import requests

from pipeline.core.cells import CELL_CHARS, CUT_MARKER
from pipeline.cycle import run_cycle
from pipeline.sandbox.server import Sandbox

from .chaos import open_app, review_worksheet
from .world import blog_posts, make_world, response_row


def _code(n: int) -> str:
    return f"MM-20261122-{n:04d}"


def test_answers_longer_than_a_cell_are_cut_held_and_the_other_stories_land(sandbox: Sandbox, tmp_path: Path) -> None:
    body = "\u0958" * 30_000  # 30,000 characters typed, 60,000 once Google normalises them (NFC)
    photos = ", ".join(f"https://drive.google.com/open?id={'x' * 28}{n:05d}" for n in range(600))
    rows = [
        response_row(1),
        [*response_row(2)[:6], body, ""],
        response_row(3, photos=photos),
        [*response_row(4)[:4], "a" * 45_000, *response_row(4)[5:]],
        response_row(5),
    ]
    world = make_world(sandbox.url, tmp_path, rows)
    app = open_app(world)
    try:
        report = run_cycle(app)
        assert report.queued == 5 and report.errors == []
        sheet = review_worksheet(world)
        found = {r["Kode"]: r for r in sheet.get_all_records()}
        assert list(found) == [_code(n) for n in range(1, 6)]
        for n, words in ((2, "Isi berita terlalu panjang"), (3, "Terlalu banyak foto"), (4, "Nama operator")):
            assert (found[_code(n)]["Status"], words in found[_code(n)]["Pesan"]) == ("Perlu perbaikan", True), n
        cut = str(found[_code(2)]["Isi"])
        assert len(cut) <= CELL_CHARS and cut.endswith(CUT_MARKER.strip())
        for n in (1, 5):
            header = sheet.row_values(1)
            row = next(i for i, r in enumerate(sheet.get_all_values(), start=1) if r[0] == _code(n))
            sheet.update_cell(row, header.index("Setujui") + 1, True)
        assert run_cycle(app).count("publish") == 2
    finally:
        app.close()
    assert len(blog_posts(world.endpoint, world.blog_id)) == 2


def test_a_batch_google_refuses_for_one_row_is_split_and_the_others_land(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 6)])
    rule = {"match": "sheets.spreadsheets.batchUpdate", "status": 400, "body_contains": _code(3), "times": 100}
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
    app = open_app(world)
    try:
        report = run_cycle(app)
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
        codes = [r["Kode"] for r in review_worksheet(world).get_all_records()]
        assert codes == [_code(1), _code(2), _code(4), _code(5)]
        [line] = report.errors
        assert line.startswith(f"{_code(3)}: Google refused this part of the write-back")
        again = run_cycle(app)
        assert again.queued == 1 and again.errors == []
        assert sorted(r["Kode"] for r in review_worksheet(world).get_all_records()) == [_code(n) for n in range(1, 6)]
    finally:
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10)
        app.close()
