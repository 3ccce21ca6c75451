"""Adapters to the Facebook Graph API (a Page's feed) and the Telegram Bot API (a channel), over a ready
requests session (`app.py` builds it). They speak plain values and raise one of the errors below, which say
what the caller may do next: nothing happened (`ShareRefused`, `ChannelDown`), it may have happened
(`ShareUncertain`), the post or message is gone already (`ShareGone`) or is too old to delete (`TooOld`).

Tokens never leave this module in an error or a log line: the Bot API carries its token in the URL path.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import requests

from ..core.errors import MyMeInError
from ..google.transport import request_never_left

log = logging.getLogger("mymein.social")

GRAPH_URL = "https://graph.facebook.com"
BOT_URL = "https://api.telegram.org"
# Graph error codes (developers.facebook.com/docs/graph-api/guides/error-handling): a token or permission the
# page must renew, and throttling that passes with time.
GRAPH_TOKEN_CODES = {10, 102, 190, 2500} | set(range(200, 300))
GRAPH_THROTTLE_CODES = {4, 17, 32, 341, 368, 613}
GRAPH_TEMPORARY_CODES = {1, 2}
NOT_MODIFIED = "message is not modified"
# Bot API refusals about the channel, not the message: the whole channel waits (and `mymein doctor` says why).
CHANNEL_REFUSALS = ("chat not found", "not enough rights", "have no rights", "CHAT_WRITE_FORBIDDEN")
POST_ID = re.compile(r"[0-9]{1,30}_[0-9]{1,30}")


class ShareError(MyMeInError):
    def __init__(self, channel: str, message: str) -> None:
        super().__init__(f"{channel}: {message}")
        self.channel = channel
        self.reason = message


class ShareRefused(ShareError):
    """The service refused this one request for good; nothing was done."""


class ChannelDown(ShareError):
    """The channel does not take requests now (token, permission, rate limit, unreachable); nothing was done."""


class ShareUncertain(ShareError):
    """The request may have been carried out: its answer was lost or was a server error."""


class ShareGone(ShareError):
    """The post or message does not exist (any more)."""


class TooOld(ShareError):
    """Telegram lets a bot delete a message only within 48 hours of sending it."""


# The Bot API takes its token in the URL path, which urllib3 logs at debug level (`mymein -vv`); and the doctor
# sends a page token as `input_token`.
_SECRETS_IN_URLS = re.compile(r"(/bot)[0-9]+:[A-Za-z0-9_-]+|((?:input_token|access_token)=)[^&\s\"]+")


class _ScrubSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if _SECRETS_IN_URLS.search(text):
            record.msg = _SECRETS_IN_URLS.sub(lambda m: (m.group(1) or m.group(2)) + "…", text)
            record.args = ()
        return True


_SCRUB = _ScrubSecrets()


def keep_out_of_logs() -> None:
    """Tokens in request lines never reach a log: urllib3's request log is scrubbed (once)."""
    pool = logging.getLogger("urllib3.connectionpool")
    if _SCRUB not in pool.filters:
        pool.addFilter(_SCRUB)


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "…") if secret else text


class FacebookPage:
    """A Facebook Page's feed, through a page access token."""

    channel = "facebook"

    def __init__(
        self, session: requests.Session, page_id: str, token: str, *, endpoint: str | None, version: str, timeout: float
    ) -> None:
        keep_out_of_logs()
        self.session = session
        self.page_id = page_id
        self._token = token
        self.base = f"{(endpoint or GRAPH_URL).rstrip('/')}/{version}"
        self.timeout = timeout

    def post(self, message: str, link: str) -> str:
        """A new page post; its id (`PAGEID_POSTID`)."""
        body = self._call("POST", f"{self.page_id}/feed", {"message": message, "link": link}, creates=True)
        post_id = str(body.get("id", ""))
        if not POST_ID.fullmatch(post_id) or not post_id.startswith(f"{self.page_id}_"):
            # Not what Graph answers: whether a post was made is unknown; looked for by its link next cycle.
            raise ShareUncertain(self.channel, f"the answer carries no post id of page {self.page_id}")
        return post_id

    def edit(self, post_id: str, message: str) -> None:
        self._call("POST", post_id, {"message": message})

    def delete(self, post_id: str) -> None:
        self._call("DELETE", post_id, {})

    def find_by_link(self, link: str, pages: int = 2) -> str | None:
        """The id of the live page post sharing `link` among the newest, or None."""
        params: dict[str, str] = {"fields": "id,link,message", "limit": "100"}
        for _ in range(pages):
            body = self._call("GET", f"{self.page_id}/feed", params)
            data = body.get("data")
            for post in data if isinstance(data, list) else []:
                if not isinstance(post, dict):
                    continue
                found = str(post.get("id", ""))
                if (post.get("link") == link or link in str(post.get("message", ""))) and POST_ID.fullmatch(found):
                    return found
            paging: dict[str, Any] = body["paging"] if isinstance(body.get("paging"), dict) else {}
            cursors: dict[str, Any] = paging["cursors"] if isinstance(paging.get("cursors"), dict) else {}
            after = cursors.get("after")
            if not paging.get("next") or not after:
                return None
            params = {**params, "after": str(after)}
        return None

    def check(self) -> tuple[str, list[str]]:
        """The page the token belongs to (its id) and the token's permissions, for `mymein doctor`."""
        me = self._call("GET", "me", {"fields": "id,name"})
        debug = self._call("GET", "debug_token", {"input_token": self._token}).get("data", {})
        return str(me.get("id", "")), [str(s) for s in debug.get("scopes", [])]

    def _call(self, method: str, path: str, params: dict[str, str], *, creates: bool = False) -> dict[str, Any]:
        try:
            return self._exchange(method, path, params, creates=creates)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # an answer not shaped as Graph's
            raise _unreadable(self.channel, exc, creates) from None

    def _exchange(self, method: str, path: str, params: dict[str, str], *, creates: bool) -> dict[str, Any]:
        url = f"{self.base}/{path}"
        query = params if method == "GET" else None
        data = params if method != "GET" else None
        # The token in a header, never in the URL, where request logs would keep it.
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            response = self.session.request(method, url, params=query, data=data, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise _lost(self.channel, exc, creates, self._token) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code < 400:
            if isinstance(body, dict) and "error" not in body:
                return body
            raise ValueError("a success status without a Graph object")
        error = body.get("error", {}) if isinstance(body, dict) else {}
        code = int(error.get("code", 0) or 0)
        text = _scrub(f"({code}) {error.get('message', response.reason)}", self._token)
        if code == 100 and error.get("error_subcode") == 33:
            raise ShareGone(self.channel, text)
        if code in GRAPH_TOKEN_CODES:
            raise ChannelDown(self.channel, f"the page token is refused: {text}")
        if code in GRAPH_THROTTLE_CODES or response.status_code == 429:
            raise ChannelDown(self.channel, f"rate limited: {text}")
        if response.status_code >= 500 or code in GRAPH_TEMPORARY_CODES:
            if creates:
                raise ShareUncertain(self.channel, f"server error {response.status_code}: {text}")
            raise ChannelDown(self.channel, f"server error {response.status_code}: {text}")
        raise ShareRefused(self.channel, text)


class TelegramChannel:
    """A Telegram channel, through a bot that is one of its administrators."""

    channel = "telegram"

    def __init__(
        self, session: requests.Session, token: str, chat: str, *, endpoint: str | None, timeout: float
    ) -> None:
        keep_out_of_logs()
        self.session = session
        self._token = token
        self.chat = chat
        self.base = f"{(endpoint or BOT_URL).rstrip('/')}/bot{token}"
        self.timeout = timeout

    def send(self, html: str, photo_url: str | None) -> tuple[str, bool]:
        """A new channel message (a photo with caption, or a text); its id, and whether it is a photo."""
        if photo_url:
            try:
                result = self._call("sendPhoto", {"photo": photo_url, "caption": html}, creates=True)
                return _message_id(result), True
            except ShareRefused as exc:  # Telegram could not fetch the photo: nothing was sent, say it in text
                log.warning("telegram: photo refused (%s); sent as a text message", exc.reason)
        result = self._call("sendMessage", {"text": html}, creates=True)
        return _message_id(result), False

    def edit(self, message_id: str, html: str, *, photo: bool) -> None:
        method, key = ("editMessageCaption", "caption") if photo else ("editMessageText", "text")
        try:
            self._call(method, {"message_id": message_id, key: html})
        except ShareRefused as exc:
            if NOT_MODIFIED in exc.reason:
                return  # already as wanted: an edit repeated after a lost answer
            if "message to edit not found" in exc.reason:
                raise ShareGone(self.channel, exc.reason) from None
            raise

    def delete(self, message_id: str) -> None:
        try:
            self._call("deleteMessage", {"message_id": message_id})
        except ShareRefused as exc:
            if "message to delete not found" in exc.reason:
                raise ShareGone(self.channel, exc.reason) from None
            if "can't be deleted" in exc.reason:
                raise TooOld(self.channel, exc.reason) from None
            raise

    def check(self) -> tuple[str, str]:
        """The bot's username and its standing in the channel (`administrator`, `left`...), for `mymein doctor`."""
        me = self._call("getMe", {}, with_chat=False)
        member = self._call("getChatMember", {"user_id": str(me["id"])})
        can_post = member.get("status") == "creator" or bool(member.get("can_post_messages"))
        return str(me.get("username", "")), (str(member.get("status")) if not can_post else "can post")

    def _call(
        self, method: str, params: dict[str, str], *, creates: bool = False, with_chat: bool = True
    ) -> dict[str, Any]:
        try:
            return self._exchange(method, params, creates=creates, with_chat=with_chat)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # an answer not shaped as the Bot API's
            raise _unreadable(self.channel, exc, creates) from None

    def _exchange(self, method: str, params: dict[str, str], *, creates: bool, with_chat: bool) -> dict[str, Any]:
        data = {**params, **({"chat_id": self.chat, "parse_mode": "HTML"} if with_chat else {})}
        if method in ("deleteMessage", "getChatMember"):
            data.pop("parse_mode", None)
        try:
            response = self.session.post(f"{self.base}/{method}", data=data, timeout=self.timeout)
        except requests.RequestException as exc:
            raise _lost(self.channel, exc, creates, self._token) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if isinstance(body, dict) and body.get("ok") is True:
            result = body.get("result")
            return result if isinstance(result, dict) else {"value": result}
        if response.status_code < 400:
            raise ValueError("a success status without the Bot API's envelope")
        code = int(body.get("error_code", response.status_code) if isinstance(body, dict) else response.status_code)
        text = _scrub(str(body.get("description", response.reason) if isinstance(body, dict) else response.reason),
                      self._token)  # fmt: skip
        if code == 429:
            parameters = body.get("parameters") if isinstance(body, dict) else None
            wait = parameters.get("retry_after") if isinstance(parameters, dict) else None
            raise ChannelDown(self.channel, f"rate limited, retry after {wait} s: {text}")
        if code in (401, 403, 404) or any(words in text for words in CHANNEL_REFUSALS):
            raise ChannelDown(self.channel, f"the bot is refused ({code}): {text}")
        if code >= 500:
            if creates:
                raise ShareUncertain(self.channel, f"server error {code}: {text}")
            raise ChannelDown(self.channel, f"server error {code}: {text}")
        raise ShareRefused(self.channel, text)


def _unreadable(channel: str, exc: Exception, creates: bool) -> ShareError:
    reason = f"an unreadable answer ({type(exc).__name__})"
    return ShareUncertain(channel, reason) if creates else ChannelDown(channel, reason)


def _message_id(result: dict[str, Any]) -> str:
    value = result.get("message_id")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        # Sent or not, the message cannot be named: it is uncertain, never sent again by itself.
        raise ShareUncertain("telegram", "the answer carries no message id")
    return str(value)


def _lost(channel: str, exc: requests.RequestException, creates: bool, token: str) -> ShareError:
    reason = _scrub(f"{type(exc).__name__}: {exc}", token)
    if request_never_left(exc) or not creates:
        return ChannelDown(channel, f"unreachable: {reason}")
    return ShareUncertain(channel, f"the answer was lost: {reason}")


@dataclass
class Channels:
    """The social channels configured (`social.facebook`, `social.telegram`), as ready clients."""

    facebook: FacebookPage | None = None
    telegram: TelegramChannel | None = None

    def active(self) -> list[tuple[str, FacebookPage | TelegramChannel]]:
        pairs: list[tuple[str, FacebookPage | TelegramChannel | None]] = [
            ("facebook", self.facebook),
            ("telegram", self.telegram),
        ]
        return [(name, client) for name, client in pairs if client is not None]
