"""A subset of the Facebook Graph API for Pages: post to a page's feed, list it, edit and delete a post.

Paths as Graph serves them at https://graph.facebook.com: `/v{N}.0/{page-id}/feed` (POST creates, GET lists the
live posts, newest first, with `data` and `paging`), `/v{N}.0/{post-id}` (POST edits the message, DELETE removes,
both answering `{"success": true}`), `/v{N}.0/me` and `/v{N}.0/debug_token` for the doctor. Parameters come in
the query string or a form body; the token as `access_token` or an `Authorization: Bearer` header.

Errors are Graph's `{"error": {"message", "type", "code", "error_subcode"?, "fbtrace_id"}}`: 190 for a missing or
unknown token, 100/33 for an object that does not exist, 200 for a page the token does not manage, 32 when a
page's calls in the last hour pass `page_calls_per_hour`, 613 when its posts in the last minute pass
`posts_per_minute` (`POST /_sandbox/facebook/limits` sets both), 506 for the same message posted twice in a row.

A page is made with `POST /_sandbox/facebook/pages {"id", "name"?, "token"?, "scopes"?}`; a token the sandbox
has never seen is taken by the first page it is used for (any token works, as for the Google APIs here).
"""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

from .errors import ApiError
from .routing import Request, Response, Router
from .state import SandboxState

V = r"^/v(?P<version>\d{1,2})\.0"
PAGE_SCOPES = ["pages_manage_posts", "pages_read_engagement", "pages_show_list"]
DEFAULT_LIMITS = {"page_calls_per_hour": 4800, "posts_per_minute": 30}


class GraphError(ApiError):
    """An error in Graph's shape (HTTP 400 unless said otherwise)."""

    def __init__(
        self, code: int, message: str, *, subcode: int | None = None, kind: str = "OAuthException", http: int = 400
    ) -> None:
        super().__init__(http, message)
        self.graph_code = code
        self.subcode = subcode
        self.kind = kind

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.kind, "code": self.graph_code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = "AsandboxTrace"
        return {"error": error}


def graph_fault_body(status: int) -> dict[str, Any]:
    """What an injected fault answers on a Graph path: code 2, a temporary problem, as Graph says it."""
    return GraphError(2, "An unexpected error has occurred. Please retry your request later.", http=status).body()


def _missing(object_id: str, verb: str) -> GraphError:
    return GraphError(
        100,
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be loaded due to missing "
        "permissions, or does not support this operation.",
        subcode=33,
        kind="GraphMethodException",
    )


class FacebookApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._calls: dict[str, deque[datetime]] = {}
        self._posts: dict[str, deque[datetime]] = {}

    @property
    def _ns(self) -> dict[str, Any]:
        space = self.state.ns("facebook")
        space.setdefault("pages", {})
        space.setdefault("tokens", {})
        space.setdefault("posts", {})
        space.setdefault("limits", dict(DEFAULT_LIMITS))
        return space

    def register(self, router: Router) -> None:
        router.add("POST", V + r"/(?P<page>[0-9]+)/feed$", "facebook.feed.create", self.create_post)
        router.add("GET", V + r"/(?P<page>[0-9]+)/feed$", "facebook.feed.list", self.list_feed)
        router.add("GET", V + r"/me$", "facebook.me", self.me)
        router.add("GET", V + r"/debug_token$", "facebook.debug_token", self.debug_token)
        router.add("POST", V + r"/(?P<post>[0-9]+_[0-9]+)$", "facebook.posts.update", self.update_post)
        router.add("DELETE", V + r"/(?P<post>[0-9]+_[0-9]+)$", "facebook.posts.delete", self.delete_post)
        router.add("GET", V + r"/(?P<post>[0-9]+_[0-9]+)$", "facebook.posts.get", self.get_post)
        router.add("POST", r"^/_sandbox/facebook/pages$", "", self.admin_create_page)
        router.add("POST", r"^/_sandbox/facebook/limits$", "", self.admin_limits)
        router.add("GET", r"^/_sandbox/facebook/pages$", "", self.admin_pages)
        router.add("GET", r"^/_sandbox/facebook/posts$", "", self.admin_posts)

    # --- the Graph API -----------------------------------------------------------------------------------------
    def create_post(self, req: Request) -> Response:
        args = _args(req)
        page = self._page_for(req, args, req.params["page"])
        self._count(page["id"])
        message, link = args.get("message", ""), args.get("link", "")
        if not message and not link:
            raise GraphError(100, "(#100) Missing message or attachment.", kind="OAuthException")
        live = self.live_posts(page["id"])
        if live and live[0]["message"] == message and live[0].get("link", "") == link and message:
            raise GraphError(506, "(#506) Duplicate status message", kind="OAuthException")
        self._post_rate(page["id"])
        post_id = f"{page['id']}_{self.state.new_numeric_id(16)}"
        now = _graph_time(self.state.now())
        self._ns["posts"][post_id] = {
            "id": post_id,
            "page": page["id"],
            "message": message,
            "link": link,
            "created_time": now,
            "updated_time": now,
            "permalink_url": f"https://www.facebook.com/{page['id']}/posts/{post_id.split('_')[1]}",
            "deleted": False,
            "seq": len(self._ns["posts"]),
        }
        return Response(json={"id": post_id})

    def list_feed(self, req: Request) -> Response:
        args = _args(req)
        page = self._page_for(req, args, req.params["page"])
        self._count(page["id"])
        try:
            limit = max(1, min(100, int(args.get("limit", "25"))))
            start = int(args.get("after", "0") or 0)
        except ValueError as exc:
            raise GraphError(100, f"(#100) Invalid parameter: {exc}") from exc
        fields = [f for f in args.get("fields", "id,message,created_time").split(",") if f]
        live = self.live_posts(page["id"])
        chunk = live[start : start + limit]
        data = [{k: p[k] for k in ("id", *fields) if k in p and (k != "link" or p[k])} for p in chunk]
        body: dict[str, Any] = {"data": data}
        if chunk:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
            if start + len(chunk) < len(live):
                body["paging"]["next"] = (
                    f"{req.base_url}/v{req.params['version']}.0/{page['id']}/feed?limit={limit}"
                    f"&after={start + len(chunk)}&fields={','.join(fields)}"
                )
        return Response(json=body)

    def get_post(self, req: Request) -> Response:
        post = self._post(req, "get")
        return Response(json={k: post[k] for k in ("id", "message", "link", "created_time", "permalink_url")})

    def update_post(self, req: Request) -> Response:
        post = self._post(req, "post")
        args = _args(req)
        if "message" in args:
            post["message"] = args["message"]
            post["updated_time"] = _graph_time(self.state.now())
        return Response(json={"success": True})

    def delete_post(self, req: Request) -> Response:
        post = self._post(req, "delete")
        post["deleted"] = True
        return Response(json={"success": True})

    def me(self, req: Request) -> Response:
        token = _token(req, _args(req))
        page_id = self._ns["tokens"].get(token)
        if page_id is None:
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token")
        page = self._ns["pages"][page_id]
        return Response(json={"id": page["id"], "name": page["name"]})

    def debug_token(self, req: Request) -> Response:
        args = _args(req)
        _token(req, args)
        page_id = self._ns["tokens"].get(args.get("input_token", ""))
        if page_id is None:
            return Response(json={"data": {"is_valid": False, "error": {"code": 190, "message": "Invalid token"}}})
        page = self._ns["pages"][page_id]
        data = {"type": "PAGE", "is_valid": True, "profile_id": page_id, "scopes": page["scopes"], "expires_at": 0}
        return Response(json={"data": data})

    # --- the sandbox's own pages -----------------------------------------------------------------------------
    def admin_create_page(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not str(body.get("id", "")).isdigit():
            raise ApiError(400, 'expected {"id": "<digits>", "name"?, "token"?, "scopes"?}')
        page = self._new_page(str(body["id"]), str(body.get("name") or "Halaman"))
        if isinstance(body.get("scopes"), list):
            page["scopes"] = [str(s) for s in body["scopes"]]
        if body.get("token"):
            self._ns["tokens"][str(body["token"])] = page["id"]
        return Response(json=page)

    def admin_limits(self, req: Request) -> Response:
        body = req.json()
        limits = self._ns["limits"]
        for key in DEFAULT_LIMITS:
            if isinstance(body, dict) and isinstance(body.get(key), int):
                limits[key] = body[key]
        return Response(json=limits)

    def admin_pages(self, _: Request) -> Response:
        pages = [{**p, "posts": self.live_posts(p["id"])} for p in self._ns["pages"].values()]
        return Response(json={"pages": pages})

    def admin_posts(self, req: Request) -> Response:
        page = req.arg("page")
        posts = [p for p in self._ns["posts"].values() if page in (None, p["page"])]
        return Response(json={"posts": posts})

    def live_posts(self, page_id: str) -> list[dict[str, Any]]:
        """The page's posts that are not deleted, newest first."""
        posts = [p for p in self._ns["posts"].values() if p["page"] == page_id and not p["deleted"]]
        return sorted(posts, key=lambda p: int(p["seq"]), reverse=True)

    # --- helpers --------------------------------------------------------------------------------------------
    def _new_page(self, page_id: str, name: str) -> dict[str, Any]:
        page: dict[str, Any] = self._ns["pages"].setdefault(
            page_id, {"id": page_id, "name": name, "scopes": list(PAGE_SCOPES)}
        )
        return page

    def _page_for(self, req: Request, args: dict[str, str], page_id: str) -> dict[str, Any]:
        token = _token(req, args)
        owner = self._ns["tokens"].setdefault(token, page_id)  # a new token is taken by its first page
        if owner != page_id:
            raise GraphError(
                200,
                "(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts "
                "permission with page token",
            )
        page = self._new_page(page_id, "Halaman")
        if "pages_manage_posts" not in page["scopes"] and req.method != "GET":
            raise GraphError(200, "(#200) The user hasn't authorized the application to perform this action")
        return page

    def _post(self, req: Request, verb: str) -> dict[str, Any]:
        args = _args(req)
        post_id = req.params["post"]
        post = self._ns["posts"].get(post_id)
        if post is None or post["deleted"]:
            _token(req, args)
            raise _missing(post_id, verb)
        self._page_for(req, args, post["page"])
        self._count(post["page"])
        found: dict[str, Any] = post
        return found

    def _count(self, page_id: str) -> None:
        now = self.state.now()
        recent = self._calls.setdefault(page_id, deque())
        while recent and recent[0] <= now - timedelta(hours=1):
            recent.popleft()
        if len(recent) >= int(self._ns["limits"]["page_calls_per_hour"]):
            raise GraphError(32, "(#32) Page request limit reached")
        recent.append(now)

    def _post_rate(self, page_id: str) -> None:
        now = self.state.now()
        recent = self._posts.setdefault(page_id, deque())
        while recent and recent[0] <= now - timedelta(minutes=1):
            recent.popleft()
        if len(recent) >= int(self._ns["limits"]["posts_per_minute"]):
            raise GraphError(613, "(#613) Calls to this api have exceeded the rate limit.")
        recent.append(now)


def _args(req: Request) -> dict[str, str]:
    """Graph takes parameters in the query string, a form body or a JSON body alike."""
    args = {k: v[-1] for k, v in req.query.items() if v}
    kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if req.body and kind == "application/json":
        body = req.json()
        if isinstance(body, dict):
            args |= {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
    elif req.body:
        args |= {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    return args


def _token(req: Request, args: dict[str, str]) -> str:
    header = req.headers.get("authorization", "")
    token = args.get("access_token") or header.partition(" ")[2].strip()
    if not token:
        raise GraphError(2500, "An active access token must be used to query information about the current user.")
    return token


def _graph_time(moment: datetime) -> str:
    """Graph's time format: `2026-11-27T08:15:00+0000`, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
