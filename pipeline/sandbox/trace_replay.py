"""Replaying a field trace (`mymein --trace DIR`) against a fresh sandbox, and reporting where it differs.

A trace starts in the middle of a regency's world: its spreadsheets, photos and blog existed before the run.
So the sandbox is first seeded with what the trace shows of that world before the run touched it (the tabs and
cells each spreadsheet was read with, the photos' metadata and sharing, the blog and the posts it listed:
`trace_seed.py`); then
every request is sent again in order, on a clock that follows the recorded times, and each answer is compared
with Google's as for conformance_data/ (ids the sandbox hands out are followed). What cannot be replayed is
counted with the reason, never silently dropped.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from ..core.endpoints import api_of
from .conformance import IdMap, Mismatch, Report, compare, endpoint_of
from .faults import ALLOWED_STATUS
from .server import Sandbox
from .trace_seed import item_path, seed

TRACE_PATTERN = "trace-*.json"
AUTH = {"Authorization": "Bearer field-trace"}  # the sandbox accepts any bearer token
# Fields that say when and through which server a run happened, not what the API did: a replay, later and on
# another machine, cannot give the same (ids the sandbox hands out are mapped instead, see `_learn_created`).
VOLATILE = {
    "blogger": frozenset({"published", "updated", "selfLink", "author"}),
    "gmail": frozenset({"id", "threadId"}),
    "drive": frozenset({"version", "thumbnailLink", "webViewLink", "webContentLink", "iconLink"}),
}
NO_ANSWER = "no answer was recorded (the connection failed or timed out)"
TOKEN_EXCHANGE = "token exchanges: the trace holds no credentials to send"
BODY_NOT_KEPT = "the request body (a file's bytes) is not in the trace"
REFUSED = "Google refused the caller (401/403); the sandbox accepts any token"
UNKNOWN_API = "not an API the sandbox emulates"


@dataclass
class FieldReport(Report):
    """A conformance report, plus what was not replayed and why, and how many Google errors were re-enacted."""

    not_replayed: Counter[str] = field(default_factory=Counter)
    injected: int = 0
    files: int = 0

    def by_api(self) -> dict[str, tuple[int, int]]:
        totals: dict[str, tuple[int, int]] = {}
        for name, tally in self.endpoints.items():
            api = name.split(" ", 1)[0]
            matched, compared = totals.get(api, (0, 0))
            totals[api] = (matched + tally.matched, compared + tally.compared)
        return totals


def trace_files(path: Path) -> list[Path]:
    """The trace files a path names: a trace file itself, or every `trace-*.json` in a folder."""
    if path.is_file():
        return [path]
    return sorted(path.glob(TRACE_PATTERN))


def is_field_trace(path: Path) -> bool:
    return bool(trace_files(path)) if path.exists() else False


class _Clock:
    """The replay's time: the recorded time of the interaction being replayed (scheduled posts, stamps)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def replay_traces(path: Path) -> FieldReport:
    report = FieldReport()
    for trace in trace_files(path):
        items: list[dict[str, Any]] = json.loads(trace.read_text(encoding="utf-8"))
        clock = _Clock()
        if items:
            clock.now = _recorded(items[0], clock.now)
        with Sandbox(clock=clock) as sandbox:
            seed(sandbox, items)
            _replay(sandbox, clock, trace.name, items, report)
        report.files += 1
        report.runs += 1
    return report


def _recorded(item: dict[str, Any], default: datetime) -> datetime:
    try:
        return datetime.fromisoformat(str(item.get("recorded", "")).replace("Z", "+00:00"))
    except ValueError:
        return default


# --- replaying ----------------------------------------------------------------------------------------------------


def _not_replayed(api: str, item: dict[str, Any]) -> str | None:
    request, response = item["request"], item.get("response")
    if api in ("oauth", "iam"):
        return TOKEN_EXCHANGE
    if api == "other":
        return UNKNOWN_API
    if not response:
        return NO_ANSWER
    if request.get("body") and request.get("json") is None:
        return BODY_NOT_KEPT
    if int(response["status"]) in (401, 403):
        return REFUSED
    return None


def _drop(obj: Any, keys: frozenset[str]) -> Any:
    if isinstance(obj, dict):
        return {k: _drop(v, keys) for k, v in obj.items() if k not in keys}
    if isinstance(obj, list):
        return [_drop(v, keys) for v in obj]
    return obj


def _learn_created(ids: IdMap, api: str, endpoint: str, want: Any, got: Any) -> None:
    """Ids (and a post's address) the sandbox handed out where Google handed out others."""
    if not isinstance(want, dict) or not isinstance(got, dict):
        return
    if (api, endpoint) in (("blogger", "posts.insert"), ("drive", "permissions.create"), ("drive", "files.create")):
        for key in ("id", "url"):
            old, new = want.get(key), got.get(key)
            if isinstance(old, str) and isinstance(new, str) and old and old != new:
                ids.strings[old] = new


def _replay(sandbox: Sandbox, clock: _Clock, name: str, items: list[dict[str, Any]], report: FieldReport) -> None:
    ids = IdMap()
    for index, item in enumerate(items):
        request, response = item["request"], item.get("response")
        path = item_path(item)
        api = api_of(path)
        endpoint = endpoint_of(request)
        reason = _not_replayed(api, item)
        if reason is not None or response is None:
            report.not_replayed[f"{api}: {reason}"] += 1
            continue
        clock.now = _recorded(item, clock.now)
        tally = report.tally(f"{api} {endpoint}")
        status = int(response["status"])
        route = sandbox.app.router.match(request["method"], path)
        injected = status in ALLOWED_STATUS and status != 400 and route is not None and bool(route[0].method_id)
        if injected and route is not None:
            # Google's passing trouble (a quota, a 503) is re-enacted as an injected fault of the same status.
            sandbox.app.faults.set([{"match": route[0].method_id, "times": 1, "status": status}])
        body = ids.apply(request["json"]) if request["json"] is not None else None
        answer = requests.request(
            request["method"], sandbox.url + ids.text(request["url"]), json=body, headers=AUTH, timeout=30
        )
        sandbox.app.faults.clear()
        got: Any = None
        if answer.content and "json" in answer.headers.get("Content-Type", ""):
            try:
                got = answer.json()
            except ValueError:
                got = answer.text
        want = response["json"]
        ids.learn(want, got)
        _learn_created(ids, api, endpoint, want, got)
        if injected or (want is None and response.get("body")):
            # An injected fault's wording is the sandbox's; a file's bytes are not in the trace: status only.
            report.injected += int(injected)
            problems = [] if answer.status_code == status else [f"status {answer.status_code} want {status}"]
        else:
            volatile = VOLATILE.get(api, frozenset())
            expected = _drop(ids.apply(want), volatile)
            problems = compare(endpoint, answer.status_code, _drop(got, volatile), status, expected)
        tally.compared += 1
        if problems:
            report.mismatches.append(Mismatch(name, 0, index, f"{api} {endpoint}", "; ".join(problems[:4])))
        else:
            tally.matched += 1
