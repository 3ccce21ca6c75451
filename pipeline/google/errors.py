"""One error type for every failed Google call, whichever client library raised it."""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from typing import Any

import google.auth.exceptions
import gspread
import httplib2
import requests
from googleapiclient.errors import HttpError

from ..core.errors import CredentialsError, GoogleError
from ..core.message import Text

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RETRYABLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError"})


@dataclass(frozen=True)
class Resource:
    """What a call was about, for the administrator: `the review spreadsheet`, the config key naming it, its id,
    and who must be given access to it (the service account, the blog's owner)."""

    name: str  # a `Text`, so the command line shows it translated
    key: str
    value: str
    access: str = ""  # e.g. Text("share it with {account} as {role}", ...)


class GoogleApiError(GoogleError):
    """A Google call failed. `status` 0 means no HTTP answer (connection dropped, timed out)."""

    resource: Resource | None = None  # set by the adapter that made the call

    def __init__(
        self,
        api: str,
        status: int,
        message: str,
        *,
        reason: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{api}: HTTP {status or 'no answer'}: {message}")
        self.api = api
        self.status = status
        self.message = message
        self.reason = reason
        self.retry_after = retry_after

    def __str__(self) -> str:
        return str(self.text())

    def text(self) -> str:
        """One line for the administrator: which resource, what Google said, and the fix (a `Text`)."""
        r = self.resource
        if self.status == 0:
            fix = "google.endpoint"
            if r:
                return Text(
                    "Google could not be reached (for the {name}): {reason}; check this machine's network and "
                    "{key} (leave it out to reach Google)",
                    name=r.name,
                    reason=_short(self.message),
                    key=fix,
                )
            return Text(
                "Google could not be reached: {reason}; check this machine's network and {key} (leave it out to "
                "reach Google)",
                reason=_short(self.message),
                key=fix,
            )
        if r is None:
            return Text("{api}: HTTP {status}: {message}", api=self.api, status=self.status, message=self.message)
        if self.status == 404:
            if r.access:
                return Text(
                    "the {name} ({key}: {value}) was not found: check {key}, and {access}",
                    name=r.name,
                    key=r.key,
                    value=r.value,
                    access=r.access,
                )
            return Text("the {name} ({key}: {value}) was not found: check {key}", name=r.name, key=r.key, value=r.value)
        if self.status == 403 and self.reason not in {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}:
            fix = r.access or Text("check who may use it, and {key}", key=r.key)
            return Text(
                "the {name} ({key}: {value}): Google refused access ({message}); {fix}",
                name=r.name,
                key=r.key,
                value=r.value,
                message=self.message,
                fix=fix,
            )
        return Text(
            "the {name} ({key}: {value}): Google answered HTTP {status}: {message}",
            name=r.name,
            key=r.key,
            value=r.value,
            status=self.status,
            message=self.message,
        )

    @property
    def retryable(self) -> bool:
        return self.status == 0 or self.status in RETRYABLE_STATUS or self.reason in RETRYABLE_REASONS

    @property
    def outcome_unknown(self) -> bool:
        """No answer, or a server fault: a call that creates something may or may not have done so."""
        return self.status in (0, 500, 502, 504)

    @property
    def not_found(self) -> bool:
        return self.status == 404


class CredentialsRefused(GoogleApiError, CredentialsError):
    """Google refused the key or token a call was made with (revoked, expired, deleted): nothing to retry; the
    administrator must act, and the message says how."""

    def __init__(self, api: str, detail: str) -> None:
        owner = api.startswith(("blogger.", "gmail.", "oauth."))
        if owner:
            what = Text("the blog owner's token ({key})", key="google.oauth_token_file")
            fix = Text(
                "run `mymein auth` to sign in again (an OAuth app still in 'Testing' gives tokens that expire "
                "after 7 days: publish it, see docs/deploy.md)"
            )
        else:
            what = Text("the service-account key ({key})", key="google.service_account_file")
            fix = Text(
                "create a new key for the service account in Google Cloud and point {key} at it",
                key="google.service_account_file",
            )
        super().__init__(api, 401, f"Google refused {what}: {detail}; {fix}", reason="credentials")
        self.owner = owner
        self.line = Text("Google refused {what} ({detail}); {fix}", what=what, detail=detail, fix=fix)

    def text(self) -> str:
        return self.line

    def __str__(self) -> str:
        return str(self.line)


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _short(text: str) -> str:
    """The reason inside a connection error's long repr ("[Errno 111] Connection refused", "timed out")."""
    found = re.search(r"\[Errno -?\d+\] [^'\")]+|Name or service not known|timed out|Connection refused", text)
    return found.group(0).strip() if found else text[:200]


def _first_line(exc: BaseException) -> str:
    # google-auth puts the token endpoint's whole JSON answer in its args; its error text is enough.
    text = str(exc.args[0]) if exc.args else str(exc)
    return text.splitlines()[0][:300] if text else type(exc).__name__


def _reason(error: dict[str, Any]) -> str:
    errors = error.get("errors") or []
    if errors and isinstance(errors[0], dict):
        return str(errors[0].get("reason", ""))
    return str(error.get("status", ""))


def translate(api: str, exc: BaseException) -> GoogleApiError | None:
    """The `GoogleApiError` for an exception raised by gspread, googleapiclient, requests or httplib2."""
    if isinstance(exc, GoogleApiError):
        return exc
    if isinstance(exc, gspread.exceptions.APIError):
        error = dict(exc.error)
        return GoogleApiError(
            api,
            int(exc.response.status_code),
            str(error.get("message", "")),
            reason=_reason(error),
            retry_after=_retry_after(exc.response.headers.get("Retry-After")),
        )
    if isinstance(exc, HttpError):
        try:
            error = json.loads(exc.content.decode("utf-8")).get("error", {})
        except (ValueError, AttributeError):
            error = {}
        if not isinstance(error, dict):
            error = {"message": str(error)}
        return GoogleApiError(
            api,
            int(exc.resp.status),
            str(error.get("message", exc.reason)),
            reason=_reason(error),
            retry_after=_retry_after(exc.resp.get("retry-after")),
        )
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return CredentialsRefused(api, _first_line(exc))
    if isinstance(exc, google.auth.exceptions.TransportError):
        return GoogleApiError(api, 0, f"Google's sign-in could not be reached: {_first_line(exc)}")
    if isinstance(exc, requests.RequestException | httplib2.HttpLib2Error | ConnectionError | socket.timeout):
        return GoogleApiError(api, 0, f"{type(exc).__name__}: {exc}")
    return None
