"""Plain HTML pages for people: every spreadsheet as tables, every blog as a readable blog, Drive images offline."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Any

from ..core.photo_check import BROWSER_IMAGE_TYPES
from .drive import sniff
from .errors import not_found
from .routing import Request, Response, Router
from .sheet_view import MAX_ROWS, render_book
from .sheet_view import STYLE as SHEET_STYLE

if TYPE_CHECKING:
    from .server import SandboxApp

HTML = "text/html; charset=utf-8"
# An image is displayed, never sniffed into something else, and runs nothing even when opened on its own.
IMAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "default-src 'none'; sandbox"}
# The sandbox's pages draw what people typed (posts, cells, e-mails): no script, no form, no frame, nothing from
# elsewhere.
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
}
STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f4;color:#1d2a1d}
header{background:#1f6f43;color:#fff;padding:1rem 2rem}header a{color:#fff}
main{max-width:70rem;margin:1.5rem auto;padding:0 1rem}
article{background:#fff;border-radius:8px;padding:1.5rem 2rem;margin-bottom:1.5rem;box-shadow:0 1px 3px #0002}
article img{max-width:100%;height:auto;border-radius:4px}.galeri img{max-width:48%;margin:1%}
.meta{color:#5b6b5b;font-size:.9rem}.label{background:#e3efe6;border-radius:3px;padding:0 .4rem;margin-right:.3rem}
table{border-collapse:collapse;background:#fff;font-size:.85rem}td,th{border:1px solid #ccd5cc;padding:.25rem .5rem;
vertical-align:top;max-width:24rem}th{background:#e3efe6;position:sticky;top:0}li{margin:.3rem 0}
.cell{max-height:4.5em;overflow:hidden;text-overflow:ellipsis}
"""
# The two image URL forms a post may embed; offline, they are served from the sandbox's own Drive.
_DRIVE_IMAGES = re.compile(
    r"https://(?:lh3\.googleusercontent\.com/d/([A-Za-z0-9_-]+)(?:=[a-z0-9-]+)?"
    r"|drive\.google\.com/thumbnail\?id=([A-Za-z0-9_-]+)(?:&amp;sz=[a-z0-9]+|&sz=[a-z0-9]+)?)"
)


def _page(title: str, body: str, *, style: str = "") -> Response:
    html = (
        f"<!doctype html><html lang='id'><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{STYLE}{style}</style></head><body><header><a href='/_sandbox/'>Sandbox MyMeIn</a> · {escape(title)}"
        f"</header><main>{body}</main></body></html>"
    )
    page = Response(body=html.encode("utf-8"), content_type=HTML)
    page.headers.update(PAGE_HEADERS)  # every page shows what somebody typed: posts, cells, e-mails
    return page


def _offline_images(content: str) -> str:
    return _DRIVE_IMAGES.sub(lambda m: f"/_sandbox/drive/{m.group(1) or m.group(2)}", content)


def _article(blog_id: str, post: dict[str, Any], *, link: bool) -> str:
    title = escape(post["title"])
    if link:
        title = f"<a href='/_sandbox/blogs/{escape(blog_id)}/posts/{escape(post['id'])}'>{title}</a>"
    labels = "".join(f"<span class='label'>{escape(x)}</span>" for x in post.get("labels", []))
    # Post content is the pipeline's sanitised HTML: shown as the blog would show it.
    return (
        f"<article><h2>{title}</h2><p class='meta'>{escape(post['published'])} {labels}</p>"
        f"{_offline_images(post['content'])}</article>"
    )


def _mail(message: dict[str, Any], *, link: bool) -> str:
    """One sent e-mail as its recipient reads it: subject, recipient and the plain-text body, all escaped."""
    subject = escape(str(message.get("subject", "")))
    if link:
        subject = f"<a href='/_sandbox/gmail/{escape(str(message['id']))}'>{subject}</a>"
    return (
        f"<article><h2>{subject}</h2><p class='meta'>Kepada: {escape(str(message.get('to', '')))}</p>"
        f"<pre class='mail'>{escape(str(message.get('body', '')))}</pre></article>"
    )


MAIL_STYLE = ".mail{white-space:pre-wrap;font:inherit;margin:0}"


def register(router: Router, app: SandboxApp) -> None:
    def index(_: Request) -> Response:
        sheets = "".join(
            f"<li><a href='/_sandbox/sheets/{escape(s['id'])}'>{escape(s['title'])}</a> "
            f"<span class='meta'>({escape(', '.join(s['sheets']))})</span></li>"
            for s in app.sheets.list_spreadsheets()
        )
        blogs = "".join(
            f"<li><a href='/_sandbox/blogs/{escape(b['id'])}'>{escape(b['name'])}</a></li>" for b in app.blogger.blogs()
        )
        body = f"<article><h2>Spreadsheet</h2><ul>{sheets or '<li>(belum ada)</li>'}</ul></article>"
        body += f"<article><h2>Blog</h2><ul>{blogs or '<li>(belum ada)</li>'}</ul></article>"
        body += "<article><h2>E-mail</h2><ul><li><a href='/_sandbox/gmail'>E-mail terkirim</a></li></ul></article>"
        chats = "".join(
            f"<li><a href='/_sandbox/telegram/messages?chat=%40{escape(name[1:])}'>{escape(name)}</a></li>"
            for name in app.state.ns("telegram").get("chats", {})
        )
        body += (
            "<article><h2>Media sosial</h2><ul><li><a href='/_sandbox/facebook/pages'>Halaman Facebook</a></li>"
            f"{chats}</ul></article>"
        )
        return _page("Sandbox", body)

    def sheet(req: Request) -> Response:
        book = app.sheets.snapshot(req.params["id"], MAX_ROWS + 1)
        if book is None:
            raise not_found()
        body = render_book(book, req.arg("tab"), req.arg("cols"))
        return _page(str(book["properties"]["title"]), body, style=SHEET_STYLE)

    def blog(req: Request) -> Response:
        blog_id = req.params["blog"]
        match = next((b for b in app.blogger.blogs() if b["id"] == blog_id), None)
        if match is None:
            raise not_found()
        posts = app.blogger.live_posts(blog_id)
        pages = [p for p in app.blogger_pages.pages(blog_id).values() if p["status"] == "LIVE"]
        menu = " · ".join(f"<a href='{escape(p['url'])}'>{escape(p['title'])}</a>" for p in pages)
        body = f"<article>Halaman: {menu}</article>" if menu else ""
        body += "".join(_article(blog_id, p, link=True) for p in posts) or "<article>Belum ada berita.</article>"
        return _page(match["name"], body)

    def static_page(req: Request) -> Response:
        found = app.blogger_pages.page_by_path(req.params["blog"], "/" + req.params["path"])
        if found is None:
            raise not_found()
        # A page's content is the pipeline's escaped HTML: shown as the blog would show it.
        return _page(found["title"], f"<article><h2>{escape(found['title'])}</h2>{found['content']}</article>")

    def post(req: Request) -> Response:
        found = app.blogger.post_by_id(req.params["blog"], req.params["post"])
        if found is None:
            raise not_found()
        return _page(found["title"], _article(req.params["blog"], found, link=False))

    def post_by_path(req: Request) -> Response:
        found = app.blogger.post_by_path(req.params["blog"], "/" + req.params["path"])
        if found is None or found["status"] != "LIVE":
            raise not_found()
        return _page(found["title"], _article(req.params["blog"], found, link=False))

    def sent_mail() -> list[dict[str, Any]]:
        with app.state.lock:
            return list(app.state.ns("gmail").get("sent", []))

    def mails(_: Request) -> Response:
        listed = "".join(_mail(m, link=True) for m in reversed(sent_mail()))
        return _page("E-mail terkirim", listed or "<article>Belum ada e-mail.</article>", style=MAIL_STYLE)

    def mail(req: Request) -> Response:
        found = next((m for m in sent_mail() if m.get("id") == req.params["message"]), None)
        if found is None:
            raise not_found()
        return _page(str(found.get("subject", "")), _mail(found, link=False), style=MAIL_STYLE)

    def drive_file(req: Request) -> Response:
        # Only what a post can show: a raster image whose bytes are what it claims to be. Anything else
        # (an uploaded HTML page, an SVG with a script) is 404, never a page on this origin, where a script
        # could give the sandbox its orders as this machine.
        content = app.drive.file_content(req.params["file"])
        if content is None or content[1] not in BROWSER_IMAGE_TYPES or sniff(content[0]) != content[1]:
            raise not_found()
        return Response(body=content[0], content_type=content[1], headers=dict(IMAGE_HEADERS))

    router.add("GET", r"^/_sandbox/?$", "", index)
    router.add("GET", r"^/_sandbox/sheets/(?P<id>[^/]+)$", "", sheet)
    router.add("GET", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/?$", "", blog)
    router.add("GET", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/posts/(?P<post>[0-9]+)$", "", post)
    router.add("GET", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/(?P<path>\d{4}/\d{2}/[^/]+\.html)$", "", post_by_path)
    router.add("GET", r"^/_sandbox/gmail/?$", "", mails)
    router.add("GET", r"^/_sandbox/gmail/(?P<message>[A-Za-z0-9_-]{16})$", "", mail)
    router.add("GET", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/(?P<path>p/[^/]+\.html)$", "", static_page)
    router.add("GET", r"^/_sandbox/drive/(?P<file>[A-Za-z0-9_-]+)$", "", drive_file)
