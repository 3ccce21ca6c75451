"""`mymein init`: the review spreadsheet made ready for officers, without touching a data row.

The review tab gets its header (or the columns it lacks, added at the end), a frozen bold header row,
checkboxes, the `Mode` dropdown, a date-time `Jadwal`, warning-only protection of the pipeline's columns,
a colour per `Status` and sensible widths; the `Rekap` and `Operator` tabs are added with their headers.
With complaints enabled, the `Pengaduan` tab gets the same care (its header, the `SKPD` dropdown fed by the
`SKPD` tab, the `Selesai` checkbox, protections, status colours, widths) and the `SKPD` tab its header.
Everything is planned from what is already there, so a second run finds nothing to add.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..app import App
from ..core.complaints import DEPARTMENT_HEADER, TAB_HEADERS, ComplaintLayout
from ..core.registry import OPERATOR_HEADER
from ..core.review import ReviewLayout, column_letter
from ..core.text import fold
from ..features.comments import HEADER as COMMENTS_HEADER
from ..google.review_sheet import TAB_FIELDS
from ..google.sheet_setup import (
    complaint_tab_requests,
    departments_tab_requests,
    plain_tab_requests,
    review_tab_requests,
)
from ..google.sheets_values import SheetValues, quote_sheet
from ..infra.tabs import COMPLAINTS_KIND, REVIEW_KIND
from ..infra.tabs import find as find_tab
from ..outputs.report import SUMMARY_HEADER


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
    complaints = app.settings.complaints
    headers = review.headers
    values = app.review.values
    others = {review.summary_worksheet: SUMMARY_HEADER, review.operator_worksheet: OPERATOR_HEADER}
    if app.settings.comments.enabled:
        others[app.settings.comments.worksheet] = COMMENTS_HEADER
    if complaints.enabled:
        others[complaints.departments_tab] = DEPARTMENT_HEADER
    # The review and Pengaduan tabs are known by id: a renamed one is prepared under its new name, never made a
    # second time; `init` is also how an administrator takes a new tab under the configured name on purpose.
    listed = app.review.tabs()
    review_title = _our_title(app, REVIEW_KIND, review.worksheet, listed)
    complaint_title = _our_title(app, COMPLAINTS_KIND, complaints.tab, listed) if complaints.enabled else ""
    # Tabs whose header the pipeline reads by name: missing columns come back at the end.
    working: dict[str, Mapping[str, str]] = {review_title: headers}
    if complaints.enabled:
        working[complaint_title] = TAB_HEADERS
    titles = [*working, *others]
    done = Prepared()

    tabs = _tabs(app)
    done.created_tabs = [t for t in titles if t not in tabs]
    if done.created_tabs:
        values.structure([{"addSheet": {"properties": {"title": t}}} for t in done.created_tabs])
        tabs = _tabs(app)

    first_rows = dict(zip(titles, values.batch_get([f"{quote_sheet(t)}!1:1" for t in titles]), strict=True))
    header = _complete_header(values, review_title, first_rows[review_title], headers, done, review=True)
    layout = ReviewLayout.from_header(header, headers)
    complaint_columns: Mapping[str, int] = {}
    if complaints.enabled:
        complaint_header = _complete_header(values, complaint_title, first_rows[complaint_title], TAB_HEADERS, done)
        complaint_columns = ComplaintLayout.from_header(complaint_header).columns

    written: dict[str, list[str]] = {}
    for title, wanted in others.items():
        rows = first_rows[title]
        if not rows or not any(str(c).strip() for c in rows[0]):
            values.update(f"{quote_sheet(title)}!A1", [wanted])
            done.headers_written.append(title)
            written[title] = list(wanted)
        else:
            written[title] = [str(c) for c in rows[0]]

    done.requests = review_tab_requests(tabs[review_title], layout.columns, headers)
    if complaints.enabled:
        done.requests += complaint_tab_requests(tabs[complaint_title], complaint_columns, complaints.departments_tab)
    for title in others:
        sheet_id = int(tabs[title]["properties"]["sheetId"])
        if complaints.enabled and title == complaints.departments_tab:
            done.requests += departments_tab_requests(sheet_id, written[title])
        else:
            done.requests += plain_tab_requests(sheet_id)
    values.structure(done.requests)
    listed = [(int(t["properties"]["sheetId"]), title) for title, t in tabs.items()]
    _our_title(app, REVIEW_KIND, review.worksheet, listed)  # remembered by id from now on
    if complaints.enabled:
        _our_title(app, COMPLAINTS_KIND, complaints.tab, listed)
    return done


def _our_title(app: App, kind: str, configured: str, listed: list[tuple[int, str]]) -> str:
    """The title of the tab that stands for `configured`: followed when renamed, the configured one when it
    is missing (made here) or when another tab holds the name (taken on purpose)."""
    found = find_tab(app, kind, configured, listed, adopt=True)
    return found.tab.title if found.tab is not None else configured


def _complete_header(
    values: SheetValues,
    title: str,
    rows: list[list[Any]],
    wanted: Mapping[str, str],
    done: Prepared,
    *,
    review: bool = False,
) -> list[str]:
    """The tab's header row, written when the tab has none, else with the wanted columns it lacks added at
    the end (officers may rename or remove a column; the ones the pipeline needs come back). Data rows are
    never touched. Columns added to another tab than the review tab are reported as `name (tab)`."""
    header = [str(c) for c in (rows[0] if rows else [])]
    if not any(h.strip() for h in header):
        header = list(wanted.values())
        values.update(f"{quote_sheet(title)}!A1", [header])
        done.headers_written.append(title)
        return header
    present = {fold(h) for h in header}
    missing = [name for name in wanted.values() if fold(name) not in present]
    if missing:
        values.update(f"{quote_sheet(title)}!{column_letter(len(header))}1", [missing])
        done.columns_added += missing if review else [f"{name} ({title})" for name in missing]
        header = [*header, *missing]
    return header


def _tabs(app: App) -> dict[str, dict[str, Any]]:
    meta = app.review.values.metadata(f"sheets({TAB_FIELDS})")
    return {str(s["properties"]["title"]): s for s in meta.get("sheets", [])}
