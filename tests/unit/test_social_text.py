"""Shares' text: escaped, cut on a word boundary within Telegram's limits as Telegram counts them."""

from __future__ import annotations

from html.parser import HTMLParser

from pipeline.core.model import ReviewRow
from pipeline.core.post import post_view
from pipeline.core.social import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    cut_words,
    facebook_link,
    share_text,
    telegram_link,
    utf16_len,
)


def review_row(title: str, body: str, photos: str = "") -> ReviewRow:
    return ReviewRow(
        row_number=2,
        code="MM-20261122-0001",
        kecamatan="Juai",
        desa="Juai",
        operator="Operator",
        email="op@example.com",
        title=title,
        body=body,
        photos=(photos,) if photos else (),
        labels=(),
        approve=True,
        reject=False,
        mode_text="Terbit",
        schedule_text="",
        note="",
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)


def test_cut_words_keeps_whole_words_and_counts_utf16() -> None:
    assert cut_words("satu dua tiga", 100) == "satu dua tiga"
    assert cut_words("satu dua tiga", 9) == "satu dua…"
    assert cut_words("satu dua tiga", 8) == "satu…"
    assert cut_words("🙂🙂🙂 kata", 5) == "🙂🙂…"
    assert utf16_len(cut_words("x" * 5000, 1024)) <= 1024
    assert cut_words("   ", 10) == ""


def test_operator_text_is_escaped_and_the_caption_fits() -> None:
    body = ("Warga <script>alert(1)</script> & tetangga " * 200).strip()
    view = post_view(
        review_row(
            title="Gotong <b>royong</b> & bersih",
            body=body,
            photos="https://drive.google.com/open?id=1AbCdEfGhIjKlMnOpQrStUvWxYz012345",
        )
    )
    text = share_text(view, "https://kim.blogspot.com/2026/11/a.html?x=1&y=2")
    assert text.photo_url is not None
    assert "<script>" not in text.telegram and "&lt;script&gt;" in text.telegram
    assert 'href="https://kim.blogspot.com/2026/11/a.html?x=1&amp;y=2"' in text.telegram
    assert utf16_len(shown(text.telegram)) <= CAPTION_LIMIT
    assert shown(text.telegram).endswith("Baca selengkapnya")
    plain = share_text(view, "https://kim.blogspot.com/x.html", telegram_photo=False)
    assert plain.photo_url is None and utf16_len(shown(plain.telegram)) <= TEXT_LIMIT
    assert text.facebook.startswith("Gotong")


def test_digest_follows_title_and_lead_only() -> None:
    one = share_text(post_view(review_row(title="A", body="Lead.\n\nDua.")), "https://b/x.html")
    same = share_text(post_view(review_row(title="A", body="Lead.\n\nLain.")), "https://b/x.html")
    other = share_text(post_view(review_row(title="B", body="Lead.\n\nDua.")), "https://b/x.html")
    assert one.digest == same.digest != other.digest


def test_public_links() -> None:
    assert telegram_link("@kimbalangan", "12") == "https://t.me/kimbalangan/12"
    assert telegram_link("-1001234567890", "7") == "https://t.me/c/1234567890/7"
    assert facebook_link("1_2") == "https://www.facebook.com/1_2"
