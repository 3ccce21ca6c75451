"""Notices by e-mail through a real SMTP server on loopback: each once, right words, right person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.google.retry import RetryPolicy
from pipeline.outbox import Outbox
from pipeline.sandbox.server import Sandbox
from pipeline.sync import run_cycle

from .conftest import Inbox
from .test_pipeline import officer_sets, review_sheet
from .world import World, make_world, response_row


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Balangan

    def __call__(self) -> datetime:
        return self.now


def _notices_yaml(port: int, *, officers: bool = False) -> str:
    text = (
        "notices:\n  enabled: true\n  sender: kim@balangankab.example\n  smtp_host: 127.0.0.1\n"
        f"  smtp_port: {port}\n  starttls: false\n  remind_after_hours: 24\n  reminder_time: '08:00'\n"
    )
    return text + ("  officers: [petugas@balangankab.example]\n" if officers else "")


def _world(sandbox: Sandbox, folder: Path, port: int, rows: list[list[Any]], *, officers: bool = False) -> World:
    world = make_world(sandbox.url, folder, rows)
    config = world.config.read_text(encoding="utf-8") + _notices_yaml(port, officers=officers)
    world.config.write_text(config, encoding="utf-8")
    return world


def _app(world: World, clock: Clock) -> App:
    return build_app(load_settings(world.config), clock=clock, policy=RetryPolicy(sleep=lambda _: None))


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_operators_hear_once_of_publication_rejection_and_fixes(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1), response_row(2, title=""), response_row(3)])
    clock = Clock()
    app = _app(world, clock)
    try:
        first = run_cycle(app)  # the story without a title needs fixing from the start
        [needs_fix_key] = first.notices
        assert needs_fix_key.startswith("needs_fix:MM-20261122-0002:")
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
        officer_sets(sheet, "MM-20261122-0003", Tolak="TRUE", Catatan="Foto tidak sesuai isi berita.")
        officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE")  # still without a title: held, already told
        report = run_cycle(app)
        assert sorted(report.notices) == ["published:MM-20261122-0001", "rejected:MM-20261122-0003"]
        [published] = mail.to("operator1@example.com")
        assert published["Subject"] == "Berita Anda sudah terbit: Berita nomor 1"
        assert published["From"] == "kim@balangankab.example"
        link = app.ledger.get("MM-20261122-0001").post_url  # type: ignore[union-attr]
        assert link and link in _body(published) and "MM-20261122-0001" in _body(published)
        [rejected] = mail.to("operator3@example.com")
        assert "Alasan dari petugas: Foto tidak sesuai isi berita." in _body(rejected)
        [needs_fix] = mail.to("operator2@example.com")
        assert needs_fix["Subject"].startswith("Berita Anda perlu diperbaiki") and "Judul" in _body(needs_fix)
        # Nothing new happened: nothing is sent again, whatever the cycles do.
        officer_sets(sheet, "MM-20261122-0001", Judul="Berita nomor 1 (diperbaiki)")
        assert run_cycle(app).notices == [] and run_cycle(app).notices == []
        assert len(mail.messages) == 3
    finally:
        app.close()


def test_a_notice_caught_by_a_crash_while_sending_is_never_sent_twice(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1)])
    app = _app(world, Clock())
    try:
        run_cycle(app)
        outbox = Outbox(app.ledger)
        outbox.enqueue("published:MM-20261122-0001", "MM-20261122-0001", "published", "a@b.example", "s", "b")
        [notice] = outbox.pending()
        outbox.begin(notice)  # ...and the process dies here, before knowing whether the server took it
        report = run_cycle(app)
        assert report.notices == [] and mail.messages == []
        assert any("interrupted while sending" in e for e in report.errors)
        assert outbox.counts() == {"uncertain": 1}
    finally:
        app.close()


def test_a_refused_address_fails_alone_and_a_server_outage_waits(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1), response_row(2)])
    app = _app(world, Clock())
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Tolak="TRUE")
        officer_sets(sheet, "MM-20261122-0002", Tolak="TRUE")
        mail.down = True
        report = run_cycle(app)
        assert report.notices == [] and any("wait for the next cycle" in e for e in report.errors)
        mail.down = False
        mail.refuse.add("operator1@example.com")
        report = run_cycle(app)
        assert report.notices == ["rejected:MM-20261122-0002"]
        # The warning names the notice (its code), not the operator's address.
        assert any("notice rejected:MM-20261122-0001 refused" in e for e in report.errors), report.errors
        assert not any("@" in e for e in report.errors)
        assert Outbox(app.ledger).counts() == {"failed": 1, "sent": 1}
    finally:
        app.close()


def test_officers_get_one_reminder_a_day_of_news_waiting_too_long(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1), response_row(2)], officers=True)
    clock = Clock()
    clock.now = datetime(2026, 11, 22, 20, 0, tzinfo=UTC)  # 04:00 local, the night after they came in
    app = _app(world, clock)
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0002", Tolak="TRUE")
        run_cycle(app)
        assert mail.to("petugas@balangankab.example") == []  # before 08:00
        clock.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00: row 1 has waited 25 hours
        run_cycle(app)
        run_cycle(app)
        [reminder] = mail.to("petugas@balangankab.example")
        assert reminder["Subject"] == "1 berita menunggu keputusan lebih dari 24 jam"
        assert "MM-20261122-0001" in _body(reminder) and "MM-20261122-0002" not in _body(reminder)
        clock.now += timedelta(days=1)
        run_cycle(app)
        assert len(mail.to("petugas@balangankab.example")) == 2
    finally:
        app.close()


def test_switching_notices_on_later_tells_nothing_of_the_past(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2, title="")])
    app = _app(world, Clock())
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0001", Tolak="TRUE")
        run_cycle(app)
    finally:
        app.close()
    world.config.write_text(world.config.read_text(encoding="utf-8") + _notices_yaml(port), encoding="utf-8")
    app = _app(world, Clock())
    try:
        assert run_cycle(app).notices == []
        officer_sets(review_sheet(app), "MM-20261122-0001", Tolak="FALSE", Setujui="TRUE")
        assert run_cycle(app).notices == ["published:MM-20261122-0001"]
        assert [m["To"] for m in mail.messages] == ["operator1@example.com"]
    finally:
        app.close()


def test_notices_through_the_gmail_api_in_the_owners_name(sandbox: Sandbox, tmp_path: Path) -> None:
    import requests

    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])
    notices = "notices:\n  enabled: true\n  transport: gmail\n  sender: kim@balangankab.example\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + notices, encoding="utf-8")
    app = _app(world, Clock())
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0001", Tolak="TRUE", Catatan="Bukan berita desa.")
        # The first attempt gets no answer: it may have gone out, so it is never sent again.
        rule = {"match": "gmail.users.messages.send", "drop": True, "after_effect": True, "times": 1}
        requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
        report = run_cycle(app)
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
        assert report.notices == [] and any("not sent again" in e for e in report.errors)
        officer_sets(review_sheet(app), "MM-20261122-0002", Tolak="TRUE", Catatan="Foto kabur.")
        assert run_cycle(app).notices == ["rejected:MM-20261122-0002"]
        sent = requests.get(f"{sandbox.url}/_sandbox/gmail/sent", timeout=10).json()["sent"]
        mine = [m for m in sent if m["to"] in ("operator1@example.com", "operator2@example.com")]
        # The dropped one did reach the sandbox once; the second went once; nothing was resent.
        assert sorted(m["to"] for m in mine) == ["operator1@example.com", "operator2@example.com"]
        assert "Alasan dari petugas: Foto kabur." in next(m["body"] for m in mine if m["to"] == "operator2@example.com")
        assert Outbox(app.ledger).counts() == {"sent": 1, "uncertain": 1}
    finally:
        app.close()
