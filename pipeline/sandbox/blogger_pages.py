"""Blogger v3 pages: a blog's static pages (`pages.insert`, `get`, `list`, `update`, `patch`, `publish`, `revert`,
`delete`), as googleapiclient sees them. A page lives at `BLOG_URL/p/slug.html`, has no labels and no comments,
and is `LIVE` or `DRAFT` (`SOFT_TRASHED` once deleted with `useTrash`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .blogger import AUTHOR, BLOG, MAX_PAGE, BloggerApi, slugify
from .errors import ApiError, bad_request
from .routing import Request, Response, Router

PAGE = BLOG + r"/pages/(?P<page>[0-9]+)"
STATUSES = ("LIVE", "DRAFT", "SOFT_TRASHED")
DEFAULT_PAGE = 20


class BloggerPages:
    def __init__(self, blogger: BloggerApi) -> None:
        self.blogger = blogger
        self.state = blogger.state

    def pages(self, blog_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.state.ns("blogger").setdefault("pages", {}).setdefault(blog_id, {})
        return found

    def page_by_path(self, blog_id: str, path: str) -> dict[str, Any] | None:
        """A live page by its path on the blog (`/p/slug.html`), for the sandbox's HTML view."""
        found: list[dict[str, Any]] = [
            p for p in self.pages(blog_id).values() if p["_path"] == path and p["status"] == "LIVE"
        ]
        return found[0] if found else None

    def register(self, router: Router) -> None:
        router.add("POST", BLOG + r"/pages/?$", "blogger.pages.insert", self.insert)
        router.add("GET", BLOG + r"/pages/?$", "blogger.pages.list", self.list)
        router.add("GET", PAGE + r"$", "blogger.pages.get", self.get)
        router.add("PUT", PAGE + r"$", "blogger.pages.update", self.update)
        router.add("PATCH", PAGE + r"$", "blogger.pages.patch", self.patch)
        router.add("POST", PAGE + r"/publish$", "blogger.pages.publish", self.publish)
        router.add("POST", PAGE + r"/revert$", "blogger.pages.revert", self.revert)
        router.add("DELETE", PAGE + r"$", "blogger.pages.delete", self.delete)

    # --- helpers ------------------------------------------------------------------------------------------
    def _page(self, blog_id: str, page_id: str) -> dict[str, Any]:
        self.blogger._blog(blog_id)
        page: dict[str, Any] | None = self.pages(blog_id).get(page_id)
        if page is None:
            raise ApiError(404, "Not Found", "NOT_FOUND", reason="notFound")
        return page

    def _resource(self, page: dict[str, Any], req: Request, *, body: bool = True) -> dict[str, Any]:
        result = {k: v for k, v in page.items() if not k.startswith("_")}
        result["selfLink"] = f"{req.base_url}/v3/blogs/{page['blog']['id']}/pages/{page['id']}"
        if not body:
            result.pop("content", None)
        return result

    def _unique_path(self, blog_id: str, title: str) -> str:
        taken = {p["_path"] for p in self.pages(blog_id).values()}
        base = f"/p/{slugify(title)}"
        path, n = f"{base}.html", 1
        while path in taken:
            path, n = f"{base}_{n}.html", n + 1
        return path

    def _touch(self, page: dict[str, Any]) -> None:
        blog = self.blogger._blog(page["blog"]["id"])
        page["updated"] = self.blogger._stamp_now(blog["_utc_offset_hours"])
        page["etag"] = f'"{self.state.new_token_id(16)}"'

    def _content(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("Invalid page")
        self.blogger._check_content(body)  # the editor refuses content that is not well-formed HTML
        return body

    def _go_live(self, page: dict[str, Any]) -> None:
        if page["status"] != "LIVE":
            blog = self.blogger._blog(page["blog"]["id"])
            page["published"] = self.blogger._minute(self.state.now(), blog["_utc_offset_hours"])
            page["status"] = "LIVE"

    # --- routes -------------------------------------------------------------------------------------------
    def insert(self, req: Request) -> Response:
        blog = self.blogger._blog(req.params["blog"])
        body = self._content(req.json())
        now = self.blogger._stamp_now(blog["_utc_offset_hours"])
        page_id = self.state.new_numeric_id()
        path = self._unique_path(blog["id"], str(body.get("title", "")))
        page: dict[str, Any] = {
            "kind": "blogger#page",
            "id": page_id,
            "blog": {"id": blog["id"]},
            "published": self.blogger._minute(self.state.now(), blog["_utc_offset_hours"]),
            "updated": now,
            "url": blog["url"].rstrip("/") + path,
            "title": str(body.get("title", "")),
            "content": str(body.get("content", "")),
            "author": AUTHOR,
            "status": "DRAFT" if req.flag("isDraft") else "LIVE",
            "etag": f'"{self.state.new_token_id(16)}"',
            "_path": path,
        }
        self.pages(blog["id"])[page_id] = page
        return Response(json=self._resource(page, req))

    def get(self, req: Request) -> Response:
        page = self._page(req.params["blog"], req.params["page"])
        view = (req.arg("view") or "READER").upper()
        if page["status"] != "LIVE" and view == "READER":
            raise ApiError(404, "Not Found", "NOT_FOUND", reason="notFound")  # a reader sees live pages only
        return Response(json=self._resource(page, req))

    def list(self, req: Request) -> Response:
        blog = self.blogger._blog(req.params["blog"])
        statuses = [s.upper() for s in req.args("status")] or ["LIVE"]
        if [s for s in statuses if s not in STATUSES]:
            raise bad_request(f"Invalid value for status: {statuses[0]}")
        if statuses != ["LIVE"] and (req.arg("view") or "READER").upper() == "READER":
            raise ApiError(
                403, "We're sorry, but you don't have permission to access this resource.", reason="forbidden"
            )
        chosen = [p for p in self.pages(blog["id"]).values() if p["status"] in statuses]
        chosen.sort(key=lambda p: (datetime.fromisoformat(p["published"]), p["id"]), reverse=True)
        size = min(int(req.arg("maxResults") or DEFAULT_PAGE), MAX_PAGE)
        start = int(req.arg("pageToken") or 0)
        result: dict[str, Any] = {"kind": "blogger#pageList", "etag": f'"{self.state.new_token_id(16)}"'}
        items = [self._resource(p, req, body=req.flag("fetchBodies", True)) for p in chosen[start : start + size]]
        if items:
            result["items"] = items
        if start + size < len(chosen):
            result["nextPageToken"] = str(start + size)
        return Response(json=result)

    def _change(self, req: Request, body: dict[str, Any], *, whole: bool) -> Response:
        page = self._page(req.params["blog"], req.params["page"])
        if whole or "title" in body:
            page["title"] = str(body.get("title", ""))
        if whole or "content" in body:
            page["content"] = str(body.get("content", ""))
        if req.flag("publish"):
            self._go_live(page)
        elif req.flag("revert"):
            page["status"] = "DRAFT"
        self._touch(page)
        return Response(json=self._resource(page, req))

    def update(self, req: Request) -> Response:
        return self._change(req, self._content(req.json()), whole=True)

    def patch(self, req: Request) -> Response:
        return self._change(req, self._content(req.json()), whole=False)

    def publish(self, req: Request) -> Response:
        page = self._page(req.params["blog"], req.params["page"])
        self._go_live(page)
        self._touch(page)
        return Response(json=self._resource(page, req))

    def revert(self, req: Request) -> Response:
        page = self._page(req.params["blog"], req.params["page"])
        page["status"] = "DRAFT"
        self._touch(page)
        return Response(json=self._resource(page, req))

    def delete(self, req: Request) -> Response:
        page = self._page(req.params["blog"], req.params["page"])
        if req.flag("useTrash"):
            page["status"] = "SOFT_TRASHED"
            page["trashed"] = self.blogger._stamp_now(self.blogger._blog(req.params["blog"])["_utc_offset_hours"])
        else:
            del self.pages(req.params["blog"])[req.params["page"]]
        return Response(status=200, body=b"")  # as posts.delete: 200 with an empty body
