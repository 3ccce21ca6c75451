"""`mymein bulletin`: an A4 PDF of a week's published news for villages where the internet is slow.

Stories come from the blog as published (officers' edits included), photos from Drive, each story with a QR
code of its link; a table of contents per kecamatan. Black text on white, photos in greyscale: it prints
well on the black-and-white printers of village offices. fpdf2 lays it out; segno draws the QR codes.
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

import matplotlib
import segno
from fpdf import FPDF
from PIL import Image, UnidentifiedImageError

from ..app import App
from ..core.bulletin import Story, by_kecamatan, story_from_post, week_bounds
from ..core.codes import code_in_post
from ..core.photo_check import MAX_PIXELS, MAX_SIDE_PX
from ..google.errors import GoogleApiError
from ..infra.private import private_dir

log = logging.getLogger("mymein.bulletin")
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu: every character Indonesian text needs
PHOTO_MAX_MM = (170.0, 95.0)
QR_MM = 24.0
PRINT_PX = 2000  # 170 mm at 300 dpi
TOC_LINES_PER_PAGE = 45


@dataclass(frozen=True)
class Bulletin:
    path: Path | None  # None: no story was published that week, and no PDF was written
    pages: int
    stories: int


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
    pdf = FPDF(format="A4")
    pdf.set_title(f"{title}: buletin {week}")
    pdf.set_creator("MyMeIn")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 9, f"Buletin {title}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    count = sum(len(s) for s in groups.values())
    pdf.multi_cell(0, 6, f"Minggu {week}: {count} berita dari {len(groups)} kecamatan.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    entries = len(groups) + count
    pdf.insert_toc_placeholder(_table_of_contents, pages=1 + entries // TOC_LINES_PER_PAGE)
    for kecamatan, stories in groups.items():
        if pdf.get_y() > pdf.t_margin + 1:  # the contents' placeholder already began a fresh page
            pdf.add_page()
        pdf.start_section(f"Kecamatan {kecamatan}", level=0)
        pdf.set_font("DejaVu", "B", 15)
        pdf.multi_cell(0, 8, f"Kecamatan {kecamatan}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for story in stories:
            _story(pdf, story, photo, tz)
    private_dir(path.parent)
    pdf.output(str(path))
    return Bulletin(path, pdf.page_no(), count)


def _table_of_contents(pdf: FPDF, outline: list[Any]) -> None:
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 8, "Daftar isi", new_x="LMARGIN", new_y="NEXT")
    for section in outline:
        pdf.set_font("DejaVu", "B" if section.level == 0 else "", 10)
        indent = 0 if section.level == 0 else 6
        pdf.set_x(pdf.l_margin + indent)
        name = section.name if len(section.name) <= 80 else section.name[:77] + "..."
        pdf.cell(170 - indent, 5.5, name)
        pdf.cell(0, 5.5, str(section.page_number), align="R", new_x="LMARGIN", new_y="NEXT")


def _story(pdf: FPDF, story: Story, photo: Callable[[str], bytes | None], tz: Any) -> None:
    if pdf.get_y() > pdf.page_break_trigger - 60:  # a title alone at the foot of a page reads badly
        pdf.add_page()
    pdf.start_section(story.title, level=1)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(0, 6.5, story.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    when = story.published.astimezone(tz).strftime("%d-%m-%Y")
    pdf.multi_cell(0, 5, f"KIM Desa {story.desa}, Kecamatan {story.kecamatan} · {when}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if story.photo_ids:
        _photo(pdf, story.photo_ids[0], photo)
    pdf.set_font("DejaVu", "", 10.5)
    for paragraph in story.paragraphs:
        pdf.multi_cell(0, 5.5, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    more = len(story.photo_ids) - 1
    if pdf.get_y() > pdf.page_break_trigger - QR_MM - 4:
        pdf.add_page()
    top = pdf.get_y() + 1
    qr = io.BytesIO()
    segno.make(story.url, error="m").save(qr, kind="png", scale=6, border=2)
    pdf.image(qr, x=pdf.l_margin, y=top, w=QR_MM, h=QR_MM)
    pdf.set_xy(pdf.l_margin + QR_MM + 4, top + 3)
    pdf.set_font("DejaVu", "", 9)
    note = "Pindai kode QR untuk membaca di portal" + (f" ({more} foto lain di sana)" if more > 0 else "") + ":"
    pdf.multi_cell(0, 4.5, f"{note}\n{story.url}\nKode berita: {story.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + QR_MM + 3)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(5)


def _photo(pdf: FPDF, file_id: str, photo: Callable[[str], bytes | None]) -> None:
    content = photo(file_id)
    if content is None:
        return
    image = _readable(file_id, content)
    if image is None:
        return
    width, height = image.size
    scale = min(PHOTO_MAX_MM[0] / width, PHOTO_MAX_MM[1] / height)
    w, h = width * scale, height * scale
    if pdf.get_y() + h > pdf.page_break_trigger:
        pdf.add_page()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf.image(buffer, x=pdf.l_margin, y=pdf.get_y(), w=w, h=h)
    pdf.set_y(pdf.get_y() + h + 3)


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
