"""Titles and labels are plain text: tags removed, entities decoded, the words kept; nothing left a browser
would read as a tag."""

from __future__ import annotations

import re
from dataclasses import replace

from pipeline.core.post import LABELS_MAX_TOTAL, choose_labels, post_view
from pipeline.core.text import plain_text
from pipeline.core.validate import check_fields
from pipeline.infra.regions_file import load_regions

from ..xss_vectors import LABEL_VECTORS, TITLE_VECTORS, VECTORS
from .test_codes import _row

TAG_START = re.compile(r"<[A-Za-z!/?]")


def test_titles_and_labels_lose_their_markup_and_keep_their_words() -> None:
    for raw, plain in [*TITLE_VECTORS, *LABEL_VECTORS]:
        assert plain_text(raw) == plain, raw


def test_no_vector_leaves_anything_that_starts_a_tag() -> None:
    for vector in VECTORS:
        text = plain_text(vector)
        assert not TAG_START.search(text), (vector, text)
        assert plain_text(text) == text


def test_the_post_gets_a_plain_title_and_plain_labels() -> None:
    row = replace(
        _row("MM-20261122-0001", "Berita <b>tebal</b> &amp; <img src=x onerror=alert(1)>", "Isi berita cukup."),
        labels=("<svg onload=alert(1)>Pertanian", "a &amp; b"),
    )
    view = post_view(row)
    assert view.title == "Berita tebal &"
    assert view.labels == ("Kecamatan Juai", "Desa Juai", "Pertanian", "a & b")


def test_labels_keep_whole_labels_in_order_within_blogger_s_limit_counting_commas() -> None:
    extra = tuple(f"Label nomor {n:02d} " + "x" * 29 for n in range(1, 11))  # 44 characters each
    chosen, dropped = choose_labels("Juai", "Juai", extra)
    assert len(", ".join(chosen)) <= LABELS_MAX_TOTAL
    kept = chosen[2:]
    assert kept == extra[: len(kept)] and dropped == extra[len(kept) :]
    # Four would fit if the separators did not count (14 + 9 + 4 * 44 = 199); with the five ", " it is 209.
    assert len(kept) == 3
    # A long label that does not fit leaves room for a shorter one after it.
    chosen, dropped = choose_labels("Juai", "Juai", ("y" * 190, "Pertanian"))
    assert chosen == ("Kecamatan Juai", "Desa Juai", "Pertanian") and dropped == ("y" * 190,)


def test_a_title_of_markup_only_is_held_for_the_operator() -> None:
    regions = load_regions()
    problems = check_fields("<img src=x onerror=alert(1)>", "Isi berita yang cukup panjang.", "Juai", "Juai", regions)
    assert any("Judul" in p for p in problems)
    assert check_fields("Judul <b>biasa</b>", "Isi berita yang cukup panjang.", "Juai", "Juai", regions) == ()
