"""`mymein rebuild`: a lost ledger reconstructed from the review sheet, the blog and the form's responses.

The review sheet says which codes exist and what officers decided; the blog says which of them have a post
(the code is printed in every post's footer); the responses say which form answers are already on the sheet,
so they are not ingested a second time. Nothing remote is changed: the next cycle writes back as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from .app import App
from .core.codes import code_in_post
from .core.decide import STATE_TO_STATUS, PostState, content_hash
from .core.form import FormLayout
from .core.model import PostRef, ReviewRow, Status
from .core.review import ReviewLayout
from .core.sheettime import format_local
from .core.text import fold
from .ledger import SubmissionRecord

NO_POST_MESSAGE = (
    "Ledger dibangun ulang: tidak ada postingan dengan kode ini di blog. Bila disetujui, berita diterbitkan lagi."
)
_UNDECIDED = {Status.WAITING, Status.NEEDS_FIX, Status.DUPLICATE, Status.FAILED, Status.REJECTED}


class RebuildRefused(Exception):
    """The ledger still holds history; rebuilding over it could only lose some."""


@dataclass
class RebuildReport:
    submissions: int = 0
    with_post: int = 0
    responses_matched: int = 0
    responses_unmatched: int = 0  # ingested again next cycle; a repeated text is marked Duplikat
    published_without_post: list[str] = field(default_factory=list)
    posts_without_row: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Answer:
    key: str
    received_at: datetime
    minute: str
    email: str
    operator: str
    title: str


def rebuild(app: App) -> RebuildReport:
    held = len(app.ledger.records())
    if held:
        raise RebuildRefused(
            f"the ledger already holds {held} submissions; move {app.ledger.path} away first if it is damaged"
        )
    report = RebuildReport()
    values = app.review.read()
    if not values:
        return report
    rows = ReviewLayout.from_header(values[0], app.settings.review.headers).parse(values)
    posts: dict[str, PostRef] = {}
    for post in app.publisher.all_posts():
        code = code_in_post(post.content)
        if code is not None:
            posts.setdefault(code, post)
    answers = _answers(app)
    restored: list[SubmissionRecord] = []
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: r.code):
        if row.code in seen:
            continue  # a row an officer copied: the first one is the submission
        seen.add(row.code)
        answer = _match(row, answers)
        if answer is not None:
            answers.remove(answer)
            report.responses_matched += 1
        restored.append(_record(app, row, answer, posts.get(row.code), report))
    report.responses_unmatched = len(answers)
    report.posts_without_row = sorted(set(posts) - seen)
    app.ledger.restore(restored)
    report.submissions = len(restored)
    return report


def _answers(app: App) -> list[_Answer]:
    tab = app.responses.locate()
    values = app.responses.read(tab)
    if not values:
        return []
    layout = FormLayout.from_header(values[0], app.settings.form.columns)
    sheet_tz = ZoneInfo(tab.timezone)
    answers: list[_Answer] = []
    for row in values[1:]:
        response = layout.parse(row, sheet_tz)
        if response is None:
            continue
        answers.append(
            _Answer(
                key=layout.response_key(row),
                received_at=response.received_at,
                minute=format_local(response.received_at, app.settings.tz),
                email=fold(response.email),
                operator=fold(response.operator),
                title=fold(response.title),
            )
        )
    return answers


def _match(row: ReviewRow, answers: list[_Answer]) -> _Answer | None:
    """The form answer this row came from: same minute received, and the most other fields still equal
    (officers may have corrected any one of them)."""
    minute = row.received_text.strip()
    best: tuple[int, _Answer] | None = None
    for answer in answers:
        if answer.minute != minute:
            continue
        score = sum(
            (answer.email == fold(row.email), answer.operator == fold(row.operator), answer.title == fold(row.title))
        )
        if score and (best is None or score > best[0]):
            best = (score, answer)
    return best[1] if best else None


def _record(
    app: App, row: ReviewRow, answer: _Answer | None, post: PostRef | None, report: RebuildReport
) -> SubmissionRecord:
    tz = app.settings.tz
    received = answer.received_at if answer else _parse_minute(row.received_text, tz) or app.clock()
    sheet_status = Status(row.pipeline_cells.get("status", "")) if _is_status(row) else Status.WAITING
    post_state: PostState | None = None
    if post is not None:
        report.with_post += 1
        post_state = PostState(post.state) if post.state in PostState.__members__ else PostState.LIVE
        retracted = sheet_status is Status.RETRACTED and post_state is PostState.DRAFT
        status = Status.RETRACTED if retracted else STATE_TO_STATUS[post_state]
        message = row.pipeline_cells.get("message", "")
    elif sheet_status in _UNDECIDED or sheet_status is Status.RETRACTED:
        status, message = sheet_status, row.pipeline_cells.get("message", "")
    else:
        report.published_without_post.append(row.code)
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
        processed_at=_parse_minute(row.pipeline_cells.get("processed", ""), tz),
    )


def _is_status(row: ReviewRow) -> bool:
    return row.pipeline_cells.get("status", "") in {s.value for s in Status}


def _parse_minute(text: str, tz: ZoneInfo) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M").replace(tzinfo=tz)
    except ValueError:
        return None
