"""Monitoring and evaluation (monev) of a month: counts per kecamatan and desa, review times, active KIMs,
and the complaints (pengaduan) per kecamatan, category and department with their response times.

Pure: it takes what the ledger knows about each submission and complaint and the villages that exist, and
returns the figures; writing them to the `Rekap` tab, HTML and PDF is done elsewhere.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .complaints import ComplaintStatus
from .model import Status
from .rapor import Standing, rank_kecamatan, rank_kims
from .regions import RegionDirectory
from .text import fold

REVIEW_BUCKETS = [
    (0, 1, "< 1 jam"),
    (1, 4, "1-4 jam"),
    (4, 24, "4-24 jam"),
    (24, 72, "1-3 hari"),
    (72, None, "> 3 hari"),
]
NOT_FORWARDED = "(belum diteruskan)"


@dataclass(frozen=True)
class History:
    """One submission as the ledger tells it: when it came, its status now, when it was decided and published."""

    code: str
    kecamatan: str
    desa: str
    operator: str
    email: str
    status: Status
    received_at: datetime
    decided_at: datetime | None = None
    published_at: datetime | None = None


@dataclass
class Tally:
    """Counts and times for one kecamatan, one desa, or the whole regency."""

    submissions: int = 0
    published: int = 0
    rejected: int = 0
    needs_fix: int = 0
    duplicates: int = 0
    hours_to_decision: list[float] = field(default_factory=list)
    hours_to_publication: list[float] = field(default_factory=list)

    def add(self, item: History) -> None:
        self.submissions += 1
        self.published += item.status is Status.PUBLISHED
        self.rejected += item.status is Status.REJECTED
        self.needs_fix += item.status is Status.NEEDS_FIX
        self.duplicates += item.status is Status.DUPLICATE
        if item.decided_at is not None:
            self.hours_to_decision.append(_hours(item.received_at, item.decided_at))
        if item.published_at is not None:
            self.hours_to_publication.append(_hours(item.received_at, item.published_at))

    @property
    def median_decision(self) -> float | None:
        return _median(self.hours_to_decision)

    @property
    def p90_decision(self) -> float | None:
        return percentile(self.hours_to_decision, 90)

    @property
    def median_publication(self) -> float | None:
        return _median(self.hours_to_publication)


@dataclass
class MonthReport:
    month: str  # YYYY-MM
    total: Tally
    by_kecamatan: dict[str, Tally]  # every kecamatan with a KIM, and any other named in a submission
    by_desa: dict[tuple[str, str], Tally]
    weeks: dict[str, int]  # ISO week (YYYY-Www) -> submissions, every week of the month (0 for a quiet one)
    review_times: dict[str, int]  # REVIEW_BUCKETS label -> decisions
    active: list[tuple[str, str]]  # (kecamatan, desa) with a submission in the last `inactive_days`
    inactive: list[tuple[str, str]]
    top_operators: list[tuple[str, int]]
    comments: int = 0  # readers' comments on the blog during the month
    complaints: ComplaintReport | None = None  # None: no complaint was received during the month
    # The rapor: every KIM and kecamatan ranked by the month's stories published (core/rapor.py).
    kim_ranks: list[Standing] = field(default_factory=list)
    kecamatan_ranks: list[Standing] = field(default_factory=list)
    # Stories shared to social media during the month: kecamatan -> channel -> stories (each once per channel).
    shares: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class ComplaintHistory:
    """One complaint as the ledger tells it, without the complainant's personal data (the report never shows
    it): where and what about, to which department it went, and when each step happened."""

    code: str
    kecamatan: str
    desa: str
    category: str
    department: str  # "" while it has not been forwarded
    status: ComplaintStatus
    received_at: datetime
    forwarded_at: datetime | None = None
    answered_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass
class ComplaintTally:
    """Counts and response times of the complaints of one kecamatan, category or department, or of all."""

    complaints: int = 0
    forwarded: int = 0
    answered: int = 0
    closed: int = 0
    hours_to_forward: list[float] = field(default_factory=list)
    hours_to_answer: list[float] = field(default_factory=list)

    def add(self, item: ComplaintHistory) -> None:
        self.complaints += 1
        self.forwarded += item.forwarded_at is not None
        self.answered += item.answered_at is not None
        self.closed += item.closed_at is not None
        if item.forwarded_at is not None:
            self.hours_to_forward.append(_hours(item.received_at, item.forwarded_at))
            # The department's time only: an answer typed before any forwarding is not its response time.
            if item.answered_at is not None:
                self.hours_to_answer.append(_hours(item.forwarded_at, item.answered_at))

    @property
    def open(self) -> int:
        return self.complaints - self.closed

    @property
    def median_forward(self) -> float | None:
        return _median(self.hours_to_forward)

    @property
    def median_answer(self) -> float | None:
        return _median(self.hours_to_answer)


@dataclass
class ComplaintReport:
    total: ComplaintTally
    by_status: dict[str, int]  # every ComplaintStatus value, in the order a complaint goes through them
    by_kecamatan: dict[str, ComplaintTally]
    by_category: dict[str, ComplaintTally]
    by_department: dict[str, ComplaintTally]  # NOT_FORWARDED for those not forwarded yet


def month_bounds(month: str) -> tuple[date, date]:
    """First day of `month` (YYYY-MM) and first day of the next."""
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    end = date(year + number // 12, number % 12 + 1, 1)
    return start, end


def month_report(
    month: str,
    items: Iterable[History],
    regions: RegionDirectory,
    *,
    recent: Sequence[History] = (),
    until: datetime,
    inactive_days: int = 30,
    villages: Sequence[tuple[str, str]] | None = None,
    top: int = 10,
) -> MonthReport:
    """The month's figures. `recent` are the submissions (of any month) seen to decide which KIMs are active
    at `until`; `villages` are the KIMs that exist (the registry), else every village of `regions`."""
    every = list(villages) if villages is not None else [(v.kecamatan, v.desa) for v in regions.villages]
    total = Tally()
    # A kecamatan that sent nothing has its row too: a quiet kecamatan (or a quiet month) is a finding.
    by_kecamatan: dict[str, Tally] = {kecamatan: Tally() for kecamatan, _ in every}
    by_desa: dict[tuple[str, str], Tally] = {}
    weeks: Counter[str] = Counter({week: 0 for week in month_weeks(month)})
    review: Counter[str] = Counter({label: 0 for _, _, label in REVIEW_BUCKETS})
    operators: Counter[str] = Counter()
    for item in items:
        kecamatan, desa = _place(item, regions)
        for tally in (
            total,
            by_kecamatan.setdefault(kecamatan, Tally()),
            by_desa.setdefault((kecamatan, desa), Tally()),
        ):
            tally.add(item)
        year, week, _ = item.received_at.isocalendar()
        weeks[f"{year}-W{week:02d}"] += 1
        if item.decided_at is not None:
            review[_bucket(_hours(item.received_at, item.decided_at))] += 1
        operators[item.operator or item.email] += 1
    since = until - timedelta(days=inactive_days)
    seen = {(fold(k), fold(d)) for k, d in (_place(i, regions) for i in recent if i.received_at >= since)}
    active = sorted(v for v in every if (fold(v[0]), fold(v[1])) in seen)
    inactive = sorted(v for v in every if (fold(v[0]), fold(v[1])) not in seen)
    kim_ranks = rank_kims(by_desa, every)
    return MonthReport(
        month=month,
        total=total,
        by_kecamatan=dict(sorted(by_kecamatan.items())),
        by_desa=dict(sorted(by_desa.items())),
        weeks=dict(sorted(weeks.items())),
        review_times=dict(review),
        active=active,
        inactive=inactive,
        top_operators=sorted(operators.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        kim_ranks=kim_ranks,
        kecamatan_ranks=rank_kecamatan(kim_ranks),
    )


def month_weeks(month: str) -> list[str]:
    """The ISO weeks (YYYY-Www) that have a day in `month`, in order."""
    start, end = month_bounds(month)
    weeks: dict[str, None] = {}
    day = start
    while day < end:
        year, week, _ = day.isocalendar()
        weeks[f"{year}-W{week:02d}"] = None
        day += timedelta(days=1)
    return list(weeks)


def complaint_report(items: Iterable[ComplaintHistory]) -> ComplaintReport:
    """The month's complaints, counted as they stand now (status, forwarded, answered, closed)."""
    total = ComplaintTally()
    by_status: Counter[str] = Counter({status.value: 0 for status in ComplaintStatus})
    by_kecamatan: dict[str, ComplaintTally] = {}
    by_category: dict[str, ComplaintTally] = {}
    by_department: dict[str, ComplaintTally] = {}
    for item in items:
        by_status[item.status.value] += 1
        for tally in (
            total,
            by_kecamatan.setdefault(item.kecamatan or "(tanpa kecamatan)", ComplaintTally()),
            by_category.setdefault(item.category or "(tanpa kategori)", ComplaintTally()),
            by_department.setdefault(item.department or NOT_FORWARDED, ComplaintTally()),
        ):
            tally.add(item)
    return ComplaintReport(
        total=total,
        by_status=dict(by_status),
        by_kecamatan=dict(sorted(by_kecamatan.items())),
        by_category=dict(sorted(by_category.items())),
        by_department=dict(sorted(by_department.items())),
    )


def summary_rows(report: MonthReport) -> list[list[object]]:
    """Rows for the `Rekap` tab, one per kecamatan (desa empty) and one per desa; hours rounded to 0.1."""
    rows: list[list[object]] = []
    entries = [((k, ""), t) for k, t in report.by_kecamatan.items()] + list(report.by_desa.items())
    for (kecamatan, desa), tally in entries:
        rows.append(
            [
                report.month,
                kecamatan,
                desa,
                tally.submissions,
                tally.published,
                tally.rejected,
                tally.needs_fix,
                tally.duplicates,
                _round(tally.median_decision),
                _round(tally.p90_decision),
                _round(tally.median_publication),
            ]
        )
    return rows


def percentile(values: Sequence[float], p: int) -> float | None:
    """Nearest-rank percentile: a value that really occurred, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[rank - 1]


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _round(value: float | None) -> object:
    return "" if value is None else round(value, 1)


def _hours(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 3600)


def _bucket(hours: float) -> str:
    for low, high, label in REVIEW_BUCKETS:
        if hours >= low and (high is None or hours < high):
            return label
    return REVIEW_BUCKETS[-1][2]


def _place(item: History, regions: RegionDirectory) -> tuple[str, str]:
    village = regions.village(item.kecamatan, item.desa)
    if village is not None:
        return village.kecamatan, village.desa
    return item.kecamatan or "(tanpa kecamatan)", item.desa or "(tanpa desa)"
