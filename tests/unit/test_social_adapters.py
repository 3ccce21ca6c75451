"""The social adapters against crafted answers at the HTTP boundary: never a traceback, never a token in a
message, and a share whose answer cannot be read is uncertain, never taken as made or not made."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter

from pipeline.infra.social import (
    ChannelDown,
    FacebookPage,
    ShareGone,
    ShareRefused,
    ShareUncertain,
    TelegramChannel,
    TooOld,
)

TOKEN = "123456789:AAsecretTokenThatMustNeverShow_xyz"


class Canned(BaseAdapter):
    """Answers every request with the next canned (status, body); a body of None drops the connection."""

    def __init__(self, answers: list[tuple[int, Any]]) -> None:
        super().__init__()
        self.answers = answers
        self.urls: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.urls.append(request.url or "")
        status, body = self.answers.pop(0)
        if body is None:
            raise requests.ConnectionError(f"connection aborted while reading {request.url}")
        response = requests.Response()
        response.status_code = status
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.request = request
        response.url = request.url or ""
        return response

    def close(self) -> None:
        pass


def _session(answers: list[tuple[int, Any]]) -> requests.Session:
    session = requests.Session()
    session.mount("https://", Canned(answers))
    return session


def _page(answers: list[tuple[int, Any]]) -> FacebookPage:
    return FacebookPage(_session(answers), "111", TOKEN, endpoint=None, version="v21.0", timeout=5)


def _channel(answers: list[tuple[int, Any]]) -> TelegramChannel:
    return TelegramChannel(_session(answers), TOKEN, "@kim", endpoint=None, timeout=5)


@pytest.mark.parametrize(
    "answer",
    [
        (200, {"id": "999_1"}),  # another page's post
        (200, {"id": "../../me"}),  # a path, not an id
        (200, {}),
        (200, b"<html>not json</html>"),
        (200, {"error": "text"}),
        (200, [1, 2]),
        (500, {"error": {"code": 2, "message": "retry"}}),
    ],
)
def test_a_facebook_answer_without_a_usable_post_id_is_uncertain(answer: tuple[int, Any]) -> None:
    with pytest.raises(ShareUncertain):
        _page([answer]).post("pesan", "https://b/x.html")


def test_facebook_errors_are_told_apart() -> None:
    with pytest.raises(ChannelDown, match="token"):
        _page([(400, {"error": {"code": 190, "message": "expired"}})]).edit("111_1", "x")
    with pytest.raises(ChannelDown, match="rate"):
        _page([(400, {"error": {"code": 32, "message": "Page request limit reached"}})]).post("x", "l")
    with pytest.raises(ShareGone):
        _page([(400, {"error": {"code": 100, "error_subcode": 33, "message": "gone"}})]).delete("111_1")
    with pytest.raises(ShareRefused):
        _page([(400, {"error": {"code": 506, "message": "Duplicate status message"}})]).post("x", "l")
    with pytest.raises(ShareUncertain, match="lost"):
        _page([(0, None)]).post("x", "l")
    feed = {"data": ["junk", {"id": "bad"}, {"id": "111_5", "link": "https://b/x.html"}], "paging": "junk"}
    assert _page([(200, feed)]).find_by_link("https://b/x.html") == "111_5"


@pytest.mark.parametrize(
    "answer",
    [
        (200, {"ok": True, "result": {"message_id": "7"}}),
        (200, {"ok": True, "result": {"message_id": True}}),
        (200, {"ok": True, "result": []}),
        (200, b"\x00\xff"),
        (502, {"ok": False, "error_code": "x", "description": 5}),
    ],
)
def test_a_telegram_answer_without_a_message_id_is_uncertain(answer: tuple[int, Any]) -> None:
    with pytest.raises(ShareUncertain) as caught:
        _channel([answer]).send("<b>x</b>", None)
    assert TOKEN not in str(caught.value)


def test_telegram_errors_are_told_apart_and_never_show_the_token() -> None:
    flood = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7", "parameters": 3}
    with pytest.raises(ChannelDown, match="rate limited"):
        _channel([(429, flood)]).send("x", None)
    with pytest.raises(TooOld):
        _channel(
            [(400, {"ok": False, "error_code": 400, "description": "Bad Request: message can't be deleted"})]
        ).delete("1")
    not_modified = "Bad Request: message is not modified: specified new message content ..."
    _channel([(400, {"ok": False, "error_code": 400, "description": not_modified})]).edit("1", "x", photo=False)
    photo_refused = {"ok": False, "error_code": 400, "description": "Bad Request: wrong file identifier/HTTP URL"}
    sent = {"ok": True, "result": {"message_id": 9}}
    assert _channel([(400, photo_refused), (200, sent)]).send("x", "https://p/x.jpg") == ("9", False)
    with pytest.raises(ShareUncertain) as caught:
        _channel([(0, None)]).send("x", None)
    assert TOKEN not in str(caught.value) and "…" in str(caught.value)
    nowhere = {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    with pytest.raises(ChannelDown, match="chat not found"):
        _channel([(400, nowhere)]).send("x", None)
    with pytest.raises(ChannelDown) as refused:
        _channel([(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})]).check()
    assert TOKEN not in str(refused.value)
