"""`mymein report`: the month's monev from the ledger, to the `Rekap` tab (one call), HTML and PDF.

When complaints (pengaduan) were received during the month, the HTML has a section and the PDF a last page
with them per kecamatan, category and department; the `Rekap` tab stays about the news only.

Charts are drawn with matplotlib (Agg backend, no display): as inline SVG in the self-contained HTML, and
on the pages of the PDF, which matplotlib writes too, so both show the same figures.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # before pyplot: a server has no display

from matplotlib import pyplot as plt
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from ..config import Settings
from ..core.directory import remembered
from ..core.monev import (
    ComplaintHistory,
    ComplaintReport,
    ComplaintTally,
    MonthReport,
    complaint_report,
    month_bounds,
    month_report,
    summary_rows,
)
from ..core.rapor import Standing
from ..core.regions import RegionDirectory
from ..google.review_sheet import ReviewSheet
from ..google.sheets_values import quote_sheet
from ..infra.private import private_dir, tighten
from ..ledger import Ledger
from .render import Renderer

A4 = (8.27, 11.69)
DESA_ROWS_PER_PAGE = 40
RAPOR_KIM_ROWS = 30  # the PDF's rapor page: the KIMs that sent anything, this many at most
# The complaint tables' columns after the name; the PDF's narrow cells take the labels on several lines.
COMPLAINT_COLUMNS = [
    "Pengaduan",
    "Diteruskan",
    "Ditanggapi",
    "Selesai",
    "Belum\nselesai",
    "Median jam\nsampai\nditeruskan",
    "Median jam\nsampai\nditanggapi",
]

# The `Rekap` tab's header: the monthly figures per kecamatan and desa, newest month first.
SUMMARY_HEADER = [
    "Bulan",
    "Kecamatan",
    "Desa",
    "Kiriman",
    "Terbit",
    "Ditolak",
    "Perlu perbaikan",
    "Duplikat",
    "Median jam ke keputusan",
    "P90 jam ke keputusan",
    "Median jam ke terbit",
]


@dataclass(frozen=True)
class Written:
    html: Path
    pdf: Path
    png: Path
    pages: int


def build_report(
    ledger: Ledger, settings: Settings, regions: RegionDirectory, month: str, now: datetime
) -> MonthReport:
    tz = settings.tz
    start, end = (datetime.combine(d, time(), tz) for d in month_bounds(month))
    items = ledger.history(start, end)
    until = min(now, end)
    recent = ledger.history(until - timedelta(days=settings.report.inactive_days), until)
    report = month_report(
        month,
        items,
        regions,
        recent=recent,
        until=until,
        inactive_days=settings.report.inactive_days,
        villages=registered_villages(ledger),
    )
    report.comments = ledger.comments_between(start, end)
    for channel, kecamatan, stories in ledger.shares.made_between(start, end):
        report.shares.setdefault(kecamatan or "-", {})[channel] = stories
    complaints = month_complaints(ledger, start, end)
    if complaints:
        report.complaints = complaint_report(complaints)
    return report


def registered_villages(ledger: Ledger) -> list[tuple[str, str]] | None:
    """The villages with a KIM numbered by the registration form; None (every official village) when the
    regency does not register KIMs through MyMeIn."""
    return sorted(ledger.registrations.villages()) or None


def month_complaints(ledger: Ledger, start: datetime, end: datetime) -> list[ComplaintHistory]:
    """Complaints received in [start, end), read without the complainant's name, contact, address or text."""
    return ledger.complaints.month(start, end)


def remember_month(ledger: Ledger, month: str) -> None:
    """A month reported on stays on the `Rekap` tab, even one without a submission: the tab is written whole
    each time, and an officer who asked for a quiet month expects to find it there the next time too."""
    months = set(_reported_months(ledger)) | {month}
    ledger.meta.report_months.set(json.dumps(sorted(months)))


def _reported_months(ledger: Ledger) -> list[str]:
    return [str(m) for m in json.loads(ledger.meta.report_months.get() or "[]")]


def all_summary_rows(ledger: Ledger, settings: Settings, regions: RegionDirectory, now: datetime) -> list[list[Any]]:
    """The `Rekap` tab's rows for every month with a submission or reported on, newest month first."""
    first = ledger.history(datetime(1970, 1, 1, tzinfo=UTC), now)
    with_data = {i.received_at.astimezone(settings.tz).strftime("%Y-%m") for i in first}
    months = sorted(with_data | set(_reported_months(ledger)), reverse=True)
    rows: list[list[Any]] = []
    for month in months:
        rows += summary_rows(build_report(ledger, settings, regions, month, now))
    return rows


def write_summary(review: ReviewSheet, tab: str, rows: list[list[Any]]) -> None:
    """Header and rows to the `Rekap` tab in one call (RAW: numbers stay numbers); the tab is made if missing."""
    review.ensure_tab(tab, SUMMARY_HEADER)
    review.values.update(f"{quote_sheet(tab)}!A1", [SUMMARY_HEADER, *rows])


@dataclass(frozen=True)
class MonthlyReport:
    """What the monthly report job made: the month's figures, its files, and every month's `Rekap` rows."""

    report: MonthReport
    files: Written
    summary_tab: str
    summary: list[list[Any]]

    def to_sheet(self, review: ReviewSheet) -> None:
        """The job's last step, the only one that talks to Google: the rows to the `Rekap` tab, in one call."""
        write_summary(review, self.summary_tab, self.summary)


def make_monthly_report(
    ledger: Ledger, settings: Settings, regions: RegionDirectory, renderer: Renderer, month: str, now: datetime
) -> MonthlyReport:
    """The monthly monev job, for `mymein report` and for the scheduler (`mymein run` on the 1st): the month's
    figures from the ledger, its HTML and PDF under report.directory, the month remembered for the `Rekap` tab
    and the tab's rows; `to_sheet` then writes them (`mymein report --no-sheet` leaves it out)."""
    report = build_report(ledger, settings, regions, month, now)
    directory_url = remembered(ledger.meta.directory_page.get()).get("url") or None
    files = write_files(report, renderer, settings.reports_dir, settings.report.title, directory_url)
    remember_month(ledger, month)
    rows = all_summary_rows(ledger, settings, regions, now)
    return MonthlyReport(report, files, settings.review.summary_worksheet, rows)


def write_files(
    report: MonthReport, renderer: Renderer, folder: Path, title: str, directory_url: str | None = None
) -> Written:
    # Names, titles and categories come from forms: a `$` would start matplotlib's mathtext (`$\foo{$` stops
    # the report with a parse error) and a backslash could reach LaTeX. Every text is drawn as it was typed.
    with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
        return _write_files(report, renderer, folder, title, directory_url)


def _write_files(
    report: MonthReport, renderer: Renderer, folder: Path, title: str, directory_url: str | None
) -> Written:
    private_dir(folder)
    stem = folder / f"monev-{report.month}"
    figures = [cover_chart(report, title), trend_charts(report), _rapor_page(report), *_desa_pages(report)]
    if report.complaints is not None:
        figures.append(_complaint_page(report.month, report.complaints))
    html = renderer.render(
        "report.html.j2",
        report=report,
        title=title,
        charts=[_svg(figures[0]), _svg(figures[1])],
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        directory_url=directory_url,
    )
    stem.with_suffix(".html").write_text(html, encoding="utf-8")
    with PdfPages(stem.with_suffix(".pdf"), metadata={"Title": f"{title} {report.month}", "Creator": "MyMeIn"}) as pdf:
        for figure in figures:
            pdf.savefig(figure)
    png = stem.with_name(stem.name + "-halaman-1.png")
    figures[0].savefig(png, dpi=80)
    for figure in figures:
        plt.close(figure)
    written = Written(stem.with_suffix(".html"), stem.with_suffix(".pdf"), png, len(figures))
    # The monthly job may run in a process with a loose umask (an embedding, a test): the files stay this user's.
    for path in (written.html, written.pdf, written.png):
        tighten(path)
    return written


def cover_chart(report: MonthReport, title: str) -> Figure:
    """The first page: the month's figures, and submissions and publications per kecamatan."""
    figure = plt.figure(figsize=A4)
    figure.text(0.08, 0.95, f"{title}", fontsize=16, weight="bold")
    figure.text(0.08, 0.925, f"Monitoring dan evaluasi KIM, bulan {report.month}", fontsize=11)
    t = report.total
    facts = [
        ("Kiriman", t.submissions),
        ("Terbit", t.published),
        ("Ditolak", t.rejected),
        ("Perlu perbaikan", t.needs_fix),
        ("Duplikat", t.duplicates),
        ("Median jam ke keputusan", _num(t.median_decision)),
        ("P90 jam ke keputusan", _num(t.p90_decision)),
        ("Median jam ke terbit", _num(t.median_publication)),
        ("KIM aktif / tidak aktif", f"{len(report.active)} / {len(report.inactive)}"),
        ("Tanggapan pembaca", report.comments),
    ]
    for n, (label, value) in enumerate(facts):
        figure.text(0.08, 0.88 - n * 0.022, label, fontsize=10)
        figure.text(0.55, 0.88 - n * 0.022, str(value), fontsize=10, weight="bold")
    axes = figure.add_axes((0.3, 0.08, 0.62, 0.55))
    names = list(report.by_kecamatan)
    submitted = [report.by_kecamatan[k].submissions for k in names]
    published = [report.by_kecamatan[k].published for k in names]
    positions = range(len(names))
    # Grey and black with hatching: it prints well on a black-and-white printer.
    axes.barh([p + 0.2 for p in positions], submitted, height=0.4, color="0.75", label="Kiriman")
    axes.barh([p - 0.2 for p in positions], published, height=0.4, color="0.2", hatch="//", label="Terbit")
    axes.set_yticks(list(positions), names)
    axes.invert_yaxis()
    axes.set_xlabel("Jumlah berita")
    _count_axis(axes, [*submitted, *published], horizontal=True)
    axes.set_title("Per kecamatan")
    axes.legend(loc="lower right")
    return figure


def trend_charts(report: MonthReport) -> Figure:
    """The second page: submissions per week of the month, and how long officers took to decide."""
    figure, (weeks, review) = plt.subplots(2, 1, figsize=A4)
    weeks.plot(list(report.weeks), list(report.weeks.values()), marker="o", color="0.2")
    weeks.set_title("Kiriman per minggu")
    weeks.set_ylabel("Jumlah kiriman")
    _count_axis(weeks, list(report.weeks.values()))
    review.bar(list(report.review_times), list(report.review_times.values()), color="0.5")
    review.set_title("Waktu dari kiriman sampai keputusan petugas")
    review.set_ylabel("Jumlah berita")
    _count_axis(review, list(report.review_times.values()))
    figure.tight_layout(pad=3)
    return figure


NO_DATA = "belum ada data"


def _count_axis(axes: Axes, values: Sequence[float], *, horizontal: bool = False) -> None:
    """A count reads in whole stories from 0 up. Left to itself matplotlib centres an all-zero chart on 0, with
    ticks at +-0.04; an empty chart gets 0 and 1 instead, and says there is nothing to show yet."""
    top = max(values, default=0)
    limits = (0, max(1, top) * 1.05)  # a little room above the highest point, whose marker would be cut
    if horizontal:
        axes.set_xlim(*limits)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.set_ylim(*limits)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    if not top:
        axes.text(0.5, 0.5, NO_DATA, transform=axes.transAxes, ha="center", va="center", color="0.35", fontsize=11)


def _rapor_page(report: MonthReport) -> Figure:
    """One page of rapor: kecamatan ranked, then the KIMs that sent or published anything, ranked (the HTML lists
    every KIM); rows thinner when there are many."""
    figure = plt.figure(figsize=A4)
    figure.text(0.08, 0.95, f"Rapor KIM, {report.month}: peringkat berita terbit", fontsize=13, weight="bold")
    busy = [s for s in report.kim_ranks if s.published or s.submissions][:RAPOR_KIM_ROWS]
    quiet = len(report.kim_ranks) - len(busy)
    note = f"{quiet} KIM lain tanpa kiriman bulan ini (daftar lengkap di laporan HTML)." if quiet else ""
    figure.text(0.08, 0.925, "Urut menurut berita terbit, lalu kiriman; nilai sama, peringkat sama.", fontsize=8)
    figure.text(0.08, 0.91, note, fontsize=8)
    sections = [
        (
            "Peringkat kecamatan",
            ["Peringkat", "Kecamatan", "Terbit", "Kiriman", "% terbit", "KIM terbit / KIM"],
            [
                [s.rank, s.name, s.published, s.submissions, _share(s), f"{s.kims_publishing} / {s.kims}"]
                for s in report.kecamatan_ranks
            ],
        ),
        (
            "Peringkat KIM",
            ["Peringkat", "KIM Desa", "Kecamatan", "Terbit", "Kiriman", "% terbit"],
            [[s.rank, s.name, s.kecamatan, s.published, s.submissions, _share(s)] for s in busy],
        ),
    ]
    lines = sum(3 + 1 + max(1, len(rows)) for _, _, rows in sections)
    step = min(0.02, 0.85 / lines)
    top = 0.9
    for heading, header, rows in sections:
        figure.text(0.08, top - 2 * step, heading, fontsize=10, weight="bold")
        cells = [[str(c) for c in row] for row in rows] or [["-"] * len(header)]
        height = (1 + len(cells)) * step
        axes = figure.add_axes((0.05, top - 3 * step - height, 0.9, height))
        axes.axis("off")
        table = axes.table(cellText=cells, colLabels=header, cellLoc="left", bbox=Bbox.from_bounds(0, 0, 1, 1))
        table.auto_set_font_size(False)
        table.set_fontsize(7.5)
        top -= 3 * step + height
    return figure


def _share(standing: Standing) -> str:
    return "-" if standing.published_share is None else f"{standing.published_share}%"


def _table_pages(heading: str, header: list[str], rows: list[list[Any]]) -> list[Figure]:
    rows = rows or [["-"] * len(header)]
    pages: list[Figure] = []
    for start in range(0, len(rows), DESA_ROWS_PER_PAGE):
        figure = plt.figure(figsize=A4)
        figure.text(0.08, 0.95, heading, fontsize=13, weight="bold")
        axes = figure.add_axes((0.05, 0.05, 0.9, 0.86))
        axes.axis("off")
        chunk = [[str(c) for c in row] for row in rows[start : start + DESA_ROWS_PER_PAGE]]
        table = axes.table(cellText=chunk, colLabels=header, loc="upper center", cellLoc="left")
        table.auto_set_font_size(False)
        table.set_fontsize(8)
        table.scale(1, 1.25)
        pages.append(figure)
    return pages


def _desa_pages(report: MonthReport) -> list[Figure]:
    header = ["Kecamatan", "Desa", "Kiriman", "Terbit", "Ditolak", "Perbaikan", "Median jam"]
    rows: list[list[Any]] = [
        [k, d, t.submissions, t.published, t.rejected, t.needs_fix, _num(t.median_decision)]
        for (k, d), t in report.by_desa.items()
    ] or [["-", "-", 0, 0, 0, 0, "-"]]
    return _table_pages(f"Per desa, {report.month}", header, rows)


def _complaint_page(month: str, complaints: ComplaintReport) -> Figure:
    """One page, whatever the number of rows: the three tables share it, rows thinner when there are many."""
    figure = plt.figure(figsize=A4)
    figure.text(0.08, 0.95, f"Pengaduan masyarakat, {month}", fontsize=13, weight="bold")
    statuses = ", ".join(f"{status} {count}" for status, count in complaints.by_status.items())
    figure.text(0.08, 0.925, f"{complaints.total.complaints} pengaduan diterima. Status kini: {statuses}.", fontsize=9)
    sections = [
        ("Per kecamatan", "Kecamatan", complaints.by_kecamatan),
        ("Per kategori", "Kategori", complaints.by_category),
        ("Per SKPD", "SKPD", complaints.by_department),
    ]
    header_lines = max(label.count("\n") + 1 for label in COMPLAINT_COLUMNS)
    # Per table, in lines: a gap, its heading and a gap, the header, its rows and the total row.
    lines = sum(3 + header_lines + len(tallies) + 1 for _, _, tallies in sections)
    step = min(0.018, 0.86 / lines)
    top = 0.91
    for heading, label, tallies in sections:
        figure.text(0.08, top - 2 * step, heading, fontsize=10, weight="bold")
        rows = [[name, *_complaint_cells(t)] for name, t in tallies.items()]
        rows.append(["Jumlah", *_complaint_cells(complaints.total)])
        height = (header_lines + len(rows)) * step
        axes = figure.add_axes((0.05, top - 3 * step - height, 0.9, height))
        axes.axis("off")
        table = axes.table(
            cellText=rows,
            colLabels=[label, *COMPLAINT_COLUMNS],
            colWidths=[0.3] + [0.1] * len(COMPLAINT_COLUMNS),
            cellLoc="left",
            bbox=Bbox.from_bounds(0, 0, 1, 1),
        )
        table.auto_set_font_size(False)
        table.set_fontsize(7)
        for column in range(len(COMPLAINT_COLUMNS) + 1):
            table[0, column].set_height(table[0, column].get_height() * header_lines)  # bbox keeps the ratio
        top -= 3 * step + height
    return figure


def _complaint_cells(tally: ComplaintTally) -> list[str]:
    counts = [tally.complaints, tally.forwarded, tally.answered, tally.closed, tally.open]
    return [*(str(n) for n in counts), _num(tally.median_forward), _num(tally.median_answer)]


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog: it is inlined in HTML


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
