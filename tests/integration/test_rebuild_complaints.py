"""`mymein rebuild` with complaints: a lost ledger's complaints come back from the Pengaduan tab and the
complaint form, and nothing already mailed is mailed again."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from gspread.utils import ValueInputOption

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.cli import main
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.ledger import LEDGER_FILE
from pipeline.ops.rebuild import rebuild
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_complaints import PUPR, Clock, _app, _complaint, _officer_enters, _rows, _tab
from .world import append_responses

DISHUB = "dishub@balangankab.example"
FIRST, SECOND, THIRD = "PG-20261122-0001", "PG-20261122-0002", "PG-20261122-0003"
# What the ledger knew of each complaint that the rebuilt one must know alike.
SAME = (
    "response_key",
    "day",
    "seq",
    "name",
    "contact",
    "reply_to",
    "kecamatan",
    "desa",
    "place_note",
    "category",
    "text",
    "photos",
    "status",
    "message",
    "department",
    "department_email",
    "answer",
    "answer_digest",
    "closed_at",
    "row_state",
)
TIMES = ("received_at", "forwarded_at", "answered_at")


def _complaints(app: App) -> dict[str, dict[str, Any]]:
    return {r["code"]: dict(r) for r in app.ledger._db.execute("SELECT * FROM complaints ORDER BY code")}


def _kinds(app: App, code: str) -> list[str]:
    return [e.kind for e in app.ledger.events(code)]


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def test_a_lost_ledger_gets_its_complaints_back_and_nothing_is_forwarded_or_answered_again(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    app, form = _app(
        sandbox,
        tmp_path,
        port,
        [
            _complaint(1, "warga1@example.com", "0812 1", "Juai", "Juai", "Jalan desa berlubang besar."),
            _complaint(2, "", "warga2@example.com", "Lok Batu", "Batu Mandi", "Lampu jalan mati sebulan."),
            _complaint(3, "", "0813 3", "Juai", "Juai", "Jembatan rusak."),
        ],
        clock,
    )
    settings = app.settings
    answer = "Perbaikan jalan dijadwalkan pekan depan oleh Dinas PUPR."
    try:
        run_cycle(app)
        _tab(app, "SKPD").append_rows(
            [["Dinas PUPR", PUPR, "0511 1"], ["Dinas Perhubungan", DISHUB, ""]], value_input_option=ValueInputOption.raw
        )
        _officer_enters(app, FIRST, SKPD="Dinas PUPR")
        _officer_enters(app, SECOND, SKPD="Dinas Perhubungan")
        clock.now += timedelta(hours=1)
        run_cycle(app)
        _officer_enters(app, FIRST, Jawaban=answer)
        clock.now += timedelta(hours=1)
        run_cycle(app)
        run_cycle(app)
        rows = _rows(app)
        assert {code: r["Status"] for code, r in rows.items()} == {
            FIRST: "Ditanggapi",
            SECOND: "Diteruskan",
            THIRD: "Diterima",
        }
        # Receipts to both complainants with an e-mail, each forwarding, the one answer.
        sent = {a: len(mail.to(a)) for a in ("warga1@example.com", "warga2@example.com", PUPR, DISHUB)}
        assert sent == {"warga1@example.com": 2, "warga2@example.com": 1, PUPR: 1, DISHUB: 1}
        assert len(mail.messages) == 5
        tab_before = _tab(app, "Pengaduan").get_all_values()
        ledger_before = _complaints(app)
    finally:
        app.close()

    # The third complaint's response is deleted from the form's sheet: its row is kept all the same.
    book = officer_sheets_client(settings).open_by_key(form)
    book.worksheet("Form Responses 1").delete_rows(4)
    for suffix in ("", "-wal", "-shm"):
        (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)

    app = build_app(settings, clock=clock, policy=RetryPolicy(sleep=lambda _: None))
    try:
        report = rebuild(app)
        assert (report.complaints, report.complaints_matched, report.complaints_unmatched) == (3, 2, [THIRD])
        assert (report.complaints_forwarded, report.complaints_answered, report.complaints_closed) == (2, 1, 0)
        assert (report.complaints_not_on_tab, report.complaint_codes_ignored) == (0, [])
        restored = _complaints(app)
        assert list(restored) == [FIRST, SECOND, THIRD]
        for code in (FIRST, SECOND):
            assert {c: restored[code][c] for c in SAME} == {c: ledger_before[code][c] for c in SAME}, code
            assert [_at(restored[code][c]) for c in TIMES] == [_at(ledger_before[code][c]) for c in TIMES], code
        third = restored[THIRD]
        assert third["response_key"] == f"rebuilt:{THIRD}"
        assert (third["status"], third["name"], third["contact"], third["text"]) == (
            "Diterima",
            "Warga 3",
            "0813 3",
            "Jembatan rusak.",
        )
        assert (third["day"], third["seq"], third["department"], third["reply_to"]) == ("2026-11-22", 3, "", "")
        # Only a neutral event: no notice is queued from it.
        assert [_kinds(app, code) for code in (FIRST, SECOND, THIRD)] == [["complaint_rebuilt"]] * 3

        for _ in range(2):
            clock.now += timedelta(hours=1)
            report_cycle = run_cycle(app)
            assert report_cycle.complaints == 0 and report_cycle.notices == []
        assert len(mail.messages) == 5  # nothing forwarded, answered or acknowledged again
        assert _tab(app, "Pengaduan").get_all_values() == tab_before
        assert {c: r["status"] for c, r in _complaints(app).items()} == {
            FIRST: "Ditanggapi",
            SECOND: "Diteruskan",
            THIRD: "Diterima",
        }
        assert [_kinds(app, code) for code in (FIRST, SECOND, THIRD)] == [["complaint_rebuilt"]] * 3

        # What officers do from now on still goes out, once.
        _officer_enters(app, SECOND, Jawaban="Lampu sudah diganti.")
        clock.now += timedelta(hours=1)
        run_cycle(app)
        run_cycle(app)
        [answered] = [m for m in mail.to("warga2@example.com") if "Jawaban" in m["Subject"]]
        assert answered["Subject"] == f"Jawaban atas pengaduan Anda {SECOND}"
        assert len(mail.messages) == 6

        # A complaint sent after the rebuild gets the next free number of its day, and its receipt.
        append_responses(sandbox.url, form, [_complaint(5, "warga5@example.com", "", "Juai", "Juai", "Banjir.")])
        clock.now += timedelta(hours=1)
        assert run_cycle(app).complaints == 1
        rows = _rows(app)
        assert list(rows) == [FIRST, SECOND, THIRD, "PG-20261122-0004"]
        assert rows["PG-20261122-0004"]["Status"] == "Diterima"
        [receipt] = mail.to("warga5@example.com")
        assert receipt["Subject"] == "Pengaduan Anda diterima dengan kode PG-20261122-0004"
        assert len(mail.messages) == 7
    finally:
        app.close()
    again = CliRunner().invoke(main, ["--config", str(tmp_path / "config.yaml"), "rebuild"])
    assert again.exit_code == 1 and "already holds 4 complaints" in again.output


def test_a_broken_pengaduan_header_refuses_the_rebuild_and_leaves_the_ledger_empty(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    clock = Clock()
    app, _ = _app(sandbox, tmp_path, port, [_complaint(1, "", "", "Juai", "Juai", "Satu.")], clock)
    settings = app.settings
    try:
        run_cycle(app)
        _tab(app, "Pengaduan").update_cell(1, 1, "Nomor")  # the Kode header renamed by hand
    finally:
        app.close()
    for suffix in ("", "-wal", "-shm"):
        (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)
    # Rebuilt without its rows, the next sync would number the form's complaint PG-20261122-0001 again.
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "config.yaml"), "rebuild"])
    assert result.exit_code == 1 and "complaints cannot be rebuilt" in result.output and "Kode" in result.output
    app = build_app(settings, clock=clock, policy=RetryPolicy(sleep=lambda _: None))
    try:
        assert _complaints(app) == {} and app.ledger.records() == {}
    finally:
        app.close()


def test_archived_complaints_come_back_from_the_archive_tab_and_stay_there(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    rows = [
        _complaint(1, "a@example.com", "", "Juai", "Juai", "Satu."),
        _complaint(2, "b@example.com", "", "Juai", "Juai", "Dua."),
    ]
    app, form = _app(sandbox, tmp_path, port, rows, clock)
    settings = app.settings
    try:
        run_cycle(app)
        _officer_enters(app, FIRST, Selesai=True)
        run_cycle(app)
        clock.now += timedelta(days=31)
        assert run_cycle(app).archived == 1
        assert list(_rows(app)) == [SECOND]
    finally:
        app.close()
    for suffix in ("", "-wal", "-shm"):
        (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)
    app = build_app(settings, clock=clock, policy=RetryPolicy(sleep=lambda _: None))
    try:
        report = rebuild(app)
        assert (report.complaints, report.complaints_matched, report.complaints_closed) == (2, 2, 1)
        states = {code: (r["status"], r["row_state"]) for code, r in _complaints(app).items()}
        assert states == {FIRST: ("Selesai", "archived"), SECOND: ("Diterima", "written")}
        sent = len(mail.messages)
        append_responses(sandbox.url, form, [_complaint(3, "c@example.com", "", "Juai", "Juai", "Tiga.")])
        run_cycle(app)
        run_cycle(app)
        assert list(_rows(app)) == [SECOND, THIRD]  # the archived complaint is not put back
        assert [m["To"] for m in mail.messages[sent:]] == ["c@example.com"]  # only the new receipt
    finally:
        app.close()
