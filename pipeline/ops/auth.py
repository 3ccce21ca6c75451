"""`mymein auth`: the blog owner signs in once with Google's installed-app flow; the token is kept private.

Blogger does not accept service accounts, so posts are made with the owner's OAuth token. The flow runs a
one-shot web server on 127.0.0.1 to receive Google's redirect; on a server without a browser, forward the
port over SSH and open the printed address on a laptop.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google_auth_oauthlib.flow import InstalledAppFlow

from ..app import BLOGGER_SCOPES
from ..core.errors import CredentialsError
from ..core.message import Text
from ..i18n import N_
from ..infra import private

INSECURE = "OAUTHLIB_INSECURE_TRANSPORT"
TESTING_NOTE = N_(
    "If the app's OAuth consent screen is still in 'Testing' status, this token stops working after 7 days: "
    "publish the app (APIs & Services > OAuth consent screen > Publish app), then run `mymein auth` again."
)


class AuthError(CredentialsError):
    """The sign-in did not give what the pipeline needs; the message says what to do."""


def authorize(
    client_secret: Path,
    token_file: Path,
    *,
    port: int = 8765,
    open_browser: bool = True,
    browser: str | None = None,
    scopes: list[str] | None = None,
) -> Path:
    """Run the sign-in and write the token (with its refresh token) to `token_file`, mode 0600."""
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secret), scopes=scopes or BLOGGER_SCOPES)
    except (OSError, ValueError) as exc:
        raise AuthError(
            Text(
                "{path} is not an OAuth client file ({error}); create a 'Desktop app' OAuth client in Google Cloud "
                "(APIs & Services > Credentials) and download its JSON",
                path=client_secret,
                error=exc,
            )
        ) from exc
    with _loopback_transport(str(flow.client_config.get("token_uri", ""))):
        credentials = _sign_in(flow, port, open_browser, browser)
    if not credentials.refresh_token:
        raise AuthError(
            Text(
                "Google returned no refresh token; remove MyMeIn's access at https://myaccount.google.com/permissions "
                "and run `mymein auth` again"
            )
        )
    write_private(token_file, credentials.to_json())
    return token_file


def _sign_in(flow: InstalledAppFlow, port: int, open_browser: bool, browser: str | None) -> Any:
    return flow.run_local_server(
        host="127.0.0.1",
        port=port,
        open_browser=open_browser,
        browser=browser,
        authorization_prompt_message="Open this address in a browser and sign in as the blog's owner:\n{url}",
        success_message="MyMeIn: login berhasil. Jendela ini boleh ditutup.",
        prompt="consent",  # asks again, so Google gives a refresh token even if it gave one before
    )


@contextmanager
def _loopback_transport(token_uri: str) -> Iterator[None]:
    """oauthlib insists on https; the sandbox's token endpoint is plain http on 127.0.0.1, and only it may be."""
    if not token_uri.startswith("http://127.0.0.1:"):
        yield
        return
    before = os.environ.get(INSECURE)
    os.environ[INSECURE] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(INSECURE, None)
        else:
            os.environ[INSECURE] = before


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` readable by this user only, never briefly readable by others, and never through
    a link someone planted at `PATH.tmp` (O_EXCL|O_NOFOLLOW)."""
    json.loads(text)  # a token file is JSON; refuse to write anything else
    private.write_private(path, text)
