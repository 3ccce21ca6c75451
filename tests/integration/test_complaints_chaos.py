"""A crash before or after any remote call of a busy complaints cycle: no complaint lost, no row doubled, no
e-mail sent twice or never (the chaos harness's crashing adapter, mounted through the app's transport seam)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.sandbox.server import Sandbox

from .chaos import NO_SLEEP, CrashPlan, SimulatedCrash, arm
from .conftest import Inbox
from .test_complaints import PUPR, Clock, _app, _complaint, _officer_enters, _rows, _tab
from .test_post_life import _upload_photos
from .world import append_responses

A, B, C = "PG-20261122-0001", "PG-20261122-0002", "PG-20261122-0003"


def _scene(sandbox: Sandbox, folder: Path, port: int, clock: Clock) -> Path:
    """A forwarded; then B is picked for the PUPR (with a photo), A's answer typed, and C sent in the form."""
    folder.mkdir(exist_ok=True)
    [photo] = _upload_photos(sandbox.url, 1)
    rows = [
        _complaint(1, "a@example.com", "", "Juai", "Juai", "Satu."),
        _complaint(2, "b@example.com", "", "Juai", "Juai", "Dua.", f"https://drive.google.com/open?id={photo}"),
    ]
    app, form = _app(sandbox, folder, port, rows, clock)
    try:
        run_cycle(app)
        _tab(app, "SKPD").append_rows([["Dinas PUPR", PUPR, ""]], value_input_option="RAW")
        _officer_enters(app, A, SKPD="Dinas PUPR")
        run_cycle(app)
        _officer_enters(app, B, SKPD="Dinas PUPR")
        _officer_enters(app, A, Jawaban="Sudah ditangani.")
        append_responses(sandbox.url, form, [_complaint(3, "c@example.com", "", "Juai", "Juai", "Tiga.")])
    finally:
        app.close()
    return folder / "config.yaml"


def _open(config: Path, clock: Clock, plan: CrashPlan | None = None) -> App:
    return build_app(load_settings(config), arm(plan) if plan else None, clock=clock, policy=NO_SLEEP)


def test_a_crash_anywhere_in_a_complaints_cycle_neither_loses_nor_doubles(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    expected = Counter(
        {
            ("a@example.com", f"Pengaduan Anda diterima dengan kode {A}"): 1,
            ("b@example.com", f"Pengaduan Anda diterima dengan kode {B}"): 1,
            ("c@example.com", f"Pengaduan Anda diterima dengan kode {C}"): 1,
            (PUPR, f"Pengaduan masyarakat {A}: Jalan di Juai, Juai"): 1,
            (PUPR, f"Pengaduan masyarakat {B}: Jalan di Juai, Juai"): 1,
            ("a@example.com", f"Jawaban atas pengaduan Anda {A}"): 1,
        }
    )
    failures: list[str] = []
    crashed = 0
    for at in range(1, 40):
        fired = False
        for before in (True, False):
            mail.messages.clear()
            clock = Clock()
            config = _scene(sandbox, tmp_path / f"crash{at}{'b' if before else 'a'}", port, clock)
            clock.now += timedelta(minutes=1)
            plan = CrashPlan(at=at, before=before)
            app = _open(config, clock, plan)
            try:
                run_cycle(app)
            except SimulatedCrash:
                fired = True
                crashed += 1
            finally:
                app.close()
            for _ in range(3):
                clock.now += timedelta(minutes=1)
                app = _open(config, clock)
                try:
                    run_cycle(app)
                    rows = _rows(app)
                    statuses = {code: row["Status"] for code, row in rows.items()}
                    on_tab = [str(r["Kode"]) for r in _tab(app, "Pengaduan").get_all_records()]
                finally:
                    app.close()
            sent = Counter((m["To"], m["Subject"]) for m in mail.messages)
            where = f"call {at} {'before' if before else 'after'}"
            if sent != expected:
                failures.append(f"{where}: e-mails {dict(sent - expected)} extra, {dict(expected - sent)} missing")
            if on_tab != [A, B, C]:
                failures.append(f"{where}: Pengaduan rows {on_tab}")
            if statuses != {A: "Ditanggapi", B: "Diteruskan", C: "Diterima"}:
                failures.append(f"{where}: statuses {statuses}")
        if not fired:
            break  # past the cycle's last remote call
    assert crashed >= 8  # reads, the photo's sharing, the write-back's look and its batchUpdate, each twice
    assert failures == []


def test_the_scene_without_a_crash_sends_each_mail_once(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    clock = Clock()
    config = _scene(sandbox, tmp_path, port, clock)
    app = _open(config, clock)
    try:
        run_cycle(app)
        run_cycle(app)
    finally:
        app.close()
    assert len(mail.messages) == 6 and len({(m["To"], m["Subject"]) for m in mail.messages}) == 6
