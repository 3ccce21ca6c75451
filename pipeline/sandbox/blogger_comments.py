"""Blogger v3 comments: readers' comments on posts (`comments.list`, `comments.listByBlog`), and a sandbox
endpoint for a test or the demo to post one as a reader would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .blogger import BLOG, POST, BloggerApi
from .errors import bad_request
from .routing import Request, Response, Router

STATUSES = ("LIVE", "EMPTIED", "PENDING", "SPAM")
DEFAULT_PAGE = 20


class BloggerComments:
    def __init__(self, blogger: BloggerApi) -> None:
        self.blogger = blogger
        self.state = blogger.state

    def _comments(self, blog_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.state.ns("blogger").setdefault("comments", {}).setdefault(blog_id, {})
        return found

    def register(self, router: Router) -> None:
        router.add("GET", BLOG + r"/comments$", "blogger.comments.listByBlog", self.list_by_blog)
        router.add("GET", POST + r"/comments$", "blogger.comments.list", self.list_for_post)
        router.add("POST", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/posts/(?P<post>[0-9]+)/comments$", "", self.add)

    def add(self, req: Request) -> Response:
        """A reader's comment on a live post: `{"author": "Nama", "content": "teks"}`."""
        blog, post = req.params["blog"], req.params["post"]
        self.blogger._post(blog, post)  # 404 as Blogger would for a post that does not exist
        body = req.json()
        if not isinstance(body, dict) or not str(body.get("content", "")).strip():
            raise bad_request('expected {"author": "...", "content": "..."}')
        comment_id = self.state.new_numeric_id(19)
        stamp = self.blogger._stamp_now(8)
        comment = {
            "kind": "blogger#comment",
            "id": comment_id,
            "post": {"id": post},
            "blog": {"id": blog},
            "published": stamp,
            "updated": stamp,
            "content": str(body["content"]),
            "author": {"id": self.state.new_numeric_id(21), "displayName": str(body.get("author") or "Anonim")},
            "status": "LIVE",
        }
        self._comments(blog)[comment_id] = comment
        return Response(json=comment)

    def list_by_blog(self, req: Request) -> Response:
        blog = self.blogger._blog(req.params["blog"])
        return self._listing(req, [c for c in self._comments(blog["id"]).values()])

    def list_for_post(self, req: Request) -> Response:
        blog, post = req.params["blog"], req.params["post"]
        self.blogger._post(blog, post)
        return self._listing(req, [c for c in self._comments(blog).values() if c["post"]["id"] == post])

    def _listing(self, req: Request, comments: list[dict[str, Any]]) -> Response:
        statuses = req.args("status") or ["LIVE"]
        start, end = req.arg("startDate"), req.arg("endDate")
        chosen = []
        for comment in comments:
            published = datetime.fromisoformat(comment["published"])
            if comment["status"] not in statuses:
                continue
            if start and published < datetime.fromisoformat(start):
                continue
            if end and published >= datetime.fromisoformat(end):
                continue
            chosen.append(comment)
        chosen.sort(key=lambda c: (datetime.fromisoformat(c["published"]), c["id"]), reverse=True)
        size = int(req.arg("maxResults") or DEFAULT_PAGE)
        offset = int(req.arg("pageToken") or 0)
        page = chosen[offset : offset + size]
        bodies = req.flag("fetchBodies", True)
        items = []
        for comment in page:
            item = {
                **comment,
                "selfLink": f"{req.base_url}/v3/blogs/{comment['blog']['id']}/posts/"
                f"{comment['post']['id']}/comments/{comment['id']}",
            }
            if not bodies:
                item.pop("content", None)
            items.append(item)
        result: dict[str, Any] = {"kind": "blogger#commentList", "etag": f'"{self.state.new_token_id(16)}"'}
        if items:
            result["items"] = items
        if offset + size < len(chosen):
            result["nextPageToken"] = str(offset + size)
        return Response(json=result)
