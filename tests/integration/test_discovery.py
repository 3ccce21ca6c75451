"""The sandbox's Blogger and Drive against the discovery documents googleapiclient is built from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from pipeline.app import build_app
from pipeline.config import load_settings
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.seed import upload_file
from pipeline.sandbox.server import Sandbox

from .world import make_world, stats

PIPELINE_METHODS = {
    "blogger.blogs.get",
    "blogger.posts.insert",
    "blogger.posts.patch",
    "blogger.posts.publish",
    "blogger.posts.revert",
    "blogger.posts.list",
    "blogger.posts.get",
    "drive.files.get",
    "drive.permissions.create",
    "drive.permissions.delete",
}


def test_every_blogger_and_drive_method_the_pipeline_calls_answers_within_its_schema(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    with requests.Session() as http:
        photo = upload_file(http, fresh_sandbox.url, "a.png", png_bytes(DEMO_PHOTOS["panen"]), "image/png")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        assert app.publisher.blog()["id"] == world.blog_id
        live = app.publisher.insert("Judul", "<p>Isi. Kode berita: MM-20261122-0001</p>", ["Juai"], draft=False)
        draft = app.publisher.insert("Draf", "<p>Isi draf.</p>", [], draft=True)
        app.publisher.patch(live.post_id, "Judul baru", "<p>Isi baru. Kode berita: MM-20261122-0001</p>", ["Juai"])
        app.publisher.publish(draft.post_id, datetime.now(UTC) + timedelta(days=1))
        app.publisher.revert(draft.post_id)
        app.publisher.publish(draft.post_id)
        assert app.publisher.find_by_code("MM-20261122-0001", datetime.now(UTC) - timedelta(hours=1)) is not None
        assert len(app.publisher.all_posts()) == 2
        waiting = app.publisher.insert("Masih draf", "<p>Isi.</p>", [], draft=True)
        assert app.publisher.not_live() == {waiting.post_id}
        seen = app.publisher.post(draft.post_id)
        assert seen is not None and seen.state == "LIVE" and seen.url.endswith(".html")
        assert app.publisher.post("1234567890") is None
        info = app.photos.info(photo)
        assert info is not None and info.mime_type == "image/png"
        assert app.photos.info("1NoSuchFileAnywhere") is None
        app.photos.share(photo)
        app.photos.unshare(photo)
        app.photos.unshare(photo)  # already private: harmless
    finally:
        app.close()
    assert set(stats(fresh_sandbox.url)) >= PIPELINE_METHODS
    assert fresh_sandbox.app.schema_violations == []


def _error(response: requests.Response) -> dict[str, object]:
    assert response.status_code == 400, response.text
    error: dict[str, object] = response.json()["error"]
    assert error["code"] == 400 and error["status"] == "INVALID_ARGUMENT"
    return error


def test_unknown_parameters_and_bad_values_are_refused_as_google_does(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [])
    posts = f"{fresh_sandbox.url}/v3/blogs/{world.blog_id}/posts"
    with requests.Session() as http:
        unknown = _error(http.get(posts, params={"statuses": "LIVE"}))
        assert 'Unknown name "statuses"' in str(unknown["message"])
        enum = _error(http.get(posts, params={"status": "live"}))
        assert "Invalid value at 'status[0]'" in str(enum["message"])
        _error(http.get(posts, params={"orderBy": "TITLE"}))
        _error(http.get(posts, params={"maxResults": "banyak"}))
        _error(http.get(posts, params={"fetchBodies": "ya"}))
        # Drive ignores parameters it does not know (recorded from the real API), but not bad values.
        drive_file = f"{fresh_sandbox.url}/drive/v3/files/abc"
        assert http.get(drive_file, params={"includeItemsFromAllDrives": "true"}).status_code == 404
        _error(http.get(drive_file, params={"supportsAllDrives": "sometimes"}))
        # A path parameter is not a query parameter.
        _error(http.get(posts, params={"blogId": world.blog_id}))
        # Standard parameters every Google API takes are fine.
        ok = http.get(posts, params={"fields": "items(id)", "prettyPrint": "false", "alt": "json", "status": "LIVE"})
        assert ok.status_code == 200, ok.text
