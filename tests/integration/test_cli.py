"""The CLI in-process (CliRunner) and, once, as the administrator runs it: `mymein sandbox` + `mymein sync`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import gspread
import pytest
import requests
from click.testing import CliRunner, Result

from pipeline.app import officer_sheets_client
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.infra.lock import cycle_lock
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_pipeline import officer_sets
from .world import World, blog_posts, make_world, reset_stats, response_row, stats


@pytest.fixture
def world(sandbox: Sandbox, tmp_path: Path) -> World:
    return make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for name in main.list_commands(None):  # type: ignore[arg-type]
        assert f"`mymein {name}" in readme, name


def test_sync_runs_a_cycle_and_reports(world: World) -> None:
    result = CliRunner().invoke(main, ["--config", str(world.config), "sync"])
    assert result.exit_code == 0, result.output
    assert "ingest 2, queue 2" in result.output


def test_config_from_environment_variable(world: World) -> None:
    result = CliRunner().invoke(main, ["sync"], env={"MYMEIN_CONFIG": str(world.config)})
    assert result.exit_code == 0, result.output


def test_dry_run_changes_nothing_anywhere(world: World) -> None:
    reset_stats(world.endpoint)
    result = CliRunner().invoke(main, ["--config", str(world.config), "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: would ingest 2" in result.output
    writes = [k for k in stats(world.endpoint) if k.rsplit(".", 1)[-1] in {"update", "append", "batchUpdate", "insert"}]
    assert writes == []
    settings = load_settings(world.config)
    sheet = officer_sheets_client(settings).open_by_key(world.review_id).worksheet("Berita")
    assert not any(sheet.get_all_values())


def test_second_sync_while_one_runs_exits_zero_saying_so(world: World) -> None:
    settings = load_settings(world.config)
    with cycle_lock(settings.state_dir) as held:
        assert held
        result = CliRunner().invoke(main, ["--config", str(world.config), "sync"])
    assert result.exit_code == 0
    assert "another mymein cycle is running" in result.output


def test_invalid_config_exits_with_the_key_named(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("form:\n  spreadsheet_id: X\nreview:\n  spreadsheet_id: Y\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(bad), "sync"])
    assert result.exit_code == 2
    assert "blogger: is required" in result.output


# --- the fixed interface, as separate processes -----------------------------------------------------------
def _wait_for_ready(stream: IO[str], deadline: float) -> str:
    while time.monotonic() < deadline:
        line = stream.readline()
        if line.startswith("sandbox ready: "):
            return line.split(": ", 1)[1].strip()
        if not line:
            break
    raise AssertionError("the sandbox never said it was ready")


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[str]:
    cmd = [sys.executable, "-m", "pipeline", "sandbox", "--port", "0", "--state", str(tmp_path / "sb")]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        yield _wait_for_ready(process.stdout, time.monotonic() + 60)
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


def test_fixed_interface_scenario_posts_every_approved_row_exactly_once(sandbox_process: str, tmp_path: Path) -> None:
    """Written only against the sandbox command, Google-shaped endpoints, stable config keys and sheet headers."""
    endpoint = sandbox_process
    assert endpoint.startswith("http://127.0.0.1:")
    world = make_world(endpoint, tmp_path, [response_row(n) for n in range(1, 6)])
    mymein = [sys.executable, "-m", "pipeline", "--config", str(world.config), "sync"]
    subprocess.run(mymein, check=True, capture_output=True, timeout=120)
    client = gspread.Client(
        auth=None,  # type: ignore[arg-type]
        session=requests.Session(),
    )
    client.http_client.session.mount("https://sheets.googleapis.com/", _Rewrite(endpoint))
    sheet = client.open_by_key(world.review_id).worksheet("Berita")
    header = sheet.row_values(1)
    rows = sheet.get_all_records()
    approve_col = header.index("Setujui") + 1
    approved = [r["Kode"] for r in rows if int(str(r["Kode"])[-1]) % 2 == 1]
    for number, row in enumerate(rows, start=2):
        if row["Kode"] in approved:
            sheet.update_cell(number, approve_col, True)
    for _ in range(2):  # the second run must change nothing
        subprocess.run(mymein, check=True, capture_output=True, timeout=120)
    posts = blog_posts(endpoint, world.blog_id)
    codes_in_posts = sorted(code for p in posts for code in approved if f"Kode berita: {code}" in p["content"])
    assert codes_in_posts == sorted(approved)
    by_code = {r["Kode"]: r for r in sheet.get_all_records()}
    urls = {p["url"] for p in posts}
    for code in approved:
        assert by_code[code]["Tautan"] in urls
        assert by_code[code]["Status"] == "Terbit"


class _Rewrite(requests.adapters.HTTPAdapter):
    """Test-side twin of the app's rewrite: sends gspread's Google URLs to the sandbox process."""

    def __init__(self, endpoint: str) -> None:
        super().__init__()
        self.endpoint = endpoint

    def send(self, request: requests.PreparedRequest, *args: object, **kwargs: object) -> requests.Response:
        assert request.url is not None
        request.url = request.url.replace("https://sheets.googleapis.com", self.endpoint, 1)
        return super().send(request, *args, **kwargs)  # type: ignore[arg-type]


def test_demo_from_a_relative_folder_publishes_and_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["demo", "--dir", "demo-state"])
    assert result.exit_code == 0, result.output
    assert "berita terbit" in result.output
    published = int(result.output.split(" berita terbit")[0].rsplit("\n", 1)[-1])
    assert published >= 1
    assert "Siklus 4 (tidak ada yang berubah): 0 jawaban baru, 0 baris ditambahkan, tidak ada tindakan" in result.output
    # A complaint goes to its department and its answer back to the complainant, by e-mail.
    assert "e-mail ke pupr@balangankab.example: Pengaduan masyarakat PG-" in result.output
    assert "e-mail ke fauzi.warga@example.com: Jawaban atas pengaduan Anda PG-" in result.output
    assert "1 dari 2 pengaduan selesai" in result.output
    # Each published story is on the sandbox's Facebook Page and Telegram channel, once, with its links.
    assert f"Dibagikan ke media sosial: {published} ke Facebook" in result.output
    assert f"{published} ke Telegram" in result.output and "-> Telegram: https://t.me/kimbalangan/" in result.output
    # Its forms are built through the sandbox's Forms API, as `mymein init --form` builds them.
    assert "Formulir 'Berita KIM' dibuat lewat Forms API" in result.output
    assert "Formulir 'Pengaduan Masyarakat' dibuat lewat Forms API" in result.output


def test_log_shows_a_submissions_history(world: World) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(world.config), "sync"]).exit_code == 0
    result = runner.invoke(main, ["--config", str(world.config), "log", "mm-20261122-0001"])
    assert result.exit_code == 0, result.output
    assert "MM-20261122-0001  Berita nomor 1" in result.output
    assert "received" in result.output and "queued" in result.output
    as_json = runner.invoke(main, ["--config", str(world.config), "log", "MM-20261122-0001", "--json"])
    assert [json.loads(line)["kind"] for line in as_json.output.splitlines()] == ["received", "queued"]
    missing = runner.invoke(main, ["--config", str(world.config), "log", "MM-20991231-0001"])
    assert missing.exit_code == 1 and "no submission with code" in missing.output


def test_status_counts_submissions_from_the_ledger(world: World) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(world.config), "sync"]).exit_code == 0
    result = runner.invoke(main, ["--config", str(world.config), "status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["counts"] == {"Menunggu": 2}
    assert report["oldest_waiting"]["code"] == "MM-20261122-0001"
    assert report["posts_today"] == 0
    # The first cycle's requests: it found the tabs, wrote the header and the rows (10, as the bench shows), and
    # a new ledger looks once at the blog for posts it would otherwise not know about; the read gate asked Drive
    # for the two spreadsheets' versions.
    assert report["api_calls_today"] == {"sheets": 10, "blogger": 1, "drive": 2}
    text = runner.invoke(main, ["--config", str(world.config), "status"], env={"MYMEIN_LANG": "id"}).output
    assert (
        "Menunggu" in text
        and "Postingan baru hari ini: 0" in text
        and "Panggilan API Google hari ini: blogger 1, drive 2, sheets 10" in text
    )


def test_log_json_writes_one_json_object_per_line() -> None:
    import json
    import logging

    from pipeline.cli import JsonLines

    record = logging.LogRecord("mymein.sync", logging.WARNING, __file__, 1, "retry %d in %s", (2, "1.0s"), None)
    entry = json.loads(JsonLines().format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "mymein.sync" and entry["message"] == "retry 2 in 1.0s"
    assert entry["time"].endswith("+00:00")


def test_uncertain_notices_are_shown_without_addresses_and_settled_by_the_administrator(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2), response_row(3)])
    notices = (
        "notices:\n  enabled: true\n  sender: kim@balangankab.example\n  smtp_host: 127.0.0.1\n"
        f"  smtp_port: {port}\n  starttls: false\n"
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + notices, encoding="utf-8")
    runner = CliRunner()

    def mymein(*args: str) -> Result:
        return runner.invoke(main, ["--config", str(world.config), *args])

    assert mymein("sync").exit_code == 0
    sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
    for n in (1, 2, 3):
        officer_sets(sheet, f"MM-20261122-000{n}", Tolak="TRUE")
    for _ in range(2):  # the server takes a message and hangs up before answering: twice, one notice each
        mail.hang_up_at = "DATA"
        assert mymein("sync").exit_code == 0
    assert mymein("sync").exit_code == 0  # the third goes out
    assert [m["To"] for m in mail.messages] == [f"operator{n}@example.com" for n in (1, 2, 3)]

    status = runner.invoke(main, ["--config", str(world.config), "status"], env={"MYMEIN_LANG": "id"}).output
    assert "tidak pasti 2" in status and "terkirim 1" in status
    assert "#1 rejected:MM-20261122-0001 (rejected)" in status and "#2 rejected:MM-20261122-0002" in status
    as_json = mymein("status", "--json").output
    assert "@example.com" not in as_json and "@example.com" not in status
    assert [n["key"] for n in json.loads(as_json)["uncertain_notices"]] == [
        "rejected:MM-20261122-0001",
        "rejected:MM-20261122-0002",
    ]
    listed = mymein("notices", "list", "--state", "uncertain").output
    assert listed.count("uncertain") == 2 and "to o***@example.com" in listed and "operator1@" not in listed
    listed_id = runner.invoke(main, ["--config", str(world.config), "notices", "list"], env={"MYMEIN_LANG": "id"})
    assert "kepada o***@example.com" in listed_id.output and "masuk antrean " in listed_id.output
    full = [json.loads(line) for line in mymein("notices", "list", "--json").output.splitlines()]
    assert [(n["recipient"], n["state"]) for n in full] == [
        ("operator1@example.com", "uncertain"),
        ("operator2@example.com", "uncertain"),
        ("operator3@example.com", "sent"),
    ]

    # The administrator checked: the first never arrived (resend it), the second did (dismiss it).
    resent = mymein("notices", "resend", "#1")
    assert resent.exit_code == 0, resent.output
    assert "#1 rejected:MM-20261122-0001: sent" in resent.output
    dismissed = mymein("notices", "dismiss", "rejected:MM-20261122-0002")
    assert dismissed.exit_code == 0 and "dismissed; it will not be sent" in dismissed.output
    for _ in range(2):
        assert mymein("sync").exit_code == 0
    assert [m["To"] for m in mail.messages].count("operator1@example.com") == 2  # as the administrator chose
    assert [m["To"] for m in mail.messages].count("operator2@example.com") == 1
    assert "uncertain_notices" in as_json and json.loads(mymein("status", "--json").output)["uncertain_notices"] == []

    again = mymein("notices", "resend", "3")
    assert again.exit_code == 1 and "not resent, it was sent at" in again.output
    unknown = mymein("notices", "dismiss", "rejected:MM-20991231-0001")
    assert unknown.exit_code == 1 and "no notice 'rejected:MM-20991231-0001'" in unknown.output
    history = mymein("log", "MM-20261122-0001").output
    assert "notice_resent" in history and "was=uncertain" in history
    assert "notice_dismissed" in mymein("log", "MM-20261122-0002").output


def test_resend_while_a_cycle_runs_leaves_the_sending_to_that_cycle(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    notices = (
        "notices:\n  enabled: true\n  sender: kim@balangankab.example\n  smtp_host: 127.0.0.1\n"
        f"  smtp_port: {port}\n  starttls: false\n"
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + notices, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(world.config), "sync"]).exit_code == 0
    sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
    officer_sets(sheet, "MM-20261122-0001", Tolak="TRUE")
    mail.hang_up_at = "DATA"
    assert runner.invoke(main, ["--config", str(world.config), "sync"]).exit_code == 0
    with cycle_lock(load_settings(world.config).state_dir) as held:
        assert held
        result = runner.invoke(main, ["--config", str(world.config), "notices", "resend", "1"])
        assert result.exit_code == 0 and "queued; a cycle is running" in result.output
        assert len(mail.messages) == 1
    result = runner.invoke(main, ["--config", str(world.config), "sync"])
    assert result.exit_code == 0 and "1 e-mail sent" in result.output
    assert [m["To"] for m in mail.messages] == ["operator1@example.com"] * 2
