"""Complaints from form to department and back, through the sandbox and a real SMTP server on loopback."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from click.testing import CliRunner

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.sheettime import to_serial
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.ledger import LEDGER_FILE
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_notices import _body, _notices_yaml
from .test_post_life import _upload_photos
from .world import WITA, append_responses, blog_posts, create_spreadsheet, make_world, reset_stats, response_row, stats

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


@dataclass
class Desk:
    """One test's complaints world: the sandbox, the mailbox and a clock; apps opened here close after the test,
    and injected faults are cleared."""

    sandbox: Sandbox
    folder: Path
    mail: Inbox
    port: int
    clock: Clock = field(default_factory=Clock)
    apps: list[App] = field(default_factory=list)

    def open(self, rows: list[list[Any]], *, check_seconds: int = 0, extra: str = "") -> tuple[App, str]:
        """A form with `rows`, a review spreadsheet and a blog, and the app serving them (`extra` ends the
        config, inside its last section, `notices`)."""
        app, form = _app(self.sandbox, self.folder, self.port, rows, self.clock, check_seconds)
        if extra:
            app.close()
            config = self.config
            config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
            app = build_app(load_settings(config), clock=self.clock, policy=RetryPolicy(sleep=lambda _: None))
        self.apps.append(app)
        return app, form

    @property
    def config(self) -> Path:
        return self.folder / "config.yaml"

    def departments(self, app: App, *rows: tuple[str, str]) -> None:
        _tab(app, "SKPD").append_rows([[name, email, ""] for name, email in rows], value_input_option="RAW")

    def fault(self, rule: dict[str, Any]) -> None:
        requests.post(f"{self.sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[Desk]:
    mail, port = inbox
    opened = Desk(sandbox, tmp_path, mail, port)
    yield opened
    requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10)
    for app in opened.apps:
        app.close()


def test_a_complaint_goes_to_its_department_and_the_answer_back_to_the_complainant(desk: Desk) -> None:
    mail = desk.mail
    [photo] = _upload_photos(desk.sandbox.url, 1)
    link = f"https://drive.google.com/open?id={photo}"
    app, _ = desk.open(
        [
            _complaint(1, "warga1@example.com", "0812 1", "Juai", "Juai", "Jalan desa berlubang besar.", link),
            _complaint(2, "", "0813 2", "Lok Batu", "Batu Mandi", "Lampu jalan mati sebulan."),
            _complaint(3, "", "warga3@example.com", "Desa Khayalan", "Juai", "Jembatan rusak."),
        ]
    )
    first, second, third = "PG-20261122-0001", "PG-20261122-0002", "PG-20261122-0003"
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

    desk.departments(app, ("Dinas PUPR", PUPR), ("Dinas Perhubungan", ""))
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
    permissions = f"{desk.sandbox.url}/drive/v3/files/{photo}/permissions"
    fields = {"fields": "permissions(type,emailAddress)"}  # Drive leaves the address out unless asked
    shared = requests.get(permissions, params=fields, timeout=10).json()["permissions"]
    assert [(p["type"], p.get("emailAddress")) for p in shared] == [("user", PUPR)]

    run_cycle(app)  # nothing new: nothing sent again
    assert len(mail.messages) == 3

    # Three days later the department has not answered: one reminder that day, however many cycles.
    desk.clock.now += timedelta(hours=73)
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
    desk.clock.now += timedelta(days=3)
    run_cycle(app)
    [latest] = [m for m in mail.to(PUPR) if "menunggu jawaban" in m["Subject"]][1:]
    assert third in _body(latest) and first not in _body(latest)
    events = [e.kind for e in app.ledger.events(first) if e.kind.startswith("complaint")]
    assert events == [
        "complaint_received",
        "complaint_forwarded",
        "complaint_answered",
        "complaint_answer_edited",
        "complaint_closed",
    ]


def test_a_complaint_without_an_email_is_answered_by_the_officer_and_nothing_is_mailed(desk: Desk) -> None:
    app, _ = desk.open([_complaint(1, "", "0812 9", "Juai", "Juai", "Air bersih mati.")])
    code = "PG-20261122-0001"
    run_cycle(app)
    _officer_enters(app, code, Jawaban="Sudah diperbaiki PDAM.")
    run_cycle(app)
    row = _rows(app)[code]
    assert row["Status"] == "Ditanggapi"
    assert "tidak mencantumkan e-mail" in row["Pesan"]
    assert desk.mail.messages == []


def test_a_lost_write_back_answer_neither_loses_nor_doubles_complaint_rows(desk: Desk) -> None:
    app, form = desk.open([_complaint(1, "a@example.com", "", "Juai", "Juai", "Satu.")])
    run_cycle(app)
    append_responses(desk.sandbox.url, form, [_complaint(2, "b@example.com", "", "Juai", "Juai", "Dua.")])
    desk.fault({"match": "sheets.spreadsheets.batchUpdate", "after_effect": True, "drop": True})
    lost = run_cycle(app)
    assert any("write-back deferred" in e for e in lost.errors)
    run_cycle(app)
    run_cycle(app)
    assert list(_rows(app)) == ["PG-20261122-0001", "PG-20261122-0002"]
    assert len(desk.mail.to("b@example.com")) == 1


def test_deleted_rows_of_complaints_come_back_with_what_was_entered(desk: Desk) -> None:
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu."), _complaint(2, "", "", "Juai", "Juai", "Dua.")])
    run_cycle(app)
    _officer_enters(app, "PG-20261122-0002", Selesai=True)
    run_cycle(app)
    _tab(app, "Pengaduan").delete_rows(2, 3)  # both rows gone; both come back (only archiving takes a row away)
    run_cycle(app)
    rows = _rows(app)
    assert list(rows) == ["PG-20261122-0001", "PG-20261122-0002"]
    assert rows["PG-20261122-0001"]["Status"] == "Diterima"
    assert (rows["PG-20261122-0002"]["Status"], rows["PG-20261122-0002"]["Selesai"]) == ("Selesai", "TRUE")


def test_with_complaints_on_a_quiet_cycle_still_costs_two_sheets_reads(desk: Desk) -> None:
    # The form is read once an hour.
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu.")], check_seconds=3600)
    run_cycle(app)
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas Khayalan")
    run_cycle(app)
    reset_stats(desk.sandbox.url)
    run_cycle(app)
    calls = {method: n for method, n in stats(desk.sandbox.url).items() if method.startswith("sheets.")}
    assert calls == {"sheets.spreadsheets.values.batchGet": 1, "sheets.spreadsheets.values.get": 1}


def test_log_and_status_tell_a_complaints_story_without_the_complainant(desk: Desk) -> None:
    app, _ = desk.open([_complaint(1, "", "0812 7", "Juai", "Juai", "Satu.")])
    config = str(desk.config)
    synced = CliRunner().invoke(main, ["--config", config, "sync"])
    assert synced.exit_code == 0, synced.output
    assert "also: 1 complaint received" in synced.output
    desk.departments(app, ("Dinas PUPR", PUPR))
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    run_cycle(app)
    log = CliRunner().invoke(main, ["--config", config, "log", "pg-20261122-0001"])
    assert log.exit_code == 0, log.output
    assert "status: Diteruskan  SKPD: Dinas PUPR" in log.output
    assert "complaint_forwarded" in log.output and "Warga 1" not in log.output and "0812 7" not in log.output
    status = CliRunner().invoke(main, ["--config", config, "status"], env={"MYMEIN_LANG": "id"})
    assert "Pengaduan: Diteruskan 1" in status.output
    missing = CliRunner().invoke(main, ["--config", config, "log", "PG-20261122-0009"])
    assert missing.exit_code != 0 and "no complaint with code PG-20261122-0009" in missing.output


def test_officers_are_reminded_of_complaints_nobody_routed(desk: Desk) -> None:
    officers = "  officers: [petugas@balangankab.example]\n"
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu.")], extra=officers)
    run_cycle(app)  # received 09:01 on the 22nd, seen at 09:00 on the 23rd: not yet 24 hours
    assert desk.mail.to("petugas@balangankab.example") == []
    desk.clock.now += timedelta(hours=2)
    run_cycle(app)
    run_cycle(app)
    [reminder] = desk.mail.to("petugas@balangankab.example")
    assert reminder["Subject"] == "1 pengaduan menunggu SKPD lebih dari 24 jam"
    assert "PG-20261122-0001 | Juai, Juai | Jalan" in _body(reminder)


def test_a_deleted_pengaduan_tab_comes_back_with_its_complaints(desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu."), _complaint(2, "", "", "Juai", "Juai", "Dua.")])
    run_cycle(app)
    _officer_enters(app, "PG-20261122-0002", Selesai=True)
    run_cycle(app)
    book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
    book.del_worksheet(book.worksheet("Pengaduan"))
    with caplog.at_level(logging.WARNING, logger="mymein.tabs"):
        gone = run_cycle(app)
    assert gone.errors == []
    assert caplog.messages == ["Pengaduan tab 'Pengaduan' was deleted; it is made again"]
    # Every complaint not yet archived comes back in the same cycle, the closed one closed.
    rows = _rows(app)
    assert list(rows) == ["PG-20261122-0001", "PG-20261122-0002"]
    assert rows["PG-20261122-0002"]["Status"] == "Selesai" and rows["PG-20261122-0002"]["Selesai"] == "TRUE"
    again = run_cycle(app)
    assert (again.errors, again.cells_written) == ([], 0) and list(_rows(app)) == list(rows)
    # Nothing is published from complaints, ever.
    assert blog_posts(desk.sandbox.url, app.settings.blogger.blog_id) == []


def test_a_complaint_is_forwarded_even_when_drive_will_not_share_its_photo(desk: Desk) -> None:
    [photo] = _upload_photos(desk.sandbox.url, 1)
    link = f"https://drive.google.com/open?id={photo}"
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu.", link)])
    run_cycle(app)
    desk.departments(app, ("Dinas PUPR", PUPR))
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    desk.fault({"match": "drive.permissions.create", "status": 400})  # an address without a Google account
    run_cycle(app)
    assert _rows(app)["PG-20261122-0001"]["Status"] == "Diteruskan"
    [forwarded] = desk.mail.to(PUPR)
    assert "belum dapat dibagikan" in _body(forwarded) and link in _body(forwarded)


def test_a_copied_row_cannot_make_a_complaint_bounce_between_departments(desk: Desk) -> None:
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu.")])
    run_cycle(app)
    desk.departments(app, ("Dinas PUPR", PUPR), ("Dinas Kesehatan", "dinkes@balangankab.example"))
    sheet = _tab(app, "Pengaduan")
    sheet.append_rows([sheet.row_values(2)], value_input_option="RAW")  # an officer copies the row
    header = sheet.row_values(1)
    sheet.update_cell(2, header.index("SKPD") + 1, "Dinas PUPR")
    sheet.update_cell(3, header.index("SKPD") + 1, "Dinas Kesehatan")
    for _ in range(3):
        run_cycle(app)
    assert len(desk.mail.to(PUPR)) == 1 and desk.mail.to("dinkes@balangankab.example") == []
    assert {r["Status"] for r in _tab(app, "Pengaduan").get_all_records()} == {"Diteruskan"}


def test_a_department_with_two_addresses_gets_the_complaint_and_the_reminder_at_both(desk: Desk) -> None:
    [photo] = _upload_photos(desk.sandbox.url, 1)
    link = f"https://drive.google.com/open?id={photo}"
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu.", link)])
    run_cycle(app)
    desk.departments(app, ("Dinas PUPR", f"{PUPR}; kadis.pupr@balangankab.example"))
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    run_cycle(app)
    both = (PUPR, "kadis.pupr@balangankab.example")
    assert [len(desk.mail.to(address)) for address in both] == [1, 1]
    fields = {"fields": "permissions(emailAddress)"}  # Drive leaves the address out unless asked
    url = f"{desk.sandbox.url}/drive/v3/files/{photo}/permissions"
    permissions = requests.get(url, params=fields, timeout=10).json()
    assert sorted(p["emailAddress"] for p in permissions["permissions"]) == sorted(both)
    desk.clock.now += timedelta(hours=73)
    run_cycle(app)
    run_cycle(app)
    assert [len(desk.mail.to(address)) for address in both] == [2, 2]  # the forward and one reminder each


def test_closed_complaints_move_to_the_archive_tab_a_month_later_and_stay_there(desk: Desk) -> None:
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu."), _complaint(2, "", "", "Juai", "Juai", "Dua.")])
    run_cycle(app)
    _officer_enters(app, "PG-20261122-0002", Catatan="ditangani camat", Selesai=True)
    run_cycle(app)
    desk.clock.now += timedelta(days=29)
    run_cycle(app)
    assert list(_rows(app)) == ["PG-20261122-0001", "PG-20261122-0002"]  # not yet a month
    desk.clock.now += timedelta(days=2)
    moved = run_cycle(app)
    assert moved.archived == 1
    assert list(_rows(app)) == ["PG-20261122-0001"]
    [kept] = _tab(app, "Arsip Pengaduan").get_all_records()
    assert (kept["Kode"], kept["Status"], kept["Catatan"], kept["Selesai"]) == (
        "PG-20261122-0002",
        "Selesai",
        "ditangani camat",
        "TRUE",
    )
    for _ in range(2):
        assert run_cycle(app).archived == 0
    assert list(_rows(app)) == ["PG-20261122-0001"]  # never put back
    assert len(_tab(app, "Arsip Pengaduan").get_all_records()) == 1


def _ledger_files(app: App) -> list[Path]:
    return [app.settings.state_dir / (LEDGER_FILE + suffix) for suffix in ("", "-wal", "-shm")]


def test_a_lost_or_older_ledger_forwards_and_answers_nothing_twice(desk: Desk) -> None:
    app, _ = desk.open(
        [
            _complaint(1, "warga1@example.com", "", "Juai", "Juai", "Jalan berlubang."),
            _complaint(2, "warga2@example.com", "", "Juai", "Juai", "Lampu mati."),
        ]
    )
    run_cycle(app)  # two receipts
    desk.departments(app, ("Dinas PUPR", PUPR))
    app.close()
    backup = desk.folder / "backup"
    backup.mkdir()
    for path in _ledger_files(app):  # a backup taken before anything was forwarded
        if path.exists():
            shutil.copy(path, backup / path.name)
    app = build_app(load_settings(desk.config), clock=desk.clock, policy=RetryPolicy(sleep=lambda _: None))
    desk.apps.append(app)
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    run_cycle(app)  # forwarded to PUPR
    _officer_enters(app, "PG-20261122-0001", Jawaban="Sudah ditambal.")
    run_cycle(app)  # the answer to warga1
    sent = len(desk.mail.messages)
    assert sent == 4
    before = _rows(app)
    app.close()
    for restore in ("backup", "lost"):
        for path in _ledger_files(app):
            path.unlink(missing_ok=True)
            if restore == "backup" and (backup / path.name).exists():
                shutil.copy(backup / path.name, path)
        again = build_app(load_settings(desk.config), clock=desk.clock, policy=RetryPolicy(sleep=lambda _: None))
        desk.apps.append(again)
        report = run_cycle(again)
        assert report.adopted == (1 if restore == "backup" else 2), restore
        assert report.complaints == 0  # the form's complaints are not numbered again
        run_cycle(again)
        assert len(desk.mail.messages) == sent, restore
        assert _rows(again) == before, restore
        again.close()


def test_a_renamed_pengaduan_tab_is_followed_and_no_second_one_is_made(desk: Desk) -> None:
    app, _ = desk.open([_complaint(1, "", "", "Juai", "Juai", "Satu."), _complaint(2, "", "", "Juai", "Juai", "Dua.")])
    run_cycle(app)
    desk.departments(app, ("Dinas PUPR", PUPR))
    _tab(app, "Pengaduan").update_title("Pengaduan 2026")
    run_cycle(app)
    run_cycle(app)
    book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
    assert "Pengaduan" not in [w.title for w in book.worksheets()]
    tab = book.worksheet("Pengaduan 2026")
    assert [r["Kode"] for r in tab.get_all_records()] == ["PG-20261122-0001", "PG-20261122-0002"]
    values = tab.get_all_values()
    tab.update_cell(2, values[0].index("SKPD") + 1, "Dinas PUPR")
    run_cycle(app)
    run_cycle(app)
    assert len(desk.mail.to(PUPR)) == 1
    assert [r["Status"] for r in tab.get_all_records()] == ["Diteruskan", "Diterima"]


def test_complaints_ride_on_the_final_window_of_a_big_review_tab(desk: Desk) -> None:
    """A review tab walked in windows of 4 rows (`schedule.rows_per_cycle`): complaints are taken in, routed and
    written once per cycle, with the final step, whatever the number of windows."""
    app, _ = desk.open(
        [
            _complaint(1, "warga1@example.com", "0812 1", "Juai", "Juai", "Jalan desa berlubang besar."),
            _complaint(2, "", "0813 2", "Lok Batu", "Batu Mandi", "Lampu jalan mati sebulan."),
        ],
        extra="schedule:\n  rows_per_cycle: 4\n",
    )
    append_responses(desk.sandbox.url, app.settings.form.spreadsheet_id, [response_row(n) for n in range(1, 11)])
    reports = [run_cycle(app) for _ in range(4)]
    assert sum(r.complaints for r in reports) == 2 and sum(r.ingested for r in reports) == 10
    assert list(_rows(app)) == ["PG-20261122-0001", "PG-20261122-0002"]
    desk.departments(app, ("Dinas PUPR", PUPR))
    _officer_enters(app, "PG-20261122-0001", SKPD="Dinas PUPR")
    news = _tab(app, "Berita")
    codes = news.col_values(1)
    assert sorted(codes[1:]) == [f"MM-20261122-{n:04d}" for n in range(1, 11)]
    news.update_cell(codes.index("MM-20261122-0010") + 1, news.row_values(1).index("Setujui") + 1, True)
    report = run_cycle(app)
    assert report.count("publish") == 1 and len(desk.mail.to(PUPR)) == 1
    assert _rows(app)["PG-20261122-0001"]["Status"] == "Diteruskan"
    run_cycle(app)
    assert len(desk.mail.to(PUPR)) == 1 and len(blog_posts(desk.sandbox.url, app.settings.blogger.blog_id)) == 1
    assert list(_rows(app)) == ["PG-20261122-0001", "PG-20261122-0002"]
