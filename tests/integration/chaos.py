"""Chaos harness: crash a cycle at any remote call, storm it with faults, let officers reshape the sheet.

A crash is a `SimulatedCrash` raised from an HTTP adapter mounted through the app's transport seam
(`build_app(settings, arm(plan))`, on every session it builds), before a request is sent or after its answer
arrived: it is a BaseException, so nothing in the pipeline can catch it, and what the ledger had not committed
is rolled back, as when the process dies. The real client libraries and the sandbox are untouched;
`test_chaos` also kills real `mymein sync` processes at sampled points.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gspread
import requests
from requests.adapters import BaseAdapter

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.cycle import CycleReport, run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.google.transport import AdapterWrap
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.seed import upload_file

from .world import World, append_responses, blog_posts, make_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
CODE_IN_POST = re.compile(r"Kode berita: (MM-\d{8}-\d{4})")
FIRST_BATCH = 20
LATE_BATCH = 5
PHOTO_ROWS = (2, 7, 11)
DRAFT_ROWS = (5, 13)


class SimulatedCrash(BaseException):
    """The process dies here: nothing in the pipeline may catch this."""


@dataclass
class CrashPlan:
    at: int | None = None  # the n-th remote call of the cycle, counting retries
    before: bool = True  # crash before the request leaves, or after its answer has arrived
    calls: int = 0


class CrashingAdapter(BaseAdapter):
    def __init__(self, inner: BaseAdapter, plan: CrashPlan) -> None:
        super().__init__()
        self.inner = inner
        self.plan = plan

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.plan.calls += 1
        here = self.plan.calls == self.plan.at
        if here and self.plan.before:
            raise SimulatedCrash(f"before call {self.plan.calls}: {request.method} {request.url}")
        response = self.inner.send(request, **kwargs)
        if here:
            raise SimulatedCrash(f"after call {self.plan.calls}: {request.method} {request.url}")
        return response

    def close(self) -> None:
        self.inner.close()


def arm(plan: CrashPlan) -> AdapterWrap:
    """The transport seam's adapter for `build_app`: every Google call of the app counts towards `plan`."""

    def wrap(inner: BaseAdapter) -> BaseAdapter:
        return CrashingAdapter(inner, plan)

    return wrap


def open_app(world: World, plan: CrashPlan | None = None) -> App:
    return build_app(load_settings(world.config), arm(plan) if plan is not None else None, policy=NO_SLEEP)


def review_worksheet(world: World, tab: str = "Berita") -> gspread.Worksheet:
    client = officer_sheets_client(load_settings(world.config))
    return client.open_by_key(world.review_id).worksheet(tab)


@dataclass
class Scene:
    """20 responses queued and approved (3 with photos, 2 as drafts) and 5 new ones waiting in the form."""

    world: World
    approved: set[str] = field(default_factory=set)
    responses: int = FIRST_BATCH


def set_scene(endpoint: str, folder: Path) -> Scene:
    with requests.Session() as http:
        photos = {
            n: upload_file(http, endpoint, f"foto{n}.png", png_bytes(DEMO_PHOTOS["panen"]), "image/png")
            for n in PHOTO_ROWS
        }
    rows = [
        response_row(n, photos=f"https://drive.google.com/open?id={photos[n]}" if n in photos else "")
        for n in range(1, FIRST_BATCH + 1)
    ]
    world = make_world(endpoint, folder, rows)
    app = open_app(world)
    try:
        run_cycle(app)
    finally:
        app.close()
    sheet = review_worksheet(world)
    header = sheet.row_values(1)
    values = sheet.get_all_values()
    approve, mode, code = header.index("Setujui"), header.index("Mode"), header.index("Kode")
    updates = []
    approved = set()
    for number, row in enumerate(values[1:], start=2):
        approved.add(row[code])
        updates.append({"range": gspread.utils.rowcol_to_a1(number, approve + 1), "values": [[True]]})
        if int(row[code][-4:]) in DRAFT_ROWS:
            updates.append({"range": gspread.utils.rowcol_to_a1(number, mode + 1), "values": [["Draf"]]})
    sheet.batch_update(updates, value_input_option="USER_ENTERED")
    late = [response_row(n) for n in range(FIRST_BATCH + 1, FIRST_BATCH + LATE_BATCH + 1)]
    append_responses(endpoint, world.form_id, late)
    return Scene(world, approved, FIRST_BATCH + LATE_BATCH)


def quiet(report: CycleReport) -> bool:
    return not (report.errors or report.outcomes or report.cells_written or report.ingested or report.queued)


def run_until_quiet(world: World, *, limit: int = 12) -> int:
    """Cycles, each in a fresh process-like app, until one has nothing left to do; returns how many ran."""
    for cycle in range(1, limit + 1):
        app = open_app(world)
        try:
            if quiet(run_cycle(app)):
                assert app.ledger.open_intents() == [], "a quiet ledger has no side effect in doubt"
                return cycle
        finally:
            app.close()
    raise AssertionError(f"not quiet after {limit} cycles")


@dataclass
class Verdict:
    duplicates: int = 0  # posts beyond the first for a code, or a response on the sheet twice
    lost: int = 0  # responses not on the sheet, approved rows without a post
    misplaced: int = 0  # a row whose Tautan is not its own post's url, or a post for a row nobody approved
    details: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.lost or self.misplaced)


def judge(
    world: World, approved: set[str], responses: int, *, gone: frozenset[str] = frozenset(), tab: str = "Berita"
) -> Verdict:
    """`approved`: every code an officer ever ticked; `gone`: titles of decided rows an officer deleted."""
    verdict = Verdict()
    rows = review_worksheet(world, tab).get_all_records()
    codes = Counter(str(r["Kode"]) for r in rows if r.get("Kode"))
    for code, count in codes.items():
        if count > 1:
            verdict.duplicates += count - 1
            verdict.details.append(f"{code} on the sheet {count} times")
    titles = {str(r["Judul"]) for r in rows if r.get("Kode")} | gone
    for n in range(1, responses + 1):
        if f"Berita nomor {n}" not in titles:
            verdict.lost += 1
            verdict.details.append(f"response {n} is not on the sheet")
    by_code: dict[str, list[Mapping[str, Any]]] = {}
    for post in blog_posts(world.endpoint, world.blog_id):
        match = CODE_IN_POST.search(str(post.get("content", "")))
        by_code.setdefault(match.group(1) if match else "?", []).append(post)
    for code, found in by_code.items():
        if code not in approved:
            verdict.misplaced += len(found)
            verdict.details.append(f"{len(found)} post(s) for {code}, which nobody approved")
        elif len(found) > 1:
            verdict.duplicates += len(found) - 1
            verdict.details.append(f"{code} has {len(found)} posts")
    for row in rows:
        code, link = str(row.get("Kode", "")), str(row.get("Tautan", ""))
        if not code:
            continue
        own = by_code.get(code, [])
        if _ticked(row.get("Setujui")) and not _ticked(row.get("Tolak")) and not own:
            verdict.lost += 1
            verdict.details.append(f"approved {code} has no post")
        live = [p for p in own if p.get("status") == "LIVE"]
        expected = str(live[0]["url"]) if live else ""
        if link != expected:
            verdict.misplaced += 1
            verdict.details.append(f"{code}: Tautan {link!r}, its post is {expected!r}")
    return verdict


def _ticked(value: Any) -> bool:
    return value is True or str(value).upper() == "TRUE"
