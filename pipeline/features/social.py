"""Spread the news: each published story shared once to the Facebook Page and the Telegram channel, edited
when its title or lead is, and withdrawn with its post.

The stage converges, like the write-back: every cycle compares what should be out there (stories `Terbit`
whose `Sebar` box is ticked) with what the ledger says is (`ledger.shares`), and closes the gap. Before each
share an intent is written (`sending`); a crash or a lost answer leaves it. Then, at the start of the next
cycle, a Facebook share is looked for by its link in the page's recent feed and adopted, or known not made;
a Telegram share cannot be looked for (the Bot API lists no channel history): it is `uncertain`, never resent by
itself, shown in `mymein status`, until an administrator resends or dismisses it (`mymein social`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable
from datetime import datetime, timedelta

from ..app import App
from ..core.decide import PostState, content_hash
from ..core.errors import StateError
from ..core.message import Text
from ..core.model import ReviewRow, Status
from ..core.post import post_view
from ..core.social import CAPTION_LIMIT, TEXT_LIMIT, ShareText, facebook_link, share_text, telegram_html, telegram_link
from ..infra.social import (
    ChannelDown,
    Channels,
    FacebookPage,
    ShareError,
    ShareGone,
    ShareRefused,
    ShareUncertain,
    TelegramChannel,
    TooOld,
)
from ..ledger import Ledger, SubmissionRecord
from ..ledger.shares import Share

log = logging.getLogger("mymein.social")

LABELS = {"facebook": "Facebook", "telegram": "Telegram"}
MARKER = " Media sosial: "
RESENDABLE = ("uncertain", "dismissed")
REFUSED = "refused: "
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=8)
TOLD_STATUSES = (Status.PUBLISHED, Status.RETRACTED, Status.REJECTED)
DISMISSABLE = ("uncertain",)


def spread(
    app: App, rows: Iterable[ReviewRow], warnings: list[str], *, others: bool = True, handled: Collection[str] = ()
) -> list[str]:
    """One pass over the stories on the sheet and the stories with a current share; returns the links shared.
    A big tab is spread window by window: only the last pass (`others`) settles interrupted shares and looks
    at shared stories on no window (`handled`: the codes earlier windows spread)."""
    channels = app.social
    if channels is None:
        return []
    shared: list[str] = []
    down: dict[str, str] = {}
    if others:
        settle_interrupted(app, channels, warnings, down)
    by_code = {row.code: row for row in rows}
    current = app.ledger.shares.current()
    elsewhere = {code for code, _ in current} - set(handled) if others else set()
    codes = sorted(set(by_code) | elsewhere)
    records = app.ledger.records(codes)
    for code in codes:
        record = records.get(code)
        if record is None:
            continue
        row = by_code.get(code)
        shown = row.pipeline_cells.get("message", "") if row is not None else ""
        wanted = _wanted(app, record, row)
        text = _text(app, record, row) if wanted else None
        for name, client in channels.active():
            if name in down:
                continue
            try:
                share = current.get((code, name))
                if (
                    share is None
                    and wanted
                    and text is not None
                    and _adopt_from_sheet(app, name, client, code, text, shown)
                ):
                    continue
                link = _converge(app, name, client, record, share, wanted, text, warnings)
            except ChannelDown as exc:
                down[name] = exc.reason
                continue
            except ShareRefused as exc:
                warnings.append(Text("{code}: {error}", code=code, error=exc))
                continue
            if link:
                shared.append(link)
        _tell_officer(app, code)
    for name, reason in down.items():
        warnings.append(Text("{name}: {reason}; shares wait for the next cycle", name=name, reason=reason))
    return shared


def _adopt_from_sheet(
    app: App, name: str, client: FacebookPage | TelegramChannel, code: str, text: ShareText, shown: str
) -> bool:
    """A story the ledger has never shared there whose row's `Pesan` already links its share: the ledger was
    lost (or restored from an older copy) after the share. The link is the share; it is taken, not made again."""
    if any(s.channel == name for s in app.ledger.shares.of(code)):
        return False  # the ledger knows this story's shares there: the sheet may only be behind it
    if isinstance(client, FacebookPage):
        pattern = re.escape(facebook_link(f"{client.page_id}_")) + r"([0-9]+)\b"
    else:
        pattern = re.escape(telegram_link(client.chat, "")) + r"([0-9]+)\b"
    found = re.search(pattern, shown.split(MARKER, 1)[1] if MARKER in shown else "")
    if found is None:
        return False
    share = app.ledger.shares.begin(code, name, text.link, text.digest)
    if share is None:
        return False
    remote_id = f"{client.page_id}_{found.group(1)}" if isinstance(client, FacebookPage) else found.group(1)
    url = found.group(0)
    app.ledger.shares.move(share, ("sending",), "live", remote_id=remote_id, url=url, photo=int(bool(text.photo_url)))
    app.ledger.event(code, "share_adopted", {"channel": name, "url": url, "from": "review sheet"})
    return True


def _wanted(app: App, record: SubmissionRecord, row: ReviewRow | None) -> bool | None:
    """True: shared; False: withdrawn; None: left as it is (the story is live but not on the sheet now)."""
    live = record.status is Status.PUBLISHED and bool(record.post_url) and record.post_state == PostState.LIVE
    if not live:
        return False
    if row is None:
        return None
    return row.share if row.share is not None else app.settings.social.default_share


def _text(app: App, record: SubmissionRecord, row: ReviewRow | None) -> ShareText | None:
    if row is None or not record.post_url:
        return None
    if record.published_hash and content_hash(row) != record.published_hash:
        return None  # the blog has not taken the officer's edit yet (it failed, or waits): the shares wait too
    return share_text(post_view(row, app.settings.blogger.image_url), record.post_url)


def _converge(
    app: App,
    name: str,
    client: FacebookPage | TelegramChannel,
    record: SubmissionRecord,
    share: Share | None,
    wanted: bool | None,
    text: ShareText | None,
    warnings: list[str],
) -> str | None:
    shares = app.ledger.shares
    if wanted is None:
        return None
    if wanted and share is None and text is not None:
        return _create(app, name, client, record.code, text, warnings)
    if wanted and share is not None and share.state == "live" and text is not None and share.digest != text.digest:
        _edit(app, name, client, share, text)
        return None
    if not wanted and share is not None:
        if share.state == "live":
            _delete(app, name, client, share)
        # A dismissed share: nothing the pipeline knows of to delete; a republish shares anew.
        elif share.state == "dismissed" and shares.move(share, ("dismissed",), "deleted", error="withdrawn"):
            app.ledger.event(share.code, "share_closed", {"channel": name})
    return None


def _create(
    app: App, name: str, client: FacebookPage | TelegramChannel, code: str, text: ShareText, warnings: list[str]
) -> str | None:
    shares = app.ledger.shares
    if _refused_recently(app, name, code):
        return None
    share = shares.begin(code, name, text.link, text.digest)
    if share is None:
        return None
    try:
        if isinstance(client, FacebookPage):
            remote_id, photo = client.post(text.facebook, text.link), False
            url = facebook_link(remote_id)
        else:
            remote_id, photo = client.send(text.telegram, text.photo_url)
            url = telegram_link(client.chat, remote_id)
    except ShareUncertain as exc:
        if name == "telegram":
            _doubt(app, share, exc.reason, warnings)
        else:
            warnings.append(Text("{code}: {error}; looked for in the page's feed next cycle", code=code, error=exc))
        return None
    except ShareRefused as exc:
        shares.move(share, ("sending",), "failed", error=REFUSED + exc.reason)
        raise
    except ShareError as exc:
        shares.move(share, ("sending",), "failed", error=exc.reason)
        raise
    now = app.clock().isoformat()
    shares.move(share, ("sending",), "live", remote_id=remote_id, url=url, photo=int(photo), sent_at=now)
    app.ledger.event(code, "shared", {"channel": name, "url": url})
    log.info("%s: shared to %s: %s", code, name, url)
    return url


def _refused_recently(app: App, name: str, code: str) -> bool:
    """A story the service refused (a link it will not take, a text it cannot parse) is tried again later and
    later, 5 minutes after the first refusal, doubling to 8 hours: a refusal repeated every minute would fill
    the ledger and the log without a chance of success."""
    refusals: list[Share] = []
    for share in app.ledger.shares.of(code):
        if share.channel != name:
            continue
        refused = share.state == "failed" and (share.error or "").startswith(REFUSED)
        refusals = [*refusals, share] if refused else []  # only the refusals since the last other outcome
    if not refusals:
        return False
    doubled: timedelta = FIRST_RETRY * 2 ** (len(refusals) - 1)
    return app.clock() < datetime.fromisoformat(refusals[-1].created_at) + min(LONGEST_RETRY, doubled)


def _edit(app: App, name: str, client: FacebookPage | TelegramChannel, share: Share, text: ShareText) -> None:
    assert share.remote_id is not None
    try:
        if isinstance(client, FacebookPage):
            client.edit(share.remote_id, text.facebook)
        else:
            # A photo keeps its caption's limit, a text its own, whatever the story's photos are now.
            same_kind = share.photo == bool(text.photo_url)
            html = text.telegram if same_kind else _telegram_html_for(text, photo=share.photo)
            client.edit(share.remote_id, html, photo=share.photo)
    except ShareGone:
        # Deleted by hand at the service: not shared again by itself (the officer may have had a reason).
        if app.ledger.shares.move(share, ("live",), "dismissed", error="deleted outside MyMeIn"):
            app.ledger.event(share.code, "share_gone", {"channel": name, "url": share.url})
        return
    except ShareUncertain:
        return  # an edit is repeated harmlessly next cycle
    app.ledger.shares.move(share, ("live",), "live", digest=text.digest)
    app.ledger.event(share.code, "share_edited", {"channel": name, "url": share.url})


def _telegram_html_for(text: ShareText, *, photo: bool) -> str:
    title, _, lead = text.facebook.partition("\n\n")
    return telegram_html(title, lead, text.link, CAPTION_LIMIT if photo else TEXT_LIMIT)


def _delete(app: App, name: str, client: FacebookPage | TelegramChannel, share: Share) -> None:
    assert share.remote_id is not None
    shares = app.ledger.shares
    try:
        client.delete(share.remote_id)
    except ShareGone:
        pass  # deleted already (by hand, or by our request whose answer was lost)
    except TooOld as exc:
        if shares.move(share, ("live",), "manual", error=exc.reason):
            app.ledger.event(share.code, "share_manual", {"channel": name, "url": share.url})
        return
    except ShareUncertain:
        return  # tried again next cycle: a second delete of a deleted message is "not found", which is done
    if shares.move(share, ("live",), "deleted"):
        app.ledger.event(share.code, "share_deleted", {"channel": name, "url": share.url})


def _doubt(app: App, share: Share, reason: str, warnings: list[str]) -> None:
    if app.ledger.shares.move(share, ("sending",), "uncertain", error=reason):
        app.ledger.event(share.code, "share_uncertain", {"channel": share.channel, "reason": reason})
    warnings.append(
        f"{share.code}: the {share.channel} share may or may not have been made ({reason}); not sent again by "
        f"itself: `mymein social resend {share.id}` or `mymein social dismiss {share.id}`"
    )


def settle_interrupted(app: App, channels: Channels, warnings: list[str], down: dict[str, str]) -> None:
    """Shares left `sending` by a crash or a lost answer: a Facebook post is looked for by its link in the page's
    feed (adopted, or known not made); a Telegram message is uncertain."""
    shares = app.ledger.shares
    for share in shares.listing(("sending",)):
        if share.channel == "telegram" or channels.facebook is None:
            _doubt(app, share, "interrupted before its answer arrived", warnings)
            continue
        if "facebook" in down:
            continue
        try:
            found = channels.facebook.find_by_link(share.link)
        except ShareError as exc:
            down["facebook"] = exc.reason
            continue
        if found is None:
            shares.move(share, ("sending",), "failed", error="not made (not in the page's recent feed)")
            continue
        url = facebook_link(found)
        now = app.clock().isoformat()
        if shares.move(share, ("sending",), "live", remote_id=found, url=url, sent_at=now):
            app.ledger.event(share.code, "share_adopted", {"channel": "facebook", "url": url})


def _tell_officer(app: App, code: str) -> None:
    """The row's `Pesan` ends with where the story is on social media, or what the officer must do by hand."""
    record = app.ledger.get(code)
    if record is None:
        return
    if record.status not in TOLD_STATUSES:
        return  # a story held, waiting or failing has its own Pesan, which the cycle compares against
    base = record.message.split(MARKER, 1)[0]
    parts: list[str] = []
    for share in app.ledger.shares.of(code):
        label = LABELS.get(share.channel, share.channel)
        if share.state == "live" and share.url:
            parts.append(f"{label} {share.url}")
        elif share.state == "manual" and share.url:
            parts.append(
                f"pesan {label} {share.url} sudah lebih dari 48 jam sehingga tidak bisa dihapus otomatis; "
                f"mohon hapus manual di {label}"
            )
        elif share.state == "uncertain" and record.status is Status.PUBLISHED:
            parts.append(f"{label} belum pasti terkirim (diperiksa administrator)")
        elif share.state == "uncertain":
            parts.append(
                f"pesan {label} mungkin sempat terkirim dan tidak bisa dihapus otomatis; jika ada di kanal, "
                "mohon hapus manual"
            )
    wanted = base + (MARKER + "; ".join(parts) + "." if parts else "")
    if wanted != record.message:
        app.ledger.note(code, wanted, kind="social")


class WrongState(StateError):
    """The share is not in a state the administrator's command applies to."""

    def __init__(self, share: Share) -> None:
        super().__init__(f"share #{share.id} ({share.code}, {share.channel}) is {share.state}")
        self.share = share


def resend(ledger: Ledger, share: Share) -> None:
    """An administrator's decision to share again a story whose share is uncertain or dismissed, knowing it may
    then be there twice: the next cycle shares it anew."""
    if not ledger.shares.move(share, RESENDABLE, "failed", error=f"resent by the administrator (was {share.state})"):
        raise WrongState(ledger.shares.by_id(share.id) or share)
    ledger.event(share.code, "share_resent", {"channel": share.channel, "was": share.state})


def dismiss(ledger: Ledger, share: Share) -> None:
    """An administrator's decision that an uncertain share is not to be made again (it is there, or not wanted)."""
    if not ledger.shares.move(share, DISMISSABLE, "dismissed", error="dismissed by the administrator"):
        raise WrongState(ledger.shares.by_id(share.id) or share)
    ledger.event(share.code, "share_dismissed", {"channel": share.channel})
