"""The bulletin's layout: two columns, several stories a page, "bersambung" over a page, nothing dropped, and a
visible, counted placeholder for characters no font has."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from pipeline.core.bulletin import Story
from pipeline.core.glyphs import PLACEHOLDER
from pipeline.outputs.bulletin import write_bulletin

WITA = ZoneInfo("Asia/Makassar")
WHEN = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _story(n: int, kecamatan: str = "Juai", *, title: str | None = None, paragraphs: int = 3) -> Story:
    body = tuple(
        f"P{n:03d}x{p:03d} Warga desa bergotong royong membersihkan saluran air dan jalan usaha tani bersama "
        "perangkat desa, kader posyandu dan pemuda karang taruna pada pagi hari."
        for p in range(paragraphs)
    )
    return Story(
        f"MM-20261123-{n:04d}",
        title or f"Berita nomor {n}",
        kecamatan,
        f"Desa {n}",
        WHEN + timedelta(minutes=n),
        f"https://portal.example/2026/11/berita-{n}.html",
        body,
        (),
    )


def _write(tmp_path: Path, groups: dict[str, list[Story]]) -> tuple[int, int, list[str]]:
    made = write_bulletin(groups, lambda _: None, tmp_path / "b.pdf", title="Portal Uji", week="2026-W48", tz=WITA)
    assert made.path is not None
    pages = [page.extract_text() or "" for page in PdfReader(made.path).pages]
    assert made.pages == len(pages)
    return made.pages, made.missing_glyphs, pages


def test_several_stories_share_a_page_and_every_paragraph_is_printed_once(tmp_path: Path) -> None:
    groups = {"Awayan": [_story(n, "Awayan") for n in range(1, 7)], "Juai": [_story(n) for n in range(7, 13)]}
    pages, missing, texts = _write(tmp_path, groups)
    assert missing == 0
    assert pages <= 4  # 12 stories; one a page, as before, took 13 pages with the contents
    text = "\n".join(texts)
    for n in range(1, 13):
        for p in range(3):
            assert len(re.findall(f"P{n:03d}x{p:03d}", text)) == 1
    assert "Daftar isi" in texts[0] and "Berita nomor 1" in texts[0]


def test_a_story_over_a_page_says_bersambung_and_where_it_goes_on(tmp_path: Path) -> None:
    long = _story(1, title="Laporan panjang musyawarah desa", paragraphs=60)
    pages, _, texts = _write(tmp_path, {"Juai": [_story(2), long, _story(3)]})
    assert pages >= 2
    marks = [n for n, text in enumerate(texts, start=1) if "bersambung ke halaman" in text]
    assert marks
    for n in marks:
        assert f"(bersambung ke halaman {n + 1})" in texts[n - 1]
        assert "(sambungan) Laporan panjang musyawarah desa" in texts[n]
    text = "\n".join(texts)
    assert all(len(re.findall(f"P001x{p:03d}", text)) == 1 for p in range(60))


def test_chinese_and_emoji_are_printed_as_counted_placeholders_latin_and_arabic_as_typed(tmp_path: Path) -> None:
    mixed = _story(1, title="Panen raya 中文 🌾")
    mixed = Story(
        mixed.code,
        mixed.title,
        mixed.kecamatan,
        mixed.desa,
        mixed.published,
        mixed.url,
        ("Warga berterima kasih 🙏👍 kepada Pak Camat. Café Ŋgalam, Đông, Müller.", "بسم الله الرحمن الرحيم"),
        (),
    )
    _, missing, texts = _write(tmp_path, {"Juai": [mixed]})
    assert missing == 5  # 中, 文, 🌾, 🙏, 👍: each once, though the title is printed in the contents too
    text = "\n".join(texts)
    assert text.count(PLACEHOLDER) == 2 * 3 + 2  # the title twice (contents and story), the body once
    assert "Café" in text and "Ŋgalam, Đông, Müller." in text and "بسم الله الرحمن الرحيم" in text
