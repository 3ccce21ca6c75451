"""Cleaning operators' text, matching region names, reference codes, timestamps."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pipeline.core.codes import format_code, is_code
from pipeline.core.photos import drive_file_id, file_ids, split_links
from pipeline.core.sheettime import from_serial, parse_timestamp, to_serial
from pipeline.core.text import clean_body, clean_line, counted, fold, mask_addresses, paragraphs
from pipeline.infra.regions_file import load_regions

WITA = ZoneInfo("Asia/Makassar")


def test_clean_line_drops_invisible_and_control_characters_and_collapses_spaces() -> None:
    assert clean_line("  Gotong\u200b royong\t\u00a0di\x07 desa \n") == "Gotong royong di desa"


def test_clean_line_normalises_to_nfc() -> None:
    assert clean_line("Cafe\u0301") == "Caf\u00e9"


def test_clean_body_keeps_paragraphs_but_not_runs_of_blank_lines() -> None:
    assert clean_body("Satu  dua\r\n\r\n\r\n\r\nTiga\u200d") == "Satu dua\n\nTiga"
    assert paragraphs("Satu\nbaris\n\nDua") == ["Satu\nbaris", "Dua"]


def test_fold_ignores_case_and_spacing() -> None:
    assert fold("  batu   MANDI ") == fold("Batu Mandi")


def test_regions_match_official_spelling_case_and_space_insensitively() -> None:
    regions = load_regions()
    assert len(regions) == 157
    assert len(regions.kecamatan_names) == 8
    assert regions.kecamatan("batu  mandi") == "Batu Mandi"
    village = regions.village("BATU MANDI", "batumandi")
    assert village is not None and village.desa == "Batumandi"
    assert regions.village("Juai", "Batumandi") is None


def test_reference_codes() -> None:
    code = format_code(date(2026, 11, 22), 7)
    assert code == "MM-20261122-0007"
    assert is_code(code)
    assert not is_code("MM-2026-7")


def test_serial_round_trip_in_the_sheet_time_zone() -> None:
    moment = datetime(2026, 11, 22, 8, 15, 3, tzinfo=WITA)
    assert from_serial(to_serial(moment, WITA), WITA) == moment
    assert from_serial(46348.0, WITA) == datetime(2026, 11, 22, tzinfo=WITA)


def test_parse_timestamp_accepts_serials_and_typed_text() -> None:
    assert parse_timestamp(46348.5, WITA) == datetime(2026, 11, 22, 12, 0, tzinfo=WITA)
    assert parse_timestamp("22/11/2026 08.15.03", WITA) == datetime(2026, 11, 22, 8, 15, 3, tzinfo=WITA)
    assert parse_timestamp("", WITA) is None
    assert parse_timestamp(True, WITA) is None


def test_drive_links_from_the_upload_question() -> None:
    answer = "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp, https://drive.google.com/open?id=2ZyXwVuTsRqPoNmLk"
    assert file_ids(split_links(answer)) == ("1AbCdEfGhIjKlMnOp", "2ZyXwVuTsRqPoNmLk")
    assert drive_file_id("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing") == "1AbCdEfGhIjKlMnOp"
    assert drive_file_id("not a link") is None


def test_the_code_is_found_in_a_rendered_post_footer_and_split() -> None:
    from datetime import date

    from pipeline.core.codes import code_in_post, split_code

    html = '<p>Isi</p>\n<p class="kode-berita"><small>Kode berita: MM-20261122-0012</small></p>'
    assert code_in_post(html) == "MM-20261122-0012"
    assert code_in_post("<p>Kode berita dihapus</p>") is None
    assert split_code("MM-20261122-0012") == (date(2026, 11, 22), 12)
    assert split_code("bukan kode") is None


def test_addresses_are_masked_wherever_they_are_in_a_notice_key_or_error() -> None:
    assert mask_addresses("operator1@example.com") == "o***@example.com"
    key = "complaint_received:PG-20261122-0001:41:warga.desa@mail.example.id"
    assert mask_addresses(key) == "complaint_received:PG-20261122-0001:41:w***@mail.example.id"
    error = "operator1@example.com refused: {'operator1@example.com': (550, b'no such mailbox')}"
    assert "operator1" not in mask_addresses(error)
    assert mask_addresses("rejected:MM-20261122-0001") == "rejected:MM-20261122-0001"


def test_counts_take_their_noun_in_the_right_number() -> None:
    assert [counted(n, "e-mail") for n in (0, 1, 2)] == ["0 e-mails", "1 e-mail", "2 e-mails"]
    assert counted(1, "story", "stories") == "1 story" and counted(3, "story", "stories") == "3 stories"
