"""`mymein bulletin`: the week's published stories in a printable PDF, each QR code leading to its post."""

from __future__ import annotations

import io
from pathlib import Path

import requests
import zxingcpp
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.seed import upload_file
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, review_sheet
from .world import blog_posts, make_world, reset_stats, response_row, stats


def test_the_bulletin_holds_each_story_once_with_a_qr_code_of_its_link(sandbox: Sandbox, tmp_path: Path) -> None:
    with requests.Session() as http:
        photo = upload_file(http, sandbox.url, "panen.png", png_bytes(DEMO_PHOTOS["panen"]), "image/png")
    rows = [
        response_row(1, photos=f"https://drive.google.com/open?id={photo}"),
        response_row(2, kecamatan="Batu Mandi", desa="Lok Batu"),
        response_row(3),
        response_row(4),  # never approved: not in the bulletin
    ]
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'out'}\n  title: Portal Uji\n",
        encoding="utf-8",
    )
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        for code in ("MM-20261122-0001", "MM-20261122-0002", "MM-20261122-0003"):
            officer_sets(sheet, code, Setujui="TRUE")
        run_cycle(app)
    finally:
        app.close()
    posts = {p["title"]: p["url"] for p in blog_posts(world.endpoint, world.blog_id)}
    assert len(posts) == 3

    result = CliRunner().invoke(main, ["--config", str(world.config), "bulletin"])
    assert result.exit_code == 0, result.output
    [pdf_path] = (tmp_path / "out").glob("buletin-*.pdf")
    reader = PdfReader(pdf_path)
    pages = f"{len(reader.pages)} page" + ("s" if len(reader.pages) > 1 else "")
    assert f"3 stories, {pages}, 0 characters printed as" in result.output
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Daftar isi" in text and "Kecamatan Batu Mandi" in text and "Kecamatan Juai" in text
    for title in posts:
        assert text.count(title) >= 2  # in the contents and over the story
    assert "Berita nomor 4" not in text
    decoded: list[str] = []
    photos = 0
    for page in reader.pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data))
            found = zxingcpp.read_barcodes(picture)
            decoded += [barcode.text for barcode in found]
            photos += not found
    assert sorted(decoded) == sorted(posts.values())
    assert photos == 1  # the one story with a photo


def test_one_kecamatan_only(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(
        sandbox.url, tmp_path, [response_row(1), response_row(2, kecamatan="Batu Mandi", desa="Lok Batu")]
    )
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'out'}\n", encoding="utf-8"
    )
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        for code in ("MM-20261122-0001", "MM-20261122-0002"):
            officer_sets(review_sheet(app), code, Setujui="TRUE")
        run_cycle(app)
    finally:
        app.close()
    result = CliRunner().invoke(main, ["--config", str(world.config), "bulletin", "--kecamatan", "batu mandi"])
    assert result.exit_code == 0 and ": 1 story, " in result.output, result.output
    [pdf_path] = (tmp_path / "out").glob("buletin-*-batu-mandi.pdf")
    text = "".join(page.extract_text() or "" for page in PdfReader(pdf_path).pages)
    assert "Berita nomor 2" in text and "Berita nomor 1" not in text


def test_an_unknown_kecamatan_is_refused_in_one_line_naming_the_known_ones(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'out'}\n", encoding="utf-8"
    )
    reset_stats(world.endpoint)
    result = CliRunner().invoke(main, ["--config", str(world.config), "bulletin", "--kecamatan", "Atlantis"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert line == (
        "error: no kecamatan 'Atlantis' in the region list; known: Awayan, Batu Mandi, Halong, Juai, Lampihong, "
        "Paringin, Paringin Selatan, Tebing Tinggi"
    )
    assert not (tmp_path / "out").exists() and stats(world.endpoint) == {}


def test_a_week_without_news_writes_no_pdf_and_says_so(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'out'}\n", encoding="utf-8"
    )
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
    finally:
        app.close()
    runner = CliRunner()
    quiet = runner.invoke(main, ["--config", str(world.config), "bulletin", "--week", "2025-W01"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.strip() == "bulletin 2025-W01: no story was published that week; no PDF written"
    # Spelled any way, a kecamatan of the list is found; this one sent nothing this week.
    other = runner.invoke(main, ["--config", str(world.config), "bulletin", "--kecamatan", "  BATUMANDI "])
    assert other.exit_code == 0, other.output
    assert "no story of Kecamatan Batu Mandi was published that week; no PDF written" in other.output
    assert not (tmp_path / "out").exists()
    juai = runner.invoke(main, ["--config", str(world.config), "bulletin", "--kecamatan", "juai"])
    assert juai.exit_code == 0 and ": 1 story, " in juai.output, juai.output
    [made] = (tmp_path / "out").iterdir()
    assert made.name.endswith("-juai.pdf") and str(made) in juai.output


def test_the_command_counts_the_characters_no_font_has(sandbox: Sandbox, tmp_path: Path) -> None:
    row = response_row(1, title="Panen raya 中文")
    row[6] = "Warga berterima kasih 🙏👍 kepada petani. Hasil panen naik, kata Pak Camat di balai desa."
    world = make_world(sandbox.url, tmp_path, [row])
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'out'}\n", encoding="utf-8"
    )
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
    finally:
        app.close()
    result = CliRunner().invoke(main, ["--config", str(world.config), "bulletin"])
    assert result.exit_code == 0, result.output
    assert "1 story, 1 page, 4 characters printed as \N{REPLACEMENT CHARACTER} (no font has them)" in result.output
    [pdf_path] = (tmp_path / "out").glob("buletin-*.pdf")
    text = "".join(page.extract_text() or "" for page in PdfReader(pdf_path).pages)
    assert "Panen raya \N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER}" in text
