"""HTTP plumbing under the real Google client libraries: the endpoint rewrite (the sandbox) and the transport seam.

gspread imports its base URLs by value, so patching them does nothing; instead the session gets an
adapter mounted on Google's hosts that rewrites each URL to the endpoint before sending it.

The transport seam: `authorized_session(..., wrap=...)` mounts `wrap(adapter)` in place of every adapter of
the session and of google-auth's token-refresh session, so whatever watches or disturbs the traffic (the field
trace, the chaos tests' crashes) sees every Google exchange and needs no knowledge of how clients are built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import google.auth.transport.requests
import httplib2
import requests
import urllib3.exceptions
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession
from requests.adapters import BaseAdapter, HTTPAdapter

# Every Google host the client libraries call, token refreshes and google-auth's access-boundary lookup included.
GOOGLE_API_HOSTS = (
    "https://sheets.googleapis.com/",
    "https://www.googleapis.com/",
    "https://blogger.googleapis.com/",
    "https://oauth2.googleapis.com/",
    "https://iamcredentials.googleapis.com/",
)


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


# Google's APIs answer gzip-compressed only to a client that sends `Accept-Encoding: gzip` and a User-Agent
# containing "gzip" (the APIs' performance guides): both go on every session. A read of the review tab is
# mostly repeated Indonesian words and shrinks about tenfold; requests (urllib3) decodes it.
USER_AGENT = "mymein (gzip)"
GZIP_HEADERS = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}


# The transport seam: given the adapter a session would use, the one to mount instead (usually wrapping it).
AdapterWrap = Callable[[BaseAdapter], BaseAdapter]


def authorized_session(
    credentials: Credentials, endpoint: str | None = None, wrap: AdapterWrap | None = None
) -> AuthorizedSession:
    """A requests session that signs with `credentials`; with `endpoint`, Google hosts are rewritten to it;
    with `wrap`, every adapter of the session and of its token-refresh session is replaced by `wrap(adapter)`."""
    if not endpoint:
        session = AuthorizedSession(credentials)
    else:
        # google-auth refreshes tokens through a session of its own: it must be rewritten too.
        auth_session = requests.Session()
        _mount_rewrites(auth_session, endpoint)
        session = AuthorizedSession(credentials, auth_request=google.auth.transport.requests.Request(auth_session))
        _mount_rewrites(session, endpoint)
    session.headers.update(GZIP_HEADERS)
    if wrap is not None:
        mount_wrapped(session, wrap)
        # The token-refresh session (google-auth keeps it on its Request, hence the getattr): a refused refresh
        # token is the commonest first-day failure, so what watches the traffic must see it too.
        token_session = getattr(getattr(session, "_auth_request", None), "session", None)
        if isinstance(token_session, requests.Session):
            mount_wrapped(token_session, wrap)
    return session


def mount_wrapped(session: requests.Session, wrap: AdapterWrap) -> None:
    """Replace each adapter of `session` by `wrap(adapter)`, on the same URL prefix."""
    for prefix, adapter in list(session.adapters.items()):
        session.mount(prefix, wrap(adapter))


def chain(*wraps: AdapterWrap | None) -> AdapterWrap | None:
    """One wrap applying each given one in turn: the first given ends up innermost, next to the wire."""
    given = [w for w in wraps if w is not None]
    if not given:
        return None

    def wrapped(adapter: BaseAdapter) -> BaseAdapter:
        for wrap in given:
            adapter = wrap(adapter)
        return adapter

    return wrapped


def _mount_rewrites(session: requests.Session, endpoint: str) -> None:
    for prefix in GOOGLE_API_HOSTS:
        session.mount(prefix, EndpointRewriteAdapter(prefix, endpoint))


class RequestsHttp:
    """An httplib2-shaped transport for googleapiclient, over a google-auth `AuthorizedSession`.

    httplib2 silently resends a request, POSTs included, when the connection breaks before the answer
    arrives; for `posts.insert` that is a second post. requests does not resend, so every retry decision
    stays with our RetryPolicy, which knows which calls are safe to repeat.
    """

    def __init__(self, session: AuthorizedSession, timeout: float) -> None:
        self.session = session
        self.timeout = timeout

    def request(
        self,
        uri: str,
        method: str = "GET",
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        redirections: int = 5,
        connection_type: object = None,
    ) -> tuple[httplib2.Response, bytes]:
        if headers is not None and "gzip" not in headers.get("user-agent", "gzip"):
            # googleapiclient may name its own agent (set_user_agent): keep asking for gzip beside it.
            headers = {**headers, "user-agent": f"{headers['user-agent']} {USER_AGENT}"}
        response = self.session.request(
            method, uri, data=body, headers=headers, timeout=self.timeout, allow_redirects=redirections > 0
        )
        info = {k.lower(): v for k, v in response.headers.items()}
        info["status"] = str(response.status_code)
        result = httplib2.Response(info)
        result.reason = response.reason or ""
        return result, response.content

    def close(self) -> None:
        self.session.close()


def request_never_left(exc: requests.RequestException) -> bool:
    """Whether a request that failed through requests certainly never reached the server.

    True for failures while connecting: refused, no route, DNS (urllib3's NewConnectionError, wrapped in a
    MaxRetryError since our sessions never retry), a connect timeout, and TLS errors, which come from the
    handshake: once a TLS session is up, a lost answer shows as a reset or an early EOF (ProtocolError) or a
    ReadTimeout. Everything else may have been received, and its answer lost.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout | requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and exc.args:
        cause = exc.args[0]
        return isinstance(cause, urllib3.exceptions.MaxRetryError) and isinstance(
            cause.reason, urllib3.exceptions.NewConnectionError
        )
    return False
