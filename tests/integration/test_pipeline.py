"""The walking skeleton end to end: real gspread and googleapiclient against the sandbox over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .world import World, blog_posts, make_world, reset_stats, response_row, stats

NO_SLEEP = RetryPolicy(sleep=lambda _: None)


@pytest.fixture
def world(sandbox: Sandbox, tmp_path: Path) -> World:
    rows = [
        response_row(1),
        response_row(2, title=""),
        response_row(3, kecamatan="batu  mandi", desa="BATUMANDI"),
    ]
    return make_world(sandbox.url, tmp_path, rows)


@pytest.fixture
def app(world: World) -> Iterator[App]:
    built = build_app(load_settings(world.config), policy=NO_SLEEP)
    yield built
    built.close()


def review_sheet(app: App) -> gspread.Worksheet:
    client = officer_sheets_client(app.settings)
    return client.open_by_key(app.settings.review.spreadsheet_id).worksheet("Berita")


def records_by_code(sheet: gspread.Worksheet) -> dict[str, dict[str, Any]]:
    return {str(r["Kode"]): r for r in sheet.get_all_records()}


def officer_sets(sheet: gspread.Worksheet, code: str, **cells: Any) -> None:
    """Type into the row of `code`, wherever it is now, as an officer in the browser would."""
    header = sheet.row_values(1)
    row = sheet.find(code, in_column=header.index("Kode") + 1)
    assert row is not None
    updates = [
        {"range": gspread.utils.rowcol_to_a1(row.row, header.index(name) + 1), "values": [[value]]}
        for name, value in cells.items()
    ]
    sheet.batch_update(updates, value_input_option="USER_ENTERED")


def test_fresh_ingest_queues_every_response_once_with_codes(app: App) -> None:
    report = run_cycle(app)
    assert (report.ingested, report.queued) == (3, 3)
    sheet = review_sheet(app)
    rows = records_by_code(sheet)
    assert sorted(rows) == ["MM-20261122-0001", "MM-20261122-0002", "MM-20261122-0003"]
    invalid = rows["MM-20261122-0002"]
    assert invalid["Status"] == "Perlu perbaikan"
    assert "Judul berita kosong." in invalid["Pesan"]
    normalised = rows["MM-20261122-0003"]
    assert (normalised["Kecamatan"], normalised["Desa"], normalised["Status"]) == (
        "Batu Mandi",
        "Batumandi",
        "Menunggu",
    )
    assert rows["MM-20261122-0001"]["Setujui"] == "FALSE"


def test_approval_publishes_live_and_writes_the_link_back(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE", Label="Kebersihan")
    report = run_cycle(app)
    assert report.count("publish") == 1, report
    posts = blog_posts(world.endpoint, world.blog_id)
    assert len(posts) == 1
    post = posts[0]
    assert post["status"] == "LIVE"
    assert "Kode berita: MM-20261122-0001" in post["content"]
    assert set(post["labels"]) == {"Kecamatan Juai", "Desa Juai", "Kebersihan"}
    row = records_by_code(sheet)["MM-20261122-0001"]
    assert row["Status"] == "Terbit"
    assert row["Tautan"] == post["url"]
    assert str(row["Post ID"]) == post["id"]
    assert row["Diproses"] != ""


def test_draft_mode_creates_a_draft(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0003", Setujui="TRUE", Mode="Draf")
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert post["status"] == "DRAFT"
    row = records_by_code(sheet)["MM-20261122-0003"]
    assert (row["Status"], row["Tautan"], str(row["Post ID"])) == ("Draf", "", post["id"])


def test_second_cycle_with_nothing_new_changes_nothing(app: App, world: World) -> None:
    run_cycle(app)
    officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
    run_cycle(app)
    reset_stats(world.endpoint)
    report = run_cycle(app)
    assert (report.ingested, report.queued, report.outcomes, report.cells_written) == (0, 0, [], 0)
    calls = stats(world.endpoint)
    writes = {
        k: v for k, v in calls.items() if k.split(".")[-1] in {"update", "append", "batchUpdate", "insert", "patch"}
    }
    assert writes == {}
    assert len(blog_posts(world.endpoint, world.blog_id)) == 1


def test_write_back_follows_the_code_after_the_officer_sorts_the_sheet(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    header = sheet.row_values(1)
    # Sort data rows by Kode descending, as an officer might: the rows move, the codes stay with them.
    sheet.sort((header.index("Kode") + 1, "des"), range=f"A2:{gspread.utils.rowcol_to_a1(4, len(header))}")
    assert sheet.col_values(header.index("Kode") + 1)[1] == "MM-20261122-0003"
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
    run_cycle(app)
    rows = records_by_code(sheet)
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert rows["MM-20261122-0001"]["Tautan"] == post["url"]
    assert rows["MM-20261122-0003"]["Tautan"] == "" and rows["MM-20261122-0003"]["Status"] == "Menunggu"


def test_reject_then_edit_and_retract(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0003", Tolak="TRUE", Catatan="Foto kurang jelas.")
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
    run_cycle(app)
    rows = records_by_code(sheet)
    assert rows["MM-20261122-0003"]["Status"] == "Ditolak"
    assert "Foto kurang jelas." in rows["MM-20261122-0003"]["Pesan"]
    officer_sets(sheet, "MM-20261122-0001", Judul="Berita nomor 1 (diperbaiki)")
    report = run_cycle(app)
    assert report.count("update") == 1
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert post["title"] == "Berita nomor 1 (diperbaiki)"
    officer_sets(sheet, "MM-20261122-0001", Tolak="TRUE")
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert post["status"] == "DRAFT"
    assert records_by_code(sheet)["MM-20261122-0001"]["Status"] == "Ditarik"


def test_new_responses_later_are_appended_below_without_duplicates(app: App, world: World) -> None:
    from .world import append_responses

    run_cycle(app)
    append_responses(world.endpoint, world.form_id, [response_row(4)])
    report = run_cycle(app)
    assert (report.ingested, report.queued) == (1, 1)
    codes = review_sheet(app).col_values(1)[1:]
    assert codes == ["MM-20261122-0001", "MM-20261122-0002", "MM-20261122-0003", "MM-20261122-0004"]


def test_deleted_rows_come_back_as_they_were_undecided_and_decided(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0003", Tolak="TRUE", Catatan="Foto kurang jelas")
    run_cycle(app)
    for code in ("MM-20261122-0001", "MM-20261122-0003"):
        found = sheet.find(code)
        assert found is not None
        sheet.delete_rows(found.row)
    report = run_cycle(app)
    assert report.restored == 2
    rows = records_by_code(sheet)
    assert rows["MM-20261122-0001"]["Status"] == "Menunggu"
    assert "dikembalikan" in rows["MM-20261122-0001"]["Pesan"]
    rejected = rows["MM-20261122-0003"]
    assert (rejected["Status"], rejected["Tolak"], rejected["Catatan"]) == ("Ditolak", "TRUE", "Foto kurang jelas")
    assert "dikembalikan" in rejected["Pesan"] and "Foto kurang jelas" in rejected["Pesan"]
    again = run_cycle(app)
    assert (again.restored, again.outcomes, again.cells_written) == (0, [], 0)


def sheets_calls(endpoint: str) -> int:
    return sum(n for method, n in stats(endpoint).items() if method.startswith("sheets."))


def test_calls_per_cycle_do_not_grow_with_rows(app: App, world: World) -> None:
    from .world import append_responses

    run_cycle(app)  # first cycle: finds the responses tab and creates the review header once
    append_responses(world.endpoint, world.form_id, [response_row(n) for n in range(4, 40)])
    officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
    officer_sets(review_sheet(app), "MM-20261122-0003", Setujui="TRUE")
    reset_stats(world.endpoint)
    report = run_cycle(app)
    assert (report.ingested, report.count("publish")) == (36, 2)
    calls = stats(world.endpoint)
    assert sheets_calls(world.endpoint) <= 4, calls
    assert calls.get("blogger.posts.insert") == 2
    reset_stats(world.endpoint)
    run_cycle(app)  # the write-back changed both spreadsheets' versions: read once more, to confirm
    assert sheets_calls(world.endpoint) <= 2, stats(world.endpoint)
    # Besides the read, only the read gate's two version checks (one per spreadsheet).
    assert {m: n for m, n in stats(world.endpoint).items() if not m.startswith("sheets.")} == {"drive.files.get": 2}
    reset_stats(world.endpoint)
    assert run_cycle(app).quiet  # nothing changed since: no sheet is read
    assert stats(world.endpoint) == {"drive.files.get": 2}


def test_an_unreadable_photo_holds_the_row_with_a_reason_and_a_fixed_row_publishes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    import requests

    from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
    from pipeline.sandbox.seed import upload_file

    with requests.Session() as http:
        good = upload_file(http, sandbox.url, "a.png", png_bytes(DEMO_PHOTOS["panen"]), "image/png")
        gone = upload_file(http, sandbox.url, "b.png", png_bytes(DEMO_PHOTOS["pasar"]), "image/png")
        http.post(f"{sandbox.url}/_sandbox/files/{gone}/access", json={"readable": False}).raise_for_status()
    links = f"https://drive.google.com/open?id={good}, https://drive.google.com/open?id={gone}"
    world = make_world(sandbox.url, tmp_path, [response_row(1, photos=links)])
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
        row = records_by_code(sheet)["MM-20261122-0001"]
        assert row["Status"] == "Perlu perbaikan" and gone in row["Pesan"]
        assert blog_posts(world.endpoint, world.blog_id) == []
        officer_sets(sheet, "MM-20261122-0001", Foto=f"https://drive.google.com/open?id={good}")
        run_cycle(app)
        [post] = blog_posts(world.endpoint, world.blog_id)
        assert good in post["content"] and gone not in post["content"]
        assert records_by_code(sheet)["MM-20261122-0001"]["Status"] == "Terbit"
    finally:
        app.close()


def test_a_pdf_among_the_photos_is_refused_before_anything_is_shared(sandbox: Sandbox, tmp_path: Path) -> None:
    import requests

    from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
    from pipeline.sandbox.seed import upload_file

    with requests.Session() as http:
        photo = upload_file(http, sandbox.url, "a.png", png_bytes(DEMO_PHOTOS["panen"]), "image/png")
        pdf = upload_file(http, sandbox.url, "surat.pdf", b"%PDF-1.4 surat", "application/pdf")
    links = f"https://drive.google.com/open?id={photo}, https://drive.google.com/open?id={pdf}"
    world = make_world(sandbox.url, tmp_path, [response_row(1, photos=links)])
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
        row = records_by_code(sheet)["MM-20261122-0001"]
        assert row["Status"] == "Perlu perbaikan" and "surat.pdf" in row["Pesan"] and "bukan foto" in row["Pesan"]
        assert blog_posts(world.endpoint, world.blog_id) == []
        permissions = requests.get(f"{sandbox.url}/drive/v3/files/{photo}/permissions", timeout=10).json()
        assert permissions["permissions"] == []
    finally:
        app.close()


def test_a_story_sent_twice_is_queued_once_more_as_duplikat(sandbox: Sandbox, tmp_path: Path) -> None:
    twice = response_row(7)
    again = [*response_row(8)[:5], twice[5], twice[6], ""]  # a second tap on "Kirim", a minute later
    world = make_world(sandbox.url, tmp_path, [twice, again])
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        run_cycle(app)
        rows = records_by_code(review_sheet(app))
        assert rows["MM-20261122-0001"]["Status"] == "Menunggu"
        assert rows["MM-20261122-0002"]["Status"] == "Duplikat"
        assert "MM-20261122-0001" in rows["MM-20261122-0002"]["Pesan"]
    finally:
        app.close()


def test_a_retyped_story_from_the_same_village_within_the_window_is_duplikat(sandbox: Sandbox, tmp_path: Path) -> None:
    body = (
        "Warga Desa Juai bergotong royong membersihkan saluran irigasi sepanjang 500 meter pada Sabtu pagi, "
        "dipimpin kepala desa dan didampingi penyuluh pertanian."
    )
    first = response_row(1, title="Gotong royong bersihkan saluran irigasi")
    first[6] = body
    retyped = response_row(2, title="Kerja bakti di Juai")  # another operator of the same village, an hour on
    retyped[6] = body.replace("Sabtu pagi", "sabtu pagi tadi").replace("500", "lima ratus")
    other_story = response_row(3, title="Posyandu balita bulan November")
    other_story[6] = "Posyandu Melati menimbang 42 balita dan memberi vitamin A di balai desa Juai."
    elsewhere = response_row(
        4, title="Gotong royong bersihkan saluran irigasi", kecamatan="Batu Mandi", desa="Lok Batu"
    )
    elsewhere[6] = "Warga Lok Batu membersihkan saluran irigasi desa mereka bersama-sama sejak pagi hari."
    world = make_world(sandbox.url, tmp_path, [first, retyped, other_story, elsewhere], near_duplicates=True)
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        run_cycle(app)
        rows = records_by_code(review_sheet(app))
        statuses = [rows[f"MM-20261122-000{n}"]["Status"] for n in range(1, 5)]
        assert statuses == ["Menunggu", "Duplikat", "Menunggu", "Menunggu"]
        assert (
            "hampir sama" in rows["MM-20261122-0002"]["Pesan"]
            and "MM-20261122-0001" in rows["MM-20261122-0002"]["Pesan"]
        )
        # The officer can still approve it.
        officer_sets(review_sheet(app), "MM-20261122-0002", Setujui="TRUE")
        run_cycle(app)
        assert records_by_code(review_sheet(app))["MM-20261122-0002"]["Status"] == "Terbit"
    finally:
        app.close()


def test_responses_are_read_from_a_bookmark_and_whole_only_when_rows_moved(sandbox: Sandbox, tmp_path: Path) -> None:
    from .world import append_responses

    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 301)])
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    form = officer_sheets_client(app.settings).open_by_key(world.form_id).worksheet("Form Responses 1")
    # Each after a cycle that changed a spreadsheet, so the read gate's two version checks let the read through.
    gate = {"drive.files.get": 2}
    tail_read = {**gate, "sheets.spreadsheets.values.batchGet": 1, "sheets.spreadsheets.values.get": 1}
    # The bookmark's read fails, then the sheet is read from the top in chunks of schedule.rows_per_cycle rows
    # (one here).
    whole_read = {**gate, "sheets.spreadsheets.values.batchGet": 1, "sheets.spreadsheets.values.get": 2}
    try:
        assert run_cycle(app).ingested == 300
        reset_stats(world.endpoint)
        assert run_cycle(app).ingested == 0
        assert stats(world.endpoint) == tail_read  # the review sheet whole, the responses from the bookmark
        append_responses(world.endpoint, world.form_id, [response_row(301)])
        assert run_cycle(app).ingested == 1
        form.sort((2, "des"), range="A2:H302")  # by email, reversed: the remembered rows moved
        reset_stats(world.endpoint)
        assert run_cycle(app).ingested == 0
        assert stats(world.endpoint) == whole_read
        form.delete_rows(5)
        append_responses(world.endpoint, world.form_id, [response_row(302)])
        assert run_cycle(app).ingested == 1  # read whole again: the row above the bookmark is gone
        reset_stats(world.endpoint)
        assert run_cycle(app).ingested == 0
        assert stats(world.endpoint) == tail_read
        assert len(app.ledger.records()) == 302
    finally:
        app.close()


def test_rows_finished_long_ago_move_to_the_archive_tab_in_the_write_back(sandbox: Sandbox, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from .world import append_responses

    now = [datetime(2026, 11, 22, 1, 0, tzinfo=UTC)]
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 6)])
    app = build_app(load_settings(world.config), policy=NO_SLEEP, clock=lambda: now[0])
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
        officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE")
        officer_sets(sheet, "MM-20261122-0003", Tolak="TRUE")
        run_cycle(app)
        now[0] += timedelta(days=29)
        assert run_cycle(app).archived == 0
        now[0] += timedelta(days=2)
        officer_sets(sheet, "MM-20261122-0002", Judul="Judul diperbaiki")  # touched: stays until it settles
        sheet.insert_row([], 2)  # rows keep moving; the archive goes by code
        reset_stats(world.endpoint)
        report = run_cycle(app)
        assert report.archived == 2 and report.count("update") == 1
        assert sheets_calls(world.endpoint) <= 4 + 3, stats(world.endpoint)  # + creating the Arsip tab, once
        archive = sheet.spreadsheet.worksheet("Arsip").get_all_records()
        assert [(r["Kode"], r["Status"]) for r in archive] == [
            ("MM-20261122-0001", "Terbit"),
            ("MM-20261122-0003", "Ditolak"),
        ]
        assert archive[0]["Tautan"].startswith("http")
        live = records_by_code(sheet)
        assert sorted(c for c in live if c) == ["MM-20261122-0002", "MM-20261122-0004", "MM-20261122-0005"]
        append_responses(world.endpoint, world.form_id, [response_row(6)])
        report = run_cycle(app)
        assert (report.queued, report.restored, report.archived) == (1, 0, 0)
        assert "archived" in [e.kind for e in app.ledger.events("MM-20261122-0001")]
        now[0] += timedelta(days=31)
        reset_stats(world.endpoint)
        assert run_cycle(app).archived == 1
        assert sheets_calls(world.endpoint) <= 4, stats(world.endpoint)
        assert len(sheet.spreadsheet.worksheet("Arsip").get_all_values()) == 4
    finally:
        app.close()
    assert len(blog_posts(world.endpoint, world.blog_id)) == 2


def test_a_row_copied_with_its_code_is_posted_once_and_the_copy_loses_its_code(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
    values = sheet.get_all_values()
    row = next(r for r in values if r[values[0].index("Kode")] == "MM-20261122-0001")
    sheet.append_row(row, value_input_option="USER_ENTERED", table_range="A1")
    report = run_cycle(app)
    assert report.count("publish") == 1
    [post] = blog_posts(world.endpoint, world.blog_id)
    records = sheet.get_all_records()
    # The story keeps one row (the one as the officer left it); the copy loses its Kode and says why.
    assert [r["Tautan"] for r in records if r["Kode"] == "MM-20261122-0001"] == [post["url"]]
    [copy] = [r for r in records if r["Kode"] == "" and r["Judul"] == "Berita nomor 1"]
    assert copy["Pesan"].startswith("Salinan baris MM-20261122-0001")
    again = run_cycle(app)
    assert (again.outcomes, again.cells_written, again.restored) == ([], 0, 0)
    assert len(blog_posts(world.endpoint, world.blog_id)) == 1
