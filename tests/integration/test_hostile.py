"""Hostile input (#16): nothing typed into a form can take over another story, block the pipeline, leak data or
reach a stranger. Every attack goes through the sandbox; every test checks that it is contained and that the
other stories flow on."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.codes import code_in_post, marker_codes
from pipeline.core.model import ReviewRow, Status
from pipeline.core.post import post_view
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.ledger import LEDGER_FILE
from pipeline.ledger.outbox import Outbox
from pipeline.outputs.bulletin import collect_stories
from pipeline.outputs.render import Renderer
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.seed import upload_file
from pipeline.sandbox.server import Sandbox

from ..xss_vectors import LABEL_VECTORS, TITLE_VECTORS
from .conftest import Inbox
from .test_complaints import Desk, _complaint, _officer_enters, _rows
from .test_notices import Clock, _body, _notices_yaml
from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import World, blog_posts, blogger_service, make_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
A, B, C = "MM-20261122-0001", "MM-20261122-0002", "MM-20261122-0003"
# What an operator may type to pass their story off as another's: the footer's words, and the marker's HTML.
QUOTED_CODE = f"Kode berita: {A}"
SMUGGLED_MARKER = f'<p class="kode-berita" data-kode="{A}"><small>Kode berita: {A}</small></p>'


def _quoting(n: int, **fields: Any) -> list[Any]:
    """A story whose body quotes story A's code, as text and as its footer's HTML."""
    row = response_row(n, **fields)
    row[6] = f"Lanjutan berita sebelumnya.\n\n{QUOTED_CODE}\n\n{SMUGGLED_MARKER}\n\nPenutup berita nomor {n}."
    return row


def _app(world: World, **kwargs: Any) -> App:
    return build_app(load_settings(world.config), policy=NO_SLEEP, **kwargs)


def _approve(app: App, *codes: str) -> None:
    sheet = review_sheet(app)
    for code in codes:
        officer_sets(sheet, code, Setujui="TRUE")


def _fault(world: World, *rules: dict[str, Any]) -> None:
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": list(rules)}, timeout=10).raise_for_status()


def _posts_by_title(world: World) -> dict[str, dict[str, Any]]:
    return {str(p["title"]): p for p in blog_posts(world.endpoint, world.blog_id)}


# --- 1. codes that cannot be forged ---------------------------------------------------------------------
class Ticking:
    """A sandbox clock that moves on a second at every look: each post is newer than the one made before it,
    as on Blogger, whose listing by `updated` then shows the quoting story before the one it quotes."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            self.now += timedelta(seconds=1)
            return self.now


def test_a_body_quoting_a_code_whose_insert_lost_its_answer_never_takes_that_storys_post(tmp_path: Path) -> None:
    with Sandbox(state_dir=tmp_path / "sandbox", clock=Ticking()) as sandbox:
        world = make_world(sandbox.url, tmp_path, [response_row(1), _quoting(2), response_row(3)])
        _adopts_its_own_post(world)


def _adopts_its_own_post(world: World) -> None:
    app = _app(world)
    try:
        run_cycle(app)
        _approve(app, A, B, C)
        # A's post is created but the answer is lost; B (quoting A's code) and C are posted in the same cycle.
        _fault(world, {"match": "blogger.posts.insert", "after_effect": True, "drop": True})
        report = run_cycle(app)
        requests.delete(f"{world.endpoint}/_sandbox/faults", timeout=10).raise_for_status()
        assert any(A in e for e in report.errors), report.errors
        assert [i.code for i in app.ledger.open_intents("insert")] == [A]
        assert len(blog_posts(world.endpoint, world.blog_id)) == 3
        run_cycle(app)  # reconciles A's insert
        run_cycle(app)
        posts = _posts_by_title(world)
        assert len(posts) == 3, "nothing is posted twice"
        for n, code in enumerate((A, B, C), start=1):
            record = app.ledger.get(code)
            assert record is not None and record.status is Status.PUBLISHED
            assert record.post_id == posts[f"Berita nomor {n}"]["id"], code
        assert [e.kind for e in app.ledger.events(A)].count("adopted") == 1
        assert app.ledger.open_intents() == []
        rows = records_by_code(review_sheet(app))
        assert rows[A]["Tautan"] == posts["Berita nomor 1"]["url"]
        assert rows[B]["Tautan"] == posts["Berita nomor 2"]["url"]
        # B's words are on its post, as text; the only marker there is B's own.
        quoting = str(posts["Berita nomor 2"]["content"])
        assert QUOTED_CODE in quoting and marker_codes(quoting) == [B]
        assert code_in_post(quoting) == B
    finally:
        app.close()


def test_rebuild_gives_each_code_its_own_post_and_reports_a_post_claimed_twice(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1), _quoting(2), response_row(3)])
    settings = load_settings(world.config)
    app = _app(world)
    try:
        run_cycle(app)
        _approve(app, A, B, C)
        run_cycle(app)
        before = {code: (r.status, r.post_id, r.post_url) for code, r in app.ledger.records().items()}
    finally:
        app.close()
    posts = _posts_by_title(world)
    # An officer copies A's post by hand in Blogger (content and all): two posts now carry A's code.
    service = blogger_service(world.endpoint)
    try:
        original = posts["Berita nomor 1"]
        copy = {"title": "Salinan berita nomor 1", "content": original["content"]}
        copy_id = str(service.posts().insert(blogId=world.blog_id, body=copy, isDraft=True).execute()["id"])
    finally:
        service.close()

    def lose_ledger() -> None:
        for suffix in ("", "-wal", "-shm"):
            (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)

    lose_ledger()
    result = CliRunner().invoke(main, ["--config", str(world.config), "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt 3 submissions (3 with a post)" in result.output
    assert A in result.output and copy_id in result.output  # the copy is reported; the sheet's Post ID chose
    app = _app(world)
    try:
        after = {code: (r.status, r.post_id, r.post_url) for code, r in app.ledger.records().items()}
        assert after == before
        assert after[B][1] == posts["Berita nomor 2"]["id"]
    finally:
        app.close()
    # Without the sheet's Post ID to say which is the story's, rebuild does not guess: it stops and says why.
    sheet = officer_sheets_client(settings).open_by_key(world.review_id).worksheet("Berita")
    officer_sets(sheet, A, **{"Post ID": ""})
    lose_ledger()
    refused = CliRunner().invoke(main, ["--config", str(world.config), "rebuild"])
    assert refused.exit_code == 1, refused.output
    assert A in refused.output and original["id"] in refused.output and copy_id in refused.output


def test_the_bulletin_prints_a_quoting_story_under_its_own_code_and_place(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = [response_row(1), _quoting(2, kecamatan="Batu Mandi", desa="Lok Batu")]
    world = make_world(sandbox.url, tmp_path, rows)
    app = _app(world)
    try:
        run_cycle(app)
        _approve(app, A, B)
        run_cycle(app)
        published = min(str(p["published"]) for p in blog_posts(world.endpoint, world.blog_id))
        week = datetime.fromisoformat(published).astimezone(app.settings.tz).strftime("%G-W%V")
        groups = collect_stories(app, week)
    finally:
        app.close()
    placed = {kecamatan: [(s.code, s.desa) for s in stories] for kecamatan, stories in groups.items()}
    assert placed == {"Batu Mandi": [(B, "Lok Batu")], "Juai": [(A, "Juai")]}
    [quoting] = groups["Batu Mandi"]
    assert QUOTED_CODE in quoting.paragraphs  # the operator's words are printed, as words


# --- 2. titles and labels are plain text ----------------------------------------------------------------
def test_titles_and_labels_reach_blogger_as_plain_text_within_its_label_limit(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = [response_row(n, title=f"{n} {raw}") for n, (raw, _) in enumerate(TITLE_VECTORS, start=1)]
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(world.config.read_text() + "  daily_post_limit: 500\n", encoding="utf-8")
    codes = [f"MM-20261122-{n:04d}" for n in range(1, len(rows) + 1)]
    long_labels = [f"Label panjang nomor {n} untuk menguji batas Blogger" for n in range(1, 9)]
    app = _app(world)
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, codes[0], Label=", ".join([raw for raw, _ in LABEL_VECTORS] + long_labels))
        _approve(app, *codes)
        report = run_cycle(app)
    finally:
        app.close()
    assert report.count("publish") == len(rows), report.errors
    posts = blog_posts(world.endpoint, world.blog_id)
    by_number = {int(str(p["title"]).split(" ", 1)[0]): p for p in posts}
    for n, (_, expected) in enumerate(TITLE_VECTORS, start=1):
        title = str(by_number[n]["title"])
        assert title == f"{n} {expected}".strip(), (n, title)
        assert not re.search(r"<[A-Za-z!/?]", title), (n, title)
    labels = list(by_number[1]["labels"])
    assert labels[:2] == ["Kecamatan Juai", "Desa Juai"]
    assert labels[2 : 2 + len(LABEL_VECTORS)] == [plain for _, plain in LABEL_VECTORS]
    assert all(not re.search(r"[<>]", label) for label in labels)
    # Blogger's 200 characters count the ", " between labels; whole labels, in order, as many as fit.
    assert len(", ".join(labels)) <= 200
    assert labels[2 + len(LABEL_VECTORS) :] == long_labels[: len(labels) - 2 - len(LABEL_VECTORS)]
    assert len(", ".join([*labels, long_labels[len(labels) - 2 - len(LABEL_VECTORS)]])) > 200


# --- 3. one address per e-mail answer -------------------------------------------------------------------
BAD_ADDRESSES = [
    "a@x.id,b@y.org",
    "Siti <siti@x.id>",
    "a@x.id\r\nBcc: b@y.org",
    '"b@y.org" <a@x.id>',
    "a@x.id;b@y.org",
]


def _bad_address_rows() -> list[list[Any]]:
    rows = [response_row(n) for n in range(1, len(BAD_ADDRESSES) + 2)]
    for row, address in zip(rows, BAD_ADDRESSES, strict=False):
        row[1] = address
    return rows


def test_an_answer_with_several_addresses_gets_no_mail_and_the_failure_shows_in_status(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    rows = _bad_address_rows()
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(world.config.read_text(encoding="utf-8") + _notices_yaml(port), encoding="utf-8")
    codes = [f"MM-20261122-{n:04d}" for n in range(1, len(rows) + 1)]
    app = _app(world, clock=Clock())
    try:
        run_cycle(app)
        _approve(app, *codes)
        report = run_cycle(app)
        # Every story is published all the same; only the one good address hears of it.
        assert report.count("publish") == len(codes), report.errors
        good = f"operator{len(rows)}@example.com"
        assert [m["To"] for m in mail.messages] == [good]
        assert "Berita nomor" in _body(mail.messages[0])
        failed = sorted((n.code or "", n.error) for n in Outbox(app.ledger).listing(("failed",)))
        assert failed == [(c, "alamat e-mail tidak valid") for c in codes[:-1]]
        assert Outbox(app.ledger).counts() == {"sent": 1, "failed": len(BAD_ADDRESSES)}
        assert run_cycle(app).notices == [] and len(mail.messages) == 1
    finally:
        app.close()
    status = CliRunner().invoke(main, ["--config", str(world.config), "status"], env={"MYMEIN_LANG": "id"})
    assert status.exit_code == 0, status.output
    assert "gagal 5" in status.output and "alamat e-mail tidak valid" in status.output and codes[0] in status.output
    # An administrator who resends one gets it refused again: it never reaches what was typed as the address.
    resent = CliRunner().invoke(main, ["--config", str(world.config), "notices", "resend", f"published:{codes[0]}"])
    assert resent.exit_code == 1 and "refused" in resent.output, resent.output
    assert "siti" not in resent.output.casefold() and "x.id" not in resent.output
    assert len(mail.messages) == 1
    app = _app(world, clock=Clock())
    try:
        notice = Outbox(app.ledger).find(f"published:{codes[0]}")
        assert notice is not None and (notice.state, notice.error) == ("failed", "alamat e-mail tidak valid")
    finally:
        app.close()


def test_through_gmail_too_an_answer_with_several_addresses_reaches_nobody(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    rows = _bad_address_rows()
    world = make_world(fresh_sandbox.url, tmp_path, rows)
    notices = "notices:\n  enabled: true\n  transport: gmail\n  sender: kim@balangankab.example\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + notices, encoding="utf-8")
    codes = [f"MM-20261122-{n:04d}" for n in range(1, len(rows) + 1)]
    app = _app(world, clock=Clock())
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        for code in codes:
            officer_sets(sheet, code, Tolak="TRUE", Catatan="Bukan berita desa.")
        assert run_cycle(app).notices == [f"rejected:{codes[-1]}"]
    finally:
        app.close()
    sent = requests.get(f"{fresh_sandbox.url}/_sandbox/gmail/sent", timeout=10).json()["sent"]
    assert [m["to"] for m in sent] == [f"operator{len(rows)}@example.com"]


@pytest.fixture
def complaints_desk(sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]) -> Iterator[Desk]:
    mail, port = inbox
    opened = Desk(sandbox, tmp_path, mail, port)
    yield opened
    for app in opened.apps:
        app.close()


def test_a_complainant_address_naming_two_mailboxes_gets_no_receipt_and_the_officer_is_told(
    complaints_desk: Desk,
) -> None:
    desk = complaints_desk
    app, _ = desk.open(
        [
            _complaint(1, "a@x.id,b@y.org", "0812 1", "Juai", "Juai", "Jalan berlubang."),
            _complaint(2, "", "warga@x.id; lain@y.org", "Juai", "Juai", "Lampu mati."),
            _complaint(3, "warga3@example.com", "", "Juai", "Juai", "Air keruh."),
        ]
    )
    first, second, third = "PG-20261122-0001", "PG-20261122-0002", "PG-20261122-0003"
    assert run_cycle(app).complaints == 3
    assert [m["To"] for m in desk.mail.messages] == ["warga3@example.com"]
    rows = _rows(app)
    for code in (first, second):
        assert "e-mail pelapor tidak dapat dipakai" in rows[code]["Pesan"], rows[code]
    assert "e-mail" not in rows[third]["Pesan"]
    # The complaint itself goes on: forwarded to its department, answered by the officer, without mail to a stranger.
    desk.departments(app, ("Dinas PUPR", "pupr@balangankab.example"))
    _officer_enters(app, first, SKPD="Dinas PUPR")
    run_cycle(app)
    _officer_enters(app, first, Jawaban="Sudah diperbaiki.")
    run_cycle(app)
    row = _rows(app)[first]
    assert row["Status"] == "Ditanggapi" and "e-mail pelapor tidak dapat dipakai" in row["Pesan"]
    assert sorted(m["To"] for m in desk.mail.messages) == ["pupr@balangankab.example", "warga3@example.com"]
    assert not any(m["To"] in ("a@x.id", "b@y.org") for m in desk.mail.messages)


# --- 4. the near-duplicate check is bounded ---------------------------------------------------------------
def test_two_longest_bodies_from_one_village_are_compared_and_the_rest_flows_on(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sentence = "warga desa juai bergotong royong membersihkan saluran irigasi sepanjang meter pada sabtu pagi"
    words = sentence.split(" ")
    body = " ".join(f"{words[i % len(words)]}{i % 97}" for i in range(2600))[:19_990]  # room for the edits
    first, second, other = response_row(1, title="Laporan panjang"), response_row(2, title="Lain"), response_row(3)
    first[6] = body
    second[6] = body.replace("juai1 ", "juai satu ", 3)
    world = make_world(sandbox.url, tmp_path, [first, second, other], near_duplicates=True)
    app = _app(world)
    try:
        run_cycle(app)
        rows = records_by_code(review_sheet(app))
        assert [rows[code]["Status"] for code in (A, B, C)] == ["Menunggu", "Duplikat", "Menunggu"]
    finally:
        app.close()


# --- 5. reports and the bulletin never crash on text or pictures -----------------------------------------
MATHTEXT = r"$\foo{$"


def test_the_report_draws_dollar_signs_and_backslashes_as_text(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = [
        response_row(1, title=f"Harga {MATHTEXT} naik"),
        response_row(2, kecamatan=MATHTEXT, desa=MATHTEXT),
        response_row(3, kecamatan="Batu Mandi", desa="Lok Batu"),
    ]
    rows[0][4] = f"Operator {MATHTEXT}"
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'reports'}\n", encoding="utf-8"
    )
    app = _app(world)
    try:
        run_cycle(app)
        _approve(app, A, C)
        run_cycle(app)
    finally:
        app.close()
    result = CliRunner().invoke(main, ["--config", str(world.config), "report", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "monev 2026-11: 3 submissions, 2 published" in result.output
    html = (tmp_path / "reports" / "monev-2026-11.html").read_text(encoding="utf-8")
    assert "\\foo{" in html
    assert (tmp_path / "reports" / "monev-2026-11.pdf").read_bytes().startswith(b"%PDF")


def png_claiming(width: int, height: int, data: bytes = b"\x00" * 64) -> bytes:
    """A small file whose PNG header claims `width` x `height` pixels: a decompression bomb's calling card."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b"")


def test_a_photo_with_huge_dimensions_holds_its_row_with_a_reason_and_the_rest_publish(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    with requests.Session() as http:
        bomb = upload_file(http, sandbox.url, "panen.png", png_claiming(15_000, 15_000), "image/png")
    rows = [response_row(1, photos=f"https://drive.google.com/open?id={bomb}"), response_row(2)]
    world = make_world(sandbox.url, tmp_path, rows)
    app = _app(world)
    try:
        run_cycle(app)
        _approve(app, A, B)
        run_cycle(app)
        sheet = records_by_code(review_sheet(app))
        assert sheet[A]["Status"] == "Perlu perbaikan"
        assert "15000 × 15000 piksel" in sheet[A]["Pesan"] and "panen.png" in sheet[A]["Pesan"]
        assert sheet[B]["Status"] == "Terbit"
        permissions = requests.get(f"{sandbox.url}/drive/v3/files/{bomb}/permissions", timeout=10).json()
        assert permissions["permissions"] == []  # refused before anything was shared
    finally:
        app.close()


def test_the_bulletin_prints_a_story_without_a_photo_it_cannot_read(sandbox: Sandbox, tmp_path: Path) -> None:
    with requests.Session() as http:
        good = upload_file(http, sandbox.url, "baik.png", png_bytes(DEMO_PHOTOS["panen"]), "image/png")
        bomb = upload_file(http, sandbox.url, "bom.png", png_claiming(15_000, 15_000), "image/png")
        broken = upload_file(http, sandbox.url, "rusak.png", png_claiming(120, 80, b"bukan gambar"), "image/png")
    world = make_world(sandbox.url, tmp_path, [response_row(1, photos=f"https://drive.google.com/open?id={good}")])
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'out'}\n", encoding="utf-8"
    )
    app = _app(world)
    try:
        run_cycle(app)
        _approve(app, A)
        run_cycle(app)
    finally:
        app.close()
    # Posts made before photos were checked for their size: their photos are what the bulletin downloads.
    service = blogger_service(world.endpoint)
    try:
        for n, photo in ((8, bomb), (9, broken)):
            row = ReviewRow(
                row_number=2,
                code=f"MM-20261115-000{n}",
                kecamatan="Juai",
                desa="Juai",
                operator="Operator",
                email="",
                title=f"Berita lama {n}",
                body=f"Isi berita lama nomor {n}.",
                photos=(f"https://drive.google.com/open?id={photo}",),
                labels=(),
                approve=True,
                reject=False,
                mode_text="Terbit",
                schedule_text="",
                note="",
            )
            view = post_view(row)
            body = {"title": view.title, "content": Renderer().post_html(view), "labels": list(view.labels)}
            service.posts().insert(blogId=world.blog_id, body=body).execute()
        published = {str(p["published"]) for p in blog_posts(world.endpoint, world.blog_id)}
    finally:
        service.close()
    week = datetime.fromisoformat(min(published)).astimezone(load_settings(world.config).tz).strftime("%G-W%V")
    result = CliRunner().invoke(main, ["--config", str(world.config), "bulletin", "--week", week])
    assert result.exit_code == 0, result.output
    assert "3 stories" in result.output
    [pdf] = (tmp_path / "out").glob("buletin-*.pdf")
    reader = PdfReader(pdf)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Isi berita lama nomor 8." in text and "Isi berita lama nomor 9." in text
    images = sum(len(page.images) for page in reader.pages)
    assert images == 3 + 1  # a QR code per story, and the one readable photo
