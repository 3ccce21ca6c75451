"""What a published story says on social media: a Facebook page post and a Telegram caption or message.

Pure text work: the lead (first paragraph, cut on a word boundary), Telegram's HTML with the operator's text
escaped, cut so that what Telegram counts (the text after parsing, in UTF-16 code units) stays within its limits,
and the hash that tells the cycle a share must be edited. Where each share's public link is, too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape

from .post import PostView

# Telegram Bot API limits, counted after entity parsing (core.telegram.org/bots/api: sendPhoto, sendMessage).
CAPTION_LIMIT = 1024
TEXT_LIMIT = 4096
# A lead longer than this reads as the whole story on a feed; the link is there for the rest.
LEAD_CHARS = 400
READ_MORE = "Baca selengkapnya"
ELLIPSIS = "…"
CHANNELS = ("facebook", "telegram")


@dataclass(frozen=True)
class ShareText:
    """A story as it goes out: the Facebook message, the Telegram HTML, and the photo for Telegram, if any."""

    link: str
    facebook: str
    telegram: str
    photo_url: str | None

    @property
    def digest(self) -> str:
        """Changes when what a reader sees changes: an edit of title or lead edits the shares."""
        text = "\x1f".join((self.link, self.facebook, self.telegram))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def cut_words(text: str, limit: int) -> str:
    """`text` within `limit` UTF-16 units, cut at the last space before the limit with an ellipsis."""
    text = " ".join(text.split())
    if utf16_len(text) <= limit:
        return text
    if limit <= 1:
        return ""
    head = _prefix(text, limit - 1)  # room for the ellipsis
    whole_word = len(head) < len(text) and text[len(head)] == " "
    if not whole_word and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,.;:-") + ELLIPSIS


def _prefix(text: str, room: int) -> str:
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > room:
            return text[:index]
    return text


def lead_of(paragraphs: tuple[str, ...], limit: int = LEAD_CHARS) -> str:
    return cut_words(paragraphs[0], limit) if paragraphs else ""


def share_text(view: PostView, link: str, *, telegram_photo: bool = True) -> ShareText:
    """The shares of a story whose blog post is at `link`."""
    title = " ".join(view.title.split())
    lead = lead_of(view.paragraphs)
    facebook = f"{title}\n\n{lead}".strip()
    photo = view.photo_urls[0] if view.photo_urls and telegram_photo else None
    return ShareText(link, facebook, telegram_html(title, lead, link, CAPTION_LIMIT if photo else TEXT_LIMIT), photo)


def telegram_html(title: str, lead: str, link: str, limit: int) -> str:
    """Title in bold, the lead, and a link to the blog, escaped, within `limit` once Telegram has parsed it."""
    fixed = utf16_len("\n\n") * 2 + utf16_len(READ_MORE)
    title = cut_words(title, max(0, min(utf16_len(title), limit // 4)))
    lead = cut_words(lead, max(0, limit - fixed - utf16_len(title)))
    anchor = f'<a href="{escape(link, quote=True)}">{READ_MORE}</a>'
    parts = [f"<b>{escape(title, quote=False)}</b>" if title else "", escape(lead, quote=False), anchor]
    return "\n\n".join(p for p in parts if p)


def telegram_link(chat: str, message_id: str) -> str:
    """The public link of a channel message: t.me/NAME/ID, or t.me/c/ID/MSG for a private channel."""
    if chat.startswith("@"):
        return f"https://t.me/{chat[1:]}/{message_id}"
    internal = chat.removeprefix("-100")
    return f"https://t.me/c/{internal}/{message_id}"


def facebook_link(post_id: str) -> str:
    return f"https://www.facebook.com/{post_id}"
