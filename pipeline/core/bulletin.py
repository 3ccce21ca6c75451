"""The printable weekly bulletin's content: the week's published posts, as stories grouped by kecamatan."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from html.parser import HTMLParser

from .codes import code_in_post
from .photos import drive_file_id


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


def story_from_post(
    title: str, content: str, url: str, published: datetime, places: Mapping[str, tuple[str, str]]
) -> Story | None:
    """A story from a post the pipeline made (it carries a `Kode berita`); None for any other post."""
    code = code_in_post(content)
    if code is None:
        return None
    parser = _Content()
    parser.feed(content)
    parser.close()
    kecamatan, desa = places.get(code, ("(tanpa kecamatan)", ""))
    return Story(code, title, kecamatan, desa, published, url, tuple(parser.paragraphs), tuple(parser.photos))


def by_kecamatan(stories: Iterable[Story], only: str | None = None) -> dict[str, list[Story]]:
    """Stories grouped by kecamatan (alphabetical), oldest first within each; `only` keeps one kecamatan."""
    groups: dict[str, list[Story]] = {}
    for story in sorted(stories, key=lambda s: (s.kecamatan, s.published, s.code)):
        if only is None or story.kecamatan.casefold() == only.casefold():
            groups.setdefault(story.kecamatan, []).append(story)
    return groups
