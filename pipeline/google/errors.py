"""One error type for every failed Google call, whichever client library raised it."""

from __future__ import annotations

import json
import socket
from typing import Any

import gspread
import httplib2
import requests
from googleapiclient.errors import HttpError

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RETRYABLE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "backendError"})


class GoogleApiError(Exception):
    """A Google call failed. `status` 0 means no HTTP answer (connection dropped, timed out)."""

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


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


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
    if isinstance(exc, requests.RequestException | httplib2.HttpLib2Error | ConnectionError | socket.timeout):
        return GoogleApiError(api, 0, f"{type(exc).__name__}: {exc}")
    return None
