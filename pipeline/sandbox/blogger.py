"""Blogger v3 emulator: blogs, posts and their life (draft, live, scheduled, reverted), as googleapiclient sees it."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, bad_request, not_found
from .routing import Request, Response, Router
from .state import SandboxState

BLOG = r"^/v3/blogs/(?P<blog>[^/]+)"
POST = BLOG + r"/posts/(?P<post>[0-9]+)"
STATUSES = ("LIVE", "DRAFT", "SCHEDULED", "SOFT_TRASHED")
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
DEFAULT_PAGE = 20
MAX_PAGE = 500  # posts.list maxResults limit in the Blogger reference
AUTHOR = {"id": "10000000000000000001", "displayName": "Admin KIM", "url": "", "image": {"url": ""}}
# A post's labels may take 200 characters in all, counting the ", " Blogger's editor puts between them (its
# help and users' reports; the API gives the editor's error). Over it the API answers this 400.
LABELS_MAX_TOTAL = 200
LABELS_SEPARATOR = ", "
LABELS_REFUSED = "We're sorry, but the value for field labels was not valid."


class _WellFormed(HTMLParser):
    """Blogger's editor refuses content with unclosed or mismatched tags; void elements need no end tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID_TAGS:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problem = self.problem or f"unexpected </{tag}>"
            return
        self.stack.pop()


def html_problem(content: str) -> str | None:
    checker = _WellFormed()
    checker.feed(content)
    checker.close()
    if checker.problem:
        return checker.problem
    if checker.stack:
        return f"unclosed <{checker.stack[-1]}>"
    return None


def labels_problem(labels: list[str]) -> str | None:
    if len(LABELS_SEPARATOR.join(labels)) > LABELS_MAX_TOTAL:
        return LABELS_REFUSED
    return None


def blog_address(url: str) -> str:
    """A blog's URL as `blogs.getByUrl` compares it: host (any case) and path, http or https, final / or not."""
    parts = urlsplit(url.strip())
    return f"{parts.netloc.lower()}{parts.path.rstrip('/')}"


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title).strip("-")
    return slug[:40].rstrip("-") or "post"


class BloggerApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    @property
    def _blogs(self) -> dict[str, Any]:
        blogs: dict[str, Any] = self.state.ns("blogger").setdefault("blogs", {})
        return blogs

    def _posts(self, blog_id: str) -> dict[str, Any]:
        posts: dict[str, Any] = self.state.ns("blogger").setdefault("posts", {}).setdefault(blog_id, {})
        return posts

    # --- sandbox-side -------------------------------------------------------------------------------------
    def create_blog(self, name: str, url: str | None, base_url: str) -> dict[str, Any]:
        with self.state.lock:
            blog_id = self.state.new_numeric_id()
            blog = {
                "kind": "blogger#blog",
                "id": blog_id,
                "name": name,
                "description": "",
                "url": (url or f"{base_url}/_sandbox/blogs/{blog_id}").rstrip("/") + "/",
                "locale": {"language": "id", "country": "", "variant": ""},
                "_utc_offset_hours": 8,
                "_daily_posts": None,
                "_created": self._stamp_now(8),
            }
            self._blogs[blog_id] = blog
            self.state.save()
            return self._blog_resource(blog, "")

    def seed_blog(self, blog_id: str, resource: dict[str, Any], *, offset_hours: int, created: str) -> None:
        """A blog under a given id, as a field trace saw it (the replay rebuilds the blog a run talked to)."""
        with self.state.lock:
            self._blogs[blog_id] = {
                "kind": "blogger#blog",
                "id": blog_id,
                "name": str(resource.get("name") or "Blog"),
                "description": str(resource.get("description") or ""),
                "url": str(resource.get("url") or f"https://blog-{blog_id}.blogspot.com/").rstrip("/") + "/",
                "locale": resource.get("locale") or {"language": "id", "country": "", "variant": ""},
                "_utc_offset_hours": offset_hours,
                "_daily_posts": None,
                "_created": str(resource.get("published") or created),
            }
            self.state.dirty = True

    def seed_post(self, blog_id: str, resource: dict[str, Any]) -> None:
        """A post that existed before the traced run, as the trace saw it (content only if it was fetched)."""
        with self.state.lock:
            blog = self._blog(blog_id)
            published = str(resource.get("published") or self._stamp_now(blog["_utc_offset_hours"]))
            base = blog["url"].rstrip("/")
            url = str(resource.get("url") or "")
            if not url:  # a draft shows no address; it still needs one of its own in the sandbox
                url = f"{base}/{published[:4]}/{published[5:7]}/post-{resource['id']}.html"
            path = url[len(base) :] if url.startswith(base + "/") else urlsplit(url).path
            self._posts(blog_id)[str(resource["id"])] = {
                "kind": "blogger#post",
                "id": str(resource["id"]),
                "blog": {"id": blog_id},
                "published": published,
                "updated": str(resource.get("updated") or published),
                "url": url,
                "title": str(resource.get("title") or ""),
                "content": str(resource.get("content") or ""),
                "author": AUTHOR,
                "labels": [str(x) for x in resource.get("labels") or []],
                "status": str(resource.get("status") or "LIVE"),
                "etag": f'"{self.state.new_token_id(16)}"',
                "_path": path,
                "_created": published,
            }
            self.state.dirty = True

    def blogs(self) -> list[dict[str, Any]]:
        return list(self._blogs.values())

    def live_posts(self, blog_id: str) -> list[dict[str, Any]]:
        posts = [self._settle(p) for p in self._posts(blog_id).values()]
        live = [p for p in posts if p["status"] == "LIVE"]
        return sorted(live, key=lambda p: p["published"], reverse=True)

    def post_by_id(self, blog_id: str, post_id: str) -> dict[str, Any] | None:
        post = self._posts(blog_id).get(post_id)
        return None if post is None else self._settle(post)

    def post_by_path(self, blog_id: str, path: str) -> dict[str, Any] | None:
        for post in self._posts(blog_id).values():
            if post.get("_path") == path:
                return self._settle(post)
        return None

    # --- helpers ------------------------------------------------------------------------------------------
    def _stamp_now(self, offset_hours: int) -> str:
        return self._stamp(self.state.now(), offset_hours)

    @staticmethod
    def _stamp(moment: datetime, offset_hours: int) -> str:
        tz = timezone(timedelta(hours=offset_hours))
        return moment.astimezone(tz).replace(microsecond=0).isoformat()

    @classmethod
    def _minute(cls, moment: datetime, offset_hours: int) -> str:
        """A post's `published`: Blogger keeps it to the minute (seconds 00), while `updated` keeps seconds."""
        return cls._stamp(moment.replace(second=0, microsecond=0), offset_hours)

    def _blog(self, blog_id: str) -> dict[str, Any]:
        blog: dict[str, Any] | None = self._blogs.get(blog_id)
        if blog is None:
            raise ApiError(404, "Blog not found", "NOT_FOUND", reason="notFound")
        return blog

    def _blog_resource(self, blog: dict[str, Any], base_url: str) -> dict[str, Any]:
        posts = self._posts(blog["id"]).values()
        live = sum(1 for p in posts if self._settle(p)["status"] == "LIVE")
        public = {k: v for k, v in blog.items() if not k.startswith("_")}
        stamp, link = blog["_created"], f"{base_url}/v3/blogs/{blog['id']}"
        # Pages are kept by blogger_pages.py, beside the posts.
        pages = self.state.ns("blogger").get("pages", {}).get(blog["id"], {}).values()
        return {
            **public,
            "published": stamp,
            "updated": stamp,
            "selfLink": link,
            "posts": {"totalItems": live, "selfLink": f"{link}/posts"},
            "pages": {"totalItems": sum(1 for p in pages if p["status"] == "LIVE"), "selfLink": f"{link}/pages"},
        }

    def _settle(self, post: dict[str, Any]) -> dict[str, Any]:
        """A scheduled post goes live by itself once its date has passed."""
        if post["status"] == "SCHEDULED" and datetime.fromisoformat(post["published"]) <= self.state.now():
            post["status"] = "LIVE"
            self.state.dirty = True
        return post

    def _post(self, blog_id: str, post_id: str) -> dict[str, Any]:
        self._blog(blog_id)
        post = self._posts(blog_id).get(post_id)
        if post is None:
            raise ApiError(404, "Not Found", "NOT_FOUND", reason="notFound")
        return self._settle(post)

    def _resource(self, post: dict[str, Any], req: Request, *, body: bool = True) -> dict[str, Any]:
        result = {k: v for k, v in post.items() if not k.startswith("_")}
        result["selfLink"] = f"{req.base_url}/v3/blogs/{post['blog']['id']}/posts/{post['id']}"
        result["replies"] = {
            "totalItems": str(self._comment_count(post)),
            "selfLink": result["selfLink"] + "/comments",
        }
        # Every post Blogger answers with says whether readers may comment; a new post allows it.
        result["readerComments"] = post.get("_reader_comments", "ALLOW")
        if post["status"] == "DRAFT":
            result.pop("url", None)  # a draft has no public address yet
        if not result.get("labels"):
            result.pop("labels", None)
        if not body:
            result.pop("content", None)
        return result

    def _comment_count(self, post: dict[str, Any]) -> int:
        """Readers' published comments on the post (kept by `blogger_comments`, per blog)."""
        comments: dict[str, Any] = self.state.ns("blogger").get("comments", {}).get(post["blog"]["id"], {})
        return sum(1 for c in comments.values() if c["post"]["id"] == post["id"] and c["status"] == "LIVE")

    def _check_content(self, body: dict[str, Any]) -> None:
        problem = html_problem(str(body.get("content", "")))
        if problem:
            raise bad_request(f"Invalid HTML content: {problem}")

    @staticmethod
    def _labels(body: dict[str, Any]) -> list[str]:
        labels = [str(x) for x in body.get("labels", []) or []]
        problem = labels_problem(labels)
        if problem:
            raise ApiError(400, problem, "INVALID_ARGUMENT", reason="invalid")
        return labels

    def _unique_path(self, blog: dict[str, Any], title: str) -> str:
        now = self.state.now().astimezone(timezone(timedelta(hours=blog["_utc_offset_hours"])))
        base = f"/{now:%Y/%m}/{slugify(title)}"
        taken = {p.get("_path") for p in self._posts(blog["id"]).values()}
        path, n = f"{base}.html", 1
        while path in taken:
            path, n = f"{base}_{n}.html", n + 1
        return path

    def _count_today(self, blog: dict[str, Any]) -> int:
        tz = timezone(timedelta(hours=blog["_utc_offset_hours"]))
        today = self.state.now().astimezone(tz).date()
        return sum(
            1
            for p in self._posts(blog["id"]).values()
            if datetime.fromisoformat(p["_created"]).astimezone(tz).date() == today
        )

    # --- routes -------------------------------------------------------------------------------------------
    def register(self, router: Router) -> None:
        # Before blogs.get, whose `{blogId}` would otherwise take `byurl` for a blog id.
        router.add("GET", r"^/v3/blogs/byurl$", "blogger.blogs.getByUrl", self.get_blog_by_url)
        router.add("GET", BLOG + r"$", "blogger.blogs.get", self.get_blog)
        router.add("POST", BLOG + r"/posts/?$", "blogger.posts.insert", self.insert)
        router.add("GET", BLOG + r"/posts/?$", "blogger.posts.list", self.list)
        router.add("GET", BLOG + r"/posts/search$", "blogger.posts.search", self.search)
        router.add("GET", BLOG + r"/posts/bypath$", "blogger.posts.getByPath", self.get_by_path)
        router.add("GET", POST + r"$", "blogger.posts.get", self.get)
        router.add("PATCH", POST + r"$", "blogger.posts.patch", self.patch)
        router.add("PUT", POST + r"$", "blogger.posts.update", self.update)
        router.add("POST", POST + r"/publish$", "blogger.posts.publish", self.publish)
        router.add("POST", POST + r"/revert$", "blogger.posts.revert", self.revert)
        router.add("DELETE", POST + r"$", "blogger.posts.delete", self.delete)
        router.add("POST", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/limits$", "", self.set_limits)
        router.add(
            "POST", r"^/_sandbox/blogs/(?P<blog>[0-9]+)/posts/(?P<post>[0-9]+)/publish_by_hand$", "", self.by_hand
        )

    def get_blog(self, req: Request) -> Response:
        return Response(json=self._blog_resource(self._blog(req.params["blog"]), req.base_url))

    def get_blog_by_url(self, req: Request) -> Response:
        wanted = blog_address(req.arg("url") or "")
        for blog in self._blogs.values():
            if blog_address(blog["url"]) == wanted:
                return Response(json=self._blog_resource(blog, req.base_url))
        raise not_found("Blog not found")

    def set_limits(self, req: Request) -> Response:
        blog = self._blog(req.params["blog"])
        body = req.json()
        cap = body.get("daily_posts") if isinstance(body, dict) else None
        blog["_daily_posts"] = int(cap) if cap is not None else None
        return Response(json={"daily_posts": blog["_daily_posts"]})

    def insert(self, req: Request) -> Response:
        blog = self._blog(req.params["blog"])
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("Invalid post")
        self._check_content(body)
        cap = blog.get("_daily_posts")
        if cap is not None and self._count_today(blog) >= cap:
            raise ApiError(
                403, "Rate limit exceeded: too many posts today.", "PERMISSION_DENIED", reason="rateLimitExceeded"
            )
        labels = self._labels(body)
        now = self._stamp_now(blog["_utc_offset_hours"])
        post_id = self.state.new_numeric_id()
        path = self._unique_path(blog, str(body.get("title", "")))
        post: dict[str, Any] = {
            "kind": "blogger#post",
            "id": post_id,
            "blog": {"id": blog["id"]},
            "published": self._minute(self.state.now(), blog["_utc_offset_hours"]),
            "updated": now,
            "url": blog["url"].rstrip("/") + path,
            "title": str(body.get("title", "")),
            "content": str(body.get("content", "")),
            "author": AUTHOR,
            "labels": labels,
            "status": "DRAFT" if req.flag("isDraft") else "LIVE",
            "etag": f'"{self.state.new_token_id(16)}"',
            "_path": path,
            "_created": now,
        }
        self._posts(blog["id"])[post_id] = post
        return Response(json=self._resource(post, req, body=req.flag("fetchBody", True)))

    def get(self, req: Request) -> Response:
        post = self._post(req.params["blog"], req.params["post"])
        return Response(json=self._resource(post, req, body=req.flag("fetchBody", True)))

    def get_by_path(self, req: Request) -> Response:
        self._blog(req.params["blog"])
        post = self.post_by_path(req.params["blog"], req.arg("path") or "")
        if post is None or post["status"] != "LIVE":
            raise ApiError(404, "Not Found", "NOT_FOUND", reason="notFound")
        return Response(json=self._resource(post, req))

    def _listing(self, req: Request, posts: list[dict[str, Any]]) -> Response:
        order = (req.arg("orderBy") or "PUBLISHED").upper()
        key = "updated" if order == "UPDATED" else "published"
        ascending = (req.arg("sortOption") or "DESCENDING").upper() == "ASCENDING"
        posts.sort(key=lambda p: (datetime.fromisoformat(p[key]), p["id"]), reverse=not ascending)
        size = min(int(req.arg("maxResults") or DEFAULT_PAGE), MAX_PAGE)
        start = int(req.arg("pageToken") or 0)
        page = posts[start : start + size]
        result: dict[str, Any] = {
            "kind": "blogger#postList",
            "items": [self._resource(p, req, body=req.flag("fetchBodies", True)) for p in page],
            "etag": f'"{self.state.new_token_id(16)}"',
        }
        if start + size < len(posts):
            result["nextPageToken"] = str(start + size)
        if not result["items"]:
            del result["items"]
        return Response(json=result)

    def list(self, req: Request) -> Response:
        blog = self._blog(req.params["blog"])
        statuses = [s.upper() for s in req.args("status")] or ["LIVE"]
        unknown = [s for s in statuses if s not in STATUSES]
        if unknown:
            raise bad_request(f"Invalid value for status: {unknown[0]}")
        view = (req.arg("view") or "READER").upper()
        if statuses != ["LIVE"] and view == "READER":
            raise ApiError(
                403, "We're sorry, but you don't have permission to access this resource.", reason="forbidden"
            )
        wanted_labels = {x.strip() for x in (req.arg("labels") or "").split(",") if x.strip()}
        start = req.arg("startDate")
        end = req.arg("endDate")
        posts = []
        for post in self._posts(blog["id"]).values():
            post = self._settle(post)
            if post["status"] not in statuses:
                continue
            if wanted_labels and not wanted_labels & set(post.get("labels", [])):
                continue
            published = datetime.fromisoformat(post["published"])
            if start and published < datetime.fromisoformat(start):
                continue
            if end and published >= datetime.fromisoformat(end):
                continue
            posts.append(post)
        return self._listing(req, posts)

    def search(self, req: Request) -> Response:
        blog = self._blog(req.params["blog"])
        query = (req.arg("q") or "").casefold()
        posts = [
            p
            for p in (self._settle(p) for p in self._posts(blog["id"]).values())
            if p["status"] == "LIVE" and (query in p["title"].casefold() or query in p["content"].casefold())
        ]
        return self._listing(req, posts)

    def _touch(self, post: dict[str, Any]) -> None:
        blog = self._blog(post["blog"]["id"])
        post["updated"] = self._stamp_now(blog["_utc_offset_hours"])
        post["etag"] = f'"{self.state.new_token_id(16)}"'

    def patch(self, req: Request) -> Response:
        post = self._post(req.params["blog"], req.params["post"])
        body = req.json()
        labels = self._labels(body) if "labels" in body else None
        if "content" in body:
            self._check_content(body)
            post["content"] = str(body["content"])
        if "title" in body:
            post["title"] = str(body["title"])
        if labels is not None:
            post["labels"] = labels
        self._touch(post)
        return Response(json=self._resource(post, req, body=req.flag("fetchBody", True)))

    def update(self, req: Request) -> Response:
        post = self._post(req.params["blog"], req.params["post"])
        body = req.json()
        self._check_content(body)
        labels = self._labels(body)
        post["title"] = str(body.get("title", ""))
        post["content"] = str(body.get("content", ""))
        post["labels"] = labels
        self._touch(post)
        return Response(json=self._resource(post, req, body=req.flag("fetchBody", True)))

    def publish(self, req: Request) -> Response:
        post = self._post(req.params["blog"], req.params["post"])
        blog = self._blog(post["blog"]["id"])
        when = req.arg("publishDate")
        now = self.state.now()
        if when:
            try:
                moment = datetime.fromisoformat(when.replace("Z", "+00:00"))
            except ValueError as exc:
                raise bad_request(f"Invalid value for publishDate: {when}") from exc
            if moment.tzinfo is None:
                raise bad_request(f"Invalid value for publishDate: {when}")
        else:
            moment = now
        post["published"] = self._minute(moment, blog["_utc_offset_hours"])
        post["status"] = "SCHEDULED" if moment > now else "LIVE"
        self._touch(post)
        return Response(json=self._resource(post, req))

    def by_hand(self, req: Request) -> Response:
        """The owner presses Publish in Blogger's editor. With `{"keep_date": true}` the post keeps the date it
        already has (a draft's is when it was written), as the editor does when its date setting is left on
        "Automatic"; `updated` is now either way. Answers the post as posts.get would."""
        post = self._post(req.params["blog"], req.params["post"])
        blog = self._blog(post["blog"]["id"])
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request('expected {"keep_date": true or false}')
        if post["status"] not in ("DRAFT", "SCHEDULED"):
            raise bad_request(f"post {post['id']} is {post['status']}, not a draft or a scheduled post")
        if not body.get("keep_date"):
            post["published"] = self._minute(self.state.now(), blog["_utc_offset_hours"])
        post["status"] = "LIVE"
        self._touch(post)
        return Response(json=self._resource(post, req))

    def revert(self, req: Request) -> Response:
        post = self._post(req.params["blog"], req.params["post"])
        post["status"] = "DRAFT"
        self._touch(post)
        return Response(json=self._resource(post, req))

    def delete(self, req: Request) -> Response:
        self._post(req.params["blog"], req.params["post"])
        del self._posts(req.params["blog"])[req.params["post"]]
        return Response(status=200, body=b"")  # Blogger answers 200 with an empty body, not 204
