"""Chaos on the social channels: the process dies before or after each Graph or Bot API call of a cycle that
shares, or withdraws, two stories. Whatever the moment, no story is ever on a channel twice, Facebook ends with
exactly one post per published story, Telegram with one message or an uncertain share the status lists, and a
withdrawal ends with nothing left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .chaos import SimulatedCrash
from .test_pipeline import officer_sets, review_sheet
from .test_social import CODE, fb_posts, social_yaml, tg_messages
from .world import World, make_world, response_row

OTHER = "MM-20261122-0002"
SOCIAL_CALLS = 4  # two stories, two channels: one create (or delete) call each


class SocialCrash(BaseAdapter):
    """Counts only the social channels' requests; dies before or after the `at`-th."""

    def __init__(self, inner: BaseAdapter, at: int, before: bool, seen: list[str]) -> None:
        super().__init__()
        self.inner, self.at, self.before, self.seen = inner, at, before, seen

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        social = "/v21.0/" in (request.url or "") or "/bot" in (request.url or "")
        if social:
            self.seen.append(f"{request.method} {(request.url or '').split('?')[0].rsplit('/', 1)[-1]}")
        here = social and len(self.seen) == self.at
        if here and self.before:
            raise SimulatedCrash(f"before {self.seen[-1]}")
        response = self.inner.send(request, **kwargs)
        if here:
            raise SimulatedCrash(f"after {self.seen[-1]}")
        return response

    def close(self) -> None:
        self.inner.close()


def _open(world: World, crash: tuple[int, bool, list[str]] | None = None) -> App:
    wrap = None
    if crash is not None:
        at, before, seen = crash

        def wrap(inner: BaseAdapter) -> BaseAdapter:
            return SocialCrash(inner, at, before, seen)

    return build_app(load_settings(world.config), wrap, policy=RetryPolicy(sleep=lambda _: None))


def _cycle(world: World, crash: tuple[int, bool, list[str]] | None = None) -> bool:
    """One cycle in a fresh process-like app; False when it died."""
    app = _open(world, crash)
    try:
        run_cycle(app)
        return True
    except SimulatedCrash:
        return False
    finally:
        app.close()


def _world(sandbox: Sandbox, folder: Path) -> World:
    world = make_world(sandbox.url, folder, [response_row(1), response_row(2)])
    world.config.write_text(world.config.read_text(encoding="utf-8") + social_yaml(folder, sandbox.url))
    _cycle(world)
    app = _open(world)
    try:
        sheet = review_sheet(app)
        for code in (CODE, OTHER):
            officer_sets(sheet, code, Setujui="TRUE")
    finally:
        app.close()
    return world


def _on_channels(world: World) -> tuple[dict[int, int], dict[int, int], set[int]]:
    posts, messages = fb_posts(world.endpoint), tg_messages(world.endpoint)
    fb = {n: sum(1 for p in posts if p["message"].startswith(f"Berita nomor {n}\n")) for n in (1, 2)}
    texts = [m.get("text") or m.get("caption") or "" for m in messages]
    tg = {n: sum(1 for t in texts if f"Berita nomor {n}\n" in t) for n in (1, 2)}
    app = _open(world)
    try:
        uncertain = {int(s.code[-1]) for s in app.ledger.shares.listing(("uncertain",))}
    finally:
        app.close()
    return fb, tg, uncertain


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
@pytest.mark.parametrize("at", range(1, SOCIAL_CALLS + 1))
def test_a_crash_at_any_share_call_never_doubles_a_share(tmp_path: Path, at: int, before: bool) -> None:
    with Sandbox(state_dir=tmp_path / "sandbox") as sandbox:
        world = _world(sandbox, tmp_path)
        seen: list[str] = []
        assert not _cycle(world, (at, before, seen)), seen
        for _ in range(3):
            assert _cycle(world)
        fb, tg, uncertain = _on_channels(world)
        assert fb == {1: 1, 2: 1}  # Facebook: found by its link and adopted, or known not made and made once
        assert max(tg.values()) == 1  # never twice
        assert all(tg[n] == 1 or n in uncertain for n in (1, 2))  # one message, or an uncertain share to settle

        # Withdrawn under the same chaos: nothing is left on either channel in the end, whatever died when.
        app = _open(world)
        try:
            sheet = review_sheet(app)
            for code in (CODE, OTHER):
                officer_sets(sheet, code, Setujui="FALSE")
        finally:
            app.close()
        seen = []
        _cycle(world, (at, before, seen))
        for _ in range(2):
            assert _cycle(world)
        assert fb_posts(world.endpoint) == []
        # A message whose id never arrived cannot be deleted by the bot: only an uncertain share's may be left,
        # and its row's Pesan asks the officer to check the channel.
        _, tg_left, _ = _on_channels(world)
        assert all(tg_left[n] == 0 or n in uncertain for n in (1, 2))
        app = _open(world)
        try:
            for n in uncertain:
                assert "hapus manual" in app.ledger.get(f"MM-20261122-000{n}").message  # type: ignore[union-attr]
        finally:
            app.close()
