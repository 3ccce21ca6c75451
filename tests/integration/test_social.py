"""Spreading the news through the sandbox's Graph and Bot APIs: one Facebook post and one Telegram message alive
per published story at every moment, edited with it, withdrawn with it, never doubled by a lost answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from pipeline.app import App, build_app
from pipeline.config import ConfigError, load_settings
from pipeline.cycle import run_cycle
from pipeline.features import social
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import World, chunked_world, make_world, response_row

CODE = "MM-20261122-0001"
PAGE = "104729381112233"
CHAT = "@kimbalangan"
BOT_TOKEN = "123456789:AAHsandboxTokenForTestsOnly_abcdefgh"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def social_yaml(folder: Path, endpoint: str, *, default_share: bool = True) -> str:
    """The `social:` section, with both token files written mode 600."""
    for name, token in (("fb-token", "page-token-sandbox"), ("tg-token", BOT_TOKEN)):
        path = folder / name
        path.write_text(token + "\n", encoding="utf-8")
        path.chmod(0o600)
    return (
        f"social:\n  endpoint: {endpoint}\n  default_share: {str(default_share).lower()}\n"
        f"  facebook:\n    page_id: '{PAGE}'\n    token_file: {folder / 'fb-token'}\n"
        f"  telegram:\n    chat: '{CHAT}'\n    token_file: {folder / 'tg-token'}\n"
    )


def fb_posts(endpoint: str) -> list[dict[str, Any]]:
    response = requests.get(
        f"{endpoint}/v21.0/{PAGE}/feed",
        params={"fields": "id,message,link", "access_token": "page-token-sandbox"},
        timeout=10,
    )
    response.raise_for_status()
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def tg_messages(endpoint: str) -> list[dict[str, Any]]:
    response = requests.get(f"{endpoint}/_sandbox/telegram/messages", params={"chat": CHAT}, timeout=10)
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()["messages"]
    return messages


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock, tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(state_dir=tmp_path / "sandbox", clock=clock) as running:
        yield running


@pytest.fixture
def world(sandbox: Sandbox, tmp_path: Path) -> World:
    made = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])
    text = made.config.read_text(encoding="utf-8") + social_yaml(tmp_path, sandbox.url)
    made.config.write_text(text, encoding="utf-8")
    return made


def _app(world: World, clock: Clock, adapter: Any = None) -> App:
    return build_app(load_settings(world.config), adapter, clock=clock, policy=RetryPolicy(sleep=lambda _: None))


@pytest.fixture
def app(world: World, clock: Clock) -> Iterator[App]:
    built = _app(world, clock)
    yield built
    built.close()


def test_publish_edit_retract_republish_keeps_exactly_one_share_per_channel(
    app: App, world: World, clock: Clock
) -> None:
    url = world.endpoint
    run_cycle(app)
    assert (fb_posts(url), tg_messages(url)) == ([], [])  # nothing published, nothing shared
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    report = run_cycle(app)
    link = app.ledger.get(CODE).post_url  # type: ignore[union-attr]
    [post] = fb_posts(url)
    [message] = tg_messages(url)
    assert post["link"] == link and post["message"].startswith("Berita nomor 1")
    assert "Berita nomor 1" in message["text"] and "Baca selengkapnya" in message["text"]
    assert len(report.shared) == 2
    row = records_by_code(sheet)[CODE]
    assert f"https://www.facebook.com/{post['id']}" in row["Pesan"]
    assert f"https://t.me/kimbalangan/{message['message_id']}" in row["Pesan"]
    assert row["Pesan"].startswith("Terbit di blog.")
    requests.post(f"{url}/_sandbox/stats/reset", timeout=10).raise_for_status()
    again = run_cycle(app)  # a quiet cycle changes nothing out there, and asks nothing of either service
    calls = requests.get(f"{url}/_sandbox/stats", timeout=10).json()["calls"]
    assert [k for k in calls if k.startswith(("facebook.", "telegram."))] == []
    assert again.shared == [] and len(fb_posts(url)) == 1 and len(tg_messages(url)) == 1

    officer_sets(sheet, CODE, Judul="Berita nomor 1, diperbarui")
    run_cycle(app)
    [edited] = fb_posts(url)
    [edited_message] = tg_messages(url)
    assert edited["id"] == post["id"] and edited["message"].startswith("Berita nomor 1, diperbarui")
    assert edited_message["message_id"] == message["message_id"] and "diperbarui" in edited_message["text"]

    officer_sets(sheet, CODE, Setujui="FALSE", Tolak="TRUE", Catatan="Salah desa.")
    run_cycle(app)
    assert (fb_posts(url), tg_messages(url)) == ([], [])
    row = records_by_code(sheet)[CODE]
    assert row["Status"] in ("Ditarik", "Ditolak") and "facebook.com" not in row["Pesan"]

    officer_sets(sheet, CODE, Setujui="TRUE", Tolak="FALSE", Catatan="")
    run_cycle(app)
    [republished] = fb_posts(url)
    [remessage] = tg_messages(url)
    assert republished["id"] != post["id"] and remessage["message_id"] != message["message_id"]
    kinds = [e.kind for e in app.ledger.events(CODE) if e.kind.startswith("share")]
    assert kinds == ["shared", "shared", "share_edited", "share_edited", "share_deleted", "share_deleted",
                     "shared", "shared"]  # fmt: skip


def test_unticking_sebar_keeps_a_story_off_social_media(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE", Sebar="FALSE")
    run_cycle(app)
    assert app.ledger.get(CODE).status.value == "Terbit"  # type: ignore[union-attr]
    assert (fb_posts(world.endpoint), tg_messages(world.endpoint)) == ([], [])
    officer_sets(sheet, CODE, Sebar="TRUE")
    run_cycle(app)
    assert len(fb_posts(world.endpoint)) == 1 and len(tg_messages(world.endpoint)) == 1
    officer_sets(sheet, CODE, Sebar="FALSE")
    run_cycle(app)
    assert (fb_posts(world.endpoint), tg_messages(world.endpoint)) == ([], [])


def test_after_48_hours_the_officer_is_told_to_delete_the_telegram_message_by_hand(
    app: App, world: World, clock: Clock
) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    run_cycle(app)
    [message] = tg_messages(world.endpoint)
    clock.now += timedelta(hours=49)
    officer_sets(sheet, CODE, Setujui="FALSE")
    run_cycle(app)
    assert fb_posts(world.endpoint) == []
    assert [m["message_id"] for m in tg_messages(world.endpoint)] == [message["message_id"]]
    pesan = records_by_code(sheet)[CODE]["Pesan"]
    assert f"https://t.me/kimbalangan/{message['message_id']}" in pesan and "hapus manual" in pesan
    run_cycle(app)  # not tried again, not said twice
    assert [e.kind for e in app.ledger.events(CODE)].count("share_manual") == 1


def test_lost_answers_never_double_a_share(sandbox: Sandbox, app: App, world: World) -> None:
    url = world.endpoint
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    lost = [
        {"match": "facebook.feed.create", "times": 1, "drop": True, "after_effect": True},
        {"match": "telegram.sendMessage", "times": 1, "drop": True, "after_effect": True},
    ]
    requests.post(f"{url}/_sandbox/faults", json={"rules": lost}, timeout=10).raise_for_status()
    report = run_cycle(app)
    assert any("telegram share may or may not" in w.text for w in report.warnings)
    assert len(fb_posts(url)) == 1 and len(tg_messages(url)) == 1  # both made; neither answer arrived
    run_cycle(app)  # Facebook: found in the feed by its link and adopted; Telegram: uncertain, not resent
    run_cycle(app)
    assert len(fb_posts(url)) == 1 and len(tg_messages(url)) == 1
    kinds = [e.kind for e in app.ledger.events(CODE)]
    assert kinds.count("share_adopted") == 1 and kinds.count("share_uncertain") == 1
    assert "Telegram belum pasti terkirim" in records_by_code(sheet)[CODE]["Pesan"]
    [uncertain] = app.ledger.shares.listing(("uncertain",))
    social.dismiss(app.ledger, uncertain)
    run_cycle(app)
    assert len(tg_messages(url)) == 1


def test_an_uncertain_share_resent_by_the_administrator_goes_out_once_more(app: App, world: World) -> None:
    url = world.endpoint
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    lost = [{"match": "telegram.sendMessage", "times": 1, "drop": True}]  # never arrived at all
    requests.post(f"{url}/_sandbox/faults", json={"rules": lost}, timeout=10).raise_for_status()
    run_cycle(app)
    assert tg_messages(url) == []
    [uncertain] = app.ledger.shares.listing(("uncertain",))
    social.resend(app.ledger, uncertain)
    with pytest.raises(social.WrongState):
        social.resend(app.ledger, uncertain)
    run_cycle(app)
    assert len(tg_messages(url)) == 1 and len(fb_posts(url)) == 1


def test_a_token_file_others_can_read_is_refused(world: World, clock: Clock, tmp_path: Path) -> None:
    (tmp_path / "tg-token").chmod(0o644)
    with pytest.raises(ConfigError, match=r"social.telegram.token_file: .* chmod 600"):
        _app(world, clock)


@pytest.mark.parametrize("default_share", [True, False])
def test_a_sheet_made_before_the_sebar_column_follows_default_share(
    sandbox: Sandbox, tmp_path: Path, clock: Clock, default_share: bool
) -> None:
    made = make_world(sandbox.url, tmp_path, [response_row(1)])
    before = _app(made, clock)
    try:
        run_cycle(before)  # the review tab gets its header without `Sebar`
    finally:
        before.close()
    text = made.config.read_text(encoding="utf-8") + social_yaml(tmp_path, sandbox.url, default_share=default_share)
    made.config.write_text(text, encoding="utf-8")
    app = _app(made, clock)
    try:
        sheet = review_sheet(app)
        assert "Sebar" not in sheet.row_values(1)
        officer_sets(sheet, CODE, Setujui="TRUE")
        report = run_cycle(app)
        assert not [w for w in report.warnings if "Sebar" in w.text]
        assert app.ledger.get(CODE).status.value == "Terbit"  # type: ignore[union-attr]
        expected = 1 if default_share else 0
        assert len(fb_posts(sandbox.url)) == expected and len(tg_messages(sandbox.url)) == expected
    finally:
        app.close()


def test_status_lists_an_uncertain_share_and_the_commands_settle_it(app: App, world: World) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    run_cycle(app)
    officer_sets(review_sheet(app), CODE, Setujui="TRUE")
    lost = [{"match": "telegram.sendMessage", "times": 1, "drop": True, "after_effect": True}]
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": lost}, timeout=10).raise_for_status()
    run_cycle(app)
    [uncertain] = app.ledger.shares.listing(("uncertain",))
    runner = CliRunner()
    config = ["--config", str(world.config)]
    status = runner.invoke(main, [*config, "status"])
    assert status.exit_code == 0, status.output
    assert f"#{uncertain.id} {CODE} (telegram)" in status.output and "mymein social resend" in status.output
    listed = runner.invoke(main, [*config, "social", "list", "--state", "uncertain"])
    assert f"#{uncertain.id}" in listed.output and "telegram" in listed.output
    assert BOT_TOKEN not in listed.output + status.output
    dismissed = runner.invoke(main, [*config, "social", "dismiss", str(uncertain.id)])
    assert dismissed.exit_code == 0 and "dismissed" in dismissed.output
    again = runner.invoke(main, [*config, "social", "dismiss", str(uncertain.id)])
    assert again.exit_code == 1 and "it is dismissed" in again.output
    missing = runner.invoke(main, [*config, "social", "resend", "999"])
    assert missing.exit_code == 1
    resent = runner.invoke(main, [*config, "social", "resend", str(uncertain.id)])
    assert resent.exit_code == 0, resent.output
    run_cycle(app)
    assert len(tg_messages(world.endpoint)) == 2  # the administrator's decision: a second message, knowingly


def test_doctor_checks_the_page_token_and_the_bot(sandbox: Sandbox, world: World, tmp_path: Path) -> None:
    from pipeline.ops.doctor import run_checks

    page = {"id": PAGE, "name": "Diskominfo Balangan", "token": "page-token-sandbox", "scopes": ["pages_show_list"]}
    requests.post(f"{sandbox.url}/_sandbox/facebook/pages", json=page, timeout=10).raise_for_status()
    chat = {"chat": CHAT, "bot_can_post": False}
    requests.post(f"{sandbox.url}/_sandbox/telegram/chats", json=chat, timeout=10).raise_for_status()
    checks = {c.name: c for c in run_checks(world.config)}
    assert checks["social.facebook.token_file"].ok and checks["social.telegram.token_file"].ok
    assert not checks["Facebook page token"].ok and "pages_manage_posts" in checks["Facebook page token"].detail
    assert not checks["Telegram bot"].ok and "administrator" in checks["Telegram bot"].fix
    page["scopes"] = ["pages_show_list", "pages_manage_posts"]
    requests.post(f"{sandbox.url}/_sandbox/facebook/pages", json=page, timeout=10).raise_for_status()
    chat["bot_can_post"] = True
    requests.post(f"{sandbox.url}/_sandbox/telegram/chats", json=chat, timeout=10).raise_for_status()
    checks = {c.name: c for c in run_checks(world.config)}
    assert checks["Facebook page token"].ok and checks["Telegram bot"].ok, checks
    (tmp_path / "fb-token").write_text("someone-elses-token\n", encoding="utf-8")
    checks = {c.name: c for c in run_checks(world.config)}
    assert not checks["Facebook page token"].ok  # a token the page never had
    (tmp_path / "fb-token").chmod(0o640)
    checks = {c.name: c for c in run_checks(world.config)}
    assert not checks["social.facebook.token_file"].ok and "chmod 600" in checks["social.facebook.token_file"].fix


def test_the_monthly_report_counts_shares_per_channel_and_kecamatan(
    app: App, world: World, clock: Clock, tmp_path: Path
) -> None:
    from pipeline.outputs.report import build_report, write_files

    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE", Sebar="FALSE")
    run_cycle(app)
    officer_sets(sheet, CODE, Judul="Judul baru")  # an edit is not a second share
    run_cycle(app)
    report = build_report(app.ledger, app.settings, app.regions, "2026-11", clock.now)
    assert report.shares == {"Juai": {"facebook": 1, "telegram": 1}}
    written = write_files(report, app.renderer, tmp_path / "reports", "Portal Uji")
    html = written.html.read_text(encoding="utf-8")
    assert "<h2>Media sosial</h2>" in html and '<td>Juai</td><td class="n">1</td><td class="n">1</td>' in html


def test_a_lost_ledger_takes_the_shares_from_pesan_instead_of_sharing_again(
    world: World, clock: Clock, tmp_path: Path
) -> None:
    app = _app(world, clock)
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), CODE, Setujui="TRUE")
        run_cycle(app)
        run_cycle(app)  # the links are on the sheet
    finally:
        app.close()
    for file in (tmp_path / "state").glob("ledger.sqlite3*"):
        file.unlink()  # the disk died; the sheet and the blog remain
    app = _app(world, clock)
    try:
        run_cycle(app)
        run_cycle(app)
        assert len(fb_posts(world.endpoint)) == 1 and len(tg_messages(world.endpoint)) == 1
        adopted = [e.detail for e in app.ledger.events(CODE) if e.kind == "share_adopted"]
        assert sorted(d["channel"] for d in adopted) == ["facebook", "telegram"]
        officer_sets(review_sheet(app), CODE, Setujui="FALSE")
        run_cycle(app)
        assert (fb_posts(world.endpoint), tg_messages(world.endpoint)) == ([], [])  # and withdrawn by them
    finally:
        app.close()


def test_an_edit_the_blog_did_not_take_is_not_shared_ahead_of_it(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    run_cycle(app)
    officer_sets(sheet, CODE, Judul="Judul yang belum terbit")
    down = [{"match": "blogger.posts.patch", "times": 50, "status": 503}]
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": down}, timeout=10).raise_for_status()
    run_cycle(app)
    [post] = fb_posts(world.endpoint)
    [message] = tg_messages(world.endpoint)
    assert post["message"].startswith("Berita nomor 1\n") and message["text"].startswith("Berita nomor 1\n")
    requests.delete(f"{world.endpoint}/_sandbox/faults", timeout=10).raise_for_status()
    run_cycle(app)
    [post] = fb_posts(world.endpoint)
    [message] = tg_messages(world.endpoint)
    assert post["message"].startswith("Judul yang belum terbit") and message["text"].startswith("Judul yang")


def test_a_refused_share_is_tried_again_later_and_later(app: App, world: World, clock: Clock) -> None:
    url = world.endpoint
    run_cycle(app)
    officer_sets(review_sheet(app), CODE, Setujui="TRUE")
    refused = [{"match": "telegram.sendMessage", "times": 100, "status": 400}]
    requests.post(f"{url}/_sandbox/faults", json={"rules": refused}, timeout=10).raise_for_status()

    def attempts() -> int:
        calls: dict[str, int] = requests.get(f"{url}/_sandbox/stats", timeout=10).json()["calls"]
        return calls.get("telegram.sendMessage", 0)

    run_cycle(app)
    assert attempts() == 1 and len(fb_posts(url)) == 1  # Facebook is not held back by Telegram
    run_cycle(app)
    assert attempts() == 1  # not every minute
    clock.now += timedelta(minutes=6)
    run_cycle(app)
    assert attempts() == 2
    clock.now += timedelta(minutes=6)
    run_cycle(app)
    assert attempts() == 2  # 10 minutes after the second refusal
    requests.delete(f"{url}/_sandbox/faults", timeout=10).raise_for_status()
    clock.now += timedelta(minutes=5)
    run_cycle(app)
    assert attempts() == 3 and len(tg_messages(url)) == 1


def test_init_adds_the_sebar_column_to_a_sheet_made_before_it(sandbox: Sandbox, tmp_path: Path, clock: Clock) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    made = make_world(sandbox.url, tmp_path, [response_row(1)])
    before = _app(made, clock)
    try:
        run_cycle(before)
    finally:
        before.close()
    text = made.config.read_text(encoding="utf-8") + social_yaml(tmp_path, sandbox.url)
    made.config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(made.config), "init"])
    assert result.exit_code == 0, result.output
    app = _app(made, clock)
    try:
        sheet = review_sheet(app)
        assert sheet.row_values(1)[-1] == "Sebar"
        officer_sets(sheet, CODE, Setujui="TRUE", Sebar="FALSE")
        run_cycle(app)
        assert app.ledger.get(CODE).status.value == "Terbit"  # type: ignore[union-attr]
        assert fb_posts(sandbox.url) == [] and tg_messages(sandbox.url) == []
    finally:
        app.close()


def test_no_token_reaches_a_log_even_at_debug_level(app: App, world: World, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from pipeline.ops.doctor import run_checks

    caplog.set_level(logging.DEBUG)
    run_cycle(app)
    officer_sets(review_sheet(app), CODE, Setujui="TRUE")
    run_cycle(app)
    run_checks(world.config)
    assert "sendMessage" in caplog.text or "sendPhoto" in caplog.text  # urllib3 did log the requests
    assert BOT_TOKEN not in caplog.text and BOT_TOKEN.split(":")[1] not in caplog.text
    assert "page-token-sandbox" not in caplog.text


def test_a_big_tab_walked_in_windows_keeps_every_share_and_withdraws_only_its_own(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """Windows of 4 rows over 10 stories: each window spreads its own stories; a share of a story in another window
    is neither withdrawn nor made again, and a story retracted in the last window loses only its own shares."""
    world = chunked_world(sandbox.url, tmp_path, 10, 4)
    world.config.write_text(world.config.read_text(encoding="utf-8") + social_yaml(tmp_path, sandbox.url))
    app = _app(world, clock)
    try:
        while run_cycle(app).more:
            pass
        sheet = review_sheet(app)
        first, last = "MM-20261122-0001", "MM-20261122-0010"
        for code in (first, last):
            officer_sets(sheet, code, Setujui="TRUE")
        report = run_cycle(app)
        assert len(report.shared) == 4 and len(fb_posts(sandbox.url)) == 2 and len(tg_messages(sandbox.url)) == 2
        officer_sets(sheet, "MM-20261122-0005", Catatan="dibaca")  # a full read walks every window again
        again = run_cycle(app)
        assert again.shared == [] and len(fb_posts(sandbox.url)) == 2 and len(tg_messages(sandbox.url)) == 2
        officer_sets(sheet, last, Setujui="FALSE", Tolak="TRUE")
        run_cycle(app)
        [post] = fb_posts(sandbox.url)
        [message] = tg_messages(sandbox.url)
        assert "Berita nomor 10" not in post["message"] and "Berita nomor 10" not in message["text"]
        assert "Berita nomor 1" in post["message"] and "Berita nomor 1" in message["text"]
        kinds = [e.kind for e in app.ledger.events(first) if e.kind.startswith("share")]
        assert kinds == ["shared", "shared"]
    finally:
        app.close()
