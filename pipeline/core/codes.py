"""Reference codes (`MM-20261122-0007`): one per response, printed on the post, the key of every row.

A post says which story it is in one element the pipeline writes and nothing else can:
`<p class="kode-berita" data-kode="MM-...">`. Operator text is escaped before it reaches the page and the
sanitiser keeps `data-kode` only with the story's own code, so quoting another story's code in a body or a
title claims nothing. `code_in_post` is the one reader of that element, for reconciling a lost insert, for
`mymein rebuild` and for the bulletin.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from html import escape
from html.parser import HTMLParser

from .model import PostRef
from .text import plain_text

PREFIX = "MM"
MARKER_CLASS = "kode-berita"
MARKER_ATTRIBUTE = "data-kode"
_PATTERN = re.compile(r"^([A-Z]{2})-(\d{8})-(\d{4,})$")
# The footer of posts made before the marker element: only ever read from the post's last paragraph.
_OLD_FOOTER = re.compile(r"Kode berita:\s*([A-Z]{2}-\d{8}-\d{4,})")


def format_code(day: date, sequence: int, prefix: str = PREFIX) -> str:
    return f"{prefix}-{day:%Y%m%d}-{sequence:04d}"


def is_code(text: str) -> bool:
    return bool(_PATTERN.match(text.strip()))


def marker(code: str) -> str:
    """The element that tells which story a post is; the post template prints it at the foot of the post."""
    safe = escape(code)
    return f'<p class="{MARKER_CLASS}" {MARKER_ATTRIBUTE}="{safe}"><small>Kode berita: {safe}</small></p>'


class _Markers(HTMLParser):
    """The codes of the marker elements of a post, and the text of its last paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.codes: list[str] = []
        self.last_paragraph = ""
        self._paragraph: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == MARKER_ATTRIBUTE:
                self.codes.append((value or "").strip())
        if tag == "p":
            self._paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._paragraph is not None:
            self.last_paragraph = " ".join("".join(self._paragraph).split())
            self._paragraph = None

    def handle_data(self, data: str) -> None:
        if self._paragraph is not None:
            self._paragraph.append(data)


def _read(html: str) -> _Markers:
    parser = _Markers()
    parser.feed(html)
    parser.close()
    return parser


def marker_codes(html: str) -> list[str]:
    """The values of every marker attribute in `html`, in order."""
    return _read(html).codes


def code_in_post(html: str) -> str | None:
    """The reference code a post carries: from its marker element; None when it has none, or markers that
    disagree. A post made before the marker existed is read from its footer, and only when the footer is the
    post's last paragraph: text in the body never names the post's code."""
    parser = _read(html)
    if parser.codes:
        found = set(parser.codes)
        if len(found) != 1:
            return None
        code = found.pop()
        return code if is_code(code) else None
    old = _OLD_FOOTER.fullmatch(parser.last_paragraph)
    return old.group(1) if old else None


def title_digest(title: str) -> str:
    """A post's title as Blogger keeps it, reduced to a short fingerprint: spacing and entities do not count."""
    return hashlib.sha256(plain_text(title).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class OwnPost:
    """Which of the posts carrying a code is the story's own."""

    post: PostRef | None
    refused: tuple[tuple[str, str], ...] = ()  # (post id, why) of posts carrying the code that are not taken
    others: tuple[str, ...] = ()  # posts that are the story's as well (copies made by hand): reported only


def choose_own_post(code: str, candidates: Iterable[PostRef], owners: Mapping[str, str], title: str | None) -> OwnPost:
    """The post to adopt for `code` after an insert whose answer was lost.

    A candidate must carry `code` in its marker, must not be recorded in the ledger for another code (`owners`:
    post id -> code), and must have the title the insert sent (`title`: its `title_digest`; None for intents
    recorded before titles were). Of several, the earliest published is the one the insert made.
    """
    fit: list[PostRef] = []
    refused: list[tuple[str, str]] = []
    for post in candidates:
        owner = owners.get(post.post_id)
        if code_in_post(post.content) != code:
            refused.append((post.post_id, "does not carry the code in its marker"))
        elif owner is not None and owner != code:
            refused.append((post.post_id, f"is the post of {owner}"))
        elif title is not None and title_digest(post.title) != title:
            refused.append((post.post_id, "has another title than the one sent"))
        else:
            fit.append(post)
    if not fit:
        return OwnPost(None, tuple(refused))
    fit.sort(key=lambda p: (p.published is None, p.published.timestamp() if p.published else 0.0, p.post_id))
    return OwnPost(fit[0], tuple(refused), tuple(p.post_id for p in fit[1:]))


def split_code(code: str) -> tuple[date, int] | None:
    """The day and sequence number a code was issued with."""
    match = _PATTERN.match(code.strip())
    if not match:
        return None
    digits = match.group(2)
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), int(match.group(3))
