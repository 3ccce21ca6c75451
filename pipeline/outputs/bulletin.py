"""`mymein bulletin`: an A4 PDF of a week's published news for villages where the internet is slow.

Stories come from the blog as published (officers' edits included), photos from Drive, each story with a QR
code of its link; contents per kecamatan. Two columns, several stories a page (`bulletin_layout`). Black text on
white, photos in greyscale: it prints well on the black-and-white printers of village offices. fpdf2 draws;
segno draws the QR codes.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from ..app import App
from ..core.bulletin import Story, by_kecamatan, story_from_post, week_bounds
from ..core.codes import code_in_post
from ..core.glyphs import PLACEHOLDER
from ..core.photo_check import MAX_PIXELS, MAX_SIDE_PX
from ..google.errors import GoogleApiError
from ..infra.private import private_dir, tighten
from .bulletin_layout import Picture, lay_out, photo_piece

log = logging.getLogger("mymein.bulletin")
PRINT_PX = 1100  # a column's width (93 mm) at 300 dpi


@dataclass(frozen=True)
class Bulletin:
    path: Path | None  # None: no story was published that week, and no PDF was written
    pages: int
    stories: int
    missing_glyphs: int = 0  # characters no font has, printed as a visible placeholder


def make_bulletin(app: App, week: str, kecamatan: str | None = None) -> Bulletin:
    """The week's bulletin (of one kecamatan, or all) written to the reports folder. A week without a story
    writes no file: an officer printing the week's bulletins for the villages wants no page that says nothing
    (and an earlier file of that week is left as it was)."""
    settings = app.settings
    suffix = "" if kecamatan is None else "-" + re.sub(r"[^a-z0-9]+", "-", kecamatan.casefold()).strip("-")
    path = settings.reports_dir / f"buletin-{week}{suffix}.pdf"
    groups = collect_stories(app, week, kecamatan)
    if not groups:
        return Bulletin(None, 0, 0)
    return write_bulletin(groups, photo_source(app), path, title=settings.report.title, week=week, tz=settings.tz)


def collect_stories(app: App, week: str, kecamatan: str | None = None) -> dict[str, list[Story]]:
    start, end = week_bounds(week, app.settings.tz)
    posts = app.publisher.published_between(start, end)
    places: dict[str, tuple[str, str]] = {}
    stories: list[Story] = []
    for post in posts:
        content = str(post.get("content", ""))
        code = code_in_post(content)
        record = app.ledger.get(code) if code else None
        if code and record is not None:
            places[code] = (record.kecamatan, record.desa)
        story = story_from_post(
            str(post.get("title", "")),
            content,
            str(post.get("url", "")),
            datetime.fromisoformat(post["published"]),
            places,
        )
        if story is not None:
            stories.append(story)
    return by_kecamatan(stories, kecamatan)


def write_bulletin(
    groups: dict[str, list[Story]],
    photo: Callable[[str], bytes | None],
    path: Path,
    *,
    title: str,
    week: str,
    tz: Any,
) -> Bulletin:
    """The stories laid out in two columns (`bulletin_layout`) and written to `path`."""
    photos: dict[str, Picture | None] = {}
    for stories in groups.values():
        for story in stories:
            content = photo(story.photo_ids[0]) if story.photo_ids else None
            image = _readable(story.photo_ids[0], content) if content is not None else None
            photos[story.url] = photo_piece(image)
    laid = lay_out(groups, photos, title=title, week=week, tz=tz)
    if laid.missing:
        log.warning("bulletin %s: %d characters no font has are printed as %s", week, laid.missing, PLACEHOLDER)
    private_dir(path.parent)
    laid.pdf.output(str(path))
    tighten(path)  # the scheduler may run under a loose umask: the bulletin stays this user's
    count = sum(len(s) for s in groups.values())
    return Bulletin(path, laid.pages, count, laid.missing)


def _readable(file_id: str, content: bytes) -> Image.Image | None:
    """The photo in greyscale (prints well, spares toner), or None when it cannot be printed: not an image,
    damaged, or claiming more pixels than a photo has (a decompression bomb); the story is printed without it."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 89 and 179 megapixels; such a picture is refused here all the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content))
            width, height = image.size
            if max(width, height) > MAX_SIDE_PX or width * height > MAX_PIXELS:
                log.warning("photo %s claims %d x %d pixels; left out of the bulletin", file_id, width, height)
                return None
            image.draft("L", (PRINT_PX, PRINT_PX))  # JPEG: decode at about print size, not at full size
            return image.convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        log.warning("photo %s is too large to decode (%s); left out of the bulletin", file_id, exc)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        log.warning("photo %s is not an image the bulletin can print (%s); left out", file_id, exc)
    return None


def photo_source(app: App) -> Callable[[str], bytes | None]:
    def fetch(file_id: str) -> bytes | None:
        try:
            return app.photos.download(file_id)
        except GoogleApiError as exc:
            log.warning("photo %s could not be downloaded: %s", file_id, exc)
            return None

    return fetch
