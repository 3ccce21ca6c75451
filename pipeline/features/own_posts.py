"""Finding the post a lost insert made: only a post that carries the story's code in the pipeline's marker,
has the title the insert sent, and belongs to no other story in the ledger is taken for the story's own."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ..app import App
from ..core.codes import choose_own_post, title_digest
from ..core.model import PostRef
from ..core.post import PostView

log = logging.getLogger("mymein.reconcile")


def insert_payload(view: PostView, content_hash: str | None) -> dict[str, Any]:
    """What an insert intent records: the row's content hash, and the fingerprint of the title sent, by which
    the post is recognised if the insert's answer is lost."""
    return {"hash": content_hash, "title": title_digest(view.title)}


def find_own_post(app: App, code: str, payload: dict[str, Any], since: datetime) -> PostRef | None:
    """The story's own post among the blog's posts updated since `since`, or None when there is none."""
    candidates = app.publisher.posts_with_code(code, since)
    if not candidates:
        return None
    title = payload.get("title")
    owners = app.ledger.post_owners(post.post_id for post in candidates)
    chosen = choose_own_post(code, candidates, owners, title if isinstance(title, str) else None)
    for post_id, why in chosen.refused:
        log.warning("%s: post %s names this code but is not taken for its own: it %s", code, post_id, why)
    if chosen.post is not None and chosen.others:
        log.warning(
            "%s: posts %s carry this code too (copies?); post %s, the earliest, is taken for the story's own",
            code,
            ", ".join(chosen.others),
            chosen.post.post_id,
        )
    return chosen.post
