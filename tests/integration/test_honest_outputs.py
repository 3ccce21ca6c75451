"""What the CLI and the log say is what happened: a dry run counts what the real run then does, appended rows
count, counts read as English, and a row held for the same reason is not announced again every cycle."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from pipeline.app import App, build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import CycleReport, run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.ops.daemon import Worker
from pipeline.sandbox.seed import upload_file
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, review_sheet
from .world import append_responses, make_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
COUNTED = ("publish", "update", "reject", "retract", "hold", "defer")


def _counts(report: CycleReport) -> dict[str, int]:
    return {
        "ingested": report.ingested,
        "queued": report.queued,
        "restored": report.restored,
        **{action: report.count(action) for action in COUNTED},
    }


def _text_file(endpoint: str) -> str:
    """A file in Drive that is not an image: a row showing it is held when approved."""
    with requests.Session() as http:
        return upload_file(http, endpoint, "catatan.txt", b"bukan foto", "text/plain")


def test_first_contact_dry_run_says_it_would_queue_what_the_real_run_queues(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 17)])
    runner = CliRunner()
    dry = runner.invoke(main, ["--config", str(world.config), "sync", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "dry run: would ingest 16, queue 16, publish 0" in dry.output
    assert "nothing written" in dry.output
    real = runner.invoke(main, ["--config", str(world.config), "sync"])
    assert real.exit_code == 0, real.output
    assert "done: ingest 16, queue 16, publish 0" in real.output
    assert "16 rows added, 0 cells written" in real.output


def test_a_dry_run_counts_exactly_what_the_real_run_then_does(sandbox: Sandbox, tmp_path: Path) -> None:
    text_file = _text_file(sandbox.url)
    rows = [response_row(n) for n in range(1, 10)]
    rows[0] = response_row(1, photos=f"https://drive.google.com/open?id={text_file}")
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(
        world.config.read_text(encoding="utf-8").replace("blogger:\n", "blogger:\n  daily_post_limit: 3\n"),
        encoding="utf-8",
    )
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        for n in (5, 6):
            officer_sets(sheet, f"MM-20261122-000{n}", Setujui="TRUE")
        run_cycle(app)  # 5 and 6 published: two of the day's three posts
        officer_sets(sheet, "MM-20261122-0005", Isi="Isi yang diperbaiki petugas, cukup panjang untuk terbit.")
        officer_sets(sheet, "MM-20261122-0006", Setujui="FALSE")  # retract
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")  # its photo is not an image: held
        officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE")  # the day's last post
        officer_sets(sheet, "MM-20261122-0007", Setujui="TRUE")  # waits for tomorrow: the cap is reached
        officer_sets(sheet, "MM-20261122-0003", Tolak="TRUE")
        officer_sets(sheet, "MM-20261122-0004", Setujui="TRUE", Judul="")  # held: no title
        found = sheet.find("MM-20261122-0008")
        assert found is not None
        sheet.delete_rows(found.row)  # comes back
        append_responses(world.endpoint, world.form_id, [response_row(10), response_row(11)])

        dry = run_cycle(app, dry_run=True)
        real = run_cycle(app)
    finally:
        app.close()
    expected = {"ingested": 2, "queued": 2, "restored": 1, "publish": 1, "update": 1, "reject": 1, "retract": 1}
    assert _counts(real) == {**expected, "hold": 2, "defer": 1}, real.outcomes
    assert _counts(dry) == _counts(real), (dry.outcomes, real.outcomes)
    assert real.rows_added == 3 and dry.rows_added == 0


def test_rows_added_are_counted_in_the_daemon_log_with_english_plurals(
    sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        with caplog.at_level(logging.INFO, logger="mymein.run"):
            Worker(app).cycle()
    finally:
        app.close()
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("cycle:")]
    assert line == "cycle: 1 response ingested, 1 row queued, 1 row added, 0 cells written, 0 actions, 0 warnings"


def _officer_ticks(app: App, code: str, **cells: str) -> None:
    officer_sets(review_sheet(app), code, **cells)


def test_a_row_held_for_the_same_reason_is_announced_once_then_summed_up(sandbox: Sandbox, tmp_path: Path) -> None:
    text_file = _text_file(sandbox.url)
    rows = [
        response_row(1, photos=f"https://drive.google.com/open?id={text_file}"),
        response_row(2, title=""),  # held since ingest: the operator must fix it
        response_row(3),
    ]
    world = make_world(sandbox.url, tmp_path, rows)
    runner = CliRunner()

    def sync() -> str:
        result = runner.invoke(main, ["--config", str(world.config), "sync"])
        assert result.exit_code == 0, result.output
        return result.output

    sync()
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        _officer_ticks(app, "MM-20261122-0001", Setujui="TRUE")
        _officer_ticks(app, "MM-20261122-0002", Setujui="TRUE")
        first = sync()
        assert "MM-20261122-0001 hold: Perlu perbaikan" in first
        assert "hold 1;" in first  # the row without a title was held at ingest and is not held again
        for _ in range(2):
            again = sync()
            assert "MM-20261122-0001 hold" not in again and "hold 0;" in again
            assert "2 rows still held (Perlu perbaikan): MM-20261122-0001, MM-20261122-0002" in again
        held = [e for e in app.ledger.events("MM-20261122-0001") if e.kind == "held"]
        assert len(held) == 1  # one event, so one notice to the operator
    finally:
        app.close()


def test_one_email_reads_as_one_email() -> None:
    report = CycleReport(notices=["published:MM-1"], comments=1, complaints=1, registered=1, adopted=1)
    assert report.extras() == [
        "1 story or complaint adopted from the sheets and the blog (the ledger lacked it)",
        "1 complaint received",
        "1 KIM registered",
        "1 comment copied",
        "1 e-mail sent",
    ]
    two = CycleReport(notices=["a", "b"], comments=2, adopted=2)
    assert two.extras() == [
        "2 stories and complaints adopted from the sheets and the blog (the ledger lacked them)",
        "2 comments copied",
        "2 e-mails sent",
    ]


def test_status_shows_the_last_cycle_in_the_office_s_time_with_its_zone(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    settings = load_settings(world.config)
    settings.heartbeat_path.parent.mkdir(parents=True, exist_ok=True)
    beat = {"finished": "2026-11-22T00:05:09+00:00", "seconds": 1.5, "outcome": "ok", "cycles": 3}
    settings.heartbeat_path.write_text(json.dumps(beat), encoding="utf-8")
    shown = CliRunner().invoke(main, ["--config", str(world.config), "status"], env={"MYMEIN_LANG": "id"})
    assert shown.exit_code == 0, shown.output
    assert "Siklus terakhir: 2026-11-22 08:05 WITA (1.5 s, ok)" in shown.output
    world.config.write_text(world.config.read_text(encoding="utf-8") + "timezone: Asia/Jakarta\n", encoding="utf-8")
    shown = CliRunner().invoke(main, ["--config", str(world.config), "status"], env={"MYMEIN_LANG": "id"})
    assert "Siklus terakhir: 2026-11-22 07:05 WIB (1.5 s, ok)" in shown.output
    as_json = CliRunner().invoke(main, ["--config", str(world.config), "status", "--json"])
    assert json.loads(as_json.output)["last_cycle"]["finished"] == "2026-11-22T00:05:09+00:00"  # for machines: UTC
