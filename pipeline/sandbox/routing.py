"""Request and response values and a small regex router shared by every emulated API."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .errors import bad_request


@dataclass
class Request:
    """One HTTP request as a handler sees it. `params` are the route's named groups, percent-decoded."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)
    base_url: str = ""

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError as exc:
            raise bad_request(f"Invalid JSON payload received. {exc}") from exc

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.arg(name)
        if value is None:
            return default
        return value.lower() in ("true", "1")


@dataclass
class Response:
    status: int = 200
    json: Any = None
    body: bytes | None = None
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if self.body is not None:
            return self.body
        if self.json is None:
            return b""
        return json.dumps(self.json, ensure_ascii=False, indent=2).encode("utf-8")


Handler = Callable[[Request], Response]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    method_id: str  # discovery method id, e.g. "sheets.spreadsheets.values.get"; "" for sandbox pages
    handler: Handler
    mutates: bool


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, method_id: str, handler: Handler, *, mutates: bool | None = None) -> None:
        """Register a handler; `pattern` is matched against the raw (still percent-encoded) path."""
        self.routes.append(
            Route(
                method=method,
                pattern=re.compile(pattern),
                method_id=method_id,
                handler=handler,
                mutates=method != "GET" if mutates is None else mutates,
            )
        )

    def match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(raw_path)
            if found:
                return route, {k: unquote(v) for k, v in found.groupdict().items() if v is not None}
        return None

    def allowed_methods(self, raw_path: str) -> list[str]:
        return sorted({r.method for r in self.routes if r.pattern.match(raw_path)})
