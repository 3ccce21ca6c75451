"""KIM registration from form to Operator tab and e-mail: numbered once, refused with a reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from pipeline.app import build_app
from pipeline.config import load_settings
from pipeline.core.sheettime import to_serial
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.ledger import LEDGER_FILE
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_notices import _body, _notices_yaml
from .test_pipeline import review_sheet
from .world import BASE_TIME, WITA, append_responses, create_spreadsheet, make_world

HEADER = ["Timestamp", "Email Address", "Nama Operator", "Nama KIM", "Desa", "Kecamatan", "Telepon", "Facebook"]


def _application(n: int, desa: str, kecamatan: str, kim: str) -> list[Any]:
    moment = BASE_TIME + timedelta(minutes=n)
    return [round(to_serial(moment, WITA), 8), f"op{n}@example.com", f"Operator {n}", kim, desa, kecamatan, "0812", ""]


def test_applications_become_numbered_operators_and_each_applicant_hears_once(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    form = create_spreadsheet(sandbox.url, "Pendaftaran KIM", "Form Responses 1")
    append_responses(
        sandbox.url,
        form,
        [
            HEADER,
            _application(1, "Juai", "Juai", "KIM Juai Maju"),
            _application(2, "juai", "JUAI", "KIM Juai Lain"),  # a second KIM for the same village
            _application(3, "Desa Khayalan", "Juai", "KIM Khayalan"),
            _application(4, "Lok Batu", "Batu Mandi", "KIM Lok Batu"),
        ],
    )
    world = make_world(sandbox.url, tmp_path, [])
    registration = f"registration:\n  enabled: true\n  spreadsheet_id: {form}\n  check_seconds: 0\n"
    config = world.config.read_text(encoding="utf-8") + registration + _notices_yaml(port)
    world.config.write_text(config, encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        first = run_cycle(app)
        assert first.registered == 2
        run_cycle(app)
        operators = review_sheet(app).spreadsheet.worksheet("Operator").get_all_values()
        assert operators[0][-1] == "Nomor registrasi"
        assert [(r[0], r[2], r[3], r[-1]) for r in operators[1:]] == [
            ("op1@example.com", "KIM Juai Maju", "Juai", "KIM-6311-0001"),
            ("op4@example.com", "KIM Lok Batu", "Lok Batu", "KIM-6311-0002"),
        ]
        [welcome] = mail.to("op1@example.com")
        assert welcome["Subject"] == "KIM KIM Juai Maju terdaftar dengan nomor KIM-6311-0001"
        [second] = mail.to("op2@example.com")
        assert "sudah memiliki KIM terdaftar" in _body(second)
        [unknown] = mail.to("op3@example.com")
        assert "tidak ditemukan dalam daftar desa" in _body(unknown)
        assert len(mail.messages) == 4
        # A later application is numbered after the others.
        append_responses(sandbox.url, form, [_application(5, "Awayan", "Awayan", "KIM Awayan")])
        assert run_cycle(app).registered == 1
        numbers = [r[-1] for r in review_sheet(app).spreadsheet.worksheet("Operator").get_all_values()[1:]]
        assert numbers == ["KIM-6311-0001", "KIM-6311-0002", "KIM-6311-0003"]
    finally:
        app.close()


def test_a_lost_ledger_numbers_no_kim_twice_and_mails_nobody_again(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    form = create_spreadsheet(sandbox.url, "Pendaftaran KIM", "Form Responses 1")
    rows = [
        _application(1, "Juai", "Juai", "KIM Juai Maju"),
        _application(2, "juai", "JUAI", "KIM Juai Lain"),  # refused: Juai has its KIM
        _application(3, "Lok Batu", "Batu Mandi", "KIM Lok Batu"),
    ]
    append_responses(sandbox.url, form, [HEADER, *rows])
    world = make_world(sandbox.url, tmp_path, [])
    registration = f"registration:\n  enabled: true\n  spreadsheet_id: {form}\n  check_seconds: 0\n"
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + registration + _notices_yaml(port), encoding="utf-8"
    )
    settings = load_settings(world.config)
    app = build_app(settings, policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        run_cycle(app)
    finally:
        app.close()
    assert len(mail.messages) == 3
    for suffix in ("", "-wal", "-shm"):
        (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)
    append_responses(sandbox.url, form, [_application(4, "Awayan", "Awayan", "KIM Awayan")])
    app = build_app(settings, policy=RetryPolicy(sleep=lambda _: None))
    try:
        assert run_cycle(app).registered == 1  # only the new application
        run_cycle(app)
        operators = review_sheet(app).spreadsheet.worksheet("Operator").get_all_values()[1:]
    finally:
        app.close()
    assert [r[-1] for r in operators] == ["KIM-6311-0001", "KIM-6311-0002", "KIM-6311-0003"]
    assert len(mail.messages) == 4 and len(mail.to("op4@example.com")) == 1
