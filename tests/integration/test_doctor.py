"""`mymein doctor`: a checklist through the sandbox; exit 0 only when everything passes, a fix for each failure."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.complaints import TAB_HEADERS
from pipeline.sandbox.credentials import throwaway_service_account, throwaway_user_token
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_hostile_private import _form_folders, _permissions, _photo
from .test_init_complaints import COMPLAINT_FORM_HEADER, complaints_world
from .world import World, blog_posts, make_world, reset_stats, stats


def _doctor(config: Path) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), "doctor"])


def _with(world: World, extra: str) -> Path:
    """The world's config with `extra` lines appended under `google:` (which comes first)."""
    text = world.config.read_text(encoding="utf-8").replace("google:\n", f"google:\n{extra}", 1)
    world.config.write_text(text, encoding="utf-8")
    return world.config


def test_doctor_sends_an_empty_review_sheet_to_init_and_passes_after_it(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    before = _doctor(world.config)
    assert before.exit_code == 1, before.output
    assert "[FAIL] review tab 'Berita'" in before.output and "fix: run `mymein init`" in before.output
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    after = _doctor(world.config)
    assert after.exit_code == 0, after.output
    assert "FAIL" not in after.output
    names = ("config file", "state_dir", "time zone", "form responses sheet", "blog", "Drive (photos)", "read gate")
    for name in names:
        assert f"[ok  ] {name}" in after.output


def test_credential_files_must_parse_be_private_and_hold_a_refresh_token(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    key, token = tmp_path / "sa.json", tmp_path / "token.json"
    key.write_text(json.dumps(throwaway_service_account(f"{sandbox.url}/token")), encoding="utf-8")
    key.chmod(0o644)
    user = throwaway_user_token(f"{sandbox.url}/token")
    token.write_text(json.dumps({k: v for k, v in user.items() if k != "refresh_token"}), encoding="utf-8")
    token.chmod(0o600)
    config = _with(world, f"  service_account_file: {key}\n  oauth_token_file: {token}\n")
    result = _doctor(config)
    assert result.exit_code == 1
    assert "can be read by other users (mode 644)" in result.output and f"fix: chmod 600 {key}" in result.output
    assert "has no refresh token" in result.output and "run `mymein auth` again" in result.output
    key.chmod(0o600)
    token.write_text(json.dumps(user), encoding="utf-8")
    result = _doctor(config)
    assert "[ok  ] credentials google.service_account_file" in result.output, result.output
    assert "mymein@mymein-sandbox.iam.gserviceaccount.com" in result.output
    assert "refresh token issued 0 days ago" in result.output


def test_a_wrong_spreadsheet_or_blog_says_how_to_fix_it(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    text = world.config.read_text(encoding="utf-8")
    text = text.replace(world.review_id, "1NoSuchSpreadsheet").replace(world.blog_id, "999")
    world.config.write_text(text, encoding="utf-8")
    result = _doctor(world.config)
    assert result.exit_code == 1
    assert "[FAIL] review spreadsheet: Google answered 404" in result.output
    assert "share spreadsheet 1NoSuchSpreadsheet with the service account as Editor" in result.output
    assert "[FAIL] blog: Google answered 404" in result.output and "blogger.blog_id" in result.output


def test_a_broken_config_is_the_first_and_only_failure(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("form: {}\n", encoding="utf-8")
    result = _doctor(config)
    assert result.exit_code == 1
    assert result.output.startswith("[FAIL] config file:") and "0 of 1 checks passed" in result.output


def test_with_notices_on_the_mail_server_is_checked_without_sending(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = make_world(sandbox.url, tmp_path, [])
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    notices = "notices:\n  enabled: true\n  sender: kim@example.go.id\n  smtp_host: 127.0.0.1\n  starttls: false\n"
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + notices + f"  smtp_port: {port}\n", encoding="utf-8"
    )
    result = _doctor(world.config)
    assert result.exit_code == 0, result.output
    assert f"[ok  ] mail (SMTP): 127.0.0.1:{port} accepts a session" in result.output and mail.messages == []
    closed = world.config.read_text(encoding="utf-8").replace(f"smtp_port: {port}", "smtp_port: 1")
    world.config.write_text(closed, encoding="utf-8")
    result = _doctor(world.config)
    assert result.exit_code == 1 and "[FAIL] mail (SMTP): cannot connect to 127.0.0.1:1" in result.output


def _put(world: World, spreadsheet_id: str, a1: str, rows: list[list[str]]) -> None:
    requests.put(
        f"{world.endpoint}/v4/spreadsheets/{spreadsheet_id}/values/{a1}",
        params={"valueInputOption": "RAW"},
        json={"values": rows},
        timeout=10,
    ).raise_for_status()


def test_with_complaints_on_the_form_the_pengaduan_tab_and_a_reachable_department_are_checked(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    partial = [c for c in COMPLAINT_FORM_HEADER if c not in ("Kecamatan", "Isi Pengaduan")]
    world = complaints_world(sandbox, tmp_path, port, form_header=partial)
    form_id = load_settings(world.config).complaints.spreadsheet_id
    result = _doctor(world.config)
    assert result.exit_code == 1
    assert "[FAIL] complaint form sheet: the complaint form's sheet lacks the columns: Kecamatan, Isi Pengaduan" in (
        result.output
    )
    assert "fix: give the complaint form these questions, named as shown" in result.output
    assert "[FAIL] complaints tab 'Pengaduan': missing\n       fix: run `mymein init`" in result.output
    assert "[FAIL] departments tab 'SKPD': missing" in result.output

    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    result = _doctor(world.config)
    assert "[ok  ] complaints tab 'Pengaduan': header row has every column" in result.output
    assert "[FAIL] departments tab 'SKPD': no department yet" in result.output
    assert "fix: list the departments on the 'SKPD' tab: name under Nama SKPD, e-mail under Email" in result.output

    _put(world, world.review_id, "'SKPD'!A2", [["Dinas Kesehatan", "", "0526-2"]])
    result = _doctor(world.config)
    assert "[FAIL] departments tab 'SKPD': no department has an e-mail address" in result.output

    _put(world, world.review_id, "'SKPD'!A3", [["Dinas PUPR", "pupr@balangankab.example", "0526-1"]])
    _put(world, form_id, "'Form Responses 1'!A1", [COMPLAINT_FORM_HEADER])
    result = _doctor(world.config)
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output
    assert f"[ok  ] complaint form sheet: {form_id}, tab 'Form Responses 1'" in result.output
    assert (
        "[ok  ] departments tab 'SKPD': 1 department with an e-mail address;"
        " without one (complaints cannot be forwarded to them): Dinas Kesehatan"
    ) in result.output
    assert "their replies go to notices.sender (kim@balangankab.example): set notices.reply_to" in result.output
    assert mail.messages == []  # the checks send nothing, to departments or anyone


def test_a_wrong_complaint_form_tab_or_a_damaged_pengaduan_header_says_how_to_fix_it(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    world = complaints_world(sandbox, tmp_path, port, extra="  worksheet: Jawaban Formulir 1\n")
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    header = list(TAB_HEADERS.values())
    _put(world, world.review_id, "'Pengaduan'!A1", [[h if h != "Pesan" else "Keterangan" for h in header]])
    result = _doctor(world.config)
    assert result.exit_code == 1
    form_id = load_settings(world.config).complaints.spreadsheet_id
    assert f"[FAIL] complaint form sheet: no tab 'Jawaban Formulir 1' in spreadsheet {form_id}" in result.output
    assert "fix: set complaints.worksheet to the tab the complaint form writes to" in result.output
    assert "[FAIL] complaints tab 'Pengaduan': the complaints tab lacks the columns: Pesan" in result.output
    assert "fix: run `mymein init` to add the columns" in result.output

    # Header restored; the departments now named on a tab that does not exist (yet).
    _put(world, world.review_id, "'Pengaduan'!A1", [header])
    text = world.config.read_text(encoding="utf-8").replace("  worksheet: Jawaban Formulir 1\n", "")
    world.config.write_text(text.replace("complaints:\n", "complaints:\n  departments_tab: SKPD Lain\n"), "utf-8")
    result = _doctor(world.config)
    assert "[ok  ] complaint form sheet" in result.output
    assert "[ok  ] complaints tab 'Pengaduan': header row has every column" in result.output
    assert "[FAIL] departments tab 'SKPD Lain': missing" in result.output

    world.config.write_text(text.replace(form_id, "1NoSuchForm"), encoding="utf-8")
    result = _doctor(world.config)
    assert "[FAIL] complaint form sheet: Google answered 404" in result.output
    assert "share spreadsheet 1NoSuchForm with the service account as Viewer" in result.output


def test_an_oauth_token_given_as_the_service_account_key_is_named_and_reads_are_shared_as_viewer(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    token = tmp_path / "token.json"
    token.write_text(json.dumps(throwaway_user_token(f"{sandbox.url}/token")), encoding="utf-8")
    token.chmod(0o600)
    result = _doctor(_with(world, f"  service_account_file: {token}\n"))
    assert result.exit_code == 1
    assert (
        f"{token} is an OAuth token" in result.output and "download a JSON key of the service account" in result.output
    )


def test_the_demo_world_passes_doctor_after_init(tmp_path: Path) -> None:
    """The demo sends its notices through Gmail: its owner token carries that permission."""
    with Sandbox(state_dir=tmp_path / "sandbox") as running:
        from datetime import UTC, datetime

        from pipeline.ops.demo import prepare_world

        (tmp_path / "demo").mkdir()
        _, config = prepare_world(tmp_path / "demo", running.url, datetime.now(UTC))
        assert CliRunner().invoke(main, ["--config", str(config), "init"]).exit_code == 0
        result = _doctor(config)
    assert result.exit_code == 0, result.output


# --- doctor --write: each write path once, on the real services, nothing left behind ---------------------------
WRITES = ("insert", "delete", "update", "append", "batchUpdate", "create", "patch", "publish", "revert", "send")
ADMIN = "admin@balangankab.example"


def _write_calls(endpoint: str) -> dict[str, int]:
    return {k: v for k, v in stats(endpoint).items() if k.rsplit(".", 1)[-1] in WRITES}


def _tabs(endpoint: str, spreadsheet_id: str) -> list[str]:
    meta = requests.get(f"{endpoint}/v4/spreadsheets/{spreadsheet_id}", timeout=10).json()
    return [str(s["properties"]["title"]) for s in meta["sheets"]]


def _first_day(sandbox: Sandbox, tmp_path: Path, port: int) -> tuple[World, str]:
    """A regency on its first day: the sheets prepared, the form's upload folder holding one photo."""
    form, question = _form_folders(sandbox.url)
    photo = _photo(sandbox.url, "panen.png", question)
    world = make_world(sandbox.url, tmp_path, [])
    extra = (
        f"photos:\n  upload_folders:\n    - {form}\n"
        "notices:\n  enabled: true\n  sender: kim@balangankab.example\n  smtp_host: 127.0.0.1\n"
        f"  smtp_port: {port}\n  starttls: false\n  officers:\n    - {ADMIN}\n"
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    return world, photo


def test_doctor_write_tries_each_write_path_once_and_leaves_nothing_behind(
    fresh_sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world, photo = _first_day(fresh_sandbox, tmp_path, port)
    tabs = _tabs(world.endpoint, world.review_id)
    reset_stats(world.endpoint)
    result = CliRunner().invoke(main, ["--config", str(world.config), "doctor", "--write"])
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output
    for name in ("write: review spreadsheet", "write: blog", "write: Drive", f"write: e-mail to {ADMIN}"):
        assert f"[ok  ] {name}" in result.output, name
    assert "panen.png" in result.output  # the photo it found in the upload folder, named
    # Nothing left behind: no post, no scratch tab, the photo private as it was; one e-mail, to the administrator.
    assert blog_posts(world.endpoint, world.blog_id) == []
    assert _tabs(world.endpoint, world.review_id) == tabs
    assert _permissions(world.endpoint, photo) == []
    [message] = mail.messages
    assert message["To"] == ADMIN and "mymein doctor" in message["Subject"]
    assert _write_calls(world.endpoint) == {
        "blogger.posts.insert": 1,
        "blogger.posts.delete": 1,
        "sheets.spreadsheets.batchUpdate": 2,  # the scratch tab made, then deleted
        "sheets.spreadsheets.values.update": 2,  # its cell written, then cleared
        "drive.permissions.create": 1,
        "drive.permissions.delete": 1,
    }


def test_a_failing_write_step_says_how_to_fix_it_and_the_others_still_run(
    fresh_sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world, photo = _first_day(fresh_sandbox, tmp_path, port)
    rules = [
        {"match": "blogger.posts.insert", "status": 400, "times": 1},
        {"match": "drive.permissions.create", "status": 400, "times": 1},
    ]
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": rules}, timeout=10).raise_for_status()
    mail_to = "kabid@balangankab.example"
    result = CliRunner().invoke(main, ["--config", str(world.config), "doctor", "--write", "--mail-to", mail_to])
    requests.delete(f"{world.endpoint}/_sandbox/faults", timeout=10).raise_for_status()
    assert result.exit_code == 1, result.output
    assert "[FAIL] write: blog" in result.output and "`mymein auth`" in result.output
    assert "[FAIL] write: Drive" in result.output and "as Editor" in result.output
    assert "[ok  ] write: review spreadsheet" in result.output
    assert f"[ok  ] write: e-mail to {mail_to}" in result.output
    assert [m["To"] for m in mail.messages] == [mail_to]
    assert blog_posts(world.endpoint, world.blog_id) == [] and _permissions(world.endpoint, photo) == []


def test_a_photo_already_shared_is_left_as_it_was(sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]) -> None:
    _, port = inbox
    world, photo = _first_day(sandbox, tmp_path, port)
    requests.post(
        f"{world.endpoint}/drive/v3/files/{photo}/permissions", json={"type": "anyone", "role": "reader"}, timeout=10
    ).raise_for_status()
    link = f"https://drive.google.com/open?id={photo}"
    result = CliRunner().invoke(main, ["--config", str(world.config), "doctor", "--write", "--photo", link])
    assert result.exit_code == 0, result.output
    assert "[warn] write: Drive" in result.output and "already shared" in result.output
    assert "fix: pass --photo" in result.output
    assert [p["type"] for p in _permissions(world.endpoint, photo)] == ["anyone"]


def test_without_write_the_doctor_changes_nothing_and_its_write_options_need_write(
    fresh_sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world, _ = _first_day(fresh_sandbox, tmp_path, port)
    reset_stats(world.endpoint)
    result = _doctor(world.config)
    assert result.exit_code == 0, result.output
    assert "write:" not in result.output and _write_calls(world.endpoint) == {} and mail.messages == []
    lone = CliRunner().invoke(main, ["--config", str(world.config), "doctor", "--mail-to", ADMIN])
    assert lone.exit_code == 2 and "--photo and --mail-to go with --write" in lone.output


def test_a_drive_that_cannot_give_the_sheets_versions_is_named_with_its_cost(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    rules = [{"match": "drive.files.get", "status": 400, "times": 10}]
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": rules}, timeout=10).raise_for_status()
    try:
        result = _doctor(world.config)
    finally:
        requests.delete(f"{world.endpoint}/_sandbox/faults", timeout=10).raise_for_status()
    assert result.exit_code == 1, result.output
    assert "[FAIL] read gate (Drive versions of the sheets)" in result.output
    assert "until then every cycle reads it" in result.output
    # Switched off, the gate is not asked for and not checked.
    world.config.write_text(world.config.read_text(encoding="utf-8") + "schedule:\n  full_read_seconds: 0\n")
    assert "read gate" not in _doctor(world.config).output
