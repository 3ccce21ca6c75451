"""`mymein rebuild`: a lost ledger reconstructed from the review sheet, the blog and the form's responses.

The review sheet says which codes exist and what officers decided; the blog says which of them have a post
(every post carries its code in the pipeline's marker); the responses say which form answers are already on the sheet,
so they are not ingested a second time. Nothing remote is changed: the next cycle writes back as usual.

With `complaints.enabled` the complaints come back too, from the Pengaduan tab (codes, the SKPD picked, the
answer, Selesai, and the times the pipeline wrote) and the complaint form (each complaint's response key, so
it is not collected again). What the tab shows as done is recorded as done: nothing is forwarded or answered
a second time, and the only event written is a neutral `complaint_rebuilt` (no notice is queued from it).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..app import App
from ..core.errors import StateError
from ..core.message import Text
from ..core.model import PostRef, ReviewRow
from ..core.review import ReviewLayout
from ..cycle.recovery import NO_POST_MESSAGE, from_row, match, named_post, posts_by_code, read_answers, shown_post_id
from ..features.complaint_recovery import ComplaintsNotRebuilt, ComplaintTally, rebuild_complaints, restore_complaints
from ..i18n import N_
from ..ledger import SubmissionRecord

log = logging.getLogger("mymein.recovery")


class RebuildRefused(StateError):
    """Rebuilding would lose or guess: the ledger still holds history, or copies of a post are not told apart."""


@dataclass
class RebuildReport(ComplaintTally):
    submissions: int = 0
    with_post: int = 0
    responses_matched: int = 0
    responses_unmatched: int = 0  # ingested again next cycle; a repeated text is marked Duplikat
    published_without_post: list[str] = field(default_factory=list)
    posts_without_row: list[str] = field(default_factory=list)
    # Codes carried by several posts (copies made by hand), with the post ids; the sheet's Post ID chose one.
    posts_claimed_twice: dict[str, list[str]] = field(default_factory=dict)


def rebuild(app: App) -> RebuildReport:
    _refuse_if_held(
        app,
        len(app.ledger.records()),
        N_("the ledger already holds {count} submission; move {path} away first if it is damaged"),
        N_("the ledger already holds {count} submissions; move {path} away first if it is damaged"),
    )
    _refuse_if_held(
        app,
        app.ledger.complaints.count(),
        N_("the ledger already holds {count} complaint; move {path} away first if it is damaged"),
        N_("the ledger already holds {count} complaints; move {path} away first if it is damaged"),
    )
    report = RebuildReport()
    # Everything is read before anything is written: a failure leaves the ledger empty, to be rebuilt again.
    try:
        complaints = rebuild_complaints(app, report)
    except ComplaintsNotRebuilt as exc:
        raise RebuildRefused(exc.text()) from exc
    _submissions(app, report)
    restore_complaints(app, complaints)
    return report


def _submissions(app: App, report: RebuildReport) -> None:
    values = app.review.read()
    if not values:
        return
    rows = ReviewLayout.from_header(values[0], app.settings.review.headers).parse(values)
    posts = _posts_by_code(app, rows, report)
    answers = read_answers(app)
    restored: list[SubmissionRecord] = []
    seen: set[str] = set()
    for row in sorted(rows, key=lambda r: r.code):
        if row.code in seen:
            continue  # a row an officer copied: the first one is the submission
        seen.add(row.code)
        answer = match(app, row, answers)
        if answer is not None:
            answers.remove(answer)
            report.responses_matched += 1
        post = posts.get(row.code)
        record = from_row(app, row, answer, post)
        if post is not None:
            report.with_post += 1
        elif record.message == NO_POST_MESSAGE:
            report.published_without_post.append(row.code)
        restored.append(record)
    report.responses_unmatched = len(answers)
    report.posts_without_row = sorted(set(posts) - seen)
    app.ledger.restore(restored)
    report.submissions = len(restored)


def _posts_by_code(app: App, rows: Sequence[ReviewRow], report: RebuildReport) -> dict[str, PostRef]:
    """Each code's post (`recovery.posts_by_code`, read from the marker every post carries). A code two posts
    carry (a post copied by hand in Blogger) is the one whose id the review sheet's `Post ID` shows; without
    that, rebuilding stops rather than guess: a wrong guess would tie the story to the copy, and none would have
    it posted again."""
    shown: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r.code):
        shown.setdefault(row.code, shown_post_id(row))  # a row an officer copied: the first one is the story
    posts: dict[str, PostRef] = {}
    unresolved: list[str] = []
    for code, found in posts_by_code(app).items():
        chosen = named_post(found, shown.get(code, ""))
        if len(found) > 1:
            ids = sorted(post.post_id for post in found)
            report.posts_claimed_twice[code] = ids
            if chosen is None:
                unresolved.append(f"{code} (posts {', '.join(ids)})")
        if chosen is not None:
            posts[code] = chosen
    if unresolved:
        raise RebuildRefused(
            Text(
                "several posts carry the same code and the review sheet's Post ID does not say which is the "
                "story's: {codes}. Delete the copies in Blogger (or type the right id into the row's Post ID cell, "
                "as text: with a leading '), then rebuild again",
                codes="; ".join(unresolved),
            )
        )
    return posts


def _refuse_if_held(app: App, held: int, one: str, many: str) -> None:
    """A ledger that holds records is not rebuilt over: moving a damaged one away is the administrator's call."""
    if held:
        raise RebuildRefused(Text(one if held == 1 else many, count=held, path=app.ledger.path))
