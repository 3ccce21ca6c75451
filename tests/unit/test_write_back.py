"""The pure part of the write-back: what differs, what is finished, where each code is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.core.model import ReviewRow, Status
from pipeline.core.write_back import Standing, cell_changes, finished, rows_by_code

NOW = datetime(2026, 11, 27, tzinfo=UTC)
SHOWN = {"status": "Terbit", "link": "http://b/1", "post_id": "1", "processed": "2026-11-01 08:00", "message": ""}


def _row(code: str, **cells: str) -> ReviewRow:
    return ReviewRow(
        row_number=2,
        code=code,
        kecamatan="Juai",
        desa="Juai",
        operator="",
        email="",
        title="t",
        body="b",
        photos=(),
        labels=(),
        approve=True,
        reject=False,
        mode_text=cells.pop("mode", "Terbit"),
        schedule_text="",
        note="",
        pipeline_cells={**SHOWN, **cells},
    )


def _standing(status: Status = Status.PUBLISHED, days_ago: int = 40, **wanted: str) -> Standing:
    return Standing({**SHOWN, **wanted}, None, status, NOW - timedelta(days=days_ago))


def test_only_the_cells_that_differ_are_written_and_a_mode_override_is_one() -> None:
    rows = [_row("A"), _row("B", message="old"), _row("C", mode="Draf")]
    standing = {"A": _standing(), "B": _standing(), "C": Standing(SHOWN, "Terbit", Status.PUBLISHED, NOW)}
    assert cell_changes(rows, standing) == {"B": {"message": ""}, "C": {"mode": "Terbit"}}


def test_finished_rows_are_done_long_ago_settled_and_untouched() -> None:
    rows = [_row(c) for c in "ABCDE"]
    standing = {
        "A": _standing(),
        "B": _standing(days_ago=3),  # not long enough ago
        "C": _standing(status=Status.WAITING),  # not done
        "D": _standing(),  # acted on this cycle
        "E": _standing(),  # changed on the sheet
    }
    assert finished(rows, standing, cutoff=NOW - timedelta(days=30), settled={"A", "B", "C", "E"}, changed=["E"]) == {
        "A"
    }


def test_rows_by_code_skip_the_header_and_blank_codes_and_keep_copies() -> None:
    assert rows_by_code(["Kode", "A", "", "B", "A"]) == {"A": [2, 5], "B": [4]}
