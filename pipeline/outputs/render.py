"""One Jinja2 environment for everything the pipeline writes as HTML; nh3 as the last guard on post HTML.

The environment is Jinja's sandbox: a template from the override folder (`templates_dir`) may print and loop
over what it is given, but not reach Python's internals (`''.__class__.__mro__`...) to run code as the service.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict
from pathlib import Path

import jinja2
import nh3
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from ..core.codes import MARKER_ATTRIBUTE, code_in_post, marker, marker_codes
from ..core.errors import MyMeInError
from ..core.message import Text
from ..core.post import PostView

log = logging.getLogger("mymein.render")
DEFAULT_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
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


class TemplateFailed(MyMeInError):
    """A template could not be rendered: refused by the sandbox, or broken; the message names the file and
    the fix."""


class TemplateNotFound(TemplateFailed):
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
        self.override_dir = override_dir
        self.env = SandboxedEnvironment(
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
            raise TemplateNotFound(
                Text("template {name} not found; looked in: {where}", name=repr(name), where=where)
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise self._failed(name, exc.filename, exc, "is not valid Jinja") from exc

    def render(self, name: str, /, **values: object) -> str:
        """`name` rendered with `values`; any failure as `TemplateFailed`, naming the file and the fix."""
        template = self.template(name)
        try:
            return template.render(**values)
        except SecurityError as exc:
            raise self._failed(name, template.filename, exc, "was refused") from exc
        except jinja2.TemplateError as exc:
            raise self._failed(name, template.filename, exc, "failed") from exc

    def _failed(self, name: str, filename: str | None, exc: Exception, what: str) -> TemplateFailed:
        path = Path(filename) if filename else None
        mine = path is not None and path.parent == DEFAULT_TEMPLATE_DIR
        if mine or self.override_dir is None:
            fix = "this is a bug in MyMeIn's own template: report it"
        else:
            fix = f"fix the template or remove it from {self.override_dir} to use the default one"
        reason = str(exc).rstrip(".")
        return TemplateFailed(f"template {name!r} ({filename}) {what}: {reason}; {fix}")

    def post_html(self, view: PostView) -> str:
        """The post's HTML, carrying exactly one code: the story's own, in the marker the pipeline writes."""
        kode_berita = Markup(marker(view.code))
        html = self.render(POST_TEMPLATE, post=view, kode_berita=kode_berita, **asdict(view))
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
        rendered = self.render(template, **values)
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
