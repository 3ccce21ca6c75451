"""`mymein --trace DIR`: every Google exchange of one run, recorded at the HTTP layer and scrubbed, for developers.

The first contact with a regency's real Google account is where the sandbox learns what it got wrong. A trace
is written in the format of the conformance recordings (pipeline/sandbox/conformance_data/README.md, "Field traces"), so
`python -m pipeline.sandbox.conformance DIR` replays it against a fresh sandbox. What leaves the server is
decided by `scrub.Scrubber`: no token, key, address, name or story text; headers are never kept at all.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import BaseAdapter

from ..core.endpoints import api_of, endpoint_name
from ..infra.private import private_dir, write_private
from .scrub import Scrubber, parse_json

log = logging.getLogger("mymein.trace")

INDEX_FILE = "INDEX.tsv"
INDEX_HEADER = "file\ttest\tmethod\tapi\tendpoint\tstatus"
# A long `mymein run` keeps its trace on disk as it goes: at most this long between rewrites of the file, so a
# killed process still leaves what it did until shortly before.
FLUSH_SECONDS = 30.0
# A trace is meant for one command; a `mymein run` left traced for weeks must not fill the memory or the disk.
MAX_EXCHANGES = 20_000
# The Google host of each API: a run against the sandbox is recorded as if it had gone to Google, so traces from
# the field and from tests read (and replay) alike.
GOOGLE_HOSTS = {
    "sheets": "sheets.googleapis.com",
    "drive": "www.googleapis.com",
    "blogger": "blogger.googleapis.com",
    "gmail": "gmail.googleapis.com",
    "oauth": "oauth2.googleapis.com",
    "iam": "iamcredentials.googleapis.com",
}
_LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_KEPT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/json")


@dataclass
class Exchange:
    """One request and its answer as they crossed the wire; kept in memory only, scrubbed when written."""

    at: datetime
    elapsed_ms: int
    method: str
    url: str
    request_type: str
    request_body: bytes | None  # None: there was none; b"" also none; media is never kept
    request_size: int
    status: int | None = None
    response_type: str = ""
    response_body: bytes | None = None
    response_size: int = 0
    error: str | None = None


def _kept(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in _KEPT_TYPES


def _as_bytes(body: bytes | str | Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return None  # a stream (an upload from a file object): never kept


class _TracingAdapter(BaseAdapter):
    """Notes each request and its answer on the way through, then hands both on untouched."""

    def __init__(self, inner: BaseAdapter, trace: FieldTrace) -> None:
        super().__init__()
        self.inner = inner
        self.trace = trace

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        # Read before sending: the sandbox's rewrite adapter (inside) changes the URL in place.
        url, method = str(request.url or ""), str(request.method or "GET")
        request_type = str(request.headers.get("Content-Type", ""))
        body = _as_bytes(request.body)
        started, at = time.monotonic(), self.trace.now()
        exchange = Exchange(
            at=at,
            elapsed_ms=0,
            method=method,
            url=url,
            request_type=request_type,
            request_body=body if body is not None and _kept(request_type) else None,
            request_size=len(body) if body is not None else 0,
        )
        try:
            response = self.inner.send(request, *args, **kwargs)
        except Exception as exc:
            exchange.elapsed_ms = round((time.monotonic() - started) * 1000)
            exchange.error = f"{type(exc).__name__}: {exc}"
            self.trace.record(exchange)
            raise
        exchange.elapsed_ms = round((time.monotonic() - started) * 1000)
        exchange.status = response.status_code
        exchange.response_type = str(response.headers.get("Content-Type", ""))
        if _kept(exchange.response_type):
            exchange.response_body = response.content  # cached on the response: the caller still reads it
            exchange.response_size = len(exchange.response_body)
        else:  # a photo's bytes are not the trace's business, only how many there were
            exchange.response_size = int(response.headers.get("Content-Length") or 0)
        self.trace.record(exchange)
        return response

    def close(self) -> None:
        self.inner.close()


class FieldTrace:
    """One run's trace: wrapped around the app's HTTP adapters, written (scrubbed) to `folder` as the run goes."""

    def __init__(
        self,
        folder: Path,
        command: str,
        *,
        clock: Callable[[], datetime] | None = None,
        vocabulary: Callable[..., Iterable[str]] | None = None,
    ) -> None:
        self.folder = folder
        self.command = command
        # (settings, regions) -> the words a trace keeps as they are (headers, statuses, places); given by the
        # CLI, which knows every layer's words, so this layer needs none of them.
        self.vocabulary = vocabulary
        self._clock = clock or (lambda: datetime.now(UTC))
        self.started = self._clock()
        self.path: Path | None = None
        self._keep: set[str] = set()
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        # Set once an app was built with this trace (`pipeline/app.py`): from then on the command has a trace to
        # write, even an empty one; a command that built no app leaves no file.
        self.attached = False
        self._last_flush = time.monotonic()
        self.left_out = 0  # exchanges past MAX_EXCHANGES, counted but not recorded

    def now(self) -> datetime:
        return self._clock()

    @property
    def exchanges(self) -> int:
        return len(self._exchanges)

    def keep(self, words: Iterable[str]) -> None:
        """Words that carry meaning and nothing personal (headers, tab names, statuses, region names)."""
        with self._lock:
            self._keep.update(words)

    def wrap(self, adapter: BaseAdapter) -> BaseAdapter:
        """The transport seam (`build_app(trace=...)`): `adapter`, recording what goes through it into this trace."""
        return adapter if isinstance(adapter, _TracingAdapter) else _TracingAdapter(adapter, self)

    def record(self, exchange: Exchange) -> None:
        with self._lock:
            if len(self._exchanges) >= MAX_EXCHANGES:
                self.left_out += 1
                return
            self._exchanges.append(exchange)
        if time.monotonic() - self._last_flush > FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write the trace so far (scrubbed from scratch, so placeholders stay the same) and its INDEX lines.

        Called in the middle of a cycle and when an app closes: a trace that cannot be written (a full disk, a
        bug in scrubbing) is logged and never fails the cycle it watches; `close` reports it to the command.
        """
        try:
            self._write()
        except Exception as exc:  # the trace is a bystander: whatever goes wrong with it, the run goes on
            log.warning("the field trace could not be written to %s: %s", self.folder, exc)

    def close(self) -> Path | None:
        """The last write; the trace file, or None when the command never talked to Google."""
        return self._write()

    def _write(self) -> Path | None:
        with self._write_lock:
            with self._lock:
                exchanges = list(self._exchanges)
                keep = set(self._keep)
            if not self.attached:
                return None
            self._last_flush = time.monotonic()
            path = self._path()
            interactions = scrub_exchanges(exchanges, keep, name=path.stem, command=self.command)
            write_private(path, json.dumps(interactions, ensure_ascii=False, indent=1) + "\n")
            self._write_index(path, interactions)
            return path

    def _path(self) -> Path:
        if self.path is None:
            private_dir(self.folder)
            # Milliseconds, so that two runs in the same second (cron, a test) still sort by time by name.
            stem = f"trace-{self.started:%Y%m%dT%H%M%S}.{self.started.microsecond // 1000:03d}Z"
            path, n = self.folder / f"{stem}.json", 1
            while path.exists():  # two runs in the same second
                n += 1
                path = self.folder / f"{stem}-{n}.json"
            self.path = path
            write_private(path, "[]\n")  # claims the name before anything else
        return self.path

    def _write_index(self, path: Path, interactions: list[dict[str, Any]]) -> None:
        index = self.folder / INDEX_FILE
        lines: list[str] = []
        with contextlib.suppress(FileNotFoundError):
            lines = [
                line
                for line in index.read_text(encoding="utf-8").splitlines()[1:]
                if line and line.split("\t", 1)[0] != path.name
            ]
        for item in interactions:
            request, response = item["request"], item["response"]
            status = str(response["status"]) if response else "-"
            url_path = urlsplit(request["url"]).path
            api, endpoint = api_of(url_path), endpoint_name(request["method"], url_path, request["json"])
            lines.append("\t".join([path.name, self.command, request["method"], api, endpoint, status]))
        write_private(index, "\n".join([INDEX_HEADER, *lines]) + "\n")


def scrub_exchanges(exchanges: list[Exchange], keep: set[str], *, name: str, command: str) -> list[dict[str, Any]]:
    """The interactions as the trace file holds them: ids learnt over the whole run first, then everything
    scrubbed in order, so one original has one placeholder everywhere."""
    scrubber = Scrubber(keep)
    parsed = [_parse(e) for e in exchanges]
    # Spreadsheet ids first, so they are named `spreadsheet-N` even when Drive met them before Sheets did.
    for _, api, path, _, _, _ in parsed:
        if api == "sheets":
            scrubber.learn(api, path, None)
    for _, api, path, request_json, _, response_json in parsed:
        scrubber.learn(api, path, request_json)
        scrubber.learn(api, path, response_json)
    interactions = []
    for exchange, api, _path, request_json, form, response_json in parsed:
        url = urlsplit(exchange.url)
        host = GOOGLE_HOSTS.get(api, url.hostname or "") if (url.hostname or "") in _LOOPBACK else url.netloc
        request: dict[str, Any] = {
            "method": exchange.method,
            "host": host,
            "url": scrubber.request_url(exchange.url, api=api),
            "json": scrubber.body(api, request_json) if request_json is not None else None,
        }
        if form is not None:
            request["form"] = scrubber.body("oauth", form)
        elif request_json is None and exchange.request_size:
            request["body"] = f"{exchange.request_size} bytes of {exchange.request_type or 'unknown type'}, not kept"
        item: dict[str, Any] = {
            "name": name,
            "run": 0,
            "recorded": exchange.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": command,
            "elapsed_ms": exchange.elapsed_ms,
            "request": request,
            "response": None,
        }
        if exchange.status is not None:
            response: dict[str, Any] = {
                "status": exchange.status,
                "json": scrubber.body(api, response_json) if response_json is not None else None,
            }
            if response_json is None and exchange.response_size:
                what = exchange.response_type or "unknown type"
                response["body"] = f"{exchange.response_size} bytes of {what}, not kept"
            item["response"] = response
        if exchange.error is not None:
            item["error"] = scrubber.message(exchange.error)
        interactions.append(item)
    return interactions


def _parse(exchange: Exchange) -> tuple[Exchange, str, str, Any, dict[str, str] | None, Any]:
    path = urlsplit(exchange.url).path
    api = api_of(path)
    request_json: Any = None
    form: dict[str, str] | None = None
    if exchange.request_body:
        if exchange.request_type.startswith("application/x-www-form-urlencoded"):
            form = dict(parse_qsl(exchange.request_body.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            request_json = parse_json(exchange.request_body)
    response_json = parse_json(exchange.response_body) if exchange.response_body else None
    return exchange, api, path, request_json, form, response_json
