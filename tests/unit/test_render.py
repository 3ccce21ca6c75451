"""Rendered posts against golden files; `make golden` rewrites them on purpose (MYMEIN_REGENERATE_GOLDEN=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.core.model import ReviewRow
from pipeline.core.photo_check import PhotoInfo, photo_problem
from pipeline.core.post import fit_labels, labels_for, post_view
from pipeline.outputs.render import Renderer, TemplateNotFound, sanitise

from ..htmlcheck import executable_parts

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
ROW = ReviewRow(
    row_number=2,
    code="MM-20261122-0001",
    kecamatan="Juai",
    desa="Muara Ninian",
    operator="Siti Rahmah",
    email="siti@example.com",
    title='Harga cabai < Rp 50.000 & bawang "naik"',
    body="Warga berkumpul di balai desa.\nAcara dibuka kepala desa.\n\nInfo lengkap: https://balangankab.go.id/berita.",
    photos=(
        "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrSt",
        "https://drive.google.com/open?id=2AbCdEfGhIjKlMnOpQrSt",
    ),
    labels=("Ekonomi",),
    approve=True,
    reject=False,
    mode_text="Terbit",
    schedule_text="",
    note="",
)


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MYMEIN_REGENERATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == actual


def test_post_with_photos_matches_golden() -> None:
    check_golden("post-with-photos.html", Renderer().post_html(post_view(ROW)))


def test_post_without_photos_matches_golden() -> None:
    row = ReviewRow(**{**ROW.__dict__, "photos": (), "title": "Gotong royong"})
    check_golden("post-without-photos.html", Renderer().post_html(post_view(row)))


def test_post_with_one_photo_matches_golden() -> None:
    row = ReviewRow(**{**ROW.__dict__, "photos": ROW.photos[:1]})
    check_golden("post-one-photo.html", Renderer().post_html(post_view(row)))


def test_long_post_with_links_matches_golden() -> None:
    paragraphs = [
        f"Paragraf {n}: warga Desa Muara Ninian bergotong royong membersihkan saluran irigasi sepanjang "
        f"{n * 100} meter, dipimpin kepala desa dan didampingi penyuluh pertanian."
        for n in range(1, 13)
    ]
    paragraphs[3] += " Jadwal lengkap: https://balangankab.go.id/agenda?bulan=11&tahun=2026."
    paragraphs[7] += (
        " Video kegiatan (https://www.youtube.com/watch?v=abc123) dan foto di http://kim-juai.blogspot.com/."
    )
    paragraphs[10] += " Tautan palsu javascript:alert(1) tetap teks; www.contoh.id tanpa skema juga."
    row = ReviewRow(**{**ROW.__dict__, "title": "Gotong royong irigasi", "body": "\n\n".join(paragraphs)})
    html = Renderer().post_html(post_view(row))
    check_golden("post-long-with-links.html", html)
    assert html.count('rel="nofollow noopener"') == 3


def test_refused_photo_messages_match_golden() -> None:
    """What the officer reads in `Pesan` (and can forward) for each kind of photo the blog cannot show."""
    mb = 1_000_000
    cases = [
        ("1pdf", PhotoInfo("1pdf", "surat undangan.pdf", "application/pdf", mb)),
        ("2mov", PhotoInfo("2mov", "VID_20261122.mp4", "video/mp4", 40 * mb)),
        ("3heic", PhotoInfo("3heic", "IMG_0042.HEIC", "image/heic", 3 * mb)),
        ("4big", PhotoInfo("4big", "panen.jpg", "image/jpeg", 25 * mb)),
        ("5gone", None),
    ]
    lines = [f"{file_id}: {photo_problem(file_id, info, 10 * mb)}" for file_id, info in cases]
    check_golden("photo-refused-messages.txt", "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">klik</a>',
        "<svg onload=alert(1)>",
        "<iframe src=//evil.example>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ],
)
def test_operator_markup_never_becomes_markup(attack: str) -> None:
    row = ReviewRow(**{**ROW.__dict__, "title": attack, "body": f"Isi {attack} berita"})
    html = Renderer().post_html(post_view(row))
    assert executable_parts(html) == []
    assert "Isi " in html  # the text itself survives, escaped


def test_sanitise_is_a_second_guard_even_for_template_mistakes() -> None:
    assert sanitise('<p onclick="x()">a<script>b</script></p>') == "<p>a</p>"
    assert executable_parts('<a href="javascript:x()">a</a>') == ["a[href='javascript:x()']"]
    assert executable_parts(sanitise('<a href="javascript:x()">a</a>')) == []


def test_override_folder_wins_and_missing_template_lists_where_it_looked(tmp_path: Path) -> None:
    (tmp_path / "post.html.j2").write_text("<p>{{ title }} / {{ code }}</p>", encoding="utf-8")
    assert Renderer(tmp_path).post_html(post_view(ROW)).startswith("<p>Harga cabai &lt; Rp")
    with pytest.raises(TemplateNotFound, match=str(tmp_path)):
        Renderer(tmp_path).template("nope.html.j2")


def test_labels_are_deduplicated_and_bounded() -> None:
    assert labels_for("Juai", "Juai", ("desa juai", "Ekonomi", "ekonomi", "a,b")) == (
        "Kecamatan Juai",
        "Desa Juai",
        "Ekonomi",
        "a b",
    )
    assert sum(len(label) for label in labels_for("Juai", "Juai", tuple("x" * 50 + str(i) for i in range(9)))) <= 200


def test_labels_fit_blogger_limit_counting_the_separators_between_them() -> None:
    four = tuple(str(n) * 50 for n in range(4))  # 200 characters of labels, 206 with the ", " between them
    assert fit_labels(four) == four[:3]
    assert len(", ".join(fit_labels(four))) == 154
    exactly = ("a" * 99, "b" * 99)  # 99 + 2 + 99
    assert fit_labels(exactly) == exactly
    # One that does not fit is left out; a shorter one after it still goes, and the first ones always stay.
    assert fit_labels(("Kecamatan Juai", "x" * 190, "Ekonomi")) == ("Kecamatan Juai", "Ekonomi")
    chosen = labels_for("Juai", "Juai", tuple("x" * 50 + str(i) for i in range(9)))
    assert chosen[:2] == ("Kecamatan Juai", "Desa Juai") and len(", ".join(chosen)) <= 200


NOTICE_VALUES = {
    "code": "MM-20261122-0001",
    "operator": "Siti Rahmah",
    "desa": "Muara Ninian",
    "kecamatan": "Juai",
    "title": 'Harga cabai < Rp 50.000 & bawang "naik"',
    "link": "https://balangankab.blogspot.com/2026/11/harga-cabai.html",
}


@pytest.mark.parametrize(
    ("template", "extra"),
    [
        ("notice-published.txt.j2", {}),
        ("notice-rejected.txt.j2", {"reason": "Foto tidak sesuai isi berita."}),
        ("notice-needs-fix.txt.j2", {"reason": "Judul berita kosong."}),
    ],
)
def test_notices_match_golden_and_are_plain_text(template: str, extra: dict[str, str]) -> None:
    subject, body = Renderer().text(template, **NOTICE_VALUES, **extra)
    check_golden(template.replace(".txt.j2", ".txt"), f"Subject: {subject}\n\n{body}")
    assert "&amp;" not in subject + body and "&lt;" not in subject + body  # mail is not HTML


def test_reminder_matches_golden() -> None:
    items = [
        {
            "code": "MM-20261122-0001",
            "desa": "Juai",
            "kecamatan": "Juai",
            "title": "Gotong royong",
            "age": "1 hari 2 jam",
        },
        {
            "code": "MM-20261122-0004",
            "desa": "Lok Batu",
            "kecamatan": "Batu Mandi",
            "title": "Posyandu",
            "age": "25 jam",
        },
    ]
    subject, body = Renderer().text("reminder.txt.j2", items=items, hours="24", reminder_time="08:00")
    check_golden("reminder.txt", f"Subject: {subject}\n\n{body}")


COMPLAINT_VALUES: dict[str, object] = {
    "code": "PG-20261122-0001",
    "received": "2026-11-22 09:00",
    "category": "Infrastruktur",
    "desa": "Muara Ninian",
    "kecamatan": "Juai",
    "department": "Dinas PUPR",
    "email": "pupr@balangankab.example",
    "again": False,
    "photos_shared": True,
    "answer": "Perbaikan dijadwalkan pekan depan.\n\nTerima kasih atas laporannya.",
    "text": 'Jalan RT 03 rusak & berlumpur; "tidak bisa dilewati" <truk>.',
    "photos": ["https://drive.google.com/open?id=abc123"],
    "name": "Ahmad Fauzi",
}


@pytest.mark.parametrize(
    ("template", "extra"),
    [
        ("notice-complaint-received.txt.j2", {}),
        ("notice-complaint-forwarded.txt.j2", {"name": ""}),
        ("notice-complaint-answered.txt.j2", {}),
    ],
)
def test_complaint_notices_match_golden(template: str, extra: dict[str, object]) -> None:
    subject, body = Renderer().text(template, **{**COMPLAINT_VALUES, **extra})
    check_golden(template.replace(".txt.j2", ".txt"), f"Subject: {subject}\n\n{body}")
    assert "&amp;" not in subject + body and "&lt;" not in subject + body  # mail is not HTML


def test_reminders_about_complaints_match_golden() -> None:
    waiting = [
        {
            "code": "PG-20261122-0002",
            "desa": "Lasung Batu",
            "kecamatan": "Paringin",
            "category": "Kesehatan",
            "forwarded": "2026-11-22 10:00",
            "age": "3 hari 1 jam",
        }
    ]
    subject, body = Renderer().text(
        "reminder-department.txt.j2", items=waiting, department="Dinas Kesehatan", hours="72", reminder_time="08:00"
    )
    check_golden("reminder-department.txt", f"Subject: {subject}\n\n{body}")
    subject, body = Renderer().text("reminder.txt.j2", items=[], complaints=waiting, hours="24", reminder_time="08:00")
    check_golden("reminder-complaints.txt", f"Subject: {subject}\n\n{body}")
