"""Which Google API, and which of its endpoints, a request names: from its method, URL path and JSON body.

The vocabulary of the recordings in pipeline/sandbox/conformance_data and of field traces (their INDEX.tsv),
shared by the trace that writes them (`pipeline/google/trace.py`) and the sandbox that replays them
(`pipeline/sandbox/conformance.py`, `trace_replay.py`). Paths are the same on Google and in the sandbox; taking
the path out of a URL is the caller's part, so that this module stays pure.
"""

from __future__ import annotations

from typing import Any


def api_of(path: str) -> str:
    """Which Google API a request path belongs to (the same paths on Google and in the sandbox)."""
    if path.startswith("/v4/spreadsheets"):
        return "sheets"
    if path.startswith(("/drive/", "/upload/drive/")):
        return "drive"
    if path.startswith(("/v3/blogs", "/blogger/v3/")):
        return "blogger"
    if path.startswith(("/gmail/", "/upload/gmail/")):
        return "gmail"
    if path in ("/token", "/o/oauth2/token") or path.startswith("/oauth2/"):
        return "oauth"
    if "/serviceAccounts/" in path:
        return "iam"
    return "other"


def endpoint_name(method: str, path: str, body: Any = None) -> str:
    """The endpoint a request to `path` with JSON `body` calls, as INDEX.tsv names it (`values.get`, ...)."""
    api = api_of(path)
    if api == "sheets":
        return _sheets_endpoint(method, path, body)
    tail = path.rstrip("/").split("/")
    if api == "drive":
        if tail[-1] == "copy":
            return "files.copy"
        if tail[-1] == "comments":
            return "comments.list"
        if "permissions" in tail:
            last = "list" if method == "GET" and tail[-1] == "permissions" else None
            return "permissions." + (last or {"POST": "create", "DELETE": "delete", "GET": "get"}.get(method, method))
        if tail[-1] == "files":
            return "files.create" if method == "POST" else "files.list"
        return {"GET": "files.get", "DELETE": "files.delete", "PATCH": "files.update"}.get(method, f"files.{method}")
    if api == "blogger":
        return _blogger_endpoint(method, tail)
    if api == "gmail":
        return "messages.send" if tail[-1] == "send" else f"{method} {tail[-1]}"
    if api == "oauth":
        return "token"
    if api == "iam":
        return tail[-1]
    return f"{method} {path}"


def _sheets_endpoint(method: str, path: str, body: Any) -> str:
    rest = path.split("/v4/spreadsheets/", 1)[-1].replace("%3A", ":").replace("%3a", ":")
    if "/values" not in rest:
        if rest.endswith(":batchUpdate"):
            kinds: list[str] = []
            for item in (body or {}).get("requests", []):
                kinds += [k for k in item if k not in kinds]
            return "batchUpdate:" + "+".join(kinds)
        return "spreadsheets.create" if method == "POST" else "spreadsheets.get"
    for suffix in ("batchGet", "batchUpdate", "batchClear", "append", "clear"):
        if rest.endswith(":" + suffix):
            return "values." + suffix
    return "values.update" if method == "PUT" else "values.get"


def _blogger_endpoint(method: str, tail: list[str]) -> str:
    after = tail[tail.index("blogs") + 1 :] if "blogs" in tail else tail
    if after == ["byurl"]:
        return "blogs.getByUrl"
    rest = after[1:]  # what follows the blog id
    if not rest:
        return "blogs.get"
    if rest == ["comments"]:
        return "comments.listByBlog"
    if rest == ["posts"]:
        return "posts.insert" if method == "POST" else "posts.list"
    if rest in (["posts", "search"], ["posts", "bypath"]):
        return "posts.search" if rest[1] == "search" else "posts.getByPath"
    if len(rest) == 2:
        return "posts." + {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}.get(method, method)
    return "comments.list" if rest[-1] == "comments" else "posts." + rest[-1]
