"""People make mistakes: each test makes one an officer or an administrator makes, through the sandbox, and ends
with the chaos suite's verdict: every story once on the sheet, every approved story one post, nothing published
that nobody approved. A mistake may stop the cycle with one clear line; it never doubles, loses or publishes.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from click.testing import CliRunner
from gspread.utils import ValueRenderOption, rowcol_to_a1

from pipeline.app import App, build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import CycleReport, run_cycle
from pipeline.ledger import LEDGER_FILE
from pipeline.sandbox.server import Sandbox

from .chaos import NO_SLEEP, Verdict, judge, open_app, review_worksheet
from .conftest import Inbox
from .test_chaos import hold, wait_until_held
from .test_notices import _notices_yaml
from .world import World, append_responses, blog_posts, make_world, response_row

STORIES = 6


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Desk:
    """A regency's desk after two cycles: 6 stories, 1 and 2 published, 3 a draft, 4 rejected, 5 and 6 waiting."""

    world: World
    approved: set[str] = field(default_factory=set)
    responses: int = STORIES
    tab: str = "Berita"

    def cycle(self) -> CycleReport:
        app = open_app(self.world)
        try:
            return run_cycle(app)
        finally:
            app.close()

    def app(self) -> App:
        return open_app(self.world)

    def sheet(self) -> gspread.Worksheet:
        return review_worksheet(self.world, self.tab)

    def rows(self) -> dict[str, dict[str, Any]]:
        return {str(r["Kode"]): r for r in self.sheet().get_all_records() if r["Kode"]}

    def officer_sets(self, code: str, **cells: Any) -> None:
        sheet = self.sheet()
        header = sheet.row_values(1)
        found = sheet.find(code, in_column=header.index("Kode") + 1)
        assert found is not None
        updates = [
            {"range": rowcol_to_a1(found.row, header.index(name) + 1), "values": [[value]]}
            for name, value in cells.items()
        ]
        sheet.batch_update(updates, value_input_option="USER_ENTERED")
        if cells.get("Setujui") is True:
            self.approved.add(code)

    def verdict(self) -> Verdict:
        return judge(self.world, self.approved, self.responses, tab=self.tab)

    def posts(self) -> list[dict[str, Any]]:
        return blog_posts(self.world.endpoint, self.world.blog_id)


def code(n: int) -> str:
    return f"MM-20261122-{n:04d}"


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Iterator[Desk]:
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, STORIES + 1)])
    desk = Desk(world)
    desk.cycle()
    desk.officer_sets(code(1), Setujui=True)
    desk.officer_sets(code(2), Setujui=True)
    desk.officer_sets(code(3), Setujui=True, Mode="Draf")
    desk.officer_sets(code(4), Tolak=True, Catatan="Foto kurang jelas")
    desk.officer_sets(code(5), Mode="Draf", Catatan="tunggu konfirmasi kades")
    desk.cycle()
    yield desk


def quiet(report: CycleReport) -> bool:
    return not (report.errors or report.outcomes or report.cells_written or report.queued or report.restored)


def snapshot(sheet: gspread.Worksheet) -> list[list[Any]]:
    """The tab as the version history keeps it: values as they are, booleans and numbers included."""
    return [list(r) for r in sheet.get(value_render_option=ValueRenderOption.unformatted)]


def put_back(sheet: gspread.Worksheet, values: list[list[Any]]) -> None:
    """Restore a version: the tab reads exactly as it did (later rows gone)."""
    sheet.clear()
    sheet.update(values, "A1", raw=True)


# --- the review tab renamed, cleared, replaced -----------------------------------------------------------
def test_a_renamed_review_tab_is_followed_and_nothing_is_appended_twice(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    desk.sheet().update_title("Berita Lama")
    desk.tab = "Berita Lama"
    append_responses(desk.world.endpoint, desk.world.form_id, [response_row(7)])
    desk.responses = 7
    with caplog.at_level(logging.WARNING, logger="mymein.tabs"):
        first = desk.cycle()
    assert "review tab 'Berita' was renamed to 'Berita Lama'; following it" in caplog.messages
    assert (first.queued, first.restored, first.errors) == (1, 0, [])
    for _ in range(2):
        assert quiet(desk.cycle())
    book = desk.sheet().spreadsheet
    assert [w.title for w in book.worksheets()] == ["Berita Lama"]  # no second review tab
    doctor = CliRunner().invoke(main, ["--config", str(desk.world.config), "doctor"])
    assert "review tab 'Berita' (now named 'Berita Lama', followed)" in doctor.output
    assert len(desk.rows()) == 7
    desk.officer_sets(code(7), Setujui=True)
    assert desk.cycle().count("publish") == 1
    assert desk.verdict().clean, desk.verdict().details


def test_a_new_tab_under_the_configured_name_while_ours_is_renamed_stops_with_one_line(desk: Desk) -> None:
    book = desk.sheet().spreadsheet
    desk.sheet().update_title("Berita Lama")
    book.add_worksheet("Berita", rows=100, cols=20)
    result = CliRunner().invoke(main, ["--config", str(desk.world.config), "sync"])
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith(
        "error: review tab: 'Berita' is not the tab MyMeIn has used, which is now named 'Berita Lama'"
    )
    assert "mymein init" in line
    assert not any(any(row) for row in book.worksheet("Berita").get_all_values())  # nothing written there
    doctor = CliRunner().invoke(main, ["--config", str(desk.world.config), "doctor"])
    assert doctor.exit_code != 0 and "not the tab MyMeIn has used" in doctor.output
    desk.tab = "Berita Lama"
    assert desk.verdict().clean
    # The administrator takes the new tab on purpose: the stories come to it, the old tab is no longer read.
    init = CliRunner().invoke(main, ["--config", str(desk.world.config), "init"])
    assert init.exit_code == 0, init.output
    desk.tab = "Berita"
    assert desk.cycle().restored == STORIES
    assert quiet(desk.cycle())
    assert desk.verdict().clean, desk.verdict().details


def test_a_deleted_review_tab_comes_back_whole(desk: Desk) -> None:
    book = desk.sheet().spreadsheet
    book.add_worksheet("Lain", rows=10, cols=5)  # a spreadsheet keeps one tab at least
    book.del_worksheet(desk.sheet())
    report = desk.cycle()
    assert report.restored == STORIES
    assert quiet(desk.cycle())
    assert desk.verdict().clean, desk.verdict().details


def test_a_cleared_review_tab_is_restored_in_one_write_back_as_it_was(desk: Desk, sandbox: Sandbox) -> None:
    before = desk.rows()
    desk.sheet().clear()
    report = desk.cycle()
    assert report.restored == STORIES
    after = desk.rows()
    for c, row in before.items():
        kept = {k: v for k, v in row.items() if k not in ("Pesan", "Diproses")}
        assert {k: after[c][k] for k in kept} == kept, c
        assert "dikembalikan" in after[c]["Pesan"]
    assert "Foto kurang jelas" in after[code(4)]["Pesan"]
    assert quiet(desk.cycle())
    # The officers carry on where they were: an edit updates the post, an untick takes it off the blog.
    desk.officer_sets(code(1), Isi="Isi yang sudah diperbaiki.")
    desk.officer_sets(code(2), Setujui=False)
    done = desk.cycle()
    assert (done.count("update"), done.count("retract"), done.count("publish")) == (1, 1, 0)
    assert len(desk.posts()) == 3
    assert desk.verdict().clean, desk.verdict().details


# --- rows --------------------------------------------------------------------------------------------------
def test_a_deleted_kode_is_given_back_and_nothing_is_posted_or_restored_twice(desk: Desk) -> None:
    sheet = desk.sheet()
    header = sheet.row_values(1)
    for c in (code(1), code(6)):  # a published row (by its Post ID) and a waiting one (by its text)
        found = sheet.find(c, in_column=header.index("Kode") + 1)
        assert found is not None
        sheet.update_cell(found.row, header.index("Kode") + 1, "")
    found = sheet.find("Berita nomor 6", in_column=header.index("Judul") + 1)
    assert found is not None
    sheet.update_cell(found.row, header.index("Setujui") + 1, True)  # ticked while its Kode was gone
    desk.approved.add(code(6))
    report = desk.cycle()
    assert (report.restored, report.count("publish")) == (0, 1)
    rows = desk.rows()
    assert len(sheet.get_all_values()) == STORIES + 1  # no restored copy beside the row
    assert rows[code(1)]["Status"] == "Terbit" and rows[code(6)]["Status"] == "Terbit"
    assert quiet(desk.cycle())
    assert desk.verdict().clean, desk.verdict().details


def test_a_copied_row_keeps_its_story_once(desk: Desk) -> None:
    sheet = desk.sheet()
    values = snapshot(sheet)
    sheet.append_rows([values[1], values[5]], value_input_option="RAW", table_range="A1")  # 1 published, 5 waiting
    desk.cycle()
    assert quiet(desk.cycle())
    assert desk.verdict().clean, desk.verdict().details
    copies = [r for r in sheet.get_all_records() if not r["Kode"]]
    assert [r["Pesan"][:28] for r in copies] == ["Salinan baris MM-20261122-00"] * 2


def test_an_old_version_of_the_spreadsheet_restored_redoes_no_decision(desk: Desk) -> None:
    old = snapshot(desk.sheet())
    desk.officer_sets(code(2), Setujui=False)  # taken off the blog after the version was saved
    desk.officer_sets(code(5), Setujui=True, Mode="Terbit")
    desk.cycle()
    append_responses(desk.world.endpoint, desk.world.form_id, [response_row(7)])
    desk.responses = 7
    desk.cycle()
    now = desk.rows()
    put_back(desk.sheet(), old)  # 2 ticked again, 5 waiting, 7 not there
    report = desk.cycle()
    assert report.outcomes == []  # 2 is not put back on the blog, 5 not taken off
    assert report.restored == 1
    after = desk.rows()
    for c in now:
        assert {k: after[c][k] for k in now[c] if k != "Pesan"} == {k: v for k, v in now[c].items() if k != "Pesan"}
    assert "keadaan lama" in after[code(2)]["Pesan"] and "keadaan lama" in after[code(5)]["Pesan"]
    assert quiet(desk.cycle())
    assert [p["status"] for p in desk.posts() if code(2) in p["content"]] == ["DRAFT"]
    assert desk.verdict().clean, desk.verdict().details


def test_the_kode_column_moved_and_the_rows_sorted_change_nothing(desk: Desk) -> None:
    sheet = desk.sheet()
    header = sheet.row_values(1)
    width = len(header)
    move = {
        "moveDimension": {
            "source": {"sheetId": sheet.id, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
            "destinationIndex": width,
        }
    }
    sort = {
        "sortRange": {
            "range": {"sheetId": sheet.id, "startRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": width},
            "sortSpecs": [{"dimensionIndex": header.index("Judul") - 1, "sortOrder": "DESCENDING"}],
        }
    }
    sheet.spreadsheet.batch_update({"requests": [move, sort]})
    assert quiet(desk.cycle())
    desk.officer_sets(code(6), Setujui=True)
    assert desk.cycle().count("publish") == 1
    assert desk.verdict().clean, desk.verdict().details


# --- the ledger lost, or restored from an old backup ------------------------------------------------------
def _with_notices(desk: Desk, port: int) -> None:
    config = desk.world.config.read_text(encoding="utf-8") + _notices_yaml(port)
    desk.world.config.write_text(config, encoding="utf-8")


def _ledger_files(desk: Desk) -> list[Path]:
    state = load_settings(desk.world.config).state_dir
    return [state / (LEDGER_FILE + suffix) for suffix in ("", "-wal", "-shm")]


@pytest.fixture
def mailed_desk(sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[tuple[Desk, Inbox]]:
    """The desk with e-mail notices to operators: 1 and 2 published, 4 rejected, each told once."""
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, STORIES + 1)])
    desk = Desk(world)
    _with_notices(desk, inbox[1])
    desk.cycle()
    backup = tmp_path / "backup"
    backup.mkdir()
    for path in _ledger_files(desk):  # a backup taken while every story still waited
        if path.exists():
            shutil.copy(path, backup / path.name)
    desk.officer_sets(code(1), Setujui=True)
    desk.officer_sets(code(2), Setujui=True)
    desk.officer_sets(code(3), Setujui=True, Mode="Draf")
    desk.officer_sets(code(4), Tolak=True, Catatan="Foto kurang jelas")
    desk.cycle()
    append_responses(world.endpoint, world.form_id, [response_row(7)])
    desk.responses = 7
    desk.cycle()
    desk.officer_sets(code(7), Setujui=True)
    desk.cycle()
    assert len(inbox[0].messages) == 4  # published 1, 2, 7; rejected 4
    yield desk, inbox[0]


def test_a_lost_ledger_is_rebuilt_by_the_next_cycle_and_nothing_is_posted_or_mailed_twice(
    mailed_desk: tuple[Desk, Inbox], caplog: pytest.LogCaptureFixture
) -> None:
    desk, mail = mailed_desk
    before = desk.rows()
    for path in _ledger_files(desk):
        path.unlink(missing_ok=True)
    append_responses(desk.world.endpoint, desk.world.form_id, [response_row(8)])
    desk.responses = 8
    with caplog.at_level(logging.WARNING, logger="mymein.recovery"):
        report = desk.cycle()
    assert report.adopted == 7 and report.queued == 1 and report.outcomes == []
    assert any("the ledger lacked 7 stories" in m for m in caplog.messages)
    after = desk.rows()
    assert list(after) == [*before, code(8)]  # the new answer gets the next code, none repeats
    for c, row in before.items():
        assert {k: after[c][k] for k in ("Status", "Tautan", "Post ID", "Setujui", "Tolak", "Mode")} == {
            k: row[k] for k in ("Status", "Tautan", "Post ID", "Setujui", "Tolak", "Mode")
        }
    assert quiet(desk.cycle())
    desk.officer_sets(code(8), Setujui=True)
    assert desk.cycle().count("publish") == 1
    assert len(mail.messages) == 5  # only the new story's publication
    assert len(desk.posts()) == 5
    assert desk.verdict().clean, desk.verdict().details


def test_a_ledger_restored_from_an_old_backup_redoes_nothing(mailed_desk: tuple[Desk, Inbox], tmp_path: Path) -> None:
    desk, mail = mailed_desk
    before = desk.rows()
    for path in _ledger_files(desk):
        path.unlink(missing_ok=True)
        if (tmp_path / "backup" / path.name).exists():
            shutil.copy(tmp_path / "backup" / path.name, path)
    report = desk.cycle()
    assert report.outcomes == [] and report.queued == 0
    assert report.adopted == 5  # 1, 2, 3 and 4 newer on the sheet than in the backup; 7 unknown to it
    assert desk.rows() == before
    assert quiet(desk.cycle())
    assert len(mail.messages) == 4 and len(desk.posts()) == 4
    assert desk.verdict().clean, desk.verdict().details


def test_the_ledger_and_the_review_tab_both_lost_come_back_from_the_blog_and_the_form(
    mailed_desk: tuple[Desk, Inbox],
) -> None:
    desk, mail = mailed_desk
    for path in _ledger_files(desk):
        path.unlink(missing_ok=True)
    desk.sheet().clear()
    report = desk.cycle()
    assert report.adopted == 4 and report.outcomes == []  # the posts of 1, 2, 3 (a draft) and 7
    rows = desk.rows()
    # The stories with a post are back under their codes, approved in their post's mode; the others come back
    # from the form as new (their decisions were only in the lost ledger and the lost tab), under new codes.
    assert {c: (rows[c]["Status"], rows[c]["Setujui"], rows[c]["Mode"]) for c in (code(1), code(3), code(7))} == {
        code(1): ("Terbit", "TRUE", "Terbit"),
        code(3): ("Draf", "TRUE", "Draf"),
        code(7): ("Terbit", "TRUE", "Terbit"),
    }
    assert len(rows) == 7 and {rows[c]["Status"] for c in rows if c > code(7)} == {"Menunggu"}
    assert quiet(desk.cycle())
    assert len(mail.messages) == 4 and len(desk.posts()) == 4
    assert desk.verdict().clean, desk.verdict().details


def test_a_deleted_header_row_is_put_back_and_nothing_else_changes(desk: Desk) -> None:
    sheet = desk.sheet()
    before = desk.rows()
    sheet.delete_rows(1)
    report = desk.cycle()
    assert (report.outcomes, report.restored, report.queued, report.errors) == ([], 0, 0, [])
    assert desk.rows() == before
    assert quiet(desk.cycle())
    desk.officer_sets(code(6), Setujui=True)
    assert desk.cycle().count("publish") == 1
    assert desk.verdict().clean, desk.verdict().details


def test_rows_pasted_back_from_the_archive_leave_again_and_the_archive_keeps_one_copy(desk: Desk) -> None:
    config = desk.world.config
    config.write_text(config.read_text(encoding="utf-8").replace("review:\n", "review:\n  archive_after_days: 1\n"))
    clock = _Clock(datetime.now(UTC) + timedelta(days=2))
    app = build_app(load_settings(config), clock=clock, policy=NO_SLEEP)
    try:
        assert run_cycle(app).archived == 3  # 1 and 2 published, 4 rejected, finished two days ago
        book = desk.sheet().spreadsheet
        archived = snapshot(book.worksheet("Arsip"))[1:]
        desk.sheet().append_rows(archived, value_input_option="RAW", table_range="A1")  # "last month's rows"
        report = run_cycle(app)
        assert (report.outcomes, report.queued, report.restored) == ([], 0, 0)
        assert report.archived == 3
        assert quiet(run_cycle(app))
    finally:
        app.close()
    assert sorted(r[0] for r in book.worksheet("Arsip").get_all_values()[1:]) == [code(1), code(2), code(4)]
    assert sorted(desk.rows()) == [code(3), code(5), code(6)]
    assert len(desk.posts()) == 3


def test_a_lost_ledger_finds_the_renamed_review_tab_by_its_columns(mailed_desk: tuple[Desk, Inbox]) -> None:
    desk, mail = mailed_desk
    before = desk.rows()
    desk.sheet().update_title("Berita Lama")
    desk.tab = "Berita Lama"
    for path in _ledger_files(desk):
        path.unlink(missing_ok=True)
    report = desk.cycle()
    assert report.adopted == 7 and report.outcomes == [] and report.queued == 0
    assert [w.title for w in desk.sheet().spreadsheet.worksheets()] == ["Berita Lama"]
    assert desk.rows() == before
    assert quiet(desk.cycle())
    assert len(mail.messages) == 4
    assert desk.verdict().clean, desk.verdict().details


def test_sorting_by_status_and_deleting_a_row_while_a_cycle_posts_misplace_nothing(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [response_row(n) for n in range(1, STORIES + 1)])
    desk = Desk(world)
    desk.cycle()
    for n in (1, 3, 5):
        desk.officer_sets(code(n), Setujui=True)
    desk.officer_sets(code(2), Tolak=True)
    hold(fresh_sandbox.url, "blogger.posts.insert", after=1, after_effect=True)  # the second post's answer waits
    app = desk.app()
    done: list[CycleReport] = []
    worker = threading.Thread(target=lambda: done.append(run_cycle(app)))
    worker.start()
    try:
        wait_until_held(fresh_sandbox.url, None)
        sheet = desk.sheet()
        header = sheet.row_values(1)
        sort = {
            "sortRange": {
                "range": {
                    "sheetId": sheet.id,
                    "startRowIndex": 1,
                    "startColumnIndex": 0,
                    "endColumnIndex": len(header),
                },
                "sortSpecs": [{"dimensionIndex": header.index("Status"), "sortOrder": "DESCENDING"}],
            }
        }
        sheet.spreadsheet.batch_update({"requests": [sort]})
        found = sheet.find(code(6), in_column=header.index("Kode") + 1)
        assert found is not None
        sheet.delete_rows(found.row)
    finally:
        requests.delete(f"{fresh_sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
        worker.join(timeout=120)
        app.close()
    [report] = done
    assert report.count("publish") == 3
    verdict = desk.verdict()
    assert verdict.misplaced == 0 and verdict.duplicates == 0, verdict.details
    desk.cycle()  # 6 comes back
    assert quiet(desk.cycle())
    assert desk.verdict().clean, desk.verdict().details
