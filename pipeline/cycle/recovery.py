"""An empty or older ledger never acts blindly: what the review sheet and the blog prove was done is adopted
before a cycle ingests or acts, so a lost ledger, or one restored from an old backup, posts and mails nothing
a second time.

Evidence of earlier work the ledger does not know: review rows with codes it lacks, rows showing a later state
than it has (`Diproses` later, another status or post), and, the first time a ledger is used, posts on the blog
that carry a code in the pipeline's marker (`core.codes`). Then the blog is listed once and the form's answers
read once, and each such story is adopted the way `mymein rebuild` rebuilds it: its form answer (so it is never
ingested again), its post (so it is never posted again), the officer's cells and the pipeline's as the sheet
shows them. A row neither the form nor the blog knows is not adopted (a row pasted from another spreadsheet is
not evidence). Adopted stories write one `adopted` event each, which no notice is queued from.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..app import App
from ..core.codes import code_in_post
from ..core.decide import STATE_TO_STATUS, PostState, content_hash
from ..core.errors import StopCycle
from ..core.form import FormLayout
from ..core.message import Text
from ..core.model import PostRef, ReviewRow, Status, Submission
from ..core.review import ReviewLayout, ReviewLayoutError, sheet_is_ahead
from ..core.sheettime import format_local
from ..core.text import counted, fold, plain_text
from ..core.validate import normalise
from ..google.errors import GoogleApiError
from ..google.sheets_values import quote_sheet
from ..infra.tabs import ARCHIVE_KIND, title_of
from ..ledger import SubmissionRecord
from .survey import pipeline_cells

log = logging.getLogger("mymein.recovery")

NO_POST_MESSAGE = (
    "Ledger dibangun ulang: tidak ada postingan dengan kode ini di blog. Bila disetujui, berita diterbitkan lagi."
)
_UNDECIDED = {Status.WAITING, Status.NEEDS_FIX, Status.DUPLICATE, Status.FAILED, Status.REJECTED}


class LedgerConflict(StopCycle):
    """The sheet and the blog disagree about a story in a way the pipeline will not guess about."""


@dataclass(frozen=True)
class Answer:
    """A form answer, as much of it as matching a review row needs."""

    key: str
    received_at: datetime
    minute: str
    email: str
    operator: str
    title: str
    submission: Submission  # the answer as ingest would have normalised it


@dataclass
class Adopted:
    codes: list[str] = field(default_factory=list)  # unknown to the ledger, proven by the form or the blog
    newer: list[str] = field(default_factory=list)  # known, but the sheet shows a later state
    from_blog: list[str] = field(default_factory=list)  # posts whose row was lost too, matched to a form answer
    unproven: list[str] = field(default_factory=list)  # rows neither the form nor the blog knows: left alone

    @property
    def count(self) -> int:
        return len(self.codes) + len(self.newer) + len(self.from_blog)


def recover(app: App, values: Sequence[Sequence[Any]], elsewhere: Collection[str] = ()) -> Adopted:
    """Before a cycle ingests: adopt what the review tab and the blog prove and the ledger lacks. A big tab
    gives only its rows that need it, and the codes on its other rows (`elsewhere`: not strays)."""
    found = Adopted()
    try:
        layout = ReviewLayout.from_header(values[0], app.settings.review.headers) if values else None
    except ReviewLayoutError:
        return found  # the cycle stops on the header with its own message
    rows = _first_rows(layout.parse(values)) if layout is not None else []
    records = app.ledger.records(row.code for row in rows)
    unknown = [row for row in rows if row.code not in records]
    newer = [
        row
        for row in rows
        if (record := records.get(row.code)) is not None
        and sheet_is_ahead(row.pipeline_cells, pipeline_cells(app, record))
    ]
    # A ledger looks at the blog once (new, or lost and not yet noticed by the sheet): posts it does not know.
    fresh = not app.ledger.meta.recovery_looked_at_blog.get()
    if not (unknown or newer or fresh):
        return found
    try:
        posts = posts_by_code(app)
    except GoogleApiError as exc:
        if unknown or newer:
            raise LedgerConflict(
                Text(
                    "the ledger lacks stories the review sheet shows, and the blog could not be read to adopt them "
                    "({error}); nothing is ingested or published until it can",
                    error=exc,
                )
            ) from exc
        log.warning("a new ledger could not look at the blog yet (%s); it looks again next cycle", exc)
        return found
    app.ledger.meta.recovery_looked_at_blog.set(app.clock().isoformat())
    stray = sorted(set(posts) - set(records) - {row.code for row in rows} - set(elsewhere))
    if not (unknown or newer or stray):
        return found
    archived = _archive_rows(app, {row.code for row in rows} | set(records) | set(elsewhere))
    stray = [c for c in stray if c not in {row.code for row in archived}]
    answers = fresh_answers(app)
    items: list[SubmissionRecord] = []
    for row, is_archived in [*((r, False) for r in unknown), *((r, True) for r in archived)]:
        answer = match(app, row, answers)
        post = _one_post(row, posts.get(row.code, []))
        if answer is None and post is None:
            found.unproven.append(row.code)
            continue
        if answer is not None:
            answers.remove(answer)
        record = from_row(app, row, answer, post)
        if is_archived:
            record = replace(record, archived_at=app.clock())
        items.append(record)
        found.codes.append(row.code)
    for row in newer:
        known = records[row.code]
        record = from_row(app, row, None, _one_post(row, posts.get(row.code, [])))
        items.append(replace(record, response_key=known.response_key, received_at=known.received_at))
        found.newer.append(row.code)
    for code in stray:
        [post, *others] = posts[code]
        if others:
            raise LedgerConflict(_claimed_twice(code, posts[code]))
        # Blogger keeps the title as the pipeline sent it: as plain text (`core.post.post_view`).
        title = fold(plain_text(post.title))
        answer = next((a for a in answers if fold(plain_text(a.submission.title)) == title), None)
        if answer is None:
            log.warning("post %s carries %s, unknown to the ledger, the review tab and the form", post.post_id, code)
            continue
        answers.remove(answer)
        items.append(_from_post(app, code, post, answer))
        found.from_blog.append(code)
    if items:
        app.ledger.restore(items, kind="adopted")
        doubted = app.ledger.doubt_notices([i.code for i in items], "the ledger was older than the sheet; may be sent")
        if doubted:
            notices = counted(doubted, "e-mail notice")
            log.warning("%s of adopted stories may have been sent already: not sent again", notices)
        log.warning(
            "the ledger lacked %s that the review sheet and the blog show (it was lost or restored from an "
            "older backup): adopted them; nothing is posted or mailed again",
            counted(found.count, "story", "stories"),
        )
    return found


def posts_by_code(app: App) -> dict[str, list[PostRef]]:
    """Every post of the blog that carries a code in the pipeline's marker (`core.codes.code_in_post`: a code
    quoted in a body or a title claims nothing), by code. A code on two posts is a copy made by hand in Blogger,
    or a double already made: `named_post` tells which is the story's."""
    found: dict[str, list[PostRef]] = {}
    for post in app.publisher.all_posts():
        code = code_in_post(post.content)
        if code is not None:
            found.setdefault(code, []).append(post)
    return found


def fresh_answers(app: App) -> list[Answer]:
    """The form's answers the ledger does not know yet."""
    answers = read_answers(app)
    known = app.ledger.known_response_keys(a.key for a in answers)
    return [a for a in answers if a.key not in known]


def read_answers(app: App) -> list[Answer]:
    tab = app.responses.locate()
    values = app.responses.read(tab)
    if not values:
        return []
    layout = FormLayout.from_header(values[0], app.settings.form.columns)
    sheet_tz = ZoneInfo(tab.timezone)
    answers: list[Answer] = []
    for row in values[1:]:
        response = layout.parse(row, sheet_tz)
        if response is None:
            continue
        answers.append(
            Answer(
                key=layout.response_key(row),
                received_at=response.received_at,
                minute=format_local(response.received_at, app.settings.tz),
                email=fold(response.email),
                operator=fold(response.operator),
                title=fold(response.title),
                submission=normalise(response, app.regions),
            )
        )
    return answers


def match(app: App, row: ReviewRow, answers: list[Answer]) -> Answer | None:
    """The form answer this row came from: same minute received, and the most other fields still equal
    (officers may have corrected any one of them)."""
    minute = row.received_text.strip()
    best: tuple[int, Answer] | None = None
    for answer in answers:
        if answer.minute != minute:
            continue
        score = sum(
            (answer.email == fold(row.email), answer.operator == fold(row.operator), answer.title == fold(row.title))
        )
        if score and (best is None or score > best[0]):
            best = (score, answer)
    return best[1] if best else None


def from_row(app: App, row: ReviewRow, answer: Answer | None, post: PostRef | None) -> SubmissionRecord:
    """A ledger entry as the review row, its form answer and its post (if any) say it stands."""
    tz = app.settings.tz
    received = answer.received_at if answer else parse_minute(row.received_text, tz) or app.clock()
    shown = row.pipeline_cells.get("status", "")
    sheet_status = Status(shown) if shown in {s.value for s in Status} else Status.WAITING
    post_state: PostState | None = None
    if post is not None:
        post_state = PostState(post.state) if post.state in PostState.__members__ else PostState.LIVE
        retracted = sheet_status is Status.RETRACTED and post_state is PostState.DRAFT
        status = Status.RETRACTED if retracted else STATE_TO_STATUS[post_state]
        message = row.pipeline_cells.get("message", "")
    elif sheet_status in _UNDECIDED or sheet_status is Status.RETRACTED:
        status, message = sheet_status, row.pipeline_cells.get("message", "")
    else:
        status, message = Status.FAILED, NO_POST_MESSAGE
    return SubmissionRecord(
        code=row.code,
        response_key=answer.key if answer else f"rebuilt:{row.code}",
        received_at=received,
        kecamatan=row.kecamatan,
        desa=row.desa,
        operator=row.operator,
        email=row.email,
        title=row.title,
        body=row.body,
        photos=row.photos,
        status=status,
        message=message,
        queued=True,
        post_id=post.post_id if post else None,
        post_url=(post.url if post_state is PostState.LIVE else "") if post else None,
        post_state=post_state,
        # What the post shows is taken to be the row as it is now: edits made while the ledger was lost
        # are not replayed.
        published_hash=content_hash(row) if post else None,
        processed_at=parse_minute(row.pipeline_cells.get("processed", ""), tz),
        seen=dict(row.officer),
        shown=dict(row.pipeline_cells),
    )


def _from_post(app: App, code: str, post: PostRef, answer: Answer) -> SubmissionRecord:
    """A story whose row is lost with the ledger: its post and its form answer. It comes back to the review
    tab in this cycle's write-back, approved in its post's mode (see `sync._remember_legacy`)."""
    state = PostState(post.state) if post.state in PostState.__members__ else PostState.LIVE
    s = answer.submission
    return SubmissionRecord(
        code=code,
        response_key=answer.key,
        received_at=answer.received_at,
        kecamatan=s.kecamatan,
        desa=s.desa,
        operator=s.operator,
        email=s.email,
        title=s.title,
        body=s.body,
        photos=s.photos,
        status=STATE_TO_STATUS[state],
        message="Ledger dan baris sheet hilang; dipulihkan dari blog dan formulir.",
        queued=True,
        post_id=post.post_id,
        post_url=post.url if state is PostState.LIVE else "",
        post_state=state,
        published_hash=None,
        processed_at=app.clock(),
    )


def _one_post(row: ReviewRow, posts: list[PostRef]) -> PostRef | None:
    """The post of a row: the only one carrying its code, or the one its `Post ID` names; two others is a
    conflict for the administrator."""
    chosen = named_post(posts, shown_post_id(row))
    if chosen is None and posts:
        raise LedgerConflict(_claimed_twice(row.code, posts))
    if len(posts) > 1 and chosen is not None:
        log.warning(
            "%s: %d posts carry this code; adopted %s as the review tab names it: delete the others in Blogger",
            row.code,
            len(posts),
            chosen.post_id,
        )
    return chosen


def named_post(posts: Sequence[PostRef], post_id: str) -> PostRef | None:
    """Of the posts carrying one code (`posts_by_code`), the story's: the only one, or, when a post was copied
    by hand in Blogger, the one whose id the row's `Post ID` shows. None when none carries the code, or when
    several do and the row names none of them: a guess could tie the story to the copy."""
    if len(posts) <= 1:
        return posts[0] if posts else None
    return next((p for p in posts if p.post_id == post_id), None) if post_id else None


def shown_post_id(row: ReviewRow) -> str:
    """The post id the row's `Post ID` cell shows (typed as text, perhaps with a leading ')."""
    return row.pipeline_cells.get("post_id", "").strip().lstrip("'")


def _claimed_twice(code: str, posts: list[PostRef]) -> str:
    ids = ", ".join(sorted(p.post_id for p in posts))
    return (
        f"{code}: {len(posts)} posts on the blog carry this code (ids {ids}) and the review tab names none of them; "
        "delete the extra posts in Blogger, then run `mymein sync` again"
    )


def _first_rows(rows: list[ReviewRow]) -> list[ReviewRow]:
    seen: set[str] = set()
    first: list[ReviewRow] = []
    for row in rows:
        if row.code not in seen:
            seen.add(row.code)
            first.append(row)
    return first


def _archive_rows(app: App, known: set[str]) -> list[ReviewRow]:
    """Rows of the archive tab the ledger lacks (their stories are adopted as archived)."""
    title = title_of(app, ARCHIVE_KIND, app.settings.review.archive_worksheet)
    try:
        values = app.review.values.get(quote_sheet(title))
    except GoogleApiError as exc:
        if exc.status == 400 and "parse range" in exc.message:
            return []
        raise
    if not values:
        return []
    try:
        layout = ReviewLayout.from_header(values[0], app.settings.review.headers)
    except ReviewLayoutError:
        return []
    return [row for row in _first_rows(layout.parse(values)) if row.code not in known]


def parse_minute(text: str, tz: ZoneInfo) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError:
        return None
