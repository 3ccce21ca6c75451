"""`mymein init`: the review spreadsheet made ready for officers, without touching a data row.

The review tab gets its header (or the columns it lacks, added at the end), a frozen bold header row,
checkboxes, the `Mode` dropdown, a date-time `Jadwal`, warning-only protection of the pipeline's columns,
a colour per `Status` and sensible widths; the `Rekap` and `Operator` tabs are added with their headers.
Everything is planned from what is already there, so a second run finds nothing to add.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .app import App
from .comments import HEADER as COMMENTS_HEADER
from .core.registry import OPERATOR_HEADER
from .core.review import ReviewLayout, ReviewLayoutError, column_letter
from .core.text import fold
from .google.review_sheet import TAB_FIELDS
from .google.sheet_setup import plain_tab_requests, review_tab_requests
from .google.sheets_values import quote_sheet

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


@dataclass
class Prepared:
    created_tabs: list[str] = field(default_factory=list)
    headers_written: list[str] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changed_structure(self) -> bool:
        return bool(self.created_tabs or self.headers_written or self.columns_added)


def prepare_review_spreadsheet(app: App) -> Prepared:
    review = app.settings.review
    headers = review.headers
    values = app.review.values
    others = {review.summary_worksheet: SUMMARY_HEADER, review.operator_worksheet: OPERATOR_HEADER}
    if app.settings.comments.enabled:
        others[app.settings.comments.worksheet] = COMMENTS_HEADER
    titles = [review.worksheet, *others]
    done = Prepared()

    tabs = _tabs(app)
    done.created_tabs = [t for t in titles if t not in tabs]
    if done.created_tabs:
        values.structure([{"addSheet": {"properties": {"title": t}}} for t in done.created_tabs])
        tabs = _tabs(app)

    first_rows = values.batch_get([f"{quote_sheet(t)}!1:1" for t in titles])
    header = [str(c) for c in (first_rows[0][0] if first_rows[0] else [])]
    if not any(h.strip() for h in header):
        header = list(headers.values())
        values.update(f"{quote_sheet(review.worksheet)}!A1", [header])
        done.headers_written.append(review.worksheet)
    else:
        try:
            ReviewLayout.from_header(header, headers)
        except ReviewLayoutError:
            # Officers may rename or remove a column; the ones the pipeline needs come back at the end.
            present = {fold(h) for h in header}
            done.columns_added = [name for name in headers.values() if fold(name) not in present]
            values.update(f"{quote_sheet(review.worksheet)}!{column_letter(len(header))}1", [done.columns_added])
            header = [*header, *done.columns_added]
    layout = ReviewLayout.from_header(header, headers)

    for (title, wanted), rows in zip(others.items(), first_rows[1:], strict=True):
        if not rows or not any(str(c).strip() for c in rows[0]):
            values.update(f"{quote_sheet(title)}!A1", [wanted])
            done.headers_written.append(title)

    done.requests = review_tab_requests(tabs[review.worksheet], layout.columns, headers)
    for title in others:
        done.requests += plain_tab_requests(int(tabs[title]["properties"]["sheetId"]))
    values.structure(done.requests)
    return done


def _tabs(app: App) -> dict[str, dict[str, Any]]:
    meta = app.review.values.metadata(f"sheets({TAB_FIELDS})")
    return {str(s["properties"]["title"]): s for s in meta.get("sheets", [])}
