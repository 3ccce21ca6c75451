"""The bulletin's pages, laid out to save paper: stories flow in two columns, several to a page, each photo sized
to its column; the contents share the first page. A story may go on in the next column of the same page; when
it goes on over a page, the column it leaves says "bersambung ke halaman N" and the next page starts with
"(sambungan) Title". Nothing is dropped: characters no font has are printed as a visible placeholder
(`core.glyphs`) and counted.

The layout runs twice with the same measures: once to learn on which page each story starts (for the
contents), once to draw. fpdf2 draws (with HarfBuzz shaping, for Arabic script); DejaVu from matplotlib has
the glyphs: Latin with diacritics, Arabic, Greek, Cyrillic and many symbols.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from functools import cache
from pathlib import Path

import matplotlib
import segno
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from fpdf import FPDF
from PIL import Image

from ..core.bulletin import REGENCY, Story
from ..core.glyphs import fit

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
FALLBACK = ("STIX", "STIXGeneral.ttf")  # mathematical and technical symbols DejaVu lacks

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
GUTTER = 6.0
COLUMN_W = (PAGE_W - 2 * MARGIN - GUTTER) / 2
TOP = 16.0  # below the running header
BOTTOM = PAGE_H - 12.0
MASTHEAD = 20.0  # the first page's title over both columns
CONTINUED = 4.0  # kept free at a column's foot for "bersambung"
PHOTO_MAX_H = 55.0
PHOTO_DPI = 150  # a small photo is not blown up past this
QR_MM = 17.0


@dataclass(frozen=True)
class Style:
    font: str  # "", "B", "I"
    size: float  # pt
    lead: float  # mm per line


TITLE = Style("B", 11.0, 5.0)
META = Style("I", 7.5, 3.6)
BODY = Style("", 9.0, 4.1)
SMALL = Style("", 7.0, 3.1)
HEADING = Style("B", 12.0, 6.5)
TOC = Style("", 8.0, 3.8)
TOC_HEAD = Style("B", 8.5, 4.2)


@dataclass(frozen=True)
class Lines:
    style: Style
    lines: tuple[str, ...]
    link: int | None = None


@dataclass(frozen=True)
class Picture:
    image: Image.Image
    w: float
    h: float


@dataclass(frozen=True)
class QrBlock:
    url: str
    lines: tuple[str, ...]
    h: float


@dataclass(frozen=True)
class Gap:
    h: float
    rule: bool = False


Piece = Lines | Picture | QrBlock | Gap


@dataclass
class Printed:
    pages: int
    starts: dict[str, tuple[int, float]] = field(default_factory=dict)  # story url -> (page, y)


@dataclass(frozen=True)
class Laid:
    pdf: FPDF
    pages: int
    missing: int  # characters printed as the placeholder


@cache
def covered() -> frozenset[int]:
    """Every code point the bulletin's fonts can draw."""
    found: set[int] = set()
    for name in (*FONT_FILES.values(), FALLBACK[1]):
        # Read from bytes: a TTFont left lazy keeps its file open.
        found.update(TTFont(io.BytesIO((FONTS / name).read_bytes()), lazy=True).getBestCmap())
    return frozenset(found)


def new_pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("MyMeIn")
    for style, name in FONT_FILES.items():
        pdf.add_font(FAMILY, style, str(FONTS / name))
    pdf.add_font(FALLBACK[0], "", str(FONTS / FALLBACK[1]))
    pdf.set_fallback_fonts([FAMILY, FALLBACK[0]], exact_match=False)
    pdf.set_text_shaping(True)  # Arabic letters join and run right to left
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, TOP, MARGIN)
    return pdf


def fitted(groups: dict[str, list[Story]]) -> tuple[dict[str, list[Story]], int]:
    """The stories with every character no font has replaced by the placeholder, and how many were."""
    missing = 0
    out: dict[str, list[Story]] = {}
    cover = covered()
    for kecamatan, stories in groups.items():
        for story in stories:
            title = fit(story.title, cover)
            paragraphs = [fit(p, cover) for p in story.paragraphs]
            missing += title.missing + sum(p.missing for p in paragraphs)
            clean = replace(story, title=title.text, paragraphs=tuple(p.text for p in paragraphs))
            out.setdefault(fit(kecamatan, cover).text, []).append(clean)
    return out, missing


class Flow:
    """Where the next line goes: two columns a page, top to bottom; `draw` False only measures."""

    def __init__(self, pdf: FPDF, draw: bool, header: Callable[[int], None]) -> None:
        self.pdf, self.draw, self.header = pdf, draw, header
        self.page = 0
        self.col = 0
        self.y = TOP
        self.top = TOP
        self.story: str | None = None  # the title of the story being printed, for "(sambungan)"

    @property
    def x(self) -> float:
        return MARGIN + self.col * (COLUMN_W + GUTTER)

    def new_page(self) -> None:
        self.page += 1
        if self.draw:
            self.pdf.add_page()
            self.header(self.page)
        self.col, self.y = 0, TOP + (MASTHEAD if self.page == 1 else 0)
        self.top = self.y

    def room(self) -> float:
        return BOTTOM - (CONTINUED if self.story and self.col == 1 else 0) - self.y

    def next_column(self) -> None:
        if self.col == 0:
            self.col, self.y = 1, self.top
            return
        story = self.story
        if story is not None:
            self.text(SMALL_ITALIC, f"(bersambung ke halaman {self.page + 1})", at=BOTTOM - CONTINUED + 0.5)
        self.new_page()
        if story is not None:
            use(self.pdf, SMALL_ITALIC)
            self.text(SMALL_ITALIC, cut(self.pdf, f"(sambungan) {story}", COLUMN_W - 1))
            self.y += SMALL_ITALIC.lead

    def need(self, height: float) -> None:
        """Start a new column (or page) unless `height` fits in this one."""
        if self.room() < height and self.y > self.top + 0.1:
            self.next_column()

    def text(self, style: Style, text: str, *, at: float | None = None, link: int | None = None) -> None:
        if not self.draw:
            return
        use(self.pdf, style)
        self.pdf.set_xy(self.x, self.y if at is None else at)
        self.pdf.cell(COLUMN_W, style.lead, text, link=link if link is not None else "")

    def put(self, piece: Piece) -> None:
        if isinstance(piece, Lines):
            for line in piece.lines:
                self.need(piece.style.lead)
                self.text(piece.style, line, link=piece.link)
                self.y += piece.style.lead
        elif isinstance(piece, Gap):
            if self.room() >= piece.h:
                if piece.rule and self.draw:
                    self.pdf.set_draw_color(150)
                    self.pdf.line(self.x, self.y + piece.h / 2, self.x + COLUMN_W, self.y + piece.h / 2)
                self.y += piece.h
        elif isinstance(piece, Picture):
            self.need(piece.h + 1.5)
            if self.draw:
                buffer = io.BytesIO()
                piece.image.save(buffer, format="PNG")
                self.pdf.image(buffer, x=self.x + (COLUMN_W - piece.w) / 2, y=self.y, w=piece.w, h=piece.h)
            self.y += piece.h + 1.5
        else:
            self.need(piece.h + 1)
            if self.draw:
                qr = io.BytesIO()
                segno.make(piece.url, error="m").save(qr, kind="png", scale=5, border=2)
                self.pdf.image(qr, x=self.x, y=self.y, w=QR_MM, h=QR_MM)
                use(self.pdf, SMALL)
                for n, line in enumerate(piece.lines):
                    self.pdf.set_xy(self.x + QR_MM + 2, self.y + 1 + n * SMALL.lead)
                    self.pdf.cell(COLUMN_W - QR_MM - 2, SMALL.lead, line)
            self.y += piece.h + 1


SMALL_ITALIC = Style("I", 7.0, 3.2)


def use(pdf: FPDF, style: Style) -> None:
    pdf.set_font(FAMILY, style.font, style.size)


def wrap(pdf: FPDF, style: Style, text: str, width: float = COLUMN_W) -> tuple[str, ...]:
    use(pdf, style)
    lines = pdf.multi_cell(width, style.lead, text, dry_run=True, output="LINES", align="L")
    assert isinstance(lines, list)  # output="LINES" answers the lines
    return tuple(str(line) for line in lines)


def story_pieces(
    pdf: FPDF, story: Story, photo: Picture | None, tz: tzinfo, *, more_photos: int
) -> tuple[list[Piece], float]:
    """A story's pieces, and the height that must start in one column (title, byline and the photo or the first
    lines): a title is never left alone at a column's foot."""
    when = story.published.astimezone(tz).strftime("%d-%m-%Y")
    where = f"KIM Desa {story.desa}, Kecamatan {story.kecamatan}" if story.desa else story.kecamatan
    title = Lines(TITLE, wrap(pdf, TITLE, story.title))
    meta = Lines(META, wrap(pdf, META, f"{where} · {when}"))
    pieces: list[Piece] = [title, meta, Gap(1.0)]
    head = len(title.lines) * TITLE.lead + len(meta.lines) * META.lead + 1.0
    if photo is not None:
        pieces.append(photo)
        head += photo.h + 1.5
    body = [Lines(BODY, wrap(pdf, BODY, paragraph)) for paragraph in story.paragraphs]
    for n, paragraph in enumerate(body):
        pieces.append(paragraph)
        pieces.append(Gap(1.2))
        if n == 0:  # a few lines of text under the title (and photo) before any break
            head += min(2 if photo else 3, len(paragraph.lines)) * BODY.lead
    note = "Baca di portal" + (f" ({more_photos} foto lain di sana)" if more_photos > 0 else "") + ":"
    code = f"\nKode berita: {story.code}" if story.code else ""
    lines = wrap(pdf, SMALL, f"{note}\n{story.url}{code}", COLUMN_W - QR_MM - 2)
    pieces.append(QrBlock(story.url, lines, max(QR_MM, len(lines) * SMALL.lead + 1)))
    pieces.append(Gap(4.0, rule=True))
    return pieces, head


def photo_piece(image: Image.Image | None) -> Picture | None:
    """The photo at the column's width, at most `PHOTO_MAX_H` high, never larger than PHOTO_DPI allows."""
    if image is None:
        return None
    width, height = image.size
    largest = 25.4 / PHOTO_DPI  # mm per pixel at the lowest print resolution allowed
    scale = min(COLUMN_W / width, PHOTO_MAX_H / height, largest)
    return Picture(image, width * scale, height * scale)


def lay_out(
    groups: dict[str, list[Story]],
    photos: dict[str, Picture | None],
    *,
    title: str,
    week: str,
    tz: tzinfo,
) -> Laid:
    """The bulletin as a PDF: measured once, then drawn with the contents' page numbers."""
    groups, missing = fitted(groups)
    heading = fit(f"Buletin {title}", covered()).text
    count = sum(len(s) for s in groups.values())
    measured, printed = _pass(groups, photos, heading, week, tz, count, None)
    measured.output()  # thrown away; writing it is what lets fpdf2 close its font files
    pdf, drawn = _pass(groups, photos, heading, week, tz, count, printed)
    return Laid(pdf, drawn.pages, missing)


def _pass(
    groups: dict[str, list[Story]],
    photos: dict[str, Picture | None],
    heading: str,
    week: str,
    tz: tzinfo,
    count: int,
    printed: Printed | None,
) -> tuple[FPDF, Printed]:
    pdf = new_pdf(f"{heading}: {week}")
    draw = printed is not None

    def header(page: int) -> None:
        use(pdf, SMALL)
        pdf.set_xy(MARGIN, 7)
        pdf.cell(PAGE_W - 2 * MARGIN, 4, f"{heading} · minggu {week}")
        pdf.set_xy(MARGIN, 7)
        pdf.cell(PAGE_W - 2 * MARGIN, 4, f"halaman {page}", align="R")
        pdf.set_draw_color(0)
        pdf.line(MARGIN, 12, PAGE_W - MARGIN, 12)
        if page == 1:
            use(pdf, Style("B", 17, 8))
            pdf.set_xy(MARGIN, TOP)
            pdf.cell(PAGE_W - 2 * MARGIN, 8, heading)
            use(pdf, BODY)
            pdf.set_xy(MARGIN, TOP + 9)
            pdf.cell(PAGE_W - 2 * MARGIN, 5, f"Minggu {week}: {count} berita, {_sources(groups)}.")

    if not draw:
        pdf.add_page()  # fpdf2 measures text on a page; this pass only measures
    flow = Flow(pdf, draw, header)
    flow.new_page()
    learnt = Printed(0)
    links: dict[str, int] = {}
    if printed is not None:
        for key, (page, y) in printed.starts.items():
            links[key] = pdf.add_link(page=page, y=y)
    # The contents, in the columns like everything else.
    flow.put(Lines(TOC_HEAD, ("Daftar isi",)))
    for kecamatan, stories in groups.items():
        flow.put(Lines(TOC_HEAD, wrap(pdf, TOC_HEAD, kecamatan)))
        for story in stories:
            page = printed.starts[story.url][0] if printed is not None else 0
            flow.put(Lines(TOC, (_toc_line(pdf, story.title, page),), links.get(story.url)))
    flow.put(Gap(4.0, rule=True))
    for kecamatan, stories in groups.items():
        section = Lines(HEADING, wrap(pdf, HEADING, kecamatan))
        first = stories[0]
        pieces, head = story_pieces(pdf, first, photos.get(first.url), tz, more_photos=0)
        flow.need(len(section.lines) * HEADING.lead + head)
        if draw:
            pdf.start_section(kecamatan, level=0)
        flow.put(section)
        for story in stories:
            more = max(0, len(story.photo_ids) - 1)
            pieces, head = story_pieces(pdf, story, photos.get(story.url), tz, more_photos=more)
            flow.need(head)
            learnt.starts[story.url] = (flow.page, flow.y)
            if draw:
                pdf.set_y(flow.y)
                pdf.start_section(story.title, level=1)
            flow.story = story.title
            for piece in pieces:
                flow.put(piece)
            flow.story = None
    learnt.pages = flow.page
    return pdf, learnt


def _sources(groups: dict[str, list[Story]]) -> str:
    villages = [k for k in groups if k != REGENCY]
    text = f"dari {len(villages)} kecamatan" if villages else ""
    return text + (" dan dari kabupaten" if villages else "dari kabupaten") if REGENCY in groups else text


def _toc_line(pdf: FPDF, title: str, page: int) -> str:
    """One line of the contents: the title cut to the column, then its page."""
    use(pdf, TOC)
    number = f"  {page}" if page else "  000"
    return cut(pdf, title, COLUMN_W - pdf.get_string_width(number) - 2) + number


def cut(pdf: FPDF, text: str, width: float) -> str:
    """`text` as it fits on one line of `width` in the current font, ending with … when cut."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"
