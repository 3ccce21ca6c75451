"""The sandbox's Blogger, Drive and OAuth emulation, through the real googleapiclient and google-auth."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from pipeline.google.transport import RequestsHttp, authorized_session
from pipeline.sandbox.credentials import throwaway_service_account, throwaway_user_token
from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
from pipeline.sandbox.seed import upload_file
from pipeline.sandbox.server import Sandbox

from ..htmlcheck import executable_parts


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def service(endpoint: str, name: str, version: str, path: str, creds: Any = None) -> Any:
    creds = creds or user_credentials.Credentials(token="test")
    http = RequestsHttp(authorized_session(creds, endpoint), 30)
    return build(
        name,
        version,
        http=http,
        client_options={"api_endpoint": endpoint + path},
        static_discovery=True,
        cache_discovery=False,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sb(clock: FakeClock) -> Iterator[Sandbox]:
    with Sandbox(clock=clock) as running:
        yield running


@pytest.fixture
def blog(sb: Sandbox) -> str:
    response = requests.post(f"{sb.url}/_sandbox/blogs", json={"name": "Portal <KIM>"}, timeout=10)
    response.raise_for_status()
    assert response.json()["kind"] == "blogger#blog"
    return str(response.json()["id"])


@pytest.fixture
def blogger(sb: Sandbox) -> Iterator[Any]:
    api = service(sb.url, "blogger", "v3", "/")
    yield api
    api.close()


def upload(endpoint: str, name: str, content: bytes, mime: str) -> str:
    with requests.Session() as http:
        return upload_file(http, endpoint, name, content, mime)


def test_post_lifecycle_draft_publish_patch_revert_delete(blogger: Any, blog: str) -> None:
    posts = blogger.posts()
    draft = posts.insert(blogId=blog, isDraft=True, body={"title": "Judul", "content": "<p>Isi</p>"}).execute()
    assert draft["status"] == "DRAFT" and draft["id"].isdigit() and "url" not in draft
    assert draft["replies"]["totalItems"] == "0"
    live = posts.publish(blogId=blog, postId=draft["id"]).execute()
    assert live["status"] == "LIVE" and live["url"].endswith("/judul.html")
    patched = posts.patch(
        blogId=blog, postId=draft["id"], body={"title": "Judul baru", "labels": ["Desa Juai"]}
    ).execute()
    assert (patched["title"], patched["labels"], patched["content"]) == ("Judul baru", ["Desa Juai"], "<p>Isi</p>")
    assert posts.revert(blogId=blog, postId=draft["id"]).execute()["status"] == "DRAFT"
    posts.delete(blogId=blog, postId=draft["id"]).execute()
    with pytest.raises(HttpError) as caught:
        posts.get(blogId=blog, postId=draft["id"]).execute()
    assert caught.value.resp.status == 404


def test_scheduled_post_goes_live_when_its_time_comes(blogger: Any, blog: str, clock: FakeClock) -> None:
    posts = blogger.posts()
    post = posts.insert(blogId=blog, isDraft=True, body={"title": "Nanti", "content": "<p>x</p>"}).execute()
    when = (clock.now + timedelta(hours=2)).isoformat()
    assert posts.publish(blogId=blog, postId=post["id"], publishDate=when).execute()["status"] == "SCHEDULED"
    assert "items" not in posts.list(blogId=blog).execute()
    clock.now += timedelta(hours=3)
    assert [p["id"] for p in posts.list(blogId=blog).execute()["items"]] == [post["id"]]


def test_list_filters_pages_and_needs_author_view_for_drafts(blogger: Any, blog: str) -> None:
    posts = blogger.posts()
    for n in range(5):
        posts.insert(blogId=blog, body={"title": f"P{n}", "content": "<p>x</p>", "labels": [f"L{n % 2}"]}).execute()
    posts.insert(blogId=blog, isDraft=True, body={"title": "D", "content": "<p>x</p>"}).execute()
    first = posts.list(blogId=blog, maxResults=3, fetchBodies=False).execute()
    assert len(first["items"]) == 3 and "content" not in first["items"][0]
    second = posts.list(blogId=blog, maxResults=3, pageToken=first["nextPageToken"]).execute()
    assert len(second["items"]) == 2 and "nextPageToken" not in second
    assert len(posts.list(blogId=blog, labels="L0").execute()["items"]) == 3
    everything = posts.list(blogId=blog, status=["LIVE", "DRAFT"], view="ADMIN").execute()
    assert len(everything["items"]) == 6
    with pytest.raises(HttpError):
        posts.list(blogId=blog, status=["DRAFT"]).execute()
    found = posts.search(blogId=blog, q="p3").execute()
    assert [p["title"] for p in found["items"]] == ["P3"]


def test_content_that_is_not_well_formed_html_is_refused(blogger: Any, blog: str) -> None:
    with pytest.raises(HttpError) as caught:
        blogger.posts().insert(blogId=blog, body={"title": "x", "content": "<p><b>tebal</p>"}).execute()
    assert caught.value.resp.status == 400
    ok = blogger.posts().insert(blogId=blog, body={"title": "x", "content": "<p>a<br>b<img src='x'></p>"}).execute()
    assert ok["status"] == "LIVE"


def test_daily_post_cap_answers_rate_limit_exceeded(sb: Sandbox, blogger: Any, blog: str) -> None:
    requests.post(f"{sb.url}/_sandbox/blogs/{blog}/limits", json={"daily_posts": 1}, timeout=10).raise_for_status()
    blogger.posts().insert(blogId=blog, body={"title": "1", "content": "<p>1</p>"}).execute()
    with pytest.raises(HttpError) as caught:
        blogger.posts().insert(blogId=blog, body={"title": "2", "content": "<p>2</p>"}).execute()
    assert caught.value.resp.status == 403
    assert json.loads(caught.value.content)["error"]["errors"][0]["reason"] == "rateLimitExceeded"


def test_get_by_url_answers_the_blog_and_404_for_an_unknown_one(sb: Sandbox, blogger: Any) -> None:
    made = requests.post(
        f"{sb.url}/_sandbox/blogs", json={"name": "Portal KIM", "url": "http://portal-kim.blogspot.com/"}, timeout=10
    ).json()
    for url in ("http://portal-kim.blogspot.com/", "https://portal-kim.blogspot.com", "http://PORTAL-KIM.blogspot.com"):
        found = blogger.blogs().getByUrl(url=url).execute()
        assert (found["kind"], found["id"], found["url"]) == (
            "blogger#blog",
            made["id"],
            "http://portal-kim.blogspot.com/",
        )
    assert blogger.blogs().getByUrl(url="http://portal-kim.blogspot.com/", view="ADMIN").execute()["id"] == made["id"]
    with pytest.raises(HttpError) as caught:
        blogger.blogs().getByUrl(url="http://tidak-ada.blogspot.com/").execute()
    assert caught.value.resp.status == 404
    assert json.loads(caught.value.content)["error"]["status"] == "NOT_FOUND"


def test_published_is_to_the_minute_while_updated_keeps_seconds(blogger: Any, blog: str, clock: FakeClock) -> None:
    posts = blogger.posts()
    clock.now = datetime(2026, 11, 22, 1, 2, 3, 456789, tzinfo=UTC)
    post = posts.insert(blogId=blog, body={"title": "Menit", "content": "<p>x</p>"}).execute()
    assert (post["published"], post["updated"]) == ("2026-11-22T09:02:00+08:00", "2026-11-22T09:02:03+08:00")
    clock.now += timedelta(seconds=50)
    patched = posts.patch(blogId=blog, postId=post["id"], body={"title": "Menit lagi"}).execute()
    assert (patched["published"], patched["updated"]) == ("2026-11-22T09:02:00+08:00", "2026-11-22T09:02:53+08:00")
    draft = posts.insert(blogId=blog, isDraft=True, body={"title": "Nanti", "content": "<p>x</p>"}).execute()
    when = datetime(2026, 11, 23, 1, 30, 45, tzinfo=UTC)
    scheduled = posts.publish(blogId=blog, postId=draft["id"], publishDate=when.isoformat()).execute()
    assert (scheduled["status"], scheduled["published"]) == ("SCHEDULED", "2026-11-23T09:30:00+08:00")


def test_posts_carry_replies_and_reader_comments_as_blogger_does(sb: Sandbox, blogger: Any, blog: str) -> None:
    posts = blogger.posts()
    post = posts.insert(blogId=blog, body={"title": "Komentar", "content": "<p>x</p>"}).execute()
    assert post["readerComments"] == "ALLOW"
    assert post["replies"] == {"totalItems": "0", "selfLink": f"{post['selfLink']}/comments"}
    requests.post(
        f"{sb.url}/_sandbox/blogs/{blog}/posts/{post['id']}/comments",
        json={"author": "Warga", "content": "Bagus."},
        timeout=10,
    ).raise_for_status()
    [listed] = posts.list(blogId=blog, fetchBodies=False).execute()["items"]
    assert (listed["replies"]["totalItems"], listed["readerComments"]) == ("1", "ALLOW")
    assert posts.get(blogId=blog, postId=post["id"], view="ADMIN").execute()["replies"]["totalItems"] == "1"


def test_labels_over_200_characters_with_their_separators_are_refused(blogger: Any, blog: str) -> None:
    posts = blogger.posts()
    fits = ["a" * 99, "b" * 99]  # 99 + len(", ") + 99 = 200
    over = [str(n) * 50 for n in range(4)]  # 200 characters of labels, 206 with the separators
    post = posts.insert(blogId=blog, body={"title": "L", "content": "<p>x</p>", "labels": fits}).execute()
    assert post["labels"] == fits
    calls = [
        lambda: posts.insert(blogId=blog, body={"title": "L", "content": "<p>x</p>", "labels": over}),
        lambda: posts.patch(blogId=blog, postId=post["id"], body={"labels": over}),
        lambda: posts.update(
            blogId=blog, postId=post["id"], body={"title": "L", "content": "<p>x</p>", "labels": over}
        ),
    ]
    for call in calls:
        with pytest.raises(HttpError) as caught:
            call().execute()
        error = json.loads(caught.value.content)["error"]
        assert (error["code"], error["status"], error["errors"][0]["reason"]) == (400, "INVALID_ARGUMENT", "invalid")
        assert error["message"] == "We're sorry, but the value for field labels was not valid."
    assert posts.get(blogId=blog, postId=post["id"]).execute()["labels"] == fits  # nothing was changed
    assert len(posts.list(blogId=blog).execute()["items"]) == 1


def test_delete_answers_200_with_an_empty_body(sb: Sandbox, blogger: Any, blog: str) -> None:
    post = blogger.posts().insert(blogId=blog, body={"title": "Hapus", "content": "<p>x</p>"}).execute()
    answer = requests.delete(f"{sb.url}/v3/blogs/{blog}/posts/{post['id']}", timeout=10)
    assert (answer.status_code, answer.content) == (200, b"")


def test_publishing_by_hand_in_the_editor_may_keep_the_draft_date(
    sb: Sandbox, blogger: Any, blog: str, clock: FakeClock
) -> None:
    posts = blogger.posts()
    kept = posts.insert(blogId=blog, isDraft=True, body={"title": "Lama", "content": "<p>x</p>"}).execute()
    fresh = posts.insert(blogId=blog, isDraft=True, body={"title": "Baru", "content": "<p>x</p>"}).execute()
    clock.now += timedelta(days=3, seconds=17)
    by_hand = f"{sb.url}/_sandbox/blogs/{blog}/posts/{{}}/publish_by_hand"
    live = requests.post(by_hand.format(kept["id"]), json={"keep_date": True}, timeout=10).json()
    assert (live["status"], live["published"]) == ("LIVE", kept["published"])
    assert live["updated"] == "2026-11-25T08:00:17+08:00"  # the editor's save: updated moves, with seconds
    other = requests.post(by_hand.format(fresh["id"]), json={}, timeout=10).json()
    assert (other["status"], other["published"]) == ("LIVE", "2026-11-25T08:00:00+08:00")
    # Listed by publication date, the one that kept its date sits three days back.
    since = (clock.now - timedelta(hours=1)).isoformat()
    assert [p["id"] for p in posts.list(blogId=blog, startDate=since).execute()["items"]] == [fresh["id"]]
    again = requests.post(by_hand.format(kept["id"]), json={"keep_date": True}, timeout=10)
    assert again.status_code == 400  # already live


def test_drive_upload_metadata_download_and_sharing(sb: Sandbox) -> None:
    content = png_bytes(DEMO_PHOTOS["panen"])
    file_id = upload(sb.url, "panen.png", content, "image/png")
    drive = service(sb.url, "drive", "v3", "/drive/v3/")
    try:
        meta = drive.files().get(fileId=file_id, fields="id,name,mimeType,size,imageMediaMetadata").execute()
        assert meta["mimeType"] == "image/png" and meta["size"] == str(len(content))
        assert meta["imageMediaMetadata"] == {"width": 640, "height": 427}
        assert drive.files().get(fileId=file_id).execute() == {
            "kind": "drive#file",
            "id": file_id,
            "name": "panen.png",
            "mimeType": "image/png",
        }
        assert drive.files().get_media(fileId=file_id).execute() == content
        permission = drive.permissions().create(fileId=file_id, body={"type": "anyone", "role": "reader"}).execute()
        assert permission["id"] == "anyoneWithLink"
        assert len(drive.permissions().list(fileId=file_id).execute()["permissions"]) == 1
        drive.permissions().delete(fileId=file_id, permissionId="anyoneWithLink").execute()
        assert drive.permissions().list(fileId=file_id).execute()["permissions"] == []
        requests.post(f"{sb.url}/_sandbox/files/{file_id}/access", json={"readable": False}, timeout=10)
        with pytest.raises(HttpError) as caught:
            drive.files().get(fileId=file_id).execute()
        assert caught.value.resp.status == 404
    finally:
        drive.close()


def test_spreadsheets_are_drive_files(sb: Sandbox) -> None:
    drive = service(sb.url, "drive", "v3", "/drive/v3/")
    try:
        created = (
            drive.files()
            .create(body={"name": "Review", "mimeType": "application/vnd.google-apps.spreadsheet"})
            .execute()
        )
        sheet = requests.get(f"{sb.url}/v4/spreadsheets/{created['id']}", timeout=10).json()
        assert sheet["properties"]["title"] == "Review"
        drive.files().delete(fileId=created["id"]).execute()
        assert requests.get(f"{sb.url}/v4/spreadsheets/{created['id']}", timeout=10).status_code == 404
    finally:
        drive.close()


def test_service_account_and_user_tokens_refresh_through_the_sandbox(sb: Sandbox, blog: str) -> None:
    info = throwaway_service_account("https://oauth2.googleapis.com/token")
    robot = service_account.Credentials.from_service_account_info(
        info, scopes=["https://www.googleapis.com/auth/drive"]
    )
    user = user_credentials.Credentials.from_authorized_user_info(
        throwaway_user_token("https://oauth2.googleapis.com/token")
    )
    requests.post(f"{sb.url}/_sandbox/stats/reset", timeout=10)
    for creds in (robot, user):
        api = service(sb.url, "blogger", "v3", "/", creds)
        try:
            assert api.blogs().get(blogId=blog).execute()["id"] == blog
        finally:
            api.close()
        assert creds.token and creds.token.startswith("sandbox-")
    assert requests.get(f"{sb.url}/_sandbox/stats", timeout=10).json()["calls"]["oauth.token"] == 2


def test_token_endpoint_refuses_a_malformed_assertion(sb: Sandbox) -> None:
    response = requests.post(
        f"{sb.url}/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "x"},
        timeout=10,
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_views_show_the_blog_escaped_and_images_offline(sb: Sandbox, blogger: Any, blog: str) -> None:
    file_id = upload(sb.url, "a.png", png_bytes(DEMO_PHOTOS["pasar"]), "image/png")
    content = f'<p>Isi</p><img src="https://lh3.googleusercontent.com/d/{file_id}=w1600" alt="a">'
    blogger.posts().insert(blogId=blog, body={"title": "<b>Judul</b>", "content": content}).execute()
    index = requests.get(f"{sb.url}/_sandbox/", timeout=10)
    assert index.status_code == 200 and "Portal &lt;KIM&gt;" in index.text
    page = requests.get(f"{sb.url}/_sandbox/blogs/{blog}", timeout=10).text
    assert "&lt;b&gt;Judul&lt;/b&gt;" in page and f"/_sandbox/drive/{file_id}" in page
    assert executable_parts(page.split("<main>", 1)[1]) == []
    image = requests.get(f"{sb.url}/_sandbox/drive/{file_id}", timeout=10)
    assert image.headers["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
