"""Rendered posts against golden files; `make golden` rewrites them on purpose (MYMEIN_REGENERATE_GOLDEN=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.core.model import ReviewRow
from pipeline.core.post import labels_for, post_view
from pipeline.render import Renderer, TemplateNotFound, sanitise

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
