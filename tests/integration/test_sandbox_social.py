"""The sandbox's Graph API and Bot API subsets answer as the real services document (shapes, errors, limits)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from pipeline.sandbox.server import Sandbox

TOKEN = "123456789:AAHsandboxTokenForTestsOnly_abcdefgh"
PAGE = "104729381112233"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked() -> Iterator[tuple[Sandbox, Clock]]:
    clock = Clock()
    with Sandbox(clock=clock) as running:
        yield running, clock


def _graph(url: str, method: str, path: str, **params: str) -> requests.Response:
    return requests.request(method, f"{url}/v21.0/{path}", data=params if method != "GET" else None,
                            params=params if method == "GET" else None, timeout=10)  # fmt: skip


def _bot(url: str, method: str, **params: object) -> requests.Response:
    return requests.post(f"{url}/bot{TOKEN}/{method}", json=params, timeout=10)


def test_graph_page_feed_create_list_edit_delete(clocked: tuple[Sandbox, Clock]) -> None:
    sandbox, clock = clocked
    url = sandbox.url
    requests.post(f"{url}/_sandbox/facebook/pages", json={"id": PAGE, "name": "Diskominfo", "token": "tok"}, timeout=10)
    made = _graph(url, "POST", f"{PAGE}/feed", message="Berita satu", link="https://x.blogspot.com/a.html",
                  access_token="tok")  # fmt: skip
    assert made.status_code == 200
    post_id = made.json()["id"]
    assert post_id.startswith(PAGE + "_")
    clock.now += timedelta(minutes=1)
    second = _graph(url, "POST", f"{PAGE}/feed", message="Berita dua", access_token="tok").json()["id"]
    feed = _graph(url, "GET", f"{PAGE}/feed", fields="id,message,link,created_time", access_token="tok").json()
    assert [p["id"] for p in feed["data"]] == [second, post_id]  # newest first
    assert feed["data"][1]["link"] == "https://x.blogspot.com/a.html"
    assert feed["data"][1]["created_time"] == "2026-11-27T01:00:00+0000"
    assert _graph(url, "POST", post_id, message="Berita satu (ralat)", access_token="tok").json() == {"success": True}
    assert _graph(url, "DELETE", post_id, access_token="tok").json() == {"success": True}
    gone = _graph(url, "DELETE", post_id, access_token="tok")
    assert gone.status_code == 400
    assert gone.json()["error"]["code"] == 100 and gone.json()["error"]["error_subcode"] == 33
    assert gone.json()["error"]["type"] == "GraphMethodException" and "fbtrace_id" in gone.json()["error"]
    feed = _graph(url, "GET", f"{PAGE}/feed", access_token="tok").json()
    assert [p["id"] for p in feed["data"]] == [second]
    pages = requests.get(f"{url}/_sandbox/facebook/pages", timeout=10).json()["pages"]
    assert [p["id"] for p in pages[0]["posts"]] == [second]
    calls = requests.get(f"{url}/_sandbox/stats", timeout=10).json()["calls"]
    assert calls["facebook.feed.create"] == 2 and calls["facebook.posts.delete"] == 2


def test_graph_errors_tokens_duplicates_and_rate_limits(clocked: tuple[Sandbox, Clock]) -> None:
    sandbox, clock = clocked
    url = sandbox.url
    missing = _graph(url, "POST", f"{PAGE}/feed", message="x")
    assert missing.json()["error"]["code"] == 2500
    assert _graph(url, "POST", f"{PAGE}/feed", message="x", access_token="mine").status_code == 200
    other = _graph(url, "POST", "999/feed", message="x", access_token="mine")  # the token is this page's only
    assert other.json()["error"]["code"] == 200
    again = _graph(url, "POST", f"{PAGE}/feed", message="x", access_token="mine")
    assert again.json()["error"]["code"] == 506
    requests.post(f"{url}/_sandbox/facebook/limits", json={"posts_per_minute": 2}, timeout=10)
    assert _graph(url, "POST", f"{PAGE}/feed", message="y", access_token="mine").status_code == 200
    burst = _graph(url, "POST", f"{PAGE}/feed", message="z", access_token="mine")
    assert burst.json()["error"]["code"] == 613
    clock.now += timedelta(minutes=2)
    assert _graph(url, "POST", f"{PAGE}/feed", message="z", access_token="mine").status_code == 200
    requests.post(f"{url}/_sandbox/facebook/limits", json={"page_calls_per_hour": 1}, timeout=10)
    assert _graph(url, "GET", f"{PAGE}/feed", access_token="mine").json()["error"]["code"] == 32
    assert _graph(url, "GET", "me", access_token="mine").json()["id"] == PAGE
    debug = _graph(url, "GET", "debug_token", input_token="mine", access_token="mine").json()["data"]
    assert debug["profile_id"] == PAGE and "pages_manage_posts" in debug["scopes"]


def test_graph_faults_answer_in_graph_shape_and_a_dropped_answer_still_posts(fresh_sandbox: Sandbox) -> None:
    url = fresh_sandbox.url
    rules = [{"match": "facebook.feed.create", "times": 1, "status": 503}]
    requests.post(f"{url}/_sandbox/faults", json={"rules": rules}, timeout=10)
    failed = _graph(url, "POST", f"{PAGE}/feed", message="x", access_token="t")
    assert failed.status_code == 503 and failed.json()["error"]["code"] == 2
    rules = [{"match": "facebook.feed.create", "times": 1, "drop": True, "after_effect": True}]
    requests.post(f"{url}/_sandbox/faults", json={"rules": rules}, timeout=10)
    with pytest.raises(requests.ConnectionError):
        _graph(url, "POST", f"{PAGE}/feed", message="hilang jawabannya", access_token="t")
    feed = _graph(url, "GET", f"{PAGE}/feed", access_token="t").json()
    assert [p["message"] for p in feed["data"]] == ["hilang jawabannya"]


def test_bot_api_send_edit_delete_and_the_48_hour_rule(clocked: tuple[Sandbox, Clock]) -> None:
    sandbox, clock = clocked
    url = sandbox.url
    me = _bot(url, "getMe").json()
    assert me["ok"] and me["result"]["is_bot"] and me["result"]["id"] == 123456789
    sent = _bot(url, "sendMessage", chat_id="@kimbalangan", text="<b>Judul</b> &amp; isi", parse_mode="HTML").json()
    assert sent["ok"] and sent["result"]["text"] == "Judul & isi"
    assert sent["result"]["chat"]["type"] == "channel" and sent["result"]["date"] == int(clock.now.timestamp())
    photo = _bot(url, "sendPhoto", chat_id="@kimbalangan", photo="https://lh3.example/d/x", caption="Foto").json()
    assert photo["result"]["caption"] == "Foto" and photo["result"]["photo"][-1]["width"] == 1280
    edited = _bot(url, "editMessageCaption", chat_id="@kimbalangan", message_id=photo["result"]["message_id"],
                  caption="Foto baru").json()  # fmt: skip
    assert edited["result"]["caption"] == "Foto baru" and "edit_date" in edited["result"]
    same = _bot(url, "editMessageCaption", chat_id="@kimbalangan", message_id=photo["result"]["message_id"],
                caption="Foto baru").json()  # fmt: skip
    assert same["ok"] is False and same["error_code"] == 400 and "message is not modified" in same["description"]
    wrong = _bot(url, "editMessageText", chat_id="@kimbalangan", message_id=photo["result"]["message_id"], text="x")
    assert "no text in the message" in wrong.json()["description"]
    listed = requests.get(f"{url}/_sandbox/telegram/messages", params={"chat": "@kimbalangan"}, timeout=10).json()
    assert [(m["message_id"], m.get("text"), m.get("caption")) for m in listed["messages"]] == [
        (1, "Judul & isi", None),
        (2, None, "Foto baru"),
    ]
    index = requests.get(f"{url}/_sandbox/", timeout=10).text
    assert "/_sandbox/facebook/pages" in index and "/_sandbox/telegram/messages?chat=%40kimbalangan" in index
    chat_id = sent["result"]["chat"]["id"]
    by_id = requests.get(f"{url}/_sandbox/telegram/messages", params={"chat": str(chat_id)}, timeout=10).json()
    assert len(by_id["messages"]) == 2
    assert _bot(url, "deleteMessage", chat_id="@kimbalangan", message_id=2).json() == {"ok": True, "result": True}
    clock.now += timedelta(hours=48)
    late = _bot(url, "deleteMessage", chat_id=chat_id, message_id=1)
    assert late.status_code == 400 and late.json()["description"] == "Bad Request: message can't be deleted"
    twice = _bot(url, "deleteMessage", chat_id=chat_id, message_id=2).json()
    assert twice["description"] == "Bad Request: message to delete not found"


def test_bot_api_refuses_bad_html_long_captions_bad_tokens_and_floods(clocked: tuple[Sandbox, Clock]) -> None:
    sandbox, _ = clocked
    url = sandbox.url
    bare = _bot(url, "sendMessage", chat_id="@kimbalangan", text="a < b", parse_mode="HTML").json()
    assert bare["ok"] is False and "can't parse entities" in bare["description"]
    script = _bot(url, "sendMessage", chat_id="@kimbalangan", text="<script>x</script>", parse_mode="HTML").json()
    assert "Unsupported start tag" in script["description"]
    long = _bot(url, "sendPhoto", chat_id="@kimbalangan", photo="https://x/y.jpg", caption="k" * 1025).json()
    assert long["description"] == "Bad Request: message caption is too long"
    fits = _bot(url, "sendPhoto", chat_id="@kimbalangan", photo="https://x/y.jpg", caption="k" * 1024).json()
    assert fits["ok"]
    bad = requests.post(f"{url}/botnot-a-token/getMe", timeout=10)
    assert bad.status_code == 401 and bad.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    nowhere = _bot(url, "sendMessage", chat_id="12345", text="x").json()
    assert nowhere["description"] == "Bad Request: chat not found"
    requests.post(f"{url}/_sandbox/telegram/limits", json={"chat_per_minute": 2}, timeout=10)
    assert _bot(url, "sendMessage", chat_id="@kimbalangan", text="1").json()["ok"]
    flood = _bot(url, "sendMessage", chat_id="@kimbalangan", text="2")
    assert flood.status_code == 429 and flood.json()["parameters"]["retry_after"] >= 1
    requests.post(f"{url}/_sandbox/telegram/chats", json={"chat": "@lain", "bot_can_post": False}, timeout=10)
    member = _bot(url, "getChatMember", chat_id="@lain", user_id=123456789).json()
    assert member["result"]["status"] == "left"
    refused = _bot(url, "sendMessage", chat_id="@lain", text="x")
    assert refused.status_code == 403
    rules = [{"match": "telegram.sendMessage", "times": 1, "status": 429}]
    requests.post(f"{url}/_sandbox/faults", json={"rules": rules}, timeout=10)
    injected = _bot(url, "sendMessage", chat_id="@kimbalangan", text="z").json()
    assert injected["error_code"] == 429 and injected["parameters"]["retry_after"] == 1
    calls = requests.get(f"{url}/_sandbox/stats", timeout=10).json()["calls"]
    assert calls["telegram.sendMessage"] >= 5 and calls["telegram.getMe"] == 1
