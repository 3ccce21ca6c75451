"""The regency's Blogger portal: create, find, change and withdraw posts through googleapiclient."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from ..core.codes import code_in_post
from ..core.message import Text
from ..core.model import PostRef, ReaderComment
from .errors import GoogleApiError, Resource
from .retry import RetryPolicy

# Blogger's largest page for posts.list (reference: posts.list maxResults).
LIST_PAGE_MAX = 500
RECENT_PAGE = 50


class BloggerPublisher:
    def __init__(self, service: Any, blog_id: str, policy: RetryPolicy) -> None:
        self.posts = service.posts()
        self.blogs = service.blogs()
        self.comments = service.comments()
        self.pages = service.pages()
        self.blog_id = blog_id
        self.policy = policy

    def _run(self, method: str, request: Any, *, idempotent: bool = True) -> dict[str, Any]:
        """One call; `method` is a posts method (`insert`) or another resource's (`pages.update`)."""
        name = f"blogger.{method}" if "." in method else f"blogger.posts.{method}"
        with self._naming():
            result: dict[str, Any] = self.policy.call(
                name, lambda: request.execute(num_retries=0), idempotent=idempotent
            )
        return result or {}

    @contextmanager
    def _naming(self) -> Iterator[None]:
        """A failed call's error names the blog and its config key."""
        try:
            yield
        except GoogleApiError as exc:
            if exc.resource is None:
                exc.resource = Resource(
                    Text("blog"),
                    "blogger.blog_id",
                    self.blog_id,
                    Text("the account that ran `mymein auth` must be its author"),
                )
            raise

    def blog(self) -> dict[str, Any]:
        with self._naming():
            result: dict[str, Any] = self.policy.call(
                "blogger.blogs.get", lambda: self.blogs.get(blogId=self.blog_id).execute(num_retries=0)
            )
        return result

    def insert(self, title: str, html: str, labels: Sequence[str], *, draft: bool) -> PostRef:
        body = {"title": title, "content": html, "labels": list(labels)}
        request = self.posts.insert(blogId=self.blog_id, body=body, isDraft=draft, fetchBody=False)
        return _ref(self._run("insert", request, idempotent=False))

    def publish(self, post_id: str, when: datetime | None = None) -> PostRef:
        kwargs: dict[str, Any] = {"blogId": self.blog_id, "postId": post_id}
        if when is not None:
            kwargs["publishDate"] = when.isoformat()
        return _ref(self._run("publish", self.posts.publish(**kwargs)))

    def delete(self, post_id: str) -> None:
        """Delete a post for good (`mymein doctor --write` takes back its test draft; the cycle never deletes)."""
        self._run("delete", self.posts.delete(blogId=self.blog_id, postId=post_id))

    def revert(self, post_id: str) -> PostRef:
        return _ref(self._run("revert", self.posts.revert(blogId=self.blog_id, postId=post_id)))

    def patch(self, post_id: str, title: str, html: str, labels: Sequence[str]) -> PostRef:
        body = {"title": title, "content": html, "labels": list(labels)}
        request = self.posts.patch(blogId=self.blog_id, postId=post_id, body=body, fetchBody=False)
        return _ref(self._run("patch", request))

    def _pages(self, **order: Any) -> Iterator[list[dict[str, Any]]]:
        """The blog's posts, any status, with bodies, a page at a time."""
        token: str | None = None
        while True:
            request = self.posts.list(
                blogId=self.blog_id,
                status=["LIVE", "DRAFT", "SCHEDULED"],
                view="ADMIN",
                fetchBodies=True,
                maxResults=RECENT_PAGE,
                pageToken=token,
                **order,
            )
            page = self._run("list", request)
            yield page.get("items", [])
            token = page.get("nextPageToken")
            if not token:
                return

    def posts_with_code(self, code: str, since: datetime) -> list[PostRef]:
        """Every post whose marker names `code` (`core.codes.code_in_post`), among the posts updated since
        `since`, any status; which of them is the story's own is decided by the caller."""
        found: list[PostRef] = []
        for items in self._pages(orderBy="UPDATED"):
            older = False
            for item in items:
                if code_in_post(str(item.get("content", ""))) == code:
                    found.append(_ref(item))
                updated = item.get("updated")
                if updated and datetime.fromisoformat(updated) < since:
                    older = True
            if older:
                break
        return found

    def not_live(self) -> set[str]:
        """Ids of the blog's posts that are not live: drafts, scheduled posts and those in the trash.

        Ids only, up to 500 a call: on a blog whose drafts are few, one small call whatever their dates say.
        """
        found: set[str] = set()
        token: str | None = None
        while True:
            request = self.posts.list(
                blogId=self.blog_id,
                status=["DRAFT", "SCHEDULED", "SOFT_TRASHED"],
                view="ADMIN",
                fetchBodies=False,
                maxResults=LIST_PAGE_MAX,
                pageToken=token,
                fields="items(id),nextPageToken",
            )
            page = self._run("list", request)
            found.update(str(item["id"]) for item in page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return found

    def post(self, post_id: str) -> PostRef | None:
        """What the blog says of one post now (its status, and its link once live); None when it is gone."""
        request = self.posts.get(blogId=self.blog_id, postId=post_id, view="ADMIN", fetchBody=False)
        try:
            return _ref(self._run("get", request))
        except GoogleApiError as exc:
            if exc.not_found:
                return None
            raise

    def published_between(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Live posts published in [start, end), with bodies: id, url, title, content, published."""
        return self._live_between(start, end, fetchBodies=True, maxResults=RECENT_PAGE)

    def live_posts_between(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Live posts published in [start, end), without bodies: id, url, title, published (the directory's
        recent stories; which village each is from the ledger says by its id)."""
        return self._live_between(
            start,
            end,
            fetchBodies=False,
            maxResults=LIST_PAGE_MAX,
            fields="items(id,url,title,published),nextPageToken",
        )

    def _live_between(self, start: datetime, end: datetime, **shape: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request = self.posts.list(
                blogId=self.blog_id,
                status=["LIVE"],
                startDate=start.isoformat(),
                endDate=end.isoformat(),
                pageToken=token,
                **shape,
            )
            page = self._run("list", request)
            found.extend(page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return found

    # --- pages (the KIM directory) ----------------------------------------------------------------------
    def page(self, page_id: str) -> dict[str, Any] | None:
        """A page of the blog, any status; None when it is gone."""
        try:
            return self._run("pages.get", self.pages.get(blogId=self.blog_id, pageId=page_id, view="ADMIN"))
        except GoogleApiError as exc:
            if exc.not_found:
                return None
            raise

    def all_pages(self) -> list[dict[str, Any]]:
        """The blog's live and draft pages, with bodies."""
        found: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            request = self.pages.list(
                blogId=self.blog_id, status=["LIVE", "DRAFT"], view="ADMIN", fetchBodies=True, pageToken=token
            )
            listing = self._run("pages.list", request)
            found.extend(listing.get("items", []))
            token = listing.get("nextPageToken")
            if not token:
                return found

    def insert_page(self, title: str, html: str) -> dict[str, Any]:
        request = self.pages.insert(blogId=self.blog_id, body={"title": title, "content": html})
        return self._run("pages.insert", request, idempotent=False)

    def update_page(self, page_id: str, title: str, html: str) -> dict[str, Any] | None:
        """The page's title and content replaced (and the page live); None when the page is gone."""
        body = {"title": title, "content": html}
        request = self.pages.update(blogId=self.blog_id, pageId=page_id, body=body, publish=True)
        try:
            return self._run("pages.update", request)
        except GoogleApiError as exc:
            if exc.not_found:
                return None
            raise

    def comments_since(self, since: datetime) -> list[ReaderComment]:
        """Readers' published comments on any post of the blog since `since`, newest first."""
        found: list[ReaderComment] = []
        token: str | None = None
        while True:
            request = self.comments.listByBlog(
                blogId=self.blog_id,
                startDate=since.isoformat(),
                status=["LIVE"],
                fetchBodies=True,
                maxResults=RECENT_PAGE,
                pageToken=token,
            )
            page = self._page(request)
            for item in page.get("items", []):
                found.append(
                    ReaderComment(
                        comment_id=str(item["id"]),
                        post_id=str(item.get("post", {}).get("id", "")),
                        published=datetime.fromisoformat(str(item["published"])),
                        author=str(item.get("author", {}).get("displayName", "")),
                        content=str(item.get("content", "")),
                    )
                )
            token = page.get("nextPageToken")
            if not token:
                return found

    def _page(self, request: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.policy.call("blogger.comments.listByBlog", lambda: request.execute(num_retries=0))
        return result or {}

    def all_posts(self) -> list[PostRef]:
        """Every post of the blog, any status, with its body: what `mymein rebuild` recovers codes from."""
        return [_ref(item) for items in self._pages() for item in items]


def _ref(item: dict[str, Any]) -> PostRef:
    return PostRef(
        post_id=str(item["id"]),
        url=str(item.get("url", "")),
        state=str(item.get("status", "LIVE")),
        content=str(item.get("content", "")),
        title=str(item.get("title", "")),
        published=_time(item.get("published")),
    )


def _time(value: object) -> datetime | None:
    """A time Blogger gave (RFC 3339 with the blog's offset); None when absent or unreadable: it only orders
    posts that carry the same code, and is never worth failing a call that succeeded."""
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
