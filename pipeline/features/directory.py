"""The public KIM directory: one page of the blog listing every KIM of the Operator tab per kecamatan, with its
stories of the last days (`kim_directory`), kept in step with the tab.

One page, ever: the page is known by the id the ledger remembers; without it (a lost ledger, a lost answer to
`pages.insert`) the blog's pages are looked through for ours (its marker element, else its title) before a page
is ever inserted. The page is changed (one `pages.update`) only when what it would show differs from what was
last written (a digest kept in the ledger).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import nh3

from ..app import App
from ..core.directory import (
    PAGE_MARKER,
    Directory,
    RecentStory,
    build_directory,
    kims_from_rows,
    page_digest,
    remembered,
)
from ..core.message import Text
from ..core.text import fold
from ..google.errors import GoogleApiError
from ..google.sheets_values import quote_sheet
from ..infra.tabs import OPERATOR_KIND, title_of
from ..outputs.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, TemplateFailed

log = logging.getLogger("mymein.directory")
TEMPLATE = "directory.html.j2"
# The post allowlist, plus the headings and lists a directory is made of, and the marker's id.
_TAGS = ALLOWED_TAGS | {"h3", "ul", "li"}
_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "div": {"class", "id"}}


@dataclass(frozen=True)
class DirectoryOutcome:
    action: str  # "unchanged", "updated", "inserted", "adopted" (found on the blog, already showing the list)
    page_id: str
    url: str
    kims: int
    stories: int


def refresh(app: App, errors: list[str], *, force: bool = False) -> DirectoryOutcome | None:
    """The directory page brought in step when it is due (every `kim_directory.check_seconds`, or at once after
    a KIM's row was written, or with `force`); None when it was not looked at. What failed goes to `errors`
    and the page is looked at again next cycle."""
    settings = app.settings.kim_directory
    if not settings.enabled:
        return None
    meta = app.ledger.meta
    now = app.clock()
    stale = bool(meta.directory_stale.get())
    if not (force or stale or meta.directory_checked_at.due(now, settings.check_seconds)):
        return None
    try:
        outcome = _refresh(app, now)
    except (GoogleApiError, TemplateFailed) as exc:  # the cycle's work is done; only the page waits
        errors.append(Text("the KIM directory page waits for the next cycle: {error}", error=exc))
        return None
    meta.directory_checked_at.set(now.isoformat())
    meta.directory_stale.set("")
    if outcome is not None and outcome.action != "unchanged":
        log.info(
            "KIM directory page %s (%d KIMs, %d stories): %s",
            outcome.action,
            outcome.kims,
            outcome.stories,
            outcome.url,
        )
    return outcome


def page_url(app: App) -> str | None:
    """The directory page's address as last written, for the report; None before it exists."""
    kept = _kept(app)
    return kept.get("url") or None


def render(app: App, directory: Directory) -> str:
    """The page's HTML: the template, autoescaped, then the allowlist as a last guard."""
    html = app.renderer.render(TEMPLATE, directory=directory, title=app.settings.kim_directory.title)
    cleaned: str = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return cleaned


def gather(app: App, now: datetime) -> Directory | None:
    """What the page shows now: the Operator tab's KIMs and the blog's stories of the last days; None when the
    review spreadsheet has no Operator tab (nothing is changed on the blog then)."""
    settings = app.settings.kim_directory
    title = title_of(app, OPERATOR_KIND, app.settings.review.operator_worksheet)
    try:
        rows = app.review.values.get(quote_sheet(title))
    except GoogleApiError as exc:
        if exc.status == 400 and "parse range" in exc.message:
            return None
        raise
    kims = kims_from_rows(rows, app.regions)
    posts = app.publisher.live_posts_between(now - timedelta(days=settings.recent_days), now + timedelta(minutes=1))
    codes = app.ledger.codes_of_posts(str(p["id"]) for p in posts if p.get("id"))
    records = app.ledger.records(codes.values())
    stories: list[tuple[str, str, RecentStory]] = []
    for post in posts:
        record = records.get(codes.get(str(post.get("id")), ""))
        if record is None:  # an officer's own post: no village of its own
            continue
        story = RecentStory(
            str(post.get("title", "")), str(post.get("url", "")), datetime.fromisoformat(str(post["published"]))
        )
        stories.append((record.kecamatan, record.desa, story))
    return build_directory(kims, stories, days=settings.recent_days)


def _refresh(app: App, now: datetime) -> DirectoryOutcome | None:
    directory = gather(app, now)
    if directory is None:
        log.warning("kim_directory.enabled but the review spreadsheet has no Operator tab: run `mymein init`")
        return None
    title = app.settings.kim_directory.title
    html = render(app, directory)
    digest = page_digest(title, html)
    kept = _kept(app)

    def done(action: str, page: dict[str, Any]) -> DirectoryOutcome:
        page_id, url = str(page.get("id", "")), str(page.get("url", "") or kept.get("url", ""))
        app.ledger.meta.directory_page.set(json.dumps({"id": page_id, "url": url, "digest": digest}))
        if action in ("inserted", "updated"):
            app.ledger.event(None, "directory_page", {"action": action, "page_id": page_id, "kims": directory.kims})
        return DirectoryOutcome(action, page_id, url, directory.kims, directory.stories)

    if kept.get("id") and kept.get("digest") == digest:
        return DirectoryOutcome(
            "unchanged", str(kept["id"]), str(kept.get("url", "")), directory.kims, directory.stories
        )
    if kept.get("id"):
        updated = app.publisher.update_page(str(kept["id"]), title, html)
        if updated is not None:
            return done("updated", updated)
        log.warning("the KIM directory page %s is gone from the blog; looking for it by its title", kept["id"])
    found = _find_ours(app, title)
    if found is not None:
        if (
            page_digest(str(found.get("title", "")), str(found.get("content", ""))) == digest
            and found.get("status") == "LIVE"
        ):
            return done("adopted", found)
        updated = app.publisher.update_page(str(found["id"]), title, html)
        if updated is not None:
            return done("updated", updated)
    # Only after the blog's pages were looked through: a lost answer to an earlier insert left ours there.
    return done("inserted", app.publisher.insert_page(title, html))


def _find_ours(app: App, title: str) -> dict[str, Any] | None:
    """Our page among the blog's pages: the one carrying the marker element, else one with the configured
    title; the oldest when several do (a second one is left alone, and logged)."""
    pages = app.publisher.all_pages()
    marked = [p for p in pages if PAGE_MARKER in str(p.get("content", ""))]
    titled = [p for p in pages if fold(str(p.get("title", ""))) == fold(title)]
    chosen = marked or titled
    if not chosen:
        return None
    chosen.sort(key=lambda p: (str(p.get("published", "")), str(p.get("id", ""))))
    if len(chosen) > 1:
        log.warning(
            "the blog has %d pages that look like the KIM directory; keeping %s up to date, the others are left "
            "as they are",
            len(chosen),
            chosen[0].get("id"),
        )
    log.info("the KIM directory page was found on the blog (%s): the ledger did not remember it", chosen[0].get("id"))
    return chosen[0]


def _kept(app: App) -> dict[str, str]:
    return remembered(app.ledger.meta.directory_page.get())
