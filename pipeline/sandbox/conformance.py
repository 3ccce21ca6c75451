"""Replay the recorded Sheets/Drive traffic of conformance_data/, each run on an emptied sandbox, and count matches.

Given a folder of field traces (`mymein --trace DIR`) or one trace file instead, replay those (trace_replay.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

import requests

from ..core.endpoints import endpoint_name
from .server import Sandbox

if TYPE_CHECKING:
    from .trace_replay import FieldReport

# Shipped inside the package (package-data), so `python -m pipeline.sandbox.conformance` works from an install.
CONFORMANCE_DATA = Path(__file__).resolve().parent / "conformance_data"
DEFAULT_DATA = CONFORMANCE_DATA / "sheets-v4"

# Fields the README says carry no conformance meaning: clock readings, cache tags, and a URL built from the id.
IGNORED_KEYS = frozenset({"createdTime", "modifiedTime", "etag", "spreadsheetUrl"})
# Google's spreadsheet-wide defaults at recording time; the README allows comparing them loosely, so only
# their presence and top-level shape count, not every colour value.
LOOSE_KEYS = frozenset({"defaultFormat", "spreadsheetTheme"})
# Integer ids the API hands out, keyed by the JSON field that carries them.
INT_ID_KEYS = ("sheetId", "protectedRangeId")
# The recording account's private spreadsheet: a fresh emulator has nothing to refuse, so it cannot be replayed.
PRIVATE_SPREADSHEET_TEST = "ClientTest.test_access_private_spreadsheet"
AUTH = {"Authorization": "Bearer conformance"}  # the sandbox accepts any bearer token


@dataclass(frozen=True)
class Mismatch:
    file: str
    run: int
    index: int  # position in the recorded file, as in INDEX.tsv
    endpoint: str
    detail: str


@dataclass
class Tally:
    matched: int = 0
    compared: int = 0
    skipped: int = 0


@dataclass
class Report:
    """Per-endpoint counts of one replay, and every interaction that did not match."""

    endpoints: dict[str, Tally] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    runs: int = 0

    def tally(self, endpoint: str) -> Tally:
        return self.endpoints.setdefault(endpoint, Tally())

    @property
    def matched(self) -> int:
        return sum(t.matched for t in self.endpoints.values())

    @property
    def compared(self) -> int:
        return sum(t.compared for t in self.endpoints.values())

    @property
    def skipped(self) -> int:
        return sum(t.skipped for t in self.endpoints.values())

    def total_line(self) -> str:
        percent = 100.0 * self.matched / self.compared if self.compared else 0.0
        return f"TOTAL: {self.matched}/{self.compared} interactions match ({percent:.1f}%)"

    def table(self) -> list[str]:
        width = max((len(name) for name in self.endpoints), default=8)
        order = sorted(self.endpoints.items(), key=lambda item: (-item[1].compared - item[1].skipped, item[0]))
        lines = []
        for name, t in order:
            line = f"{name:<{width}}  {t.matched:>4}/{t.compared:<4} interactions match"
            if t.skipped:
                line += f"  ({t.skipped} skipped: not reproducible)"
            lines.append(line)
        return lines


@dataclass
class IdMap:
    """Recorded ids -> the sandbox's, learnt from create/copy/add replies and applied to later traffic."""

    strings: dict[str, str] = field(default_factory=dict)
    ints: dict[str, dict[int, int]] = field(default_factory=lambda: {key: {} for key in INT_ID_KEYS})

    def text(self, value: str) -> str:
        # Spreadsheet and file ids are long random tokens, so replacing them inside URLs and strings is safe.
        for old, new in self.strings.items():
            value = value.replace(old, new)
        return value

    def apply(self, obj: Any, key: str | None = None) -> Any:
        if isinstance(obj, dict):
            return {k: self.apply(v, k) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.apply(v, key) for v in obj]
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, int) and not isinstance(obj, bool) and key in self.ints:
            return self.ints[key].get(obj, obj)
        return obj

    def learn(self, want: Any, got: Any) -> None:
        if not isinstance(want, dict) or not isinstance(got, dict):
            return
        if want.get("kind") == "drive#file" and isinstance(want.get("id"), str) and isinstance(got.get("id"), str):
            self.strings[want["id"]] = got["id"]
        want_replies, got_replies = want.get("replies"), got.get("replies")
        if not isinstance(want_replies, list) or not isinstance(got_replies, list):
            return
        for w, g in zip(want_replies, got_replies, strict=False):
            if not isinstance(w, dict) or not isinstance(g, dict):
                continue
            if "addSheet" in w and "addSheet" in g:
                self._learn_int("sheetId", w["addSheet"]["properties"], g["addSheet"]["properties"])
            if "addProtectedRange" in w and "addProtectedRange" in g:
                self._learn_int(
                    "protectedRangeId",
                    w["addProtectedRange"]["protectedRange"],
                    g["addProtectedRange"]["protectedRange"],
                )

    def _learn_int(self, key: str, want: dict[str, Any], got: dict[str, Any]) -> None:
        if isinstance(want.get(key), int) and isinstance(got.get(key), int):
            self.ints[key][want[key]] = got[key]


def endpoint_of(request: dict[str, Any]) -> str:
    """The endpoint name INDEX.tsv uses for a recorded request (field traces name theirs the same way)."""
    return endpoint_name(str(request["method"]), urlsplit(str(request["url"])).path, request.get("json"))


def _strip(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {
            k: (sorted(v) if isinstance(v, dict) else type(v).__name__) if k in LOOSE_KEYS else _strip(v)
            for k, v in obj.items()
            if k not in IGNORED_KEYS
        }
    if isinstance(obj, list):
        return [_strip(v) for v in obj]
    return obj


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def diff(got: Any, want: Any, path: str = "") -> list[str]:
    """Differences as `path: ours X want Y` lines; bools never equal numbers (JSON keeps them apart)."""
    if isinstance(got, dict) and isinstance(want, dict):
        out: list[str] = []
        for key in sorted(set(got) | set(want)):
            where = f"{path}.{key}"
            if key not in got:
                out.append(f"{where}: missing in ours (want {_short(want[key])})")
            elif key not in want:
                out.append(f"{where}: extra in ours ({_short(got[key])})")
            else:
                out += diff(got[key], want[key], where)
        return out
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return [f"{path or '.'}: {len(got)} items, want {len(want)}: ours {_short(got)} want {_short(want)}"]
        out = []
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            out += diff(g, w, f"{path}[{i}]")
        return out
    if isinstance(got, bool) != isinstance(want, bool) or got != want:
        return [f"{path or '.'}: ours {_short(got)} want {_short(want)}"]
    return []


def _error_key(body: Any) -> tuple[Any, Any]:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None, None
    return error.get("code"), error.get("status")


def compare(endpoint: str, status: int, got: Any, want_status: int, want: Any) -> list[str]:
    """Why a response differs from the recorded one (empty when it matches), per the README's rules."""
    if status != want_status:
        return [f"status {status} want {want_status}: ours {_short(got)}"]
    if endpoint == "files.list":
        return []  # the listing depended on what else was in the recording account's Drive
    if want_status >= 400:
        if _error_key(got) != _error_key(want):
            return [f"error (code, status) {_error_key(got)} want {_error_key(want)}"]
        return []
    return diff(_strip(got), _strip(want))


def replay_run(
    base_url: str, name: str, run: int, interactions: list[tuple[int, dict[str, Any]]], report: Report
) -> None:
    """Send one run's requests in order, rewriting recorded ids to the sandbox's, and tally each answer."""
    ids = IdMap()
    for index, item in interactions:
        request, response = item["request"], item["response"]
        endpoint = endpoint_of(request)
        tally = report.tally(endpoint)
        if name == PRIVATE_SPREADSHEET_TEST and response["status"] == 403:
            tally.skipped += 1
            continue
        body = ids.apply(request["json"]) if request["json"] is not None else None
        # A connection per request (requests.request closes its session): on a kept-alive connection the
        # server's separate header and body writes meet the client's delayed ACK (Nagle), ~40 ms a request.
        answer = requests.request(
            request["method"], base_url + ids.text(request["url"]), json=body, headers=AUTH, timeout=30
        )
        got: Any = None
        if answer.content:
            try:
                got = answer.json()
            except ValueError:
                got = answer.text
        want = response["json"]
        ids.learn(want, got)
        problems = compare(endpoint, answer.status_code, got, response["status"], ids.apply(want))
        tally.compared += 1
        if problems:
            report.mismatches.append(Mismatch(name, run, index, endpoint, "; ".join(problems[:4])))
        else:
            tally.matched += 1


def replay(data_dir: Path = DEFAULT_DATA) -> Report:
    """Replay every run of every recorded file, each from an empty sandbox (no state leaks between runs)."""
    report = Report()
    # One server for the whole replay: stopping one costs up to half a second (serve_forever's poll interval),
    # which for ~170 runs would dominate. Emptying `state.data` is a full reset, because every emulated API keeps
    # all of its state there (the recordings upload no file bytes, so there are no blobs to forget either).
    with Sandbox() as sandbox:
        for path in sorted(data_dir.glob("*.json")):
            recorded: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
            runs: dict[int, list[tuple[int, dict[str, Any]]]] = {}
            for index, item in enumerate(recorded):
                runs.setdefault(int(item["run"]), []).append((index, item))
            for run, interactions in sorted(runs.items()):
                with sandbox.app.state.lock:
                    sandbox.app.state.data.clear()
                report.runs += 1
                replay_run(sandbox.url, path.stem, run, interactions, report)
    return report


def write_field_report(report: FieldReport, out: TextIO) -> None:
    """Every mismatch (they are what a field trace is for), the table, and what was not replayed, with why."""
    for m in report.mismatches:
        print(f"MISMATCH {m.file} #{m.index} {m.endpoint}: {m.detail}", file=out)
    if report.mismatches:
        print(file=out)
    for line in report.table():
        print(line, file=out)
    apis = ", ".join(f"{api} {matched}/{compared}" for api, (matched, compared) in sorted(report.by_api().items()))
    print(f"by API: {apis or 'none'}", file=out)
    if report.injected:
        print(f"({report.injected} of Google's error answers re-enacted as injected faults, status compared)", file=out)
    left = sum(report.not_replayed.values())
    if left:
        print(f"not replayed: {left}", file=out)
        for reason, count in sorted(report.not_replayed.items()):
            print(f"  {count:>4}  {reason}", file=out)
    files = f"{report.files} trace file{'s' * (report.files != 1)}"
    print(f"{report.total_line()} in {files}; {left} not replayed", file=out)


def write_report(report: Report, out: TextIO, *, verbose: bool = False) -> None:
    if verbose:
        for m in report.mismatches:
            print(f"MISMATCH {m.file} run {m.run} #{m.index} {m.endpoint}: {m.detail}", file=out)
        print(file=out)
    for line in report.table():
        print(line, file=out)
    print(report.total_line(), file=out)
    if report.skipped:
        print(f"({report.skipped} skipped as not reproducible, {report.runs} runs replayed)", file=out)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.sandbox.conformance", description=__doc__)
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="field traces to replay: a folder of trace-*.json (mymein --trace DIR) or one trace file",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory of recorded *.json files")
    parser.add_argument("--verbose", action="store_true", help="print every mismatch with a short diff")
    args = parser.parse_args(argv)
    if args.path is not None:
        from .trace_replay import is_field_trace, replay_traces  # it builds on this module

        if is_field_trace(args.path):
            write_field_report(replay_traces(args.path), out or sys.stdout)
            return 0
        if not args.path.is_dir():
            parser.error(f"no trace-*.json in {args.path}")
        args.data = args.path  # a folder of conformance recordings, named without --data
    if not args.data.is_dir():
        parser.error(f"no such directory: {args.data}")
    write_report(replay(args.data), out or sys.stdout, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
