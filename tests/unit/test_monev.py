"""Monev figures against a ledger whose true counts the test knows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from pipeline.core.complaints import ComplaintStatus
from pipeline.core.decide import PostState
from pipeline.core.model import Status, Submission
from pipeline.core.monev import (
    NOT_FORWARDED,
    ComplaintHistory,
    History,
    complaint_report,
    month_bounds,
    month_report,
    month_weeks,
    percentile,
    summary_rows,
)
from pipeline.infra.regions_file import load_regions
from pipeline.ledger import Ledger

REGIONS = load_regions()
NOV = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Balangan


class Clock:
    def __init__(self) -> None:
        self.now = NOV

    def __call__(self) -> datetime:
        return self.now


def _submit(ledger: Ledger, clock: Clock, n: int, kecamatan: str, desa: str, operator: str) -> str:
    clock.now = NOV + timedelta(days=n)
    story = Submission(clock.now, f"{operator}@example.com", kecamatan, desa, operator, f"Berita {n}", "Isi.", ())
    return ledger.add_submission(f"k{n}", story, clock.now.date()).code


def test_counts_and_review_times_from_the_ledger(tmp_path: Path) -> None:
    clock = Clock()
    ledger = Ledger(tmp_path / "l.sqlite3", clock=clock)
    published = [_submit(ledger, clock, n, "Juai", "Juai", "siti") for n in range(4)]
    rejected = _submit(ledger, clock, 5, "Juai", "Muara Ninian", "budi")
    waiting = _submit(ledger, clock, 6, "Paringin", "Paringin Kota", "ani")
    october = Submission(NOV - timedelta(days=5), "x@example.com", "Awayan", "Awayan", "x", "Lama", "Isi.", ())
    ledger.add_submission("old", october, october.received_at.date())
    for hours, code in zip((2, 2, 10, 30), published, strict=True):
        clock.now = ledger.get(code).received_at + timedelta(hours=hours)  # type: ignore[union-attr]
        ledger.set_outcome(code, Status.PUBLISHED, "Terbit.", kind="posted", post_id=code, post_state=PostState.LIVE)
    clock.now = ledger.get(rejected).received_at + timedelta(hours=1)  # type: ignore[union-attr]
    ledger.set_outcome(rejected, Status.REJECTED, "Ditolak.", kind="rejected")

    start, end = month_bounds("2026-11")
    assert (start, end) == (date(2026, 11, 1), date(2026, 12, 1))
    to_utc = [datetime(d.year, d.month, d.day, tzinfo=UTC) for d in (start, end)]
    items = ledger.history(*to_utc)
    assert {i.code for i in items} == {*published, rejected, waiting}
    report = month_report("2026-11", items, REGIONS, recent=items, until=NOV + timedelta(days=10))
    assert (report.total.submissions, report.total.published, report.total.rejected) == (6, 4, 1)
    juai = report.by_kecamatan["Juai"]
    assert (juai.submissions, juai.published, juai.rejected) == (5, 4, 1)
    assert juai.median_publication == 6.0 and juai.p90_decision == 30.0  # decisions 2, 2, 10, 30, 1 hours
    assert report.by_desa[("Paringin", "Paringin Kota")].submissions == 1
    assert report.review_times == {"< 1 jam": 0, "1-4 jam": 3, "4-24 jam": 1, "1-3 hari": 1, "> 3 hari": 0}
    assert report.top_operators[0] == ("siti", 4)
    assert ("Juai", "Juai") in report.active and ("Awayan", "Awayan") in report.inactive
    assert len(report.active) + len(report.inactive) == len(REGIONS)
    assert sum(report.weeks.values()) == 6
    rows = summary_rows(report)
    assert ["2026-11", "Juai", "", 5, 4, 1, 0, 0, 2.0, 30.0, 6.0] in rows


def test_percentile_is_a_value_that_occurred() -> None:
    assert percentile([5.0, 1.0, 3.0], 90) == 5.0 and percentile([1.0, 2.0], 50) == 1.0 and percentile([], 90) is None


def test_an_unknown_village_is_counted_under_its_own_name() -> None:
    item = History("MM-1", "Luar", "Desa X", "op", "op@x", Status.WAITING, NOV)
    report = month_report("2026-11", [item], REGIONS, until=NOV)
    assert report.by_desa[("Luar", "Desa X")].submissions == 1


def _complaint(
    n: int,
    kecamatan: str,
    category: str,
    department: str = "",
    *,
    forwarded: float | None = None,
    answered: float | None = None,
    closed: float | None = None,
) -> ComplaintHistory:
    """Complaint `n`, received on day `n` of November; the steps are hours after it was received."""
    received = NOV + timedelta(days=n)
    steps = [None if hours is None else received + timedelta(hours=hours) for hours in (forwarded, answered, closed)]
    status = (
        ComplaintStatus.CLOSED
        if closed is not None
        else ComplaintStatus.ANSWERED
        if answered is not None
        else ComplaintStatus.FORWARDED
        if forwarded is not None
        else ComplaintStatus.RECEIVED
    )
    return ComplaintHistory(f"PG-{n}", kecamatan, "Desa", category, department, status, received, *steps)


def test_complaints_counted_per_kecamatan_category_and_department_with_response_times() -> None:
    items = [
        _complaint(1, "Juai", "Jalan", "Dinas PUPR", forwarded=2, answered=26, closed=30),  # 2 h, then 24 h
        _complaint(2, "Juai", "Jalan", "Dinas PUPR", forwarded=4, answered=10),  # 4 h, then 6 h
        _complaint(3, "Paringin", "Jalan", "Dinas PUPR", forwarded=9),  # 9 h, no answer yet
        _complaint(4, "Paringin", "Kesehatan", "Dinas Kesehatan", forwarded=1.5, answered=3, closed=5),  # 1.5, 1.5
        _complaint(5, "Juai", "Kesehatan"),
        _complaint(6, "", "", answered=1),  # answered on the spot: no department, so no department time
    ]
    report = complaint_report(items)

    total = report.total
    assert (total.complaints, total.forwarded, total.answered, total.closed, total.open) == (6, 4, 4, 2, 4)
    assert total.median_forward == 3.0  # 1.5, 2, 4, 9
    assert total.median_answer == 6.0  # 1.5, 6, 24
    assert report.by_status == {"Diterima": 1, "Diteruskan": 1, "Ditanggapi": 2, "Selesai": 2}
    assert list(report.by_kecamatan) == ["(tanpa kecamatan)", "Juai", "Paringin"]
    juai = report.by_kecamatan["Juai"]
    assert (juai.complaints, juai.forwarded, juai.answered, juai.closed, juai.open) == (3, 2, 2, 1, 2)
    assert (juai.median_forward, juai.median_answer) == (3.0, 15.0)

    assert list(report.by_category) == ["(tanpa kategori)", "Jalan", "Kesehatan"]
    jalan = report.by_category["Jalan"]
    assert (jalan.complaints, jalan.forwarded, jalan.answered, jalan.closed) == (3, 3, 2, 1)
    assert (jalan.median_forward, jalan.median_answer) == (4.0, 15.0)

    assert list(report.by_department) == [NOT_FORWARDED, "Dinas Kesehatan", "Dinas PUPR"]
    pupr = report.by_department["Dinas PUPR"]
    assert (pupr.complaints, pupr.forwarded, pupr.answered, pupr.closed, pupr.open) == (3, 3, 2, 1, 2)
    assert (pupr.median_forward, pupr.median_answer) == (4.0, 15.0)
    waiting = report.by_department[NOT_FORWARDED]
    assert (waiting.complaints, waiting.forwarded, waiting.answered, waiting.open) == (2, 0, 1, 2)
    assert (waiting.median_forward, waiting.median_answer) == (None, None)


def test_every_status_is_listed_even_when_none_has_it() -> None:
    report = complaint_report([_complaint(1, "Juai", "Jalan")])
    assert report.by_status == {"Diterima": 1, "Diteruskan": 0, "Ditanggapi": 0, "Selesai": 0}
    assert report.total.median_forward is None and report.by_department[NOT_FORWARDED].open == 1


def test_an_answer_recorded_before_a_later_forwarding_counts_as_no_time() -> None:
    # Forwarded again after the answer: forwarded_at is the later time, the answer keeps its first time.
    report = complaint_report([_complaint(1, "Juai", "Jalan", "Dinas PUPR", forwarded=10, answered=4)])
    assert report.total.median_answer == 0.0


def test_an_empty_month_has_every_week_and_every_kecamatan_counted_zero() -> None:
    report = month_report("2025-01", [], REGIONS, until=datetime(2025, 2, 1, tzinfo=UTC))
    # 1 January 2025 is a Wednesday of week 1; the 27th begins week 5.
    assert report.weeks == {"2025-W01": 0, "2025-W02": 0, "2025-W03": 0, "2025-W04": 0, "2025-W05": 0}
    assert list(report.by_kecamatan) == REGIONS.kecamatan_names
    assert all(t.submissions == 0 for t in report.by_kecamatan.values())
    rows = summary_rows(report)
    assert [r[1] for r in rows] == REGIONS.kecamatan_names  # one row each, no desa row
    assert all(r[2] == "" and r[3:8] == [0, 0, 0, 0, 0] and r[8:] == ["", "", ""] for r in rows)


def test_weeks_of_a_month_span_the_turn_of_the_iso_year() -> None:
    assert month_weeks("2026-12") == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
    assert month_weeks("2027-01")[0] == "2026-W53"
