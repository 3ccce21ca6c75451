"""Forms owned by an Indonesian Google account: tab `Jawaban Formulir 1`, the columns Forms fills itself named
`Cap waktu` / `Stempel waktu` and `Alamat email` / `Nama pengguna`. News, complaints and KIM registrations are
all read through the sandbox, and `mymein doctor` accepts each form."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.sheettime import to_serial
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_complaints import _rows as complaint_rows
from .test_notices import _notices_yaml
from .test_pipeline import records_by_code, review_sheet
from .world import BASE_TIME, FORM_HEADER, WITA, World, append_responses, create_spreadsheet, make_world, response_row

TAB = "Jawaban Formulir 1"
# (timestamp, e-mail) headers as Forms writes them in Indonesian accounts, depending on the e-mail setting.
ACCOUNTS = [("Cap waktu", "Alamat email"), ("Stempel waktu", "Nama pengguna")]
COMPLAINT_QUESTIONS = ["Nama Pelapor", "Kontak", "Desa", "Kecamatan", "Kategori", "Isi Pengaduan", "Foto"]
REGISTRATION_QUESTIONS = ["Nama Operator", "Nama KIM", "Desa", "Kecamatan", "Telepon"]


def _doctor(world: World) -> str:
    return CliRunner().invoke(main, ["--config", str(world.config), "doctor"]).output


def _form(sandbox: Sandbox, title: str, header: list[str], rows: list[list[Any]]) -> str:
    form = create_spreadsheet(sandbox.url, title, TAB)
    append_responses(sandbox.url, form, [header, *rows], tab=TAB)
    return form


def _answer(n: int, email: str, *answers: str) -> list[Any]:
    return [round(to_serial(BASE_TIME + timedelta(minutes=n), WITA), 8), email, *answers]


@pytest.mark.parametrize(("timestamp", "email"), ACCOUNTS)
def test_the_news_form_of_an_indonesian_account_is_ingested(
    sandbox: Sandbox, tmp_path: Path, timestamp: str, email: str
) -> None:
    header = [timestamp, email, *FORM_HEADER[2:]]
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)], form_tab=TAB, form_header=header)
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        report = run_cycle(app)
        rows = records_by_code(review_sheet(app))
    finally:
        app.close()
    assert (report.ingested, report.errors) == (2, [])
    first = rows["MM-20261122-0001"]
    assert (first["Email"], first["Diterima"], first["Status"]) == (
        "operator1@example.com",
        "2026-11-22 08:01",
        "Menunggu",
    )
    assert rows["MM-20261122-0002"]["Email"] == "operator2@example.com"
    assert f"[ok  ] form responses sheet: {world.form_id}, tab '{TAB}'" in _doctor(world)


def test_a_configured_timestamp_header_is_matched_besides_the_shared_ones(sandbox: Sandbox, tmp_path: Path) -> None:
    header = ["Waktu isi", "Alamat email", *FORM_HEADER[2:]]
    world = make_world(sandbox.url, tmp_path, [response_row(1)], form_tab=TAB, form_header=header)
    text = world.config.read_text(encoding="utf-8")
    world.config.write_text(text.replace("form:\n", "form:\n  columns:\n    timestamp: [Waktu isi]\n"), "utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        assert run_cycle(app).ingested == 1
    finally:
        app.close()


@pytest.mark.parametrize(("timestamp", "email"), ACCOUNTS)
def test_the_complaint_form_of_an_indonesian_account_is_collected(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int], timestamp: str, email: str
) -> None:
    mail, port = inbox
    rows = [_answer(1, "warga1@example.com", "Warga 1", "0812", "Juai", "Juai", "Jalan", "Jalan desa berlubang.", "")]
    form = _form(sandbox, "Pengaduan KIM", [timestamp, email, *COMPLAINT_QUESTIONS], rows)
    world = make_world(sandbox.url, tmp_path, [])
    complaints = f"complaints:\n  enabled: true\n  spreadsheet_id: {form}\n  worksheet: {TAB}\n  check_seconds: 0\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + complaints + _notices_yaml(port), "utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        report = run_cycle(app)
        collected = complaint_rows(app)
    finally:
        app.close()
    assert (report.complaints, report.errors) == (1, [])
    row = collected["PG-20261122-0001"]
    assert (row["Nama Pelapor"], row["Diterima"], row["Status"]) == ("Warga 1", "2026-11-22 08:01", "Diterima")
    # The e-mail came from the column Forms filled: the receipt went there.
    assert [m["Subject"] for m in mail.to("warga1@example.com")] == [
        "Pengaduan Anda diterima dengan kode PG-20261122-0001"
    ]
    assert f"[ok  ] complaint form sheet: {form}, tab '{TAB}'" in _doctor(world)


@pytest.mark.parametrize(("timestamp", "email"), ACCOUNTS)
def test_the_registration_form_of_an_indonesian_account_is_collected(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int], timestamp: str, email: str
) -> None:
    mail, port = inbox
    rows = [_answer(1, "op1@example.com", "Operator 1", "KIM Juai Maju", "Juai", "Juai", "0812")]
    form = _form(sandbox, "Pendaftaran KIM", [timestamp, email, *REGISTRATION_QUESTIONS], rows)
    world = make_world(sandbox.url, tmp_path, [])
    registration = f"registration:\n  enabled: true\n  spreadsheet_id: {form}\n  worksheet: {TAB}\n  check_seconds: 0\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + registration + _notices_yaml(port), "utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        report = run_cycle(app)
        run_cycle(app)
        operators = review_sheet(app).spreadsheet.worksheet("Operator").get_all_values()
    finally:
        app.close()
    assert (report.registered, report.errors) == (1, [])
    assert [(r[0], r[2], r[-1]) for r in operators[1:]] == [("op1@example.com", "KIM Juai Maju", "KIM-6311-0001")]
    assert len(mail.to("op1@example.com")) == 1
    assert f"[ok  ] registration form sheet: {form}, tab '{TAB}'" in _doctor(world)


def test_the_doctor_names_the_tabs_when_the_registration_tab_is_not_there(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    form = _form(sandbox, "Pendaftaran KIM", ["Cap waktu", "Alamat email", *REGISTRATION_QUESTIONS], [])
    world = make_world(sandbox.url, tmp_path, [])
    registration = f"registration:\n  enabled: true\n  spreadsheet_id: {form}\n"  # worksheet left at its default
    world.config.write_text(world.config.read_text(encoding="utf-8") + registration + _notices_yaml(port), "utf-8")
    output = _doctor(world)
    assert f"[FAIL] registration form sheet: no tab 'Form Responses 1' in spreadsheet {form} (tabs: {TAB})" in output, (
        output
    )
    assert "fix: set registration.worksheet to the tab the registration form writes to" in output
