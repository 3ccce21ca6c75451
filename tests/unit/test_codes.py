"""A post's code is read from the pipeline's own marker only; what an operator types can never claim a code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipeline.core.codes import choose_own_post, code_in_post, marker, marker_codes, title_digest
from pipeline.core.model import PostRef, ReviewRow
from pipeline.core.post import post_view
from pipeline.outputs.render import Renderer

A = "MM-20261122-0001"
B = "MM-20261122-0002"
LEGACY_FOOTER = '<hr>\n<p class="kode-berita"><small>Kode berita: {}</small></p>\n</div>'


def _row(code: str, title: str, body: str) -> ReviewRow:
    return ReviewRow(
        row_number=2,
        code=code,
        kecamatan="Juai",
        desa="Juai",
        operator="Operator",
        email="op@example.com",
        title=title,
        body=body,
        photos=(),
        labels=(),
        approve=True,
        reject=False,
        mode_text="Terbit",
        schedule_text="",
        note="",
    )


def test_the_code_is_read_from_the_marker_element() -> None:
    html = f'<p>Isi</p>\n<p class="kode-berita" data-kode="{A}"><small>Kode berita: {A}</small></p>'
    assert code_in_post(html) == A
    assert code_in_post(marker(A)) == A


def test_a_body_quoting_another_code_does_not_claim_it() -> None:
    quoting = f'Lanjutan berita sebelumnya.\n\nKode berita: {A}\n\n<p class="kode-berita" data-kode="{A}">x</p>'
    for title in (f"Kode berita: {A}", f'<p class="kode-berita" data-kode="{A}">judul</p>'):
        html = Renderer().post_html(post_view(_row(B, title, quoting)))
        assert code_in_post(html) == B and marker_codes(html) == [B]


def test_old_posts_are_read_from_their_footer_only_when_it_is_the_last_paragraph() -> None:
    old = '<div class="mymein-berita">\n<p>Isi.</p>\n' + LEGACY_FOOTER.format(A)
    assert code_in_post(old) == A
    # An old post whose body quotes another story's code still belongs to its own footer's code.
    quoting = f'<div class="mymein-berita">\n<p>Lihat Kode berita: {B}</p>\n<p>Kode berita: {B}</p>\n'
    assert code_in_post(quoting + LEGACY_FOOTER.format(A)) == A
    # Footer deleted by hand: a quoted code in the body is not taken for the post's own.
    assert code_in_post(f"<p>Kode berita: {B}</p>\n<p>Paragraf terakhir.</p>") is None
    assert code_in_post("<p>Kode berita dihapus</p>") is None
    # An old footer's text after a marker element does not override the marker.
    assert code_in_post(marker(A) + f"<p>Kode berita: {B}</p>") == A


def test_two_different_markers_in_one_post_name_no_code() -> None:
    assert code_in_post(marker(A) + marker(B)) is None
    assert code_in_post(marker(A) + marker(A)) == A
    assert code_in_post('<p data-kode="bukan kode">x</p>') is None


def test_a_user_template_without_the_marker_gets_it_from_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "post.html.j2").write_text(
        "<div><p>{{ title }}</p>{% for p in paragraphs %}<p>{{ p }}</p>{% endfor %}"
        '<p class="kode-berita">Kode berita: {{ code }}</p></div>\n',
        encoding="utf-8",
    )
    html = Renderer(tmp_path).post_html(post_view(_row(A, "Judul", f"Kode berita: {B}")))
    assert code_in_post(html) == A and marker_codes(html) == [A]


def test_a_template_printing_operator_text_unescaped_cannot_smuggle_a_marker(tmp_path: Path) -> None:
    (tmp_path / "post.html.j2").write_text(
        "<div>{% for p in paragraphs %}<p>{{ p | safe }}</p>{% endfor %}{{ kode_berita }}</div>\n", encoding="utf-8"
    )
    body = f'<p class="kode-berita" data-kode="{B}">Kode berita: {B}</p>'
    html = Renderer(tmp_path).post_html(post_view(_row(A, "Judul", body)))
    assert code_in_post(html) == A and marker_codes(html) == [A]


def _post(post_id: str, title: str, published: int = 0) -> PostRef:
    when = datetime(2026, 11, 22, 8, published, tzinfo=UTC)
    return PostRef(post_id, f"https://blog/{post_id}.html", "LIVE", marker(A), title=title, published=when)


def test_the_own_post_is_chosen_by_code_title_and_ledger() -> None:
    ours, theirs = _post("1", "Berita A"), _post("2", "Berita B")
    chosen = choose_own_post(A, [theirs, ours], owners={}, title=title_digest("Berita A"))
    assert chosen.post == ours and [p for p, _ in chosen.refused] == ["2"]
    # A post the ledger records for another code is never adopted, whatever it carries.
    chosen = choose_own_post(A, [ours], owners={"1": B}, title=title_digest("Berita A"))
    assert chosen.post is None and chosen.refused[0][0] == "1"
    # Intents recorded before titles were: the code alone decides, the earliest post first.
    copy = _post("3", "Berita A", published=5)
    chosen = choose_own_post(A, [copy, ours], owners={}, title=None)
    assert chosen.post == ours and chosen.others == ("3",)
    assert choose_own_post(A, [], owners={}, title=None).post is None


def test_the_title_digest_ignores_spacing_and_entities() -> None:
    assert title_digest("Harga  cabai &amp; bawang ") == title_digest("Harga cabai & bawang")
    assert title_digest("Berita A") != title_digest("Berita B")


def test_of_several_posts_carrying_a_code_the_story_is_the_one_its_rows_post_id_names() -> None:
    from dataclasses import replace

    from pipeline.cycle.recovery import named_post, shown_post_id

    original, copy = (PostRef(pid, "", "LIVE", marker(A)) for pid in ("101", "202"))
    assert named_post([], "") is None
    assert named_post([original], "") is original  # one post: the story's, whatever the row shows
    assert named_post([original, copy], "") is None  # a copy made by hand, and no row to tell: no guess
    assert named_post([original, copy], "303") is None
    row = replace(_row(A, "Judul", "Isi"), pipeline_cells={"post_id": " '202 "})
    assert shown_post_id(row) == "202" and named_post([original, copy], shown_post_id(row)) is copy
