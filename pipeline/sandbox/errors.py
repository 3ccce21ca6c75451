"""Google-shaped API errors raised by sandbox handlers and turned into `{"error": {...}}` bodies."""

from __future__ import annotations

from typing import Any

# HTTP code -> Google's canonical status string (google.rpc.Code names).
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An error the sandbox answers with, in the shape Google uses."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        *,
        reason: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")
        self.reason = reason
        self.details = details

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.reason:
            # googleapiclient reads `errors[0].reason` (e.g. rateLimitExceeded) to decide on retries.
            error["errors"] = [{"message": self.message, "domain": "global", "reason": self.reason}]
        if self.details:
            error["details"] = self.details
        return {"error": error}


def not_found(message: str = "Requested entity was not found.") -> ApiError:
    return ApiError(404, message, "NOT_FOUND", reason="notFound")


def bad_request(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT", reason="badRequest")
