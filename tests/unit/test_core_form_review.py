"""Mapping the responses sheet and the review sheet by header, never by position."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from pipeline.config import DEFAULT_FORM_COLUMNS
from pipeline.core.form import FormLayout, FormLayoutError
from pipeline.core.officer_input import read_checkbox
from pipeline.core.review import DEFAULT_HEADERS, ReviewLayout, ReviewLayoutError, column_letter
from pipeline.core.validate import normalise
from pipeline.infra.regions_file import load_regions

WITA = ZoneInfo("Asia/Makassar")
ENGLISH = [
    "Timestamp",
    "Email Address",
    "Kecamatan",
    "Desa",
    "Nama Operator KIM",
    "Judul Berita",
    "Isi Berita",
    "Foto Berita",
]
INDONESIAN = ["Cap waktu", "Alamat email", *ENGLISH[2:]]


@pytest.mark.parametrize("header", [ENGLISH, INDONESIAN, [h.upper() for h in INDONESIAN]])
def test_form_layout_accepts_english_and_indonesian_headers(header: list[str]) -> None:
    layout = FormLayout.from_header(header, DEFAULT_FORM_COLUMNS)
    assert layout.columns["timestamp"] == 0 and layout.columns["photos"] == 7


def test_a_new_question_on_the_right_does_not_move_fields_or_change_identity() -> None:
    row = [46348.5, "a@example.com", "Juai", "Juai", "Siti", "Judul", "Isi berita yang cukup panjang.", ""]
    old = FormLayout.from_header(ENGLISH, DEFAULT_FORM_COLUMNS)
    new = FormLayout.from_header([*ENGLISH, "Nomor HP"], DEFAULT_FORM_COLUMNS)
    assert new.response_key([*row, "0812"]) == old.response_key(row)


def test_form_layout_names_missing_questions() -> None:
    with pytest.raises(FormLayoutError, match="title"):
        FormLayout.from_header(["Timestamp", "Kecamatan", "Desa", "Isi Berita"], DEFAULT_FORM_COLUMNS)


def test_rows_without_timestamp_are_not_responses() -> None:
    layout = FormLayout.from_header(ENGLISH, DEFAULT_FORM_COLUMNS)
    assert layout.parse(["", "", "Juai"], WITA) is None


def test_normalise_flags_every_problem_in_indonesian() -> None:
    layout = FormLayout.from_header(ENGLISH, DEFAULT_FORM_COLUMNS)
    response = layout.parse([46348.5, "a@example.com", "Juai", "Desa Khayalan", "Siti", "", "pendek", ""], WITA)
    assert response is not None
    submission = normalise(response, load_regions())
    assert not submission.is_valid
    assert "Judul berita kosong." in submission.problems
    assert any("terlalu pendek" in p for p in submission.problems)
    assert any("Desa Khayalan" in p for p in submission.problems)


def test_normalise_gives_official_spelling() -> None:
    layout = FormLayout.from_header(ENGLISH, DEFAULT_FORM_COLUMNS)
    response = layout.parse(
        [
            46348.5,
            "a@example.com",
            "batu  mandi",
            "BATUMANDI",
            "Siti",
            " Judul ",
            "Isi berita yang cukup panjang.",
            "",
        ],
        WITA,
    )
    assert response is not None
    submission = normalise(response, load_regions())
    assert submission.is_valid, submission.problems
    assert (submission.kecamatan, submission.desa, submission.title) == ("Batu Mandi", "Batumandi", "Judul")


def _review_values() -> list[list[object]]:
    header = list(DEFAULT_HEADERS.values())
    header.reverse()  # officers may reorder columns
    layout = ReviewLayout.from_header(header, DEFAULT_HEADERS)
    row = layout.lay_out({"code": "MM-20261122-0001", "title": "Judul", "approve": True, "status": "Menunggu"})
    return [header, [], row, ["bukan kode"]]


def test_review_rows_are_found_by_code_wherever_columns_are() -> None:
    values = _review_values()
    layout = ReviewLayout.from_header(values[0], DEFAULT_HEADERS)
    rows = layout.parse(values)
    assert [(r.code, r.row_number, r.title, r.approve) for r in rows] == [("MM-20261122-0001", 3, "Judul", True)]
    assert rows[0].pipeline_cells["status"] == "Menunggu"


def test_review_layout_names_missing_columns() -> None:
    with pytest.raises(ReviewLayoutError, match="Setujui"):
        ReviewLayout.from_header([h for h in DEFAULT_HEADERS.values() if h != "Setujui"], DEFAULT_HEADERS)


def test_checkbox_values_and_column_letters() -> None:
    assert read_checkbox(True) and read_checkbox("TRUE") and read_checkbox("ya")
    assert read_checkbox("FALSE") is False and read_checkbox("") is False
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]


def test_a_row_is_behind_when_it_shows_another_state_from_no_later_than_the_last_written() -> None:
    from pipeline.core.review import sheet_is_ahead, sheet_is_behind

    last = {"status": "Terbit", "link": "http://b/1", "post_id": "1", "processed": "2026-11-22 10:00"}
    retracted = {"status": "Ditarik", "link": "", "post_id": "1", "processed": "2026-11-22 11:00"}
    old = {"status": "Menunggu", "link": "", "post_id": "", "processed": ""}
    assert not sheet_is_behind(last, last, last)  # as written
    assert not sheet_is_behind(last, retracted, last)  # an outcome not yet written back
    assert sheet_is_behind(old, retracted, retracted)  # a version from before anything was done
    assert sheet_is_behind(last, retracted, retracted)  # a version from before the retraction
    same_minute = {**last, "processed": retracted["processed"]}  # published and retracted within one minute
    assert sheet_is_behind(same_minute, retracted, retracted)
    later = {**old, "processed": "2026-11-22 12:00"}  # later than the ledger: not behind (maybe ahead)
    assert not sheet_is_behind(later, retracted, retracted)
    assert not sheet_is_behind(old, retracted, None)  # nothing known of what the sheet showed
    assert sheet_is_ahead(retracted, last) and not sheet_is_ahead(last, retracted)
