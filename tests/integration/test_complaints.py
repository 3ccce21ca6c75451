"""Complaints from form to department and back, through the sandbox and a real SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gspread
import requests
from click.testing import CliRunner

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.sheettime import to_serial
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox
from pipeline.sync import run_cycle

from .conftest import Inbox
from .test_notices import _body, _notices_yaml
from .test_post_life import _upload_photos
from .world import WITA, append_responses, blog_posts, create_spreadsheet, make_world, reset_stats, stats

FORM_HEADER = ["Timestamp", "Email Address", "Nama Pelapor", "Kontak", "Desa", "Kecamatan", "Kategori", "Isi Pengaduan"]
FORM_HEADER += ["Foto"]
RECEIVED = datetime(2026, 11, 22, 9, 0, tzinfo=WITA)
PUPR = "pupr@balangankab.example"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Balangan, after the reminder time

    def __call__(self) -> datetime:
        return self.now


def _complaint(n: int, email: str, contact: str, desa: str, kecamatan: str, text: str, photo: str = "") -> list[Any]:
    moment = RECEIVED + timedelta(minutes=n)
    return [round(to_serial(moment, WITA), 8), email, f"Warga {n}", contact, desa, kecamatan, "Jalan", text, photo]


def _app(
    sandbox: Sandbox, folder: Path, port: int, rows: list[list[Any]], clock: Clock, check_seconds: int = 0
) -> tuple[App, str]:
    form = create_spreadsheet(sandbox.url, "Pengaduan KIM", "Form Responses 1")
    append_responses(sandbox.url, form, [FORM_HEADER, *rows])
    world = make_world(sandbox.url, folder, [])
    extra = (
        f"complaints:\n  enabled: true\n  spreadsheet_id: {form}\n  check_seconds: {check_seconds}\n"
        "  remind_after_hours: 72\n"
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + extra + _notices_yaml(port), encoding="utf-8")
    app = build_app(load_settings(world.config), clock=clock, policy=RetryPolicy(sleep=lambda _: None))
    return app, form


def _tab(app: App, title: str) -> gspread.Worksheet:
    book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
    return book.worksheet(title)


def _rows(app: App) -> dict[str, dict[str, Any]]:
    return {str(r["Kode"]): r for r in _tab(app, "Pengaduan").get_all_records()}


def _officer_enters(app: App, code: str, **cells: Any) -> None:
    """Type into the complaint's row the way an officer would: found by its code, columns by their names."""
    sheet = _tab(app, "Pengaduan")
    values = sheet.get_all_values()
    header = values[0]
    number = next(i for i, row in enumerate(values[1:], start=2) if row[0] == code)
    for name, value in cells.items():
        sheet.update_cell(number, header.index(name) + 1, value)


def test_a_complaint_goes_to_its_department_and_the_answer_back_to_the_complainant(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    [photo] = _upload_photos(sandbox.url, 1)
    link = f"https://drive.google.com/open?id={photo}"
    clock = Clock()
    app, _ = _app(
        sandbox,
        tmp_path,
        port,
        [
            _complaint(1, "warga1@example.com", "0812 1", "Juai", "Juai", "Jalan desa berlubang besar.", link),
            _complaint(2, "", "0813 2", "Lok Batu", "Batu Mandi", "Lampu jalan mati sebulan."),
            _complaint(3, "", "warga3@example.com", "Desa Khayalan", "Juai", "Jembatan rusak."),
        ],
        clock,
    )
    first, second, third = "PG-20261122-0001", "PG-20261122-0002", "PG-20261122-0003"
    try:
        assert run_cycle(app).complaints == 3
        rows = _rows(app)
        assert list(rows) == [first, second, third]
        assert {r["Status"] for r in rows.values()} == {"Diterima"}
        assert rows[first]["Nama Pelapor"] == "Warga 1" and rows[first]["Foto"] == link
        assert "tidak ada di daftar desa" in rows[third]["Pesan"]
        # A receipt with the code goes to each complainant who left an e-mail (in the form, or as contact).
        [receipt] = mail.to("warga1@example.com")
        assert receipt["Subject"] == f"Pengaduan Anda diterima dengan kode {first}"
        assert len(mail.to("warga3@example.com")) == 1 and len(mail.messages) == 2

        _tab(app, "SKPD").append_rows(
            [["Dinas PUPR", PUPR, "0511 1"], ["Dinas Perhubungan", "", ""]], value_input_option="RAW"
        )
        _officer_enters(app, first, SKPD="Dinas PUPR")
        _officer_enters(app, second, SKPD="Dinas Perhubungan")
        _officer_enters(app, third, SKPD="Dinas Khayalan")
        run_cycle(app)
        rows = _rows(app)
        assert rows[first]["Status"] == "Diteruskan"
        assert rows[first]["Diteruskan"] == "2026-11-23 09:00"
        assert rows[second]["Status"] == "Diterima" and "belum punya alamat e-mail" in rows[second]["Pesan"]
        assert rows[third]["Status"] == "Diterima" and "tidak ada di tab SKPD" in rows[third]["Pesan"]
        [forwarded] = mail.to(PUPR)
        assert forwarded["Subject"] == f"Pengaduan masyarakat {first}: Jalan di Juai, Juai"
        body = _body(forwarded)
        assert "Jalan desa berlubang besar." in body and link in body
        # Personal data stays with the office: the department sees neither name nor contact.
        assert "Warga 1" not in body and "0812 1" not in body and "warga1@example.com" not in body
        shared = requests.get(f"{sandbox.url}/drive/v3/files/{photo}/permissions", timeout=10).json()["permissions"]
        assert [(p["type"], p.get("emailAddress")) for p in shared] == [("user", PUPR)]

        run_cycle(app)  # nothing new: nothing sent again
        assert len(mail.messages) == 3

        # Three days later the department has not answered: one reminder that day, however many cycles.
        clock.now += timedelta(hours=73)
        run_cycle(app)
        run_cycle(app)
        reminders = [m for m in mail.to(PUPR) if "menunggu jawaban" in m["Subject"]]
        assert len(reminders) == 1 and first in _body(reminders[0])

        answer = "Perbaikan jalan dijadwalkan pekan depan oleh Dinas PUPR."
        _officer_enters(app, first, Jawaban=answer)
        _officer_enters(app, third, SKPD="Dinas PUPR")
        run_cycle(app)
        rows = _rows(app)
        assert rows[first]["Status"] == "Ditanggapi" and rows[first]["Ditanggapi"] == "2026-11-26 10:00"
        assert rows[third]["Status"] == "Diteruskan"
        [answered] = [m for m in mail.to("warga1@example.com") if "Jawaban" in m["Subject"]]
        assert answered["Subject"] == f"Jawaban atas pengaduan Anda {first}"
        assert answer in _body(answered) and "Dinas PUPR" in _body(answered)

        _officer_enters(app, first, Selesai=True)
        _officer_enters(app, first, Jawaban=answer + " Terima kasih.")  # an edit after the answer went out
        run_cycle(app)
        assert _rows(app)[first]["Status"] == "Selesai"
        assert len(mail.to("warga1@example.com")) == 2  # receipt and answer; the edit sends nothing

        # The next day only the still unanswered complaint is recalled, after its own 72 hours.
        clock.now += timedelta(days=3)
        run_cycle(app)
        [latest] = [m for m in mail.to(PUPR) if "menunggu jawaban" in m["Subject"]][1:]
        assert third in _body(latest) and first not in _body(latest)
        events = app.ledger.db.execute(
            "SELECT kind FROM events WHERE code = ? AND kind LIKE 'complaint%' ORDER BY id", (first,)
        ).fetchall()
        kinds = [e[0] for e in events]
        assert kinds == [
            "complaint_received",
            "complaint_forwarded",
            "complaint_answered",
            "complaint_answer_edited",
            "complaint_closed",
        ]
    finally:
        app.close()


def test_a_complaint_without_an_email_is_answered_by_the_officer_and_nothing_is_mailed(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    app, _ = _app(sandbox, tmp_path, port, [_complaint(1, "", "0812 9", "Juai", "Juai", "Air bersih mati.")], clock)
    code = "PG-20261122-0001"
    try:
        run_cycle(app)
        _officer_enters(app, code, Jawaban="Sudah diperbaiki PDAM.")
        run_cycle(app)
        row = _rows(app)[code]
        assert row["Status"] == "Ditanggapi"
        assert "tidak mencantumkan e-mail" in row["Pesan"]
        assert mail.messages == []
    finally:
        app.close()


def test_a_lost_write_back_answer_neither_loses_nor_doubles_complaint_rows(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    app, form = _app(sandbox, tmp_path, port, [_complaint(1, "a@example.com", "", "Juai", "Juai", "Satu.")], clock)
    try:
        run_cycle(app)
        append_responses(sandbox.url, form, [_complaint(2, "b@example.com", "", "Juai", "Juai", "Dua.")])
        rule = {"match": "sheets.spreadsheets.batchUpdate", "after_effect": True, "drop": True}
        requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
        lost = run_cycle(app)
        assert any("write-back deferred" in e for e in lost.errors)
        run_cycle(app)
        run_cycle(app)
        assert list(_rows(app)) == ["PG-20261122-0001", "PG-20261122-0002"]
        assert len(mail.to("b@example.com")) == 1
    finally:
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10)
        app.close()


def test_deleted_rows_of_open_complaints_come_back_with_what_was_entered(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    clock = Clock()
    rows = [_complaint(1, "", "", "Juai", "Juai", "Satu."), _complaint(2, "", "", "Juai", "Juai", "Dua.")]
    app, _ = _app(sandbox, tmp_path, port, rows, clock)
    try:
        run_cycle(app)
        _officer_enters(app, "PG-20261122-0002", Selesai=True)
        run_cycle(app)
        sheet = _tab(app, "Pengaduan")
        sheet.delete_rows(2, 3)  # both rows gone; only the open complaint is put back
        run_cycle(app)
        assert list(_rows(app)) == ["PG-20261122-0001"]
        assert _rows(app)["PG-20261122-0001"]["Status"] == "Diterima"
    finally:
        app.close()


def test_with_complaints_on_a_quiet_cycle_still_costs_two_sheets_reads(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    clock = Clock()
    rows = [_complaint(1, "", "", "Juai", "Juai", "Satu.")]
    app, _ = _app(sandbox, tmp_path, port, rows, clock, check_seconds=3600)  # the form is read once an hour
    try:
        run_cycle(app)
        _officer_enters(app, "PG-20261122-0001", SKPD="Dinas Khayalan")
        run_cycle(app)
        reset_stats(sandbox.url)
        run_cycle(app)
        calls = {method: n for method, n in stats(sandbox.url).items() if method.startswith("sheets.")}
        assert calls == {"sheets.spreadsheets.values.batchGet": 1, "sheets.spreadsheets.values.get": 1}
    finally:
        app.close()


def test_log_and_status_tell_a_complaints_story_without_the_complainant(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    clock = Clock()
    app, _ = _app(sandbox, tmp_path, port, [_complaint(1, "", "0812 7", "Juai", "Juai", "Satu.")], clock)
    config = str(tmp_path / "config.yaml")
    synced = CliRunner().invoke(main, ["--config", config, "sync"])
    assert synced.exit_code == 0, synced.output
    assert "also: 1 complaints received" in synced.output
    try:
        _tab(app, "SKPD").append_rows([["Dinas PUPR", PUPR, ""]], value_input_option="RAW")
        _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
        run_cycle(app)
    finally:
        app.close()
    log = CliRunner().invoke(main, ["--config", config, "log", "pg-20261122-0001"])
    assert log.exit_code == 0, log.output
    assert "status: Diteruskan  SKPD: Dinas PUPR" in log.output
    assert "complaint_forwarded" in log.output and "Warga 1" not in log.output and "0812 7" not in log.output
    status = CliRunner().invoke(main, ["--config", config, "status"])
    assert "Pengaduan: Diteruskan 1" in status.output
    missing = CliRunner().invoke(main, ["--config", config, "log", "PG-20261122-0009"])
    assert missing.exit_code != 0 and "no complaint with code PG-20261122-0009" in missing.output


def test_officers_are_reminded_of_complaints_nobody_routed(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    app, _ = _app(sandbox, tmp_path, port, [_complaint(1, "", "", "Juai", "Juai", "Satu.")], clock)
    config = tmp_path / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  officers: [petugas@balangankab.example]\n")
    app.close()
    app = build_app(load_settings(config), clock=clock, policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)  # received 09:00 on the 22nd, seen at 09:00 on the 23rd: 24 hours, not more
        assert mail.to("petugas@balangankab.example") == []
        clock.now += timedelta(hours=2)
        run_cycle(app)
        run_cycle(app)
        [reminder] = mail.to("petugas@balangankab.example")
        assert reminder["Subject"] == "1 pengaduan menunggu SKPD lebih dari 24 jam"
        assert "PG-20261122-0001 | Juai, Juai | Jalan" in _body(reminder)
    finally:
        app.close()


def test_a_deleted_pengaduan_tab_comes_back_with_the_open_complaints(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    clock = Clock()
    rows = [_complaint(1, "", "", "Juai", "Juai", "Satu."), _complaint(2, "", "", "Juai", "Juai", "Dua.")]
    app, _ = _app(sandbox, tmp_path, port, rows, clock)
    try:
        run_cycle(app)
        _officer_enters(app, "PG-20261122-0002", Selesai=True)
        run_cycle(app)
        book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
        book.del_worksheet(book.worksheet("Pengaduan"))
        gone = run_cycle(app)
        assert any("complaints tab" in e for e in gone.errors)
        run_cycle(app)
        assert list(_rows(app)) == ["PG-20261122-0001"]
        # Nothing is published from complaints, ever.
        assert blog_posts(sandbox.url, app.settings.blogger.blog_id) == []
    finally:
        app.close()


def test_a_complaint_is_forwarded_even_when_drive_will_not_share_its_photo(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    [photo] = _upload_photos(sandbox.url, 1)
    link = f"https://drive.google.com/open?id={photo}"
    clock = Clock()
    app, _ = _app(sandbox, tmp_path, port, [_complaint(1, "", "", "Juai", "Juai", "Satu.", link)], clock)
    try:
        run_cycle(app)
        _tab(app, "SKPD").append_rows([["Dinas PUPR", PUPR, ""]], value_input_option="RAW")
        _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
        # Drive refuses to share with an address that has no Google account.
        rule = {"match": "drive.permissions.create", "status": 400}
        requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
        run_cycle(app)
        assert _rows(app)["PG-20261122-0001"]["Status"] == "Diteruskan"
        [forwarded] = mail.to(PUPR)
        assert "belum dapat dibagikan" in _body(forwarded) and link in _body(forwarded)
    finally:
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10)
        app.close()


def test_a_copied_row_cannot_make_a_complaint_bounce_between_departments(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    app, _ = _app(sandbox, tmp_path, port, [_complaint(1, "", "", "Juai", "Juai", "Satu.")], clock)
    try:
        run_cycle(app)
        departments = [["Dinas PUPR", PUPR, ""], ["Dinas Kesehatan", "dinkes@balangankab.example", ""]]
        _tab(app, "SKPD").append_rows(departments, value_input_option="RAW")
        sheet = _tab(app, "Pengaduan")
        sheet.append_rows([sheet.row_values(2)], value_input_option="RAW")  # an officer copies the row
        header = sheet.row_values(1)
        sheet.update_cell(2, header.index("SKPD") + 1, "Dinas PUPR")
        sheet.update_cell(3, header.index("SKPD") + 1, "Dinas Kesehatan")
        for _ in range(3):
            run_cycle(app)
        assert len(mail.to(PUPR)) == 1 and mail.to("dinkes@balangankab.example") == []
        assert {r["Status"] for r in _tab(app, "Pengaduan").get_all_records()} == {"Diteruskan"}
    finally:
        app.close()
