"""The printable weekly bulletin's content: the week's published posts, as stories grouped by kecamatan; posts
the regency's officers wrote directly in Blogger (no `Kode berita`) come first, as the regency's own news."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from html.parser import HTMLParser

from .codes import code_in_post
from .photos import drive_file_id

REGENCY = "Berita Kabupaten"  # the group of posts written directly in Blogger, first in the bulletin
# Where a paragraph ends in HTML written in Blogger's editor (it writes <div> and <br> more than <p>).
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "tr", "table", "ul", "ol", "section"}
_HIDDEN = {"script", "style", "noscript", "template"}


@dataclass(frozen=True)
class Story:
    code: str
    title: str
    kecamatan: str
    desa: str
    published: datetime
    url: str
    paragraphs: tuple[str, ...]
    photo_ids: tuple[str, ...]


def week_bounds(week: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """Monday 00:00 of ISO week `week` (YYYY-Www) in `tz`, and the Monday after."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    start = datetime.combine(monday, time(), tz)
    return start, start + timedelta(days=7)


class _Content(HTMLParser):
    """The text paragraphs and photo ids of a post as the pipeline renders it (byline and footer left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.photos: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "p" and not {"byline", "kode-berita"} & set((values.get("class") or "").split()):
            self._current = []
        elif tag == "br" and self._current is not None:
            self._current.append("\x00")
        elif tag == "img":
            file_id = photo_id(values.get("src") or "")
            if file_id and file_id not in self.photos:
                self.photos.append(file_id)

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._current is not None:
            # Line breaks are the <br> ones; the source's own newlines are only layout.
            lines = "".join(self._current).split("\x00")
            text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
            if text:
                self.paragraphs.append(text)
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)


_LH3 = re.compile(r"googleusercontent\.com/d/([A-Za-z0-9_-]{10,})")


def photo_id(src: str) -> str | None:
    """The Drive file behind a photo in a post: `lh3.googleusercontent.com/d/ID=w1600`, or a Drive link."""
    found = _LH3.search(src)
    return found.group(1) if found else drive_file_id(src)


class _Loose(HTMLParser):
    """The text of any post, written in Blogger's editor: paragraphs end at block elements; scripts, styles and
    comments are no text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.photos: list[str] = []
        self._current: list[str] = []
        self._hidden = 0

    def _end_paragraph(self) -> None:
        lines = "".join(self._current).split("\x00")
        text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self._end_paragraph()
        elif tag == "br":
            self._current.append("\x00")
        elif tag == "img":
            file_id = photo_id(dict(attrs).get("src") or "")
            if file_id and file_id not in self.photos:
                self.photos.append(file_id)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def story_from_post(
    title: str, content: str, url: str, published: datetime, places: Mapping[str, tuple[str, str]]
) -> Story | None:
    """A story from a post: one the pipeline made (it carries a `Kode berita`) is placed in its village; any
    other, written directly in Blogger, is the regency's (`REGENCY`). None for a post with nothing to print."""
    code = code_in_post(content)
    parser: _Content | _Loose = _Content() if code is not None else _Loose()
    parser.feed(content)
    parser.close()
    if code is None:
        if not title.strip() and not parser.paragraphs:
            return None
        return Story("", title, REGENCY, "", published, url, tuple(parser.paragraphs), tuple(parser.photos))
    kecamatan, desa = places.get(code, ("(tanpa kecamatan)", ""))
    return Story(code, title, kecamatan, desa, published, url, tuple(parser.paragraphs), tuple(parser.photos))


def by_kecamatan(stories: Iterable[Story], only: str | None = None) -> dict[str, list[Story]]:
    """Stories grouped by kecamatan (the regency's first, then alphabetical), oldest first within each; `only`
    keeps one kecamatan (and not the regency's)."""
    groups: dict[str, list[Story]] = {}
    for story in sorted(stories, key=lambda s: (s.kecamatan != REGENCY, s.kecamatan, s.published, s.url)):
        if only is None or story.kecamatan.casefold() == only.casefold():
            groups.setdefault(story.kecamatan, []).append(story)
    return groups
