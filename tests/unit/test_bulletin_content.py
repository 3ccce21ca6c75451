"""A published post back into a story for print: its paragraphs and photos, not its byline or footer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.core.bulletin import REGENCY, by_kecamatan, photo_id, story_from_post, week_bounds

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
WHEN = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_a_post_becomes_a_story_with_its_paragraphs_and_photos() -> None:
    html = (GOLDEN / "post-with-photos.html").read_text(encoding="utf-8")
    places = {"MM-20261122-0001": ("Juai", "Muara Ninian")}
    story = story_from_post("Harga cabai", html, "https://blog/x.html", WHEN, places)
    assert story is not None and (story.code, story.kecamatan, story.desa) == (
        "MM-20261122-0001",
        "Juai",
        "Muara Ninian",
    )
    assert story.paragraphs == (
        "Warga berkumpul di balai desa.\nAcara dibuka kepala desa.",
        "Info lengkap: https://balangankab.go.id/berita.",
    )
    assert story.photo_ids == ("1AbCdEfGhIjKlMnOpQrSt", "2AbCdEfGhIjKlMnOpQrSt")


def test_photo_ids_from_either_image_url_form() -> None:
    assert photo_id("https://lh3.googleusercontent.com/d/1AbCdEfGhIjKlMnOpQrSt=w1600") == "1AbCdEfGhIjKlMnOpQrSt"
    assert photo_id("https://drive.google.com/thumbnail?id=1AbCdEfGhIjKlMnOpQrSt&sz=w1600") == "1AbCdEfGhIjKlMnOpQrSt"
    assert photo_id("https://example.org/foto.jpg") is None


def test_weeks_and_grouping() -> None:
    wita = ZoneInfo("Asia/Makassar")
    start, end = week_bounds("2026-W48", wita)
    assert (start.isoformat(), end.isoformat()) == ("2026-11-23T00:00:00+08:00", "2026-11-30T00:00:00+08:00")
    a = story_from_post("A", "<p>x</p><p class='kode-berita'>Kode berita: MM-20261122-0002</p>", "u", WHEN, {})
    assert a is not None and list(by_kecamatan([a], "(TANPA KECAMATAN)")) == ["(tanpa kecamatan)"]


def test_a_post_written_in_blogger_is_the_regencys_story_first_with_its_text_and_no_script() -> None:
    html = (
        "<div>Agenda Bupati minggu ini:<br>Senin: rapat koordinasi.<br/>Selasa: kunjungan ke Juai.</div>"
        "<div><b>Program</b> bedah rumah dimulai.</div><script>alert(1)</script><style>p{}</style>"
        "<ul><li>Satu</li><li>Dua</li></ul>Penutup<!-- catatan -->"
    )
    story = story_from_post("Agenda Kabupaten", html, "https://blog/a.html", WHEN, {})
    assert story is not None and (story.code, story.kecamatan, story.desa) == ("", REGENCY, "")
    assert story.paragraphs == (
        "Agenda Bupati minggu ini:\nSenin: rapat koordinasi.\nSelasa: kunjungan ke Juai.",
        "Program bedah rumah dimulai.",
        "Satu",
        "Dua",
        "Penutup",
    )
    village = story_from_post("A", "<p>x</p><p class='kode-berita'>Kode berita: MM-20261122-0002</p>", "u", WHEN, {})
    assert village is not None
    assert list(by_kecamatan([village, story])) == [REGENCY, "(tanpa kecamatan)"]
    assert list(by_kecamatan([village, story], "(tanpa kecamatan)")) == ["(tanpa kecamatan)"]
    assert story_from_post(" ", "<div> </div><script>x</script>", "u", WHEN, {}) is None
