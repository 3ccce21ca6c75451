"""`mymein auth`: Google's installed-app flow, end to end against the sandbox's consent redirect and token endpoint."""

from __future__ import annotations

import json
import socket
import stat
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.sandbox.server import Sandbox

from .world import World, make_world


class SigningInBrowser(webbrowser.BaseBrowser):
    """A browser whose user agrees at once: it follows the consent page's redirect back to the local server.

    It fetches in a thread because the flow starts listening for the redirect only after `open` returns.
    """

    def __init__(self) -> None:
        super().__init__("mymein-test")
        self.threads: list[threading.Thread] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        thread = threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 30}, daemon=True)
        thread.start()
        self.threads.append(thread)
        return True


@pytest.fixture
def browser() -> Iterator[SigningInBrowser]:
    instance = SigningInBrowser()
    webbrowser.register("mymein-test", None, instance, preferred=True)
    yield instance
    for thread in instance.threads:
        thread.join(timeout=30)


def _client_secret(sandbox: Sandbox, folder: Path) -> Path:
    path = folder / "client_secret.json"
    installed = {
        "client_id": "sandbox-desktop.apps.googleusercontent.com",
        "client_secret": "sandbox-desktop-secret",
        "auth_uri": f"{sandbox.url}/o/oauth2/auth",
        "token_uri": f"{sandbox.url}/token",
        "redirect_uris": ["http://localhost"],
    }
    path.write_text(json.dumps({"installed": installed}), encoding="utf-8")
    return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_auth_writes_a_private_token_that_then_posts_to_the_blog(
    sandbox: Sandbox, tmp_path: Path, browser: SigningInBrowser
) -> None:
    world: World = make_world(sandbox.url, tmp_path, [])
    token = tmp_path / "secret" / "blogger-token.json"
    config = world.config.read_text(encoding="utf-8").replace("google:\n", f"google:\n  oauth_token_file: {token}\n")
    world.config.write_text(config, encoding="utf-8")
    args = ["--config", str(world.config), "auth", "--client-secret", str(_client_secret(sandbox, tmp_path))]
    result = CliRunner().invoke(main, [*args, "--port", str(_free_port())])
    assert result.exit_code == 0, result.output
    assert f"token written to {token} (mode 600)" in result.output and "'Testing'" in result.output
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    saved = json.loads(token.read_text(encoding="utf-8"))
    assert saved["refresh_token"].startswith("sandbox-refresh-") and saved["token_uri"] == f"{sandbox.url}/token"
    # The pipeline uses it: google-auth refreshes it at the sandbox and Blogger answers.
    app = build_app(load_settings(world.config))
    try:
        assert app.publisher.blog()["id"] == world.blog_id
    finally:
        app.close()


def test_auth_without_a_token_path_says_where_to_set_it(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    result = CliRunner().invoke(
        main, ["--config", str(world.config), "auth", "--client-secret", str(_client_secret(sandbox, tmp_path))]
    )
    assert result.exit_code == 2 and "google.oauth_token_file is not set" in result.output


def test_a_file_that_is_not_an_oauth_client_is_refused_with_the_way_to_get_one(tmp_path: Path) -> None:
    wrong = tmp_path / "key.json"
    wrong.write_text(json.dumps({"type": "service_account"}), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["auth", "--client-secret", str(wrong), "--token", str(tmp_path / "t.json"), "--no-browser"]
    )
    assert result.exit_code == 1 and "Desktop app" in result.output
