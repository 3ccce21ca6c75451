"""`mymein doctor`, social media: the token files (present, one line, not readable by others), the Facebook page
token (its page is `social.facebook.page_id`, it may post: `pages_manage_posts`) and the Telegram bot (`getMe`,
and an administrator of `social.telegram.chat` allowed to post)."""

from __future__ import annotations

from collections.abc import Iterator

from ..app import App
from ..config import Settings
from ..infra.private import loose_mode
from ..infra.social import ShareError
from .doctor_write import Check

GUIDE = "docs/deploy.md, section Media sosial"


def token_files(settings: Settings) -> Iterator[Check]:
    social = settings.social
    for name, channel in (("facebook", social.facebook), ("telegram", social.telegram)):
        if channel is None:
            continue
        key = f"social.{name}.token_file"
        path = channel.token_file
        if not path.exists():
            yield Check(key, False, f"{path} does not exist", f"put the token in it, one line ({GUIDE})")
            continue
        mode = loose_mode(path)
        if mode is not None:
            yield Check(key, False, f"{path} can be read by other users (mode {mode:o})", f"chmod 600 {path}")
            continue
        yield Check(key, True, str(path))


def channel_checks(app: App) -> Iterator[Check]:
    channels = app.social
    if channels is None:
        return
    if channels.facebook is not None:
        page = channels.facebook
        try:
            owner, scopes = page.check()
        except ShareError as exc:
            yield Check("Facebook page token", False, exc.reason, f"make a new long-lived page token ({GUIDE})")
        else:
            if owner != page.page_id:
                detail = f"the token is for page {owner or '?'}, not social.facebook.page_id {page.page_id}"
                yield Check("Facebook page token", False, detail, f"use the token of page {page.page_id} ({GUIDE})")
            elif "pages_manage_posts" not in scopes:
                detail = f"page {owner}: the token lacks pages_manage_posts (has {', '.join(scopes) or 'none'})"
                yield Check("Facebook page token", False, detail, f"grant pages_manage_posts ({GUIDE})")
            else:
                yield Check("Facebook page token", True, f"page {owner}, may post")
    if channels.telegram is not None:
        channel = channels.telegram
        try:
            bot, standing = channel.check()
        except ShareError as exc:
            yield Check("Telegram bot", False, exc.reason, f"check the bot token and social.telegram.chat ({GUIDE})")
        else:
            if standing != "can post":
                detail = f"@{bot} is {standing} in {channel.chat}, not an administrator that may post"
                yield Check("Telegram bot", False, detail, f"add @{bot} to {channel.chat} as administrator ({GUIDE})")
            else:
                yield Check("Telegram bot", True, f"@{bot} may post in {channel.chat}")
