"""The sandbox HTTP server: threaded, loopback only, Google-shaped paths, with stats and injected faults."""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from . import control, oauth, views, wire
from .blogger import BloggerApi
from .blogger_comments import BloggerComments
from .blogger_pages import BloggerPages
from .discovery import Discovery, for_method
from .drive import DriveApi
from .errors import ApiError
from .facebook import FacebookApi, graph_fault_body
from .faults import Fault, FaultTable
from .forms import FormsApi
from .gmail import GmailApi
from .limits import RateCounter
from .routing import Request, Response, Router
from .sheets import SheetsApi
from .state import SandboxState, utc_now
from .stats import CallStats
from .telegram import TelegramApi, bot_fault_body

log = logging.getLogger("mymein.sandbox")
schema_log = logging.getLogger("mymein.sandbox.schema")

LOOPBACK = "127.0.0.1"
_TOKENS_IN_PATHS = re.compile(r"(/bot)[0-9]+:[A-Za-z0-9_-]+(?=/)|((?:input_token|access_token)=)[^&\s\"]+")


class SandboxApp:
    """Everything a request can touch: state, the emulated APIs, counters and fault rules."""

    def __init__(
        self,
        state_dir: Path | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        latency_ms: int = 0,
    ) -> None:
        self.state = SandboxState(state_dir, clock=clock)
        self.stats = CallStats()
        self.faults = FaultTable()
        self.rates = RateCounter(self.state.now)
        self.latency_ms = latency_ms
        self.schema_violations: list[tuple[str, list[str]]] = []
        self.router = Router()
        self.sheets = SheetsApi(self.state)
        self.drive = DriveApi(self.state, self.sheets)
        self.blogger = BloggerApi(self.state)
        control.register(self.router, self)
        oauth.register(self.router, self)
        self.sheets.register(self.router)
        self.drive.register(self.router)
        self.blogger.register(self.router)
        BloggerComments(self.blogger).register(self.router)
        self.blogger_pages = BloggerPages(self.blogger)
        self.blogger_pages.register(self.router)
        GmailApi(self.state).register(self.router)
        FacebookApi(self.state).register(self.router)
        TelegramApi(self.state).register(self.router)
        FormsApi(self.state).register(self.router)
        views.register(self.router, self)

    def dispatch(self, req: Request) -> tuple[Response, bool]:
        """Answer one request. The flag says whether the connection should be dropped without answer."""
        matched = self.router.match(req.method, req.path)
        if matched is None:
            if self.router.allowed_methods(req.path):
                return Response(status=405, json=ApiError(405, "Method not allowed.", "INVALID_ARGUMENT").body()), False
            return Response(status=404, json=ApiError(404, f"Not found: {req.path}", "NOT_FOUND").body()), False
        route, params = matched
        req.params = params
        if control.is_order(req) and (refused := control.order_refusal(req)) is not None:
            return Response(status=refused.code, json=refused.body()), False
        late: Fault | None = None
        described = for_method(route.method_id) if route.method_id else None
        if route.method_id:
            self.stats.record(route.method_id)
            if self.latency_ms:
                time.sleep(self.latency_ms / 1000)  # simulated network latency, for benchmarks
            try:
                self.rates.admit(self.state.limits, route.method_id, req.headers.get("authorization", ""))
            except ApiError as err:
                return Response(status=err.code, json=err.body()), False
            fault = self.faults.next_fault(route.method_id, req.body)
            if fault is not None:
                if fault.delay_ms and not fault.after_effect and not self.faults.hold(fault.delay_ms):
                    return Response(), True  # the rules were cleared while it waited: it never arrived
                if fault.drop and not fault.after_effect:
                    return Response(), True
                if fault.status is not None and not fault.after_effect:
                    return Response(status=fault.status, json=_fault_body(route.method_id, fault.status)), False
                late = fault if fault.after_effect else None
        try:
            if described is not None:
                described.check_query(route.method_id, req.query)
            with self.state.lock:
                response = route.handler(req)
                if route.mutates and response.status < 400:
                    self.state.save()
        except ApiError as err:
            return Response(status=err.code, json=err.body()), False
        except Exception:  # a sandbox bug must answer 500 like Google would, not kill the thread
            log.error("sandbox handler failed for %s %s\n%s", req.method, req.path, traceback.format_exc())
            return Response(status=500, json=ApiError(500, "Internal error encountered.").body()), False
        if described is not None and response.status == 200 and response.json is not None:
            self._check_response(route.method_id, described, response.json)
        if late is not None:
            if late.delay_ms:
                self.faults.hold(late.delay_ms)  # done, but the answer is late: a caller may die waiting
            if late.drop:
                return Response(), True
            if late.status is not None:
                return Response(status=late.status, json=_fault_body(route.method_id, late.status)), False
        return response, False

    def _check_response(self, method_id: str, described: Discovery, body: object) -> None:
        problems = described.response_problems(method_id, body)
        if problems:
            # A sandbox bug, not the caller's: logged where the test suite looks (tests/conftest.py).
            self.schema_violations.append((method_id, problems))
            schema_log.error("%s answered outside its discovery schema: %s", method_id, "; ".join(problems[:5]))


def _fault_body(method_id: str, status: int) -> dict[str, object]:
    """An injected failure in the shape of the API it hits: Graph's and the Bot API's are not Google's."""
    if method_id.startswith("facebook."):
        return graph_fault_body(status)
    if method_id.startswith("telegram."):
        return bot_fault_body(status)
    return ApiError(status, _fault_message(status)).body()


def _fault_message(status: int) -> str:
    if status == 429:
        return "Quota exceeded for quota metric 'Requests' (injected by the sandbox)."
    if status == 400:
        return "Invalid argument (injected by the sandbox)."
    return "The service is currently unavailable (injected by the sandbox)."


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle on, a kept-alive client waits ~40 ms per answer.
    disable_nagle_algorithm = True
    server: _Server

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=f"http://{LOOPBACK}:{self.server.server_port}",
        )
        response, drop = self.server.app.dispatch(req)
        if drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        payload = response.payload()
        sent, encoding = wire.encode(payload, response.content_type, req.headers)
        self.send_response(response.status)
        if payload or response.status != 204:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(sent)))
        for name, value in {**response.headers, **encoding}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(sent)
        self.server.app.stats.add_bytes(len(sent), len(payload))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: object) -> None:
        # A rehearsal's tokens travel in URLs (/bot<token>/..., ?input_token=): kept out of the log, as the
        # pipeline keeps them out of its own.
        line = _TOKENS_IN_PATHS.sub(lambda m: (m.group(1) or m.group(2)) + "…", format % args)
        log.debug("%s - %s", self.address_string(), line)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int, app: SandboxApp) -> None:
        self.app = app
        super().__init__((LOOPBACK, port), _Handler)


class Sandbox:
    """A running sandbox in a background thread: `with Sandbox() as sb: sb.url`."""

    def __init__(
        self,
        port: int = 0,
        state_dir: Path | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        latency_ms: int = 0,
    ) -> None:
        self.app = SandboxApp(state_dir, clock=clock, latency_ms=latency_ms)
        self._server = _Server(port, self.app)
        self._thread = threading.Thread(target=self._server.serve_forever, name="mymein-sandbox", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> Sandbox:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self.app.faults.clear()  # wakes any request held by an injected delay
        self._server.shutdown()
        self._server.server_close()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
