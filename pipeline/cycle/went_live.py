"""Posts the pipeline left as drafts or scheduled that went live without it: a draft published by hand in
Blogger's editor, a schedule that came due. Each becomes `Terbit` with its link.

No date is trusted. Blogger's editor may keep a draft's creation date when its owner publishes it (the
"Automatic" date setting), so a listing of posts published since the last look can miss it; and whether
`updated` moves when Blogger's scheduler puts a post live is not documented. Instead the blog is asked which
of its posts are not live (drafts, scheduled, trashed: one listing of ids, 500 a page, whatever their dates),
and each watched post no longer among them is asked for by id: live, it is `Terbit`; gone, the row says so
once and it is not asked for again.

Cost: nothing while no draft or scheduled post of ours waits (the ledger knows); else one call every
`blogger.state_check_seconds`, plus one `posts.get` for each watched post that left the list since the last
look, once (it is then live and watched no more). Asking for every watched post by id instead would cost one
call per waiting draft at every look, and a listing of live posts by `updated` would trust a date again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..app import App
from ..core.decide import PostState
from ..core.message import Text
from ..core.model import Mode, PostRef, Status
from ..google.errors import CredentialsRefused, GoogleApiError
from ..ledger import SubmissionRecord

BY_HAND_MESSAGE = "Terbit di blog (diterbitkan langsung di Blogger)."
SCHEDULED_MESSAGE = "Terbit di blog sesuai jadwal."
GONE_MESSAGE = "Postingan ini tidak ada lagi di Blogger (terhapus di sana?)."


@dataclass(frozen=True)
class WentLive:
    code: str
    message: str
    url: str


def check(app: App, errors: list[str]) -> list[WentLive]:
    """The watched posts now live, each recorded in the ledger as `Terbit` (with `Mode` Terbit when a draft was
    published by hand); problems go to `errors` and the look is repeated at the next cycle. A refused token
    (`CredentialsRefused`) is raised for the cycle to hold the blog's work."""
    gone = set(json.loads(app.ledger.meta.blogger_posts_gone.get() or "[]"))
    watched = {r.post_id: r for r in app.ledger.awaiting_live() if r.post_id and r.post_id not in gone}
    if not watched:
        return []
    now = app.clock()
    if not app.ledger.meta.blogger_state_checked_at.due(now, app.settings.blogger.state_check_seconds):
        return []
    found: list[WentLive] = []
    try:
        waiting = app.publisher.not_live()
        for post_id in sorted(set(watched) - waiting):
            record, ref = watched[post_id], app.publisher.post(post_id)
            if ref is None:
                _gone(app, record, post_id, gone, errors)
            elif ref.state == PostState.LIVE.value:  # else it moved again between the two calls: seen next time
                found.append(_live(app, record, ref))
    except CredentialsRefused:
        raise  # the blog owner's token: the cycle holds the blog's work and says so once
    except GoogleApiError as exc:
        errors.append(Text("could not look for posts that went live: {error}", error=exc))
        return found
    app.ledger.meta.blogger_state_checked_at.set(now.isoformat())
    return found


def _live(app: App, record: SubmissionRecord, ref: PostRef) -> WentLive:
    by_hand = record.status is Status.DRAFT
    message = BY_HAND_MESSAGE if by_hand else SCHEDULED_MESSAGE
    app.ledger.set_outcome(
        record.code,
        Status.PUBLISHED,
        message,
        kind="went_live",
        post_url=ref.url,
        post_state=PostState.LIVE,
        mode_override=Mode.LIVE.value if by_hand else None,
    )
    return WentLive(record.code, message, ref.url)


def _gone(app: App, record: SubmissionRecord, post_id: str, gone: set[str], errors: list[str]) -> None:
    """Deleted in Blogger: said once on the row (`Pesan`) and in the log, and not asked for again."""
    gone.add(post_id)
    app.ledger.meta.blogger_posts_gone.set(json.dumps(sorted(gone)))
    app.ledger.note(record.code, GONE_MESSAGE, kind="post_gone")
    errors.append(
        Text("{code}: post {id} is no longer on the blog (deleted in Blogger?)", code=record.code, id=post_id)
    )
