"""The bulletin both ways, delivered: the week's posts written directly in Blogger are in it, and on Monday it is
e-mailed, PDF attached, to every KIM of the Operator tab, once each, through the notices' outbox."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import requests
from pypdf import PdfReader

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.core.registry import OPERATOR_HEADER
from pipeline.google.retry import RetryPolicy
from pipeline.ledger.outbox import Outbox
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_notices import _notices_yaml
from .test_pipeline import officer_sets, review_sheet
from .world import blogger_service, make_world, response_row

SCHEDULE = "schedule:\n  weekly_bulletin: true\n  monthly_report: false\n  reports_at: '06:00'\n"


def _operators(app: App, rows: list[list[str]]) -> None:
    book = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id)
    book.add_worksheet("Operator", rows=20, cols=len(OPERATOR_HEADER)).update([OPERATOR_HEADER, *rows], "A1", raw=True)


def _operator(email: str, name: str, kim: str) -> list[str]:
    return [email, name, kim, "Juai", "Juai", "", "", "", "", "", ""]


def _officer_post(endpoint: str, blog_id: str, title: str, html: str, when: str) -> None:
    """An officer writes a post in Blogger's editor (no code of ours) and dates it into week 48."""
    service = blogger_service(endpoint)
    try:
        post = service.posts().insert(blogId=blog_id, body={"title": title, "content": html}, isDraft=True).execute()
        service.posts().publish(blogId=blog_id, postId=post["id"], publishDate=when).execute()
    finally:
        service.close()


def _pdf_text(message: Message) -> tuple[str, str]:
    [part] = [p for p in message.walk() if p.get_content_type() == "application/pdf"]
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return str(part.get_filename()), "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_mondays_bulletin_holds_the_officers_posts_and_reaches_every_kim_once_with_the_pdf(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    from pipeline.ops.daemon import Worker

    mail, port = inbox
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    extra = SCHEDULE + f"report:\n  directory: {tmp_path / 'out'}\n" + _notices_yaml(port)
    world.config.write_text(world.config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    now = {"t": datetime(2026, 11, 26, 1, 0, tzinfo=UTC)}  # Thursday of week 48
    app = build_app(load_settings(world.config), clock=lambda: now["t"], policy=RetryPolicy(sleep=lambda _: None))
    try:
        _operators(
            app,
            [
                _operator("kim.juai@example.com", "Ani", "KIM Juai Maju"),
                _operator("KIM.Juai@Example.com", "Ani lagi", "KIM Juai Maju"),  # the same mailbox, once
                _operator("kim.lok@example.com", "Budi", "KIM Lok Batu"),
                _operator("a@example.com, b@example.com", "Dua", "KIM Dua"),  # not one address: never mailed
            ],
        )
        worker = Worker(app)
        worker.cycle()
        officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
        worker.cycle()
        service = blogger_service(world.endpoint)
        try:  # the village's story dated into week 48
            [post] = service.posts().list(blogId=world.blog_id).execute()["items"]
            service.posts().publish(
                blogId=world.blog_id, postId=post["id"], publishDate="2026-11-25T10:00:00+08:00"
            ).execute()
        finally:
            service.close()
        _officer_post(
            world.endpoint,
            world.blog_id,
            "Agenda Bupati pekan ini",
            "<div>Senin: rapat koordinasi camat.<br>Rabu: peresmian jembatan.</div><div>Program bedah rumah.</div>",
            "2026-11-24T09:00:00+08:00",
        )
        before = len(mail.messages)
        now["t"] = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # Monday 07:30 in Balangan
        for _ in range(3):
            worker.cycle()
        bulletins = [m for m in mail.messages[before:] if str(m["Subject"]).startswith("Buletin")]
        assert sorted(str(m["To"]).casefold() for m in bulletins) == ["kim.juai@example.com", "kim.lok@example.com"]
        name, text = _pdf_text(bulletins[0])
        assert name == "buletin-2026-W48.pdf"
        assert "Agenda Bupati pekan ini" in text and "Berita Kabupaten" in text and "Berita nomor 1" in text
        assert text.index("Agenda Bupati pekan ini") < text.index("Berita nomor 1")  # the regency's first
        failed = [n for n in Outbox(app.ledger).listing(("failed",)) if n.kind == "bulletin"]
        assert [n.recipient for n in failed] == ["a@example.com, b@example.com"]
        # Later cycles, and the job run again by hand, send nothing twice.
        app.ledger.meta.job_done("bulletin 2026-W48").set("")
        worker.cycle()
        worker.cycle()
        again = [m for m in mail.messages[before:] if str(m["Subject"]).startswith("Buletin")]
        assert len(again) == 2
    finally:
        app.close()


def test_the_gmail_sender_attaches_the_pdf_too(sandbox: Sandbox, tmp_path: Path) -> None:
    from pipeline.features.bulletin_mail import queue_bulletin
    from pipeline.features.notices import notify
    from pipeline.outputs.bulletin import Bulletin

    world = make_world(sandbox.url, tmp_path, [])
    notices = "notices:\n  enabled: true\n  transport: gmail\n  sender: kim@balangankab.example\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + notices, encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    pdf = tmp_path / "buletin-2026-W48.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a bulletin\n")
    try:
        _operators(app, [_operator("kim.gmail@example.com", "Ani", "KIM Juai")])
        assert queue_bulletin(app, "2026-W48", Bulletin(pdf, 1, 1)) == 1
        assert queue_bulletin(app, "2026-W48", Bulletin(pdf, 1, 1)) == 0  # once each
        sent: list[str] = []
        notify(app, sent, [])
        assert sent == ["bulletin:2026-W48:kim.gmail@example.com"]
    finally:
        app.close()
    mine = [
        m
        for m in requests.get(f"{sandbox.url}/_sandbox/gmail/sent", timeout=10).json()["sent"]
        if m["to"] == "kim.gmail@example.com"
    ]
    assert [m["attachments"] for m in mine] == [
        [{"filename": "buletin-2026-W48.pdf", "mimeType": "application/pdf", "size": pdf.stat().st_size}]
    ]
    assert "Silakan cetak buletin ini" in mine[0]["body"]


def test_a_bulletin_file_gone_before_sending_fails_that_notice_in_one_line(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    from pipeline.features.bulletin_mail import queue_bulletin
    from pipeline.features.notices import notify
    from pipeline.outputs.bulletin import Bulletin

    mail, port = inbox
    world = make_world(sandbox.url, tmp_path, [])
    world.config.write_text(world.config.read_text(encoding="utf-8") + _notices_yaml(port), encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    pdf = tmp_path / "buletin-2026-W48.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    try:
        _operators(app, [_operator("kim.x@example.com", "Ani", "KIM Juai")])
        queue_bulletin(app, "2026-W48", Bulletin(pdf, 1, 1))
        pdf.unlink()
        errors: list[str] = []
        notify(app, [], errors)
        assert mail.to("kim.x@example.com") == []
        assert len(errors) == 1 and "buletin-2026-W48.pdf cannot be read" in errors[0] and "kim.x" not in errors[0]
        [notice] = Outbox(app.ledger).listing(("failed",))
        assert notice.key == "bulletin:2026-W48:kim.x@example.com"
    finally:
        app.close()
