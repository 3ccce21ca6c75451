"""The sandbox's own endpoints (`/_sandbox/...`): create blogs, read and reset call stats, inject faults.

Orders (every POST and DELETE under `/_sandbox/`) are taken only from this machine: addressed to
127.0.0.1:PORT or localhost:PORT (a web page that rebinds its own name to 127.0.0.1 sends its name as Host),
not from another site's page (Origin), and with a JSON body sent as `application/json` (which a page can send
elsewhere only after a CORS preflight the sandbox never grants). An empty body is fine where nothing is
needed, as for `POST /_sandbox/stats/reset` in DESIGN.md's fixed interface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import ApiError, bad_request
from .routing import Request, Response, Router

if TYPE_CHECKING:
    from .server import SandboxApp


def is_order(req: Request) -> bool:
    return req.path.startswith("/_sandbox/") and req.method != "GET"


def order_refusal(req: Request) -> ApiError | None:
    """Why the sandbox will not take this order (a Google-shaped 403 or 400), or None."""
    port = urlsplit(req.base_url).port
    ours = {f"127.0.0.1:{port}", f"localhost:{port}"}
    host = req.headers.get("host", "").strip().lower()
    if host not in ours:
        return ApiError(
            403,
            f"The sandbox takes orders only addressed to 127.0.0.1:{port} or localhost:{port}, "
            f"not {host or 'no host'}.",
            reason="forbidden",
        )
    origin = req.headers.get("origin")
    if origin is not None and urlsplit(origin.strip().lower()).netloc not in ours:
        return ApiError(403, f"The sandbox takes no orders from another site's page ({origin}).", reason="forbidden")
    kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if (req.body or kind) and kind != "application/json":
        return bad_request(
            "The sandbox's own endpoints take a JSON body sent with Content-Type: application/json, "
            f"not {kind or 'none'}."
        )
    return None


def register(router: Router, app: SandboxApp) -> None:
    def stats(_: Request) -> Response:
        return Response(json=app.stats.snapshot())

    def reset_stats(_: Request) -> Response:
        app.stats.reset()
        return Response(json=app.stats.snapshot())

    def set_faults(req: Request) -> Response:
        body = req.json()
        rules = body.get("rules") if isinstance(body, dict) else None
        if not isinstance(rules, list):
            raise bad_request('expected {"rules": [...]}')
        app.faults.set(rules)
        return Response(json=app.faults.describe())

    def get_faults(_: Request) -> Response:
        return Response(json=app.faults.describe())

    def clear_faults(_: Request) -> Response:
        app.faults.clear()
        return Response(json=app.faults.describe())

    def create_blog(req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not body.get("name"):
            raise bad_request('expected {"name": ..., "url": ...}')
        return Response(json=app.blogger.create_blog(str(body["name"]), body.get("url"), req.base_url))

    def get_limits(_: Request) -> Response:
        return Response(json=app.state.limits.as_json())

    def set_limits(req: Request) -> Response:
        app.state.limits.update(req.json())
        return Response(json=app.state.limits.as_json())

    router.add("GET", r"^/_sandbox/limits$", "", get_limits)
    router.add("POST", r"^/_sandbox/limits$", "", set_limits, mutates=False)
    router.add("GET", r"^/_sandbox/stats$", "", stats)
    router.add("POST", r"^/_sandbox/stats/reset$", "", reset_stats, mutates=False)
    router.add("POST", r"^/_sandbox/faults$", "", set_faults, mutates=False)
    router.add("GET", r"^/_sandbox/faults$", "", get_faults)
    router.add("DELETE", r"^/_sandbox/faults$", "", clear_faults, mutates=False)
    router.add("POST", r"^/_sandbox/blogs$", "", create_blog)
