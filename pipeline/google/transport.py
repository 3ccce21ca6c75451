"""HTTP plumbing that sends the real Google client libraries to another endpoint (the sandbox).

gspread imports its base URLs by value, so patching them does nothing; instead the session gets an
adapter mounted on Google's hosts that rewrites each URL to the endpoint before sending it.
"""

from __future__ import annotations

from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import HTTPAdapter

GOOGLE_API_HOSTS = ("https://sheets.googleapis.com/", "https://www.googleapis.com/")


class EndpointRewriteAdapter(HTTPAdapter):
    """Sends requests addressed to a Google API host to `endpoint` instead, same path and query."""

    def __init__(self, prefix: str, endpoint: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prefix = prefix
        self.endpoint = endpoint.rstrip("/") + "/"

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.url and request.url.startswith(self.prefix):
            request.url = self.endpoint + request.url[len(self.prefix) :]
        return super().send(request, *args, **kwargs)


def authorized_session(credentials: Credentials, endpoint: str | None = None) -> AuthorizedSession:
    """A requests session that signs with `credentials`; with `endpoint`, Google hosts are rewritten to it."""
    session = AuthorizedSession(credentials)
    if endpoint:
        for prefix in GOOGLE_API_HOSTS:
            session.mount(prefix, EndpointRewriteAdapter(prefix, endpoint))
    return session
