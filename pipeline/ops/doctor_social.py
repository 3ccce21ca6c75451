"""`mymein doctor`, social media: the token files (present, one line, not readable by others), the Facebook page
token (its page is `social.facebook.page_id`, it may post: `pages_manage_posts`) and the Telegram bot (`getMe`,
and an administrator of `social.telegram.chat` allowed to post)."""

from __future__ import annotations

from collections.abc import Iterator

from ..app import App
from ..config import Settings
from ..i18n import _
from ..infra.social import ShareError
from .doctor_write import Check, readable_by_others

# Named in the fixes; a path and a section title, the same in both languages.
GUIDE = "docs/deploy.md, section Media sosial"


def token_files(settings: Settings) -> Iterator[Check]:
    social = settings.social
    for name, channel in (("facebook", social.facebook), ("telegram", social.telegram)):
        if channel is None:
            continue
        key = f"social.{name}.token_file"
        path = channel.token_file
        if not path.exists():
            yield Check(
                key,
                False,
                _("{path} does not exist").format(path=path),
                _("put the token in it, one line ({guide})").format(guide=GUIDE),
            )
            continue
        loose = readable_by_others(key, path)
        if loose is not None:
            yield loose
            continue
        yield Check(key, True, str(path))


def channel_checks(app: App) -> Iterator[Check]:
    channels = app.social
    if channels is None:
        return
    if channels.facebook is not None:
        page = channels.facebook
        name = _("Facebook page token")
        try:
            owner, scopes = page.check()
        except ShareError as exc:
            yield Check(name, False, exc.reason, _("make a new long-lived page token ({guide})").format(guide=GUIDE))
        else:
            if owner != page.page_id:
                detail = _("the token is for page {owner}, not social.facebook.page_id {page}").format(
                    owner=owner or "?", page=page.page_id
                )
                fix = _("use the token of page {page} ({guide})").format(page=page.page_id, guide=GUIDE)
                yield Check(name, False, detail, fix)
            elif "pages_manage_posts" not in scopes:
                has = ", ".join(scopes) or _("none")
                detail = _("page {owner}: the token lacks pages_manage_posts (has {scopes})").format(
                    owner=owner, scopes=has
                )
                yield Check(name, False, detail, _("grant pages_manage_posts ({guide})").format(guide=GUIDE))
            else:
                yield Check(name, True, _("page {owner}, may post").format(owner=owner))
    if channels.telegram is not None:
        channel = channels.telegram
        name = _("Telegram bot")
        try:
            bot, standing = channel.check()
        except ShareError as exc:
            fix = _("check the bot token and social.telegram.chat ({guide})").format(guide=GUIDE)
            yield Check(name, False, exc.reason, fix)
        else:
            if standing != "can post":
                detail = _("@{bot} is {standing} in {chat}, not an administrator that may post").format(
                    bot=bot, standing=standing, chat=channel.chat
                )
                fix = _("add @{bot} to {chat} as administrator ({guide})").format(
                    bot=bot, chat=channel.chat, guide=GUIDE
                )
                yield Check(name, False, detail, fix)
            else:
                yield Check(name, True, _("@{bot} may post in {chat}").format(bot=bot, chat=channel.chat))
