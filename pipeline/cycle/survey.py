"""What the review tab shows against what the ledger knows, before anything is decided: rows gone missing come
back as they were, a row from the past (a restored old version of the spreadsheet) is set right instead of
acted on, a row that lost its Kode gets it back, and a Kode on several rows counts once.

The ledger remembers, per story, the officer's cells as last read (`seen`) and the pipeline's cells as last
written (`shown`); both are what let a restored row read exactly as the officer left it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..app import App
from ..core.codes import is_code
from ..core.model import ReviewRow
from ..core.review import ReviewLayout, ReviewLayoutError, sheet_is_behind
from ..core.sheettime import format_local
from ..core.text import counted, fold
from ..infra import tabs
from ..ledger import SubmissionRecord, text_fingerprint

log = logging.getLogger("mymein.sheet")

# Said in `Pesan`, for the officer: short sentences they can act on.
RESTORED_MESSAGE = "Baris ini sempat terhapus dari sheet dan dikembalikan."
UNDECIDED_HINT = "Centang Tolak bila berita tidak diterbitkan."
PAST_MESSAGE = (
    "Baris ini tadi menunjukkan keadaan lama (misalnya versi lama sheet dipulihkan); "
    "dikembalikan ke keadaan terakhir yang tercatat."
)
COPY_MESSAGE = "Salinan baris {code}: Kode dikosongkan agar berita tidak diproses dua kali. Hapus baris ini."
CODE_BACK_MESSAGE = "Kode baris ini sempat terhapus dan sudah dikembalikan."


@dataclass(frozen=True)
class CodeFix:
    """A row that lost its Kode and is recognised (by its Post ID or its exact text): the Kode goes back."""

    code: str
    row_number: int  # where it was read; placed again by its title at write time
    title: str


@dataclass
class Survey:
    """The review tab as this cycle found it, once each story is counted once."""

    active: list[ReviewRow] = field(default_factory=list)  # one row per code, to decide on
    cells: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> officer cells to put back
    code_fixes: list[CodeFix] = field(default_factory=list)
    keeper: dict[str, tuple[int, int]] = field(default_factory=dict)  # code on several rows -> (kept index, rows)
    missing: list[str] = field(default_factory=list)  # stories that belong on the live tab and are not there
    from_past: list[str] = field(default_factory=list)


def survey(
    app: App,
    layout: ReviewLayout,
    values: Sequence[Sequence[Any]],
    rows: Sequence[ReviewRow],
    records: dict[str, SubmissionRecord],
    *,
    dry_run: bool,
    first_row: int = 2,
    elsewhere: Collection[str] = (),
    final: bool = True,
) -> Survey:
    """The rows of `values` (the whole tab, or one window of a big one: `values[1]` is row `first_row`, and
    `elsewhere` the codes on the rest of the tab). Stories missing from the tab are counted by the `final`
    survey of a cycle only."""
    found = Survey()
    present = {row.code for row in rows} | set(elsewhere)
    rows = [*rows, *_recognised(app, layout, values, present, found, first_row)]
    if found.code_fixes:
        records.update(app.ledger.records(fix.code for fix in found.code_fixes))
    groups: dict[str, list[ReviewRow]] = {}
    for row in rows:
        groups.setdefault(row.code, []).append(row)
    seen: dict[str, dict[str, Any]] = {}
    for code, group in groups.items():
        record = records.get(code)
        kept = _keeper(group, record)
        if len(group) > 1:
            found.keeper[code] = (kept, len(group))
        row = group[kept]
        if record is None:
            found.active.append(row)  # not in the ledger: left alone, with a warning, after recovery had its look
            continue
        if sheet_is_behind(row.pipeline_cells, pipeline_cells(app, record), record.shown):
            found.from_past.append(code)
            if record.seen is not None:
                found.cells[code] = {
                    r: v for r, v in record.seen.items() if r in layout.columns and row.officer.get(r) != v
                }
            continue
        found.active.append(row)
        if row.officer != record.seen:
            seen[code] = row.officer
            if record.archived_at is not None and record.seen is not None and not dry_run:
                app.ledger.unarchive(code)  # brought back from the archive and changed: it lives here again
    if final:
        found.missing = sorted(app.ledger.live_codes() - set(groups) - set(elsewhere))
    if dry_run:
        return found
    app.ledger.remember_seen(seen)
    for code in found.from_past:
        app.ledger.note(code, PAST_MESSAGE, kind="from_past")
    if found.from_past:
        past = counted(len(found.from_past), "row")
        log.warning("%s showed an older state than the ledger; set back to the last one", past)
    if found.missing:
        # Rows missing: first make sure the tab read is still ours (a new tab under the configured name would
        # otherwise be filled with copies while ours, renamed, still holds them). Raises TabConflict.
        tabs.find(app, tabs.REVIEW_KIND, app.settings.review.worksheet)
    return found


def header_back(app: App, values: list[list[Any]], *, dry_run: bool) -> list[list[Any]]:
    """The review tab with its header row: remembered each time it changes, and put back when an officer deleted
    it (the first row then holds a story's code): one inserted row, in one call. Other header trouble is left to
    the cycle's own one-line error."""
    kept = app.ledger.meta.review_header(app.settings.review.spreadsheet_id)
    remembered = kept.get()
    if not values:
        return values
    first = [str(c) for c in values[0]]
    try:
        ReviewLayout.from_header(first, app.settings.review.headers)
    except ReviewLayoutError:
        if not remembered or not any(is_code(c.strip()) for c in first):
            return values
        header: list[Any] = json.loads(remembered)
        if not dry_run:
            sheet_id = tabs.tab_id(app, app.settings.review.worksheet, (), tabs.REVIEW_KIND)
            app.review.insert_header(sheet_id, header)
            log.warning("the review tab's header row was deleted; it is put back (run `mymein init` for its format)")
        return [header, *values]
    if json.dumps(first, ensure_ascii=False) != remembered and not dry_run:
        kept.set(json.dumps(first, ensure_ascii=False))
    return values


def pipeline_cells(app: App, record: SubmissionRecord) -> dict[str, str]:
    """The pipeline-owned columns of a row, as the ledger says they should read."""
    return {
        "status": record.status.value,
        "link": record.post_url or "",
        "post_id": record.post_id or "",
        "processed": format_local(record.processed_at, app.settings.tz) if record.processed_at else "",
        "message": record.message,
    }


def _keeper(group: list[ReviewRow], record: SubmissionRecord | None) -> int:
    """Of the rows carrying one code, the one that stands for the story: the one still as the officer last
    left it, else the first."""
    if record is not None and record.seen is not None:
        for index, row in enumerate(group):
            if row.officer == record.seen:
                return index
    return 0


def _recognised(
    app: App,
    layout: ReviewLayout,
    values: Sequence[Sequence[Any]],
    present: set[str],
    found: Survey,
    first_row: int = 2,
) -> list[ReviewRow]:
    """Rows without a Kode that are a live story missing from the tab, by their Post ID or their exact title
    and body: parsed as that story's row, and the Kode goes back in the write-back. A code is given to one
    row only, and never to a row while another row carries it."""
    uncoded = layout.uncoded(values, first_row)
    if not uncoded:
        return []
    free = app.ledger.live_codes() - present
    if not free:
        return []
    by_post = app.ledger.codes_of_posts(u.post_id for u in uncoded if u.post_id)
    texts = {u.row_number: text_fingerprint(u.title, u.body) for u in uncoded}
    by_text = app.ledger.codes_of_texts(texts.values())
    recognised: list[ReviewRow] = []
    for u in uncoded:
        candidates = [by_post.get(u.post_id, ""), *by_text.get(texts[u.row_number], [])]
        code = next((c for c in candidates if c in free), None)
        if code is None:
            continue
        free.discard(code)
        raw = list(values[u.row_number - first_row + 1])
        raw += [""] * (layout.columns["code"] + 1 - len(raw))
        raw[layout.columns["code"]] = code
        [row] = layout.parse([values[0], raw])
        recognised.append(replace(row, row_number=u.row_number))
        found.code_fixes.append(CodeFix(code, u.row_number, u.title))
        log.warning("row %d had lost its Kode; recognised as %s", u.row_number, code)
    return recognised


def place_code_fixes(fixes: Sequence[CodeFix], codes: Sequence[str], titles: Sequence[str]) -> dict[str, int]:
    """Where each recognised row is now (code -> row number): the one row without a code and with its title."""
    placed: dict[str, int] = {}
    # A column read stops at its last filled cell: a row at the bottom without a code is only in `titles`.
    padded = [*codes, *[""] * (len(titles) - len(codes))]
    for fix in fixes:
        rows = [
            n
            for n, (code, title) in enumerate(zip(padded, titles, strict=False), start=1)
            if n > 1 and not code and fold(title) == fold(fix.title)
        ]
        if len(rows) == 1 and rows[0] not in placed.values():
            placed[fix.code] = rows[0]
    return placed


def restored_message(record: SubmissionRecord) -> str:
    """`Pesan` of a row put back: that it was, then what it said before (an earlier note of this kind dropped)."""
    before = record.message
    for said in (RESTORED_MESSAGE, PAST_MESSAGE, UNDECIDED_HINT):
        before = before.replace(said, "").strip()
    hint = UNDECIDED_HINT if record.post_id is None and record.status.value in UNDECIDED_STATUSES else ""
    return " ".join(part for part in (RESTORED_MESSAGE, hint, before) if part)


UNDECIDED_STATUSES = {"Menunggu", "Perlu perbaikan", "Duplikat", "Gagal", "Menunggu cek fakta", "Menunggu Kabid"}


def officer_cells_for(record: SubmissionRecord, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The officer's cells of a row put back: as last seen, else the form's answer with the defaults."""
    if record.seen is None:
        return dict(defaults)
    return {**defaults, **record.seen}
