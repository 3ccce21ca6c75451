"""Notices by e-mail through a real SMTP server on loopback: each once, right words, right person."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import requests

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.features import notices
from pipeline.google.retry import RetryPolicy
from pipeline.ledger.outbox import MAX_ATTEMPTS, Notice, Outbox
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox, _free_port
from .test_pipeline import officer_sets, review_sheet
from .world import World, make_world, reset_stats, response_row, stats


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
    clock = Clock()
    app = _app(world, clock)
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Tolak="TRUE")
        officer_sets(sheet, "MM-20261122-0002", Tolak="TRUE")
        mail.down = True
        report = run_cycle(app)
        assert report.notices == [] and any("not sent" in e and "tried again" in e for e in report.errors)
        mail.down = False
        mail.refuse.add("operator1@example.com")
        clock.now += timedelta(minutes=5)
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


# --- sent, not sent, or truly unknown ---------------------------------------------------------------------
CODE = "MM-20261122-0001"
KEY = f"rejected:{CODE}"


def _gmail_world(sandbox: Sandbox, folder: Path, *, refresh: bool = False, timeout: float | None = None) -> World:
    """One story, notices through the sandbox's Gmail; with `refresh`, an owner token that must be refreshed at
    the token endpoint before its first use, as a real one does every hour."""
    world = make_world(sandbox.url, folder, [response_row(1)])
    config = world.config.read_text(encoding="utf-8")
    google = "google:\n"
    if refresh:
        token = folder / "owner-token.json"
        token.write_text(
            json.dumps(
                {
                    "token": "expired",
                    "refresh_token": "sandbox-refresh-owner",
                    "client_id": "sandbox-desktop.apps.googleusercontent.com",
                    "client_secret": "sandbox-desktop-secret",
                    "token_uri": "https://oauth2.googleapis.com/token",
                    "expiry": "2020-01-01T00:00:00Z",
                }
            ),
            encoding="utf-8",
        )
        token.chmod(0o600)  # mymein refuses a token other users can read
        google += f"  oauth_token_file: {token}\n"
    if timeout is not None:
        google += f"  request_timeout_seconds: {timeout}\n"
    config = config.replace("google:\n", google)
    config += "notices:\n  enabled: true\n  transport: gmail\n  sender: kim@balangankab.example\n"
    world.config.write_text(config, encoding="utf-8")
    return world


def _expire_owner_token(folder: Path) -> None:
    path = folder / "owner-token.json"
    token = json.loads(path.read_text(encoding="utf-8"))
    token.update(token="expired", expiry="2020-01-01T00:00:00Z")
    path.write_text(json.dumps(token), encoding="utf-8")
    path.chmod(0o600)


def _faults(sandbox: Sandbox, *rules: dict[str, Any]) -> None:
    requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": list(rules)}, timeout=10).raise_for_status()


def _no_faults(sandbox: Sandbox) -> None:
    requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()


def _gmail_to(sandbox: Sandbox, address: str) -> list[dict[str, Any]]:
    sent = requests.get(f"{sandbox.url}/_sandbox/gmail/sent", timeout=10).json()["sent"]
    return [m for m in sent if m["to"] == address]


def _notice(app: App, key: str = KEY) -> Notice:
    found = Outbox(app.ledger).find(key)
    assert found is not None
    return found


def _rejected(app: App, *codes: str) -> None:
    sheet = review_sheet(app)
    for code in codes:
        officer_sets(sheet, code, Tolak="TRUE", Catatan="Bukan berita desa.")


@pytest.mark.parametrize("refusal", [{"status": 400}, {"drop": True}], ids=["refused", "unreachable"])
def test_a_token_that_cannot_be_refreshed_sends_nothing_and_the_notice_goes_once_later(
    fresh_sandbox: Sandbox, tmp_path: Path, refusal: dict[str, Any]
) -> None:
    world = _gmail_world(fresh_sandbox, tmp_path, refresh=True)
    clock = Clock()
    app = _app(world, clock)
    run_cycle(app)  # a new ledger's look at the blog refreshes the owner token once
    app.close()
    _expire_owner_token(tmp_path)  # as an hour later: the next use refreshes it again
    reset_stats(fresh_sandbox.url)
    app = _app(world, clock)
    try:
        _rejected(app, CODE)
        _faults(fresh_sandbox, {"match": "oauth.token", "times": 1, **refusal})
        report = run_cycle(app)
        _no_faults(fresh_sandbox)
        assert report.notices == [] and any(f"notice {KEY} not sent" in e for e in report.errors)
        notice = _notice(app)
        assert (notice.state, notice.attempts) == ("pending", 1) and "token" in (notice.error or "")
        assert stats(fresh_sandbox.url).get("oauth.token") == 1
        assert "gmail.users.messages.send" not in stats(fresh_sandbox.url)  # the request never left
        assert run_cycle(app).notices == []  # not before its retry time
        clock.now += timedelta(minutes=5)
        assert run_cycle(app).notices == [KEY]
        clock.now += timedelta(days=3)
        assert run_cycle(app).notices == []
        assert len(_gmail_to(fresh_sandbox, "operator1@example.com")) == 1
        assert _notice(app).state == "sent"
    finally:
        app.close()


@pytest.mark.parametrize(
    ("rule", "state", "arrived"),
    [
        ({"status": 503}, "pending", 0),  # unavailable: shed before the service acted
        ({"status": 429}, "pending", 0),  # the sending limit
        ({"status": 400}, "failed", 0),  # the message itself is refused
        ({"status": 500}, "uncertain", 0),  # Google does not promise that nothing happened
        ({"drop": True}, "uncertain", 0),  # received, then no answer: the client cannot tell
        ({"drop": True, "after_effect": True}, "uncertain", 1),  # sent, and the answer lost
        ({"delay_ms": 60_000}, "uncertain", 0),  # no answer before the read timeout
    ],
    ids=["503", "429", "400", "500", "dropped", "answer-lost", "read-timeout"],
)
def test_gmail_answers_tell_not_sent_from_refused_from_uncertain(
    fresh_sandbox: Sandbox, tmp_path: Path, rule: dict[str, Any], state: str, arrived: int
) -> None:
    world = _gmail_world(fresh_sandbox, tmp_path, timeout=3.0 if "delay_ms" in rule else None)
    clock = Clock()
    app = _app(world, clock)
    try:
        run_cycle(app)
        _rejected(app, CODE)
        _faults(fresh_sandbox, {"match": "gmail.users.messages.send", "times": 1, **rule})
        report = run_cycle(app)
        _no_faults(fresh_sandbox)  # also wakes a request held by the delay: it then never arrives
        assert report.notices == []
        assert _notice(app).state == state
        assert len(_gmail_to(fresh_sandbox, "operator1@example.com")) == arrived
        for _ in range(3):
            clock.now += timedelta(hours=1)
            run_cycle(app)
        # Not sent: sent once now. Refused or uncertain: never sent again by itself.
        expected = 1 if state == "pending" else arrived
        assert len(_gmail_to(fresh_sandbox, "operator1@example.com")) == expected
        assert _notice(app).state == ("sent" if state == "pending" else state)
    finally:
        app.close()


def test_gmail_not_listening_sends_nothing_and_the_notice_goes_once_later(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    world = _gmail_world(fresh_sandbox, tmp_path)
    clock = Clock()
    app = _app(world, clock)
    # The same app, its mail sent through a Gmail endpoint where nothing listens (connection refused).
    settings = app.settings
    nowhere = settings.model_copy(
        update={"google": settings.google.model_copy(update={"endpoint": f"http://127.0.0.1:{_free_port()}"})}
    )
    unreachable = build_app(nowhere, clock=clock)
    working, app.mailer = app.mailer, unreachable.mailer
    try:
        run_cycle(app)
        _rejected(app, CODE)
        report = run_cycle(app)
        assert report.notices == [] and any("could not be reached" in e for e in report.errors)
        assert (_notice(app).state, _notice(app).attempts) == ("pending", 1)
        app.mailer = working
        clock.now += timedelta(minutes=5)
        assert run_cycle(app).notices == [KEY]
        run_cycle(app)
        assert len(_gmail_to(fresh_sandbox, "operator1@example.com")) == 1
    finally:
        unreachable.close()
        app.close()


def test_an_smtp_server_saying_try_later_gets_the_notice_once_when_it_takes_it(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1)])
    clock = Clock()
    app = _app(world, clock)
    try:
        run_cycle(app)
        _rejected(app, CODE)
        mail.down = True  # 451 at RCPT
        report = run_cycle(app)
        assert report.notices == [] and any("tried again in 5 min" in e for e in report.errors)
        assert (_notice(app).state, _notice(app).attempts) == ("pending", 1)
        mail.down = False
        assert run_cycle(app).notices == []  # its next attempt is due in 5 minutes
        clock.now += timedelta(minutes=5)
        assert run_cycle(app).notices == [KEY]
        clock.now += timedelta(hours=9)
        run_cycle(app)
        assert len(mail.to("operator1@example.com")) == 1
    finally:
        app.close()


def test_an_smtp_server_not_listening_gets_the_notice_once_when_it_is_back(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, _free_port(), [response_row(1)])  # nothing listens there
    clock = Clock()
    app = _app(world, clock)
    try:
        run_cycle(app)
        _rejected(app, CODE)
        report = run_cycle(app)
        assert report.notices == [] and any("cannot connect" in e for e in report.errors)
        assert (_notice(app).state, _notice(app).attempts) == ("pending", 1)
    finally:
        app.close()
    world.config.write_text(
        world.config.read_text(encoding="utf-8").replace("smtp_port: ", f"smtp_port: {port}\n  #"), encoding="utf-8"
    )
    clock.now += timedelta(minutes=5)
    app = _app(world, clock)
    try:
        assert run_cycle(app).notices == [KEY]
        run_cycle(app)
        assert len(mail.to("operator1@example.com")) == 1
    finally:
        app.close()


def test_an_smtp_hang_up_before_the_message_is_not_sent_and_after_it_is_uncertain(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1), response_row(2)])
    clock = Clock()
    app = _app(world, clock)
    second = "rejected:MM-20261122-0002"
    try:
        run_cycle(app)
        _rejected(app, CODE, "MM-20261122-0002")
        mail.hang_up_at = "RCPT"
        report = run_cycle(app)  # the first hears nothing at RCPT: not sent; the second waits its turn
        assert report.notices == [] and mail.messages == []
        assert (_notice(app).state, _notice(app, second).state) == ("pending", "pending")
        mail.hang_up_at = "DATA"
        report = run_cycle(app)  # the second is taken by the server, and its answer lost
        assert report.notices == [] and len(mail.to("operator2@example.com")) == 1
        assert _notice(app, second).state == "uncertain"
        assert any(f"`mymein notices resend {second}`" in e for e in report.errors)
        for _ in range(3):
            clock.now += timedelta(hours=1)
            run_cycle(app)
        assert len(mail.to("operator1@example.com")) == 1 and len(mail.to("operator2@example.com")) == 1
        assert (_notice(app).state, _notice(app, second).state) == ("sent", "uncertain")
    finally:
        app.close()


def test_a_notice_never_taken_fails_after_its_last_attempt_about_two_days_on(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1)])
    clock = Clock()
    app = _app(world, clock)
    try:
        run_cycle(app)
        _rejected(app, CODE)
        mail.down = True
        run_cycle(app)
        first = clock.now
        outbox = Outbox(app.ledger)
        while (notice := _notice(app)).state == "pending":
            assert notice.retry_at is not None
            notices.send_pending(app, outbox, [], [])  # before its time: not tried
            assert _notice(app).attempts == notice.attempts
            clock.now = datetime.fromisoformat(notice.retry_at)
            notices.send_pending(app, outbox, [], [])
        assert notice.attempts == MAX_ATTEMPTS and notice.state == "failed"
        error = notice.error or ""
        assert error.startswith(f"not sent after {MAX_ATTEMPTS} attempts; last:") and "451" in error
        assert timedelta(hours=36) < clock.now - first < timedelta(hours=48)
        mail.down = False
        clock.now += timedelta(days=1)
        run_cycle(app)
        assert mail.messages == []
    finally:
        app.close()
