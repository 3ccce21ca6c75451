"""First contact with real Google: every command under every setup problem ends with one clear line, never a
traceback. The problems are made through the sandbox's fixed interface (a revoked token, a deleted key, an
unreachable endpoint) and in the config, as an administrator would make them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner, Result

from pipeline.cli import main
from pipeline.sandbox.credentials import throwaway_service_account, throwaway_user_token
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets
from .world import World, make_world, response_row


def _cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args])


def _set(world: World, old: str, new: str) -> None:
    text = world.config.read_text(encoding="utf-8")
    assert old in text, old
    world.config.write_text(text.replace(old, new, 1), encoding="utf-8")


def _credentials(sandbox: Sandbox, world: World, folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    key, token = throwaway_service_account(f"{sandbox.url}/token"), throwaway_user_token(f"{sandbox.url}/token")
    unique = hashlib.sha256(str(folder).encode()).hexdigest()[:12]  # revoking one test's never touches another's
    token["refresh_token"] = f"refresh-{unique}"
    key["client_email"] = f"mymein-{unique}@mymein-sandbox.iam.gserviceaccount.com"
    for name, content in (("sa.json", key), ("token.json", token)):
        path = folder / name
        path.write_text(json.dumps(content), encoding="utf-8")
        path.chmod(0o600)
    _set(
        world,
        "google:\n",
        f"google:\n  service_account_file: {folder / 'sa.json'}\n  oauth_token_file: {folder / 'token.json'}\n"
        "  retry_budget_seconds: 0\n",  # a failure is told at once: the tests never sit in the backoff
    )
    return key, token


def _revoke(sandbox: Sandbox, **what: str) -> None:
    requests.post(f"{sandbox.url}/_sandbox/oauth/revoke", json=what, timeout=10).raise_for_status()


def _approve(world: World, code: str) -> None:
    from pipeline.app import officer_sheets_client
    from pipeline.config import load_settings

    sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
    officer_sets(sheet, code, Setujui="TRUE")


@pytest.fixture
def running(sandbox: Sandbox, tmp_path: Path) -> tuple[World, dict[str, str], dict[str, str]]:
    """A desk that works: two stories in, the first published with real (throwaway) credentials."""
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])
    key, token = _credentials(sandbox, world, tmp_path)
    assert _cli(world.config, "sync").exit_code == 0
    _approve(world, "MM-20261122-0001")
    assert _cli(world.config, "sync").exit_code == 0
    return world, key, token


def _unreachable(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    _set(world, f"endpoint: {sandbox.url}", "endpoint: http://127.0.0.1:9")  # the discard port: nobody answers


def _owner_revoked(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    _revoke(sandbox, refresh_token=token["refresh_token"])
    _approve(world, "MM-20261122-0002")  # the blog is needed: the second story is approved meanwhile


def _key_revoked(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    _revoke(sandbox, client_email=key["client_email"])


def _state_is_a_file(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    (tmp / "not-a-dir").write_text("x", encoding="utf-8")
    _set(world, f"state_dir: {tmp / 'state'}", f"state_dir: {tmp / 'not-a-dir'}")


def _state_cannot_be_made(
    sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path
) -> None:
    (tmp / "a-file").write_text("x", encoding="utf-8")
    _set(world, f"state_dir: {tmp / 'state'}", f"state_dir: {tmp / 'a-file' / 'state'}")


def _wrong_review_id(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    _set(world, f"spreadsheet_id: {world.review_id}", "spreadsheet_id: 1NoSuchSpreadsheetHereAtAll00000000000000")


def _wrong_form_id(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    _set(world, f"spreadsheet_id: {world.form_id}", "spreadsheet_id: 1NoSuchFormSheetHereAtAll000000000000000")


def _blog_id_missing(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    _set(world, f'  blog_id: "{world.blog_id}"\n', "")


def _question_renamed(sandbox: Sandbox, world: World, key: dict[str, str], token: dict[str, str], tmp: Path) -> None:
    answer = requests.put(
        f"{sandbox.url}/v4/spreadsheets/{world.form_id}/values/'Form Responses 1'!F1",
        params={"valueInputOption": "RAW"},
        json={"values": [["Judul"]]},
        timeout=10,
    )
    answer.raise_for_status()


Breaker = Callable[[Sandbox, World, dict[str, str], dict[str, str], Path], None]
# failure -> (how it is made, what `sync`'s one line must name)
FAILURES: dict[str, tuple[Breaker, tuple[str, ...]]] = {
    "google unreachable": (_unreachable, ("could not be reached", "google.endpoint")),
    "blog owner's token revoked": (_owner_revoked, ("mymein auth",)),
    "service-account key revoked": (_key_revoked, ("google.service_account_file",)),
    "state_dir is a file": (_state_is_a_file, ("state_dir",)),
    "state_dir cannot be made": (_state_cannot_be_made, ("state_dir",)),
    "wrong review spreadsheet id": (_wrong_review_id, ("review spreadsheet", "review.spreadsheet_id")),
    "wrong form spreadsheet id": (_wrong_form_id, ("form", "form.spreadsheet_id")),
    "blogger.blog_id missing": (_blog_id_missing, ("blogger.blog_id",)),
    "a form question renamed": (_question_renamed, ("form.columns",)),
}
COMMANDS = [
    ("sync",),
    ("sync", "--dry-run"),
    ("status",),
    ("log", "MM-20261122-0001"),
    ("doctor",),
    ("init",),
    ("report", "--no-sheet"),
    ("bulletin",),
    ("rebuild",),
]


@pytest.mark.parametrize("failure", list(FAILURES))
def test_every_command_under_a_setup_problem_gives_one_clear_line_and_no_traceback(
    sandbox: Sandbox, tmp_path: Path, running: tuple[World, dict[str, str], dict[str, str]], failure: str
) -> None:
    world, key, token = running
    breaker, names = FAILURES[failure]
    breaker(sandbox, world, key, token, tmp_path)
    lines: dict[str, str] = {}
    for command in COMMANDS:
        result = _cli(world.config, *command)
        shown = " ".join(command)
        assert result.exception is None or isinstance(result.exception, SystemExit), (shown, result.exception)
        assert "Traceback" not in result.output, (shown, result.output)
        if result.exit_code != 0:
            said = [line for line in result.output.splitlines() if line.startswith(("error:", "Error:", "[FAIL]"))]
            assert said, (shown, result.output)
            lines[shown] = said[0]
    assert "sync" in lines, f"sync passed under {failure}"
    for name in names:
        assert name in lines["sync"], (failure, lines["sync"])
    print(f"\n{failure} | sync: {lines['sync']}")  # the table of the closing note (`pytest -s`)


def test_a_revoked_blog_token_holds_only_the_blog_and_a_new_sign_in_publishes_once(
    sandbox: Sandbox, tmp_path: Path, running: tuple[World, dict[str, str], dict[str, str]]
) -> None:
    world, _, token = running
    _revoke(sandbox, refresh_token=token["refresh_token"])
    _approve(world, "MM-20261122-0002")
    requests.post(
        f"{sandbox.url}/v4/spreadsheets/{world.form_id}/values/'Form Responses 1'!A1:append",
        params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
        json={"values": [response_row(3)]},
        timeout=10,
    ).raise_for_status()
    result = _cli(world.config, "sync")
    assert result.exit_code == 1
    assert "ingest 1, queue 1" in result.output  # the form and the review sheet went on
    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "Google refused the blog owner's token" in line and "mymein auth" in line and "1 story waits" in line
    from pipeline.app import officer_sheets_client
    from pipeline.config import load_settings

    rows = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
    waiting = {r["Kode"]: r for r in rows.get_all_records()}["MM-20261122-0002"]
    assert (waiting["Status"], waiting["Pesan"].startswith("Menunggu: Google menolak akses MyMeIn ke blog")) == (
        "Menunggu",
        True,
    )
    again = _cli(world.config, "sync")  # the same line again, and nothing else repeated
    assert again.exit_code == 1 and again.output.count("error:") == 1
    # The owner signs in again (`mymein auth` writes a new token): the story goes out, once.
    token["refresh_token"] = token["refresh_token"] + "-new"
    (tmp_path / "token.json").write_text(json.dumps(token), encoding="utf-8")
    (tmp_path / "token.json").chmod(0o600)
    done = _cli(world.config, "sync")
    assert done.exit_code == 0, done.output
    assert "publish 1" in done.output
    assert _cli(world.config, "sync").exit_code == 0


def test_the_daemon_under_a_revoked_key_logs_one_line_per_cycle_and_goes_on(
    sandbox: Sandbox, tmp_path: Path, running: tuple[World, dict[str, str], dict[str, str]]
) -> None:
    from pipeline.config import load_settings

    from .test_daemon import _cycles, _start_run, _stop, _wait_until

    world, key, _ = running
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + "schedule:\n  interval_seconds: 0.5\n", encoding="utf-8"
    )
    _revoke(sandbox, client_email=key["client_email"])
    heartbeat = load_settings(world.config).heartbeat_path
    log = tmp_path / "run.log"
    child = _start_run(world.config, log)
    try:
        _wait_until("three failed cycles", lambda: _cycles(heartbeat) >= 3, child)
    finally:
        assert _stop(child) == 0
    text = log.read_text(encoding="utf-8")
    assert "Traceback" not in text
    failed = [line for line in text.splitlines() if "cycle failed" in line]
    assert len(failed) >= 3 and all("Google refused the service-account key" in line for line in failed)
    assert all("google.service_account_file" in line for line in failed)
