"""One Jinja2 environment for everything the pipeline writes as HTML; nh3 as the last guard on post HTML."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from pathlib import Path

import jinja2
import nh3
from markupsafe import Markup, escape

from .core.codes import MARKER_ATTRIBUTE, code_in_post, marker, marker_codes
from .core.post import PostView

log = logging.getLogger("mymein.render")
DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
POST_TEMPLATE = "post.html.j2"

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")

# What a news post may contain after rendering; anything else an operator typed is removed.
ALLOWED_TAGS = {"p", "br", "a", "img", "figure", "figcaption", "div", "span", "strong", "em", "small", "hr"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "loading", "width", "height"},
    "div": {"class"},
    "p": {"class", MARKER_ATTRIBUTE},
    "figure": {"class"},
    "span": {"class"},
}


class TemplateNotFound(Exception):
    """A template is missing; the message lists every folder that was searched."""


def linkify(text: str) -> Markup:
    """Escape operator text, then turn bare http(s) URLs into links that pass no ranking or opener."""
    parts: list[str] = []
    last = 0
    for found in _URL.finditer(text):
        parts.append(str(escape(text[last : found.start()])))
        url = escape(found.group(0))
        parts.append(f'<a href="{url}" rel="nofollow noopener">{url}</a>')
        last = found.end()
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts).replace("\n", "<br>\n"))


class Renderer:
    def __init__(self, override_dir: Path | None = None) -> None:
        self.search_path = [p for p in (override_dir, DEFAULT_TEMPLATE_DIR) if p is not None]
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(p) for p in self.search_path]),
            # HTML templates escape everything they print; plain-text mail templates (`.txt.j2`) must not.
            autoescape=jinja2.select_autoescape(disabled_extensions=("txt.j2", "txt"), default=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["linkify"] = linkify

    def template(self, name: str) -> jinja2.Template:
        try:
            return self.env.get_template(name)
        except jinja2.TemplateNotFound as exc:
            where = ", ".join(str(p) for p in self.search_path)
            raise TemplateNotFound(f"template {name!r} not found; looked in: {where}") from exc

    def post_html(self, view: PostView) -> str:
        """The post's HTML, carrying exactly one code: the story's own, in the marker the pipeline writes."""
        kode_berita = Markup(marker(view.code))
        html = self.template(POST_TEMPLATE).render(post=view, kode_berita=kode_berita, **asdict(view))
        html = sanitise(html, code=view.code)
        if not marker_codes(html):
            # A template from before the marker (an override folder): without it the post could not be found
            # again after a lost answer, so the pipeline adds it.
            log.warning("the post template prints no {{ kode_berita }}; the code marker is added at the end")
            html = html.rstrip("\n") + "\n" + marker(view.code) + "\n"
        if code_in_post(html) != view.code:
            raise ValueError(f"the rendered post does not carry its code {view.code}")
        return html

    def text(self, template: str, /, **values: object) -> tuple[str, str]:
        """A plain-text message from `template`: its first line is the subject, the rest the body."""
        rendered = self.template(template).render(**values)
        subject, _, body = rendered.partition("\n")
        return " ".join(subject.split()), body.lstrip("\n")


def sanitise(html: str, code: str | None = None) -> str:
    """Second guard after autoescape: only the allowlist survives, links get rel=nofollow noopener, and the
    code marker's attribute only with the post's own `code` (text that made it past a careless template
    cannot claim another story's code)."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute == MARKER_ATTRIBUTE and (code is None or value != code):
            return None
        return value

    cleaned: str = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener",
        strip_comments=True,
    )
    return cleaned
