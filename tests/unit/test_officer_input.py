"""What officers type into the review sheet, read strictly and kindly: dropdown values and their look-alikes are
understood, anything else is named back to the officer instead of being guessed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pipeline.core.decide import parse_schedule
from pipeline.core.model import Mode
from pipeline.core.officer_input import (
    SCHEDULE_PROBLEM,
    checkbox_problem,
    mode_problem,
    operator_reason,
    read_checkbox,
    stale_schedule_problem,
)
from pipeline.core.review import DEFAULT_HEADERS, ReviewLayout

WITA = ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize(
    ("typed", "mode"),
    [
        ("Terbit", Mode.LIVE),
        ("terbit", Mode.LIVE),
        ("  TERBIT ", Mode.LIVE),
        ("Ter bit", Mode.LIVE),
        ("Terbit.", Mode.LIVE),
        ("\u00a0Terbit\u00a0", Mode.LIVE),
        ("Draf", Mode.DRAFT),
        ("draf.", Mode.DRAFT),
        ("JADWAL", Mode.SCHEDULED),
        ("Jad\u200bwal", Mode.SCHEDULED),
    ],
)
def test_mode_accepts_its_dropdown_values_whatever_the_case_spaces_and_dots(typed: str, mode: Mode) -> None:
    assert Mode.parse(typed, Mode.DRAFT) is mode


@pytest.mark.parametrize(
    ("typed", "mode"),
    [
        ("Draft", Mode.DRAFT),
        ("konsep", Mode.DRAFT),
        ("Publish", Mode.LIVE),
        ("Terbitkan", Mode.LIVE),
        ("Tayang", Mode.LIVE),
        ("LIVE", Mode.LIVE),
        ("Terjadwal", Mode.SCHEDULED),
        ("Schedule", Mode.SCHEDULED),
        ("Scheduled", Mode.SCHEDULED),
        ("Dijadwalkan", Mode.SCHEDULED),
        ("di jadwalkan", Mode.SCHEDULED),
    ],
)
def test_mode_accepts_a_few_documented_synonyms(typed: str, mode: Mode) -> None:
    assert Mode.parse(typed, Mode.LIVE) is mode


@pytest.mark.parametrize("typed", ["", "   ", "\u00a0", "\u200b"])
def test_a_blank_mode_means_the_configured_default(typed: str) -> None:
    assert Mode.parse(typed, Mode.DRAFT) is Mode.DRAFT
    assert Mode.parse(typed, Mode.LIVE) is Mode.LIVE


@pytest.mark.parametrize("typed", ["Publikasi", "Terbi", "?", "Draf dulu", "Tidak", "Jadwal 08:00"])
def test_an_unknown_mode_is_never_guessed(typed: str) -> None:
    assert Mode.parse(typed, Mode.LIVE) is None


def test_the_mode_message_names_the_typed_word_and_the_allowed_values() -> None:
    assert mode_problem("Publikasi") == 'Mode "Publikasi" tidak dikenal; pilih Terbit, Draf atau Jadwal.'
    # A pasted quote or a long paste does not make the message unreadable.
    assert mode_problem('Ter"bit') == 'Mode "Ter\'bit" tidak dikenal; pilih Terbit, Draf atau Jadwal.'
    assert len(mode_problem("x" * 500)) < 120


@pytest.mark.parametrize(
    "value",
    [True, "TRUE", "true", " Ya ", "iya", "yes", "Y", "1", 1, 1.0, "✓", "✔", "x", "X", "v", "V", "benar", "ya."],
)
def test_a_checkbox_is_ticked_by_a_real_tick_or_a_clear_look_alike(value: object) -> None:
    assert read_checkbox(value) is True


@pytest.mark.parametrize(
    "value", [False, "FALSE", "false", "tidak", "Tidak.", "no", "N", "0", 0, 0.0, "", None, "salah"]
)
def test_a_checkbox_is_unticked_by_a_real_untick_a_look_alike_or_blank(value: object) -> None:
    assert read_checkbox(value) is False


@pytest.mark.parametrize("value", ["mungkin", "?", "2", 2, "ok nanti", "-1"])
def test_any_other_checkbox_content_is_not_understood(value: object) -> None:
    assert read_checkbox(value) is None


def _sheet(**cells: object) -> list[list[object]]:
    header = list(DEFAULT_HEADERS.values())
    layout = ReviewLayout.from_header(header, DEFAULT_HEADERS)
    return [header, layout.lay_out({"code": "MM-20261122-0001", **cells})]


def test_an_unreadable_checkbox_is_not_a_tick_and_is_named_for_the_officer() -> None:
    values = _sheet(approve="mungkin", reject="?")
    [row] = ReviewLayout.from_header(values[0], DEFAULT_HEADERS).parse(values)
    assert (row.approve, row.reject) == (False, False)
    assert row.unreadable == (checkbox_problem("Setujui", "mungkin"), checkbox_problem("Tolak", "?"))
    assert row.unreadable[0] == 'Kolom Setujui berisi "mungkin", yang tidak dipahami; centang atau kosongkan kotaknya.'


def test_readable_checkboxes_leave_nothing_unreadable() -> None:
    values = _sheet(approve="ya", reject=False)
    [row] = ReviewLayout.from_header(values[0], DEFAULT_HEADERS).parse(values)
    assert (row.approve, row.reject, row.unreadable) == (True, False, ())


def test_renamed_and_optional_checkbox_columns_are_named_as_the_sheet_names_them() -> None:
    headers = {**DEFAULT_HEADERS, "approve": "Setuju", "fact_check": "Cek fakta"}
    header = list(headers.values())
    layout = ReviewLayout.from_header(header, headers)
    values = [header, layout.lay_out({"code": "MM-20261122-0001", "approve": "??", "fact_check": "sudah?"})]
    [row] = layout.parse(values)
    assert row.unreadable == (checkbox_problem("Setuju", "??"), checkbox_problem("Cek fakta", "sudah?"))
    assert not row.fact_checked


@pytest.mark.parametrize(
    "typed",
    [
        "2026-12-01 08:00",
        "2026-12-01 8:00",
        "2026-12-01 08.00",
        "2026-12-01T08:00",
        "2026-12-01 08:00:00",
        "01/12/2026 08:00",
        "1/12/2026 8.00",
        "01-12-2026 08:00",
        "01.12.2026 08.00",
        "01/12/2026 08:00:00",
        "1 Desember 2026 08.00",
        "1 Des 2026 pukul 08.00",
        "1 December 2026, 08:00",
        "  2026-12-01   08:00 ",
        "46357.333333333336",
    ],
)
def test_a_schedule_is_read_in_the_usual_layouts(typed: str) -> None:
    assert parse_schedule(typed, WITA) == datetime(2026, 12, 1, 8, 0, tzinfo=WITA)


@pytest.mark.parametrize(
    "typed",
    ["besok pagi", "2026-12-01", "01/12/2026", "31/02/2026 08:00", "2026-12-01 25:00", "1 Desemberr 2026 08.00"],
)
def test_a_schedule_without_a_time_or_impossible_is_not_read(typed: str) -> None:
    assert parse_schedule(typed, WITA) is None


def test_the_operator_hears_only_what_is_theirs_to_fix() -> None:
    slips = [
        mode_problem("Publikasi"),
        checkbox_problem("Setujui", "mungkin"),
        SCHEDULE_PROBLEM,
        stale_schedule_problem(datetime(2025, 12, 1, 8, 0, tzinfo=WITA), WITA),
    ]
    for slip in slips:
        assert operator_reason(slip) == ""
    theirs = "Judul berita kosong."
    assert operator_reason(" ".join([theirs, *slips])) == theirs
    assert operator_reason(theirs) == theirs
