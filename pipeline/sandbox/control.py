"""The sandbox's own endpoints (`/_sandbox/...`): create blogs, read and reset call stats, inject faults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import bad_request
from .routing import Request, Response, Router

if TYPE_CHECKING:
    from .server import SandboxApp


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
