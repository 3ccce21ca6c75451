"""`mymein demo`: the real pipeline against a seeded sandbox, with an officer ticking boxes in between."""

from __future__ import annotations

import contextlib
import shutil
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gspread
import requests

from ..app import FORMS_SCOPE, GMAIL_SEND_SCOPE, App, build_app, officer_sheets_client
from ..config import load_settings
from ..core.complaints import ComplaintStatus
from ..core.review import column_letter
from ..core.text import fold
from ..cycle import CycleReport, run_cycle
from ..features import directory
from ..infra.private import write_private
from ..sandbox.credentials import throwaway_service_account, throwaway_user_token
from ..sandbox.demo_data import DEMO_COMPLAINTS, DEMO_RESPONSES, OFFICER_ACTIONS
from ..sandbox.seed import REVIEW_TAB, DemoWorld, demo_config, save_world, seed_demo
from ..sandbox.server import Sandbox
from .prepare import prepare_review_spreadsheet

MARKER = ".mymein-demo"
Echo = Callable[[str], None]


def _fresh_folder(folder: Path) -> None:
    """Start each demo from nothing, but only ever delete a folder an earlier demo made."""
    if folder.exists():
        if not (folder / MARKER).exists():
            raise FileExistsError(f"{folder} exists and was not made by `mymein demo`; choose another --dir")
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / MARKER).write_text("made by mymein demo\n", encoding="utf-8")


def prepare_world(folder: Path, endpoint: str, now: datetime) -> tuple[DemoWorld, Path]:
    """Seed the sandbox and write a config (with throwaway credentials) that points the pipeline at it."""
    import json

    world = seed_demo(endpoint, now)
    save_world(world, folder)
    creds = folder / "credentials"
    # 0600, as the pipeline refuses credentials other users can read (and as `mymein auth` writes them).
    write_private(creds / "service-account.json", json.dumps(throwaway_service_account(f"{endpoint}/token")))
    token = throwaway_user_token(f"{endpoint}/token")
    # The demo sends its notices through Gmail and builds its forms as the owner (`mymein init --form`).
    token["scopes"] = [*token["scopes"], GMAIL_SEND_SCOPE, FORMS_SCOPE]
    write_private(creds / "blogger-token.json", json.dumps(token))
    config = folder / "config.yaml"
    config.write_text(demo_config(world, folder / "state", creds) + _social_demo(endpoint, creds), encoding="utf-8")
    return world, config


DEMO_PAGE = "104729381112233"
DEMO_CHAT = "@kimbalangan"


def _social_demo(endpoint: str, creds: Path) -> str:
    """The regency's Facebook Page and Telegram channel, in the sandbox: throwaway tokens (0600, as the pipeline
    demands), the page made with its token, the `social:` section of the config."""
    page_token = "demo-page-token-" + DEMO_PAGE
    write_private(creds / "facebook-page-token", page_token + "\n")
    write_private(creds / "telegram-bot-token", "123456789:AAdemoBotTokenForTheSandboxOnly_xyz\n")
    page = {"id": DEMO_PAGE, "name": "Diskominfo Kabupaten Balangan", "token": page_token}
    requests.post(f"{endpoint}/_sandbox/facebook/pages", json=page, timeout=10).raise_for_status()
    return "\n".join(
        [
            "social:",
            f"  endpoint: {endpoint}",
            "  facebook:",
            f"    page_id: '{DEMO_PAGE}'",
            f"    token_file: {creds / 'facebook-page-token'}",
            "  telegram:",
            f"    chat: '{DEMO_CHAT}'",
            f"    token_file: {creds / 'telegram-bot-token'}",
            "",
        ]
    )


def officer_reviews(client: gspread.Client, review_id: str) -> int:
    """Tick, edit and reject rows the way an officer would, finding each row by its title, never by number."""
    sheet = client.open_by_key(review_id).worksheet(REVIEW_TAB)
    values = sheet.get_all_values()
    header = [fold(h) for h in values[0]]

    def col(name: str) -> str:
        return column_letter(header.index(fold(name)))

    by_title = {fold(row[header.index("judul")]): number for number, row in enumerate(values[1:], start=2)}
    updates: list[dict[str, Any]] = []
    for action in OFFICER_ACTIONS:
        title = DEMO_RESPONSES[action.index].title
        row = by_title.get(fold(title))
        if row is None:
            continue
        if action.new_title:
            updates.append({"range": f"{col('Judul')}{row}", "values": [[action.new_title]]})
        if action.note:
            updates.append({"range": f"{col('Catatan')}{row}", "values": [[action.note]]})
        updates.append({"range": f"{col('Mode')}{row}", "values": [[action.mode]]})
        if action.approve:
            updates.append({"range": f"{col('Setujui')}{row}", "values": [["TRUE"]]})
        if action.reject:
            updates.append({"range": f"{col('Tolak')}{row}", "values": [["TRUE"]]})
    # USER_ENTERED, as typing in the browser: "TRUE" becomes a ticked checkbox.
    sheet.batch_update(updates, value_input_option=gspread.utils.ValueInputOption.user_entered)
    return len(updates)


def officer_handles_complaints(client: gspread.Client, review_id: str, tab: str, *, answers: bool) -> list[str]:
    """Pick the department (first pass) or record its answer and tick Selesai (second pass), finding each
    complaint's row by its text, as an officer reading the tab would. Returns what was done, for the log."""
    sheet = client.open_by_key(review_id).worksheet(tab)
    values = sheet.get_all_values()
    header = [fold(h) for h in values[0]]

    def cell(name: str, row: int) -> str:
        return f"{column_letter(header.index(fold(name)))}{row}"

    updates: list[dict[str, Any]] = []
    done: list[str] = []
    for number, row in enumerate(values[1:], start=2):
        complaint = next((c for c in DEMO_COMPLAINTS if fold(c.text) == fold(row[header.index("isi pengaduan")])), None)
        if complaint is None or complaint.department is None:
            continue
        code = row[header.index("kode")]
        if not answers:
            updates.append({"range": cell("SKPD", number), "values": [[complaint.department]]})
            done.append(f"{code}: SKPD {complaint.department} dipilih")
        elif complaint.answer:
            updates.append({"range": cell("Jawaban", number), "values": [[complaint.answer]]})
            updates.append({"range": cell("Selesai", number), "values": [[True]]})
            done.append(f"{code}: jawaban {complaint.department} dicatat, Selesai dicentang")
    if updates:
        sheet.batch_update(updates, value_input_option=gspread.utils.ValueInputOption.raw)
    return done


def _mail_since(echo: Echo, endpoint: str, seen: int) -> int:
    """Echo the e-mails the sandbox's Gmail received since the `seen` first ones; returns how many there are."""
    sent = requests.get(f"{endpoint}/_sandbox/gmail/sent", timeout=10).json()["sent"]
    for message in sent[seen:]:
        echo(f"  e-mail ke {message['to']}: {message['subject']}")
    return len(sent)


def _summary(echo: Echo, label: str, report: CycleReport) -> None:
    actions = {a: report.count(a) for a in ("publish", "update", "reject", "retract", "hold")}
    done = ", ".join(f"{k}: {v}" for k, v in actions.items() if v) or "tidak ada tindakan"
    complaints = f", {report.complaints} pengaduan baru" if report.complaints else ""
    echo(
        f"{label}: {report.ingested} jawaban baru, {report.queued} baris ditambahkan, {done}, "
        f"{report.cells_written} sel ditulis{complaints}"
    )
    for error in report.errors:
        echo(f"  ! {error}")


def _build_forms(echo: Echo, app: App, endpoint: str) -> None:
    """The forms, as `mymein init --form` builds them, through the sandbox's Forms API; then the administrator's
    two clicks the API cannot make (the upload question, the link to the responses spreadsheet)."""
    from .forms import build_forms

    for built in build_forms(app):
        clicks = f"{endpoint}/_sandbox/forms/{built.form_id}"
        if built.plan.upload:
            after = built.plan.after[-1].title
            requests.post(f"{clicks}/upload-question", json={"title": built.plan.upload, "after": after}, timeout=10)
        requests.post(f"{clicks}/link-sheet", json={"spreadsheetId": built.spreadsheet_id}, timeout=10)
        questions = len(dict.fromkeys(built.plan.titles))
        echo(f"Formulir {built.plan.title!r} dibuat lewat Forms API ({questions} pertanyaan, terbit): {built.edit_url}")


def run_demo(folder: Path, *, keep_running: bool, echo: Echo) -> int:
    folder = folder.resolve()  # the written config.yaml must not depend on the working directory
    _fresh_folder(folder)
    with Sandbox(state_dir=folder / "sandbox") as sandbox:
        world, config = prepare_world(folder, sandbox.url, datetime.now(UTC))
        echo(f"sandbox ready: {sandbox.url}")
        echo(f"config: {config}")
        settings = load_settings(config)
        app = build_app(settings)
        officer = officer_sheets_client(settings)
        tab = settings.complaints.tab
        try:
            _build_forms(echo, app, sandbox.url)
            # As an administrator does before the first cycle (docs/deploy.md): the sheet officers will see.
            prepared = prepare_review_spreadsheet(app)
            echo(
                f"mymein init: sheet review disiapkan ({len(prepared.requests)} pengaturan: kotak centang, Mode, warna)"
            )
            _summary(echo, "Siklus 1 (jawaban dan pengaduan masuk ke sheet review)", run_cycle(app))
            mails = _mail_since(echo, sandbox.url, 0)
            edits = officer_reviews(officer, world.review_spreadsheet_id)
            echo(f"Petugas mengubah {edits} sel di sheet review (centang Setujui/Tolak, Mode, Catatan)")
            for line in officer_handles_complaints(officer, world.review_spreadsheet_id, tab, answers=False):
                echo(f"Petugas, tab {tab}: {line}")
            _summary(echo, "Siklus 2 (berita terbit, pengaduan diteruskan ke SKPD)", run_cycle(app))
            mails = _mail_since(echo, sandbox.url, mails)
            for line in officer_handles_complaints(officer, world.review_spreadsheet_id, tab, answers=True):
                echo(f"Petugas, tab {tab}: {line}")
            _summary(echo, "Siklus 3 (jawaban SKPD dikirim ke pelapor)", run_cycle(app))
            mails = _mail_since(echo, sandbox.url, mails)
            fourth = run_cycle(app)
            _summary(echo, "Siklus 4 (tidak ada yang berubah)", fourth)
            mails = _mail_since(echo, sandbox.url, mails)
            records = app.ledger.records()
            complaints = list(app.ledger.complaints.records().values())
            directory_url = directory.page_url(app)
            shares = [s for s in app.ledger.shares.listing(("live",))]
        finally:
            app.close()
        echo("")
        echo(f"{'Kode':<17} {'Status':<16} {'Desa':<18} Judul")
        for record in records.values():
            echo(f"{record.code:<17} {record.status.value:<16} {record.desa[:18]:<18} {record.title[:48]}")
            if record.post_url:
                echo(f"{'':<17} -> {record.post_url}")
            for share in (s for s in shares if s.code == record.code):
                echo(f"{'':<17} -> {share.channel.capitalize()}: {share.url}")
        live = sum(1 for r in records.values() if r.post_url)
        echo("")
        echo(f"{'Pengaduan':<17} {'Status':<16} {'Desa':<18} {'Kategori':<14} SKPD")
        for c in complaints:
            echo(f"{c.code:<17} {c.status.value:<16} {c.desa[:18]:<18} {c.category[:14]:<14} {c.department}")
        closed = sum(1 for c in complaints if c.status is ComplaintStatus.CLOSED)
        echo("")
        echo(
            f"{live} berita terbit, {len(records)} kiriman tercatat; {closed} dari {len(complaints)} pengaduan selesai."
        )
        echo(f"{mails} e-mail terkirim lewat Gmail sandbox: {sandbox.url}/_sandbox/gmail")
        on = {c: sum(1 for s in shares if s.channel == c) for c in ("facebook", "telegram")}
        echo(
            f"Dibagikan ke media sosial: {on['facebook']} ke Facebook ({sandbox.url}/_sandbox/facebook/pages), "
            f"{on['telegram']} ke Telegram ({sandbox.url}/_sandbox/telegram/messages?chat={DEMO_CHAT})"
        )
        echo(f"Lihat di peramban: {sandbox.url}/_sandbox/  (blog: {sandbox.url}/_sandbox/blogs/{world.blog_id})")
        echo(f"Sheet review seperti dilihat petugas: {sandbox.url}/_sandbox/sheets/{world.review_spreadsheet_id}")
        if directory_url:
            echo(f"Direktori KIM (halaman blog): {directory_url}")
        if keep_running:
            echo("Sandbox tetap berjalan; tekan Ctrl-C untuk berhenti.")
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            with contextlib.suppress(KeyboardInterrupt):
                stop.wait()
        quiet = fourth.count("publish") == 0 and fourth.cells_written == 0
        return 0 if live > 0 and closed > 0 and quiet else 1
