"""Before anything else: side effects a crash may have cut short are settled, and posts that went live without
us (a draft published by hand, a schedule come due) are noticed."""

from __future__ import annotations

import logging
from datetime import timedelta

from ..app import App
from ..core.decide import STATE_TO_STATUS, PostState
from ..core.message import Text
from ..core.model import Status
from ..features.own_posts import find_own_post
from ..google.errors import CredentialsRefused, GoogleApiError
from . import went_live
from .outcome import BLOG, CycleReport, Outcome

log = logging.getLogger("mymein.sync")

log = logging.getLogger("mymein.sync")


def reconcile_intents(app: App, report: CycleReport) -> None:
    """A post insert that may have happened before a crash: adopt the post if it exists, else let it retry.

    Every other side effect (publish, revert, patch, share, write-back) is safe to repeat, and the cycle
    recomputes what it should be from the sheet and the ledger: its open intent is closed as interrupted.
    """
    for intent in app.ledger.open_intents():
        if intent.action != "insert":
            app.ledger.close_intent(intent.id, error="interrupted; recomputed by the next cycle")
            app.ledger.event(intent.code, "intent_interrupted", {"action": intent.action})
    for intent in app.ledger.open_intents("insert"):
        record = app.ledger.get(intent.code)
        if record is not None and record.post_id:
            app.ledger.close_intent(intent.id)
            continue
        since = intent.created_at - timedelta(days=1)
        if BLOG in report.down:
            continue
        try:
            found = find_own_post(app, intent.code, intent.payload, since)
        except CredentialsRefused as exc:
            report.down[BLOG] = exc.text()
            continue
        except GoogleApiError as exc:
            report.warn(Text("{code}: cannot check for an earlier post yet: {error}", code=intent.code, error=exc))
            continue
        if found is None:
            app.ledger.close_intent(intent.id, error="no post was created")
            app.ledger.event(intent.code, "intent_abandoned", {"action": "insert"})
            continue
        state = PostState(found.state) if found.state in PostState.__members__ else PostState.LIVE
        app.ledger.set_outcome(
            intent.code,
            STATE_TO_STATUS[state],
            "Postingan ditemukan kembali setelah gangguan; tidak dibuat ulang.",
            kind="adopted",
            post_id=found.post_id,
            post_url=found.url,
            post_state=state,
            published_hash=intent.payload.get("hash"),
        )
        app.ledger.close_intent(intent.id)


# --- posts that went live without us ------------------------------------------------------------------
def notice_went_live(app: App, report: CycleReport) -> None:
    """Drafts published by hand in Blogger and schedules that came due become `Terbit` (see `went_live`)."""
    if BLOG in report.down:
        return
    said: list[str] = []
    try:
        found = went_live.check(app, said)
    except CredentialsRefused as exc:
        report.down[BLOG] = exc.text()
        return
    finally:
        report.warn_all(said)
    for live in found:
        report.outcomes.append(Outcome(live.code, "went_live", Status.PUBLISHED.value, live.message, live.url))
