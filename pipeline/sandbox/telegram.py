"""A subset of the Telegram Bot API: a bot posting to a channel, editing and deleting its messages.

Paths as https://api.telegram.org serves them: `/bot<token>/<method>`, parameters in the query string, a form
body or a JSON body. Answers are `{"ok": true, "result": ...}` or `{"ok": false, "error_code", "description"}`;
a 429 carries `parameters.retry_after`. Methods: getMe, getChat, getChatMember, sendMessage, sendPhoto,
editMessageText, editMessageCaption, deleteMessage.

Rules kept as Telegram keeps them: a text of 1-4096 characters and a caption of at most 1024, counted after
parsing (`parse_mode=HTML` accepts only Telegram's tags, and a bare `<`, `>` or `&` is refused); an edit that
changes nothing is refused as "message is not modified"; a message older than 48 hours cannot be deleted (the
sandbox's clock decides, so tests move it); more than `chat_per_minute` messages to one chat in a minute is 429.

`GET /_sandbox/telegram/messages?chat=CHAT` lists the messages alive in a chat (by `@name` or id).
`POST /_sandbox/telegram/chats {"chat", "bot_can_post"?}` makes a channel and says whether bots may post in it.
"""

from __future__ import annotations

import json
import re
from collections import deque
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs

from .errors import ApiError
from .routing import Request, Response, Router
from .state import SandboxState

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
DELETE_WINDOW = timedelta(hours=48)
TOKEN = re.compile(r"^[0-9]{1,12}:[A-Za-z0-9_-]{10,64}$")
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span", "tg-spoiler",
    "blockquote", "tg-emoji",
}  # fmt: skip
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


class BotError(ApiError):
    """An error in the Bot API's envelope."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(code, description)
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.message}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bot_fault_body(status: int) -> dict[str, Any]:
    """What an injected fault answers on a Bot API path."""
    if status == 429:
        return BotError(429, "Too Many Requests: retry after 1", retry_after=1).body()
    return BotError(status, "Internal Server Error" if status == 500 else "Bad Gateway").body()


class _Entities(HTMLParser):
    """Telegram's HTML parse mode: only its tags, entities decoded, anything else refused."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS and self.problem is None:
            self.problem = f'Unsupported start tag "{tag}"'

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS and self.problem is None:
            self.problem = f'Unsupported end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        self.text.append(data)


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#[0-9]+|#x[0-9a-fA-F]+);")


def parse_html(text: str) -> str:
    """The plain text Telegram shows for `text` in HTML parse mode, or a BotError as Telegram would refuse it."""
    bare = re.search(r"[<>&]", _ENTITY.sub("", _TAG.sub("", text)))
    if bare:
        raise BotError(400, f"Bad Request: can't parse entities: unexpected {bare.group()!r} (escape it as an entity)")
    parser = _Entities()
    parser.feed(text)
    parser.close()
    if parser.problem:
        raise BotError(400, f"Bad Request: can't parse entities: {parser.problem}")
    return "".join(parser.text)


class TelegramApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self._sent: dict[str, deque[datetime]] = {}

    @property
    def _ns(self) -> dict[str, Any]:
        space = self.state.ns("telegram")
        space.setdefault("bots", {})
        space.setdefault("chats", {})
        space.setdefault("limits", {"chat_per_minute": 20})
        return space

    def register(self, router: Router) -> None:
        bot = r"^/bot(?P<token>[^/]+)/"
        for method, handler in (
            ("getMe", self.get_me),
            ("getChat", self.get_chat),
            ("getChatMember", self.get_chat_member),
            ("sendMessage", self.send_message),
            ("sendPhoto", self.send_photo),
            ("editMessageText", self.edit_text),
            ("editMessageCaption", self.edit_caption),
            ("deleteMessage", self.delete_message),
        ):
            for verb in ("GET", "POST"):
                router.add(verb, bot + method + "$", f"telegram.{method}", handler, mutates=True)
        router.add("GET", r"^/_sandbox/telegram/messages$", "", self.admin_messages)
        router.add("POST", r"^/_sandbox/telegram/chats$", "", self.admin_chat)
        router.add("POST", r"^/_sandbox/telegram/limits$", "", self.admin_limits)

    # --- the Bot API ---------------------------------------------------------------------------------------
    def get_me(self, req: Request) -> Response:
        return _ok(self._bot(req))

    def get_chat(self, req: Request) -> Response:
        self._bot(req)
        chat = self._chat(_args(req).get("chat_id", ""))
        return _ok(_chat_view(chat))

    def get_chat_member(self, req: Request) -> Response:
        bot = self._bot(req)
        args = _args(req)
        chat = self._chat(args.get("chat_id", ""))
        if args.get("user_id") != str(bot["id"]):
            raise BotError(400, "Bad Request: user not found")
        if not chat["bot_can_post"]:
            return _ok({"user": bot, "status": "left"})
        member = {"user": bot, "status": "administrator", "can_post_messages": True, "can_edit_messages": True,
                  "can_delete_messages": False, "can_be_edited": False}  # fmt: skip
        return _ok(member)

    def send_message(self, req: Request) -> Response:
        self._bot(req)
        args = _args(req)
        chat = self._writable_chat(args)
        text = self._content(args.get("text", ""), args, TEXT_LIMIT, "message text is empty", "message is too long")
        return _ok(self._new_message(chat, {"text": text}))

    def send_photo(self, req: Request) -> Response:
        self._bot(req)
        args = _args(req)
        chat = self._writable_chat(args)
        photo = args.get("photo", "")
        if not photo:
            raise BotError(400, "Bad Request: there is no photo in the request")
        if not photo.startswith(("http://", "https://")) and not re.fullmatch(r"[A-Za-z0-9_-]{20,}", photo):
            raise BotError(400, "Bad Request: wrong remote file identifier specified: Wrong string length")
        fields: dict[str, Any] = {"photo": _photo_sizes(self.state, photo)}
        caption = args.get("caption", "")
        if caption:
            fields["caption"] = self._content(caption, args, CAPTION_LIMIT, "", "message caption is too long")
        return _ok(self._new_message(chat, fields))

    def edit_text(self, req: Request) -> Response:
        self._bot(req)
        args = _args(req)
        message = self._message(args)
        if "text" not in message:
            raise BotError(400, "Bad Request: there is no text in the message to edit")
        text = self._content(args.get("text", ""), args, TEXT_LIMIT, "message text is empty", "message is too long")
        return _ok(self._edit(message, "text", text))

    def edit_caption(self, req: Request) -> Response:
        self._bot(req)
        args = _args(req)
        message = self._message(args)
        if "photo" not in message:
            raise BotError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._content(args.get("caption", ""), args, CAPTION_LIMIT, "", "message caption is too long")
        return _ok(self._edit(message, "caption", caption))

    def delete_message(self, req: Request) -> Response:
        self._bot(req)
        args = _args(req)
        chat = self._chat(args.get("chat_id", ""))
        message = next((m for m in chat["messages"] if str(m["message_id"]) == args.get("message_id")), None)
        if message is None or message.get("deleted"):
            raise BotError(400, "Bad Request: message to delete not found")
        sent = datetime.fromtimestamp(int(message["date"]), tz=UTC)
        if self.state.now() - sent >= DELETE_WINDOW:
            raise BotError(400, "Bad Request: message can't be deleted")
        message["deleted"] = True
        return _ok(True)

    # --- the sandbox's own endpoints -----------------------------------------------------------------------
    def admin_messages(self, req: Request) -> Response:
        wanted = req.arg("chat", "") or ""
        chat = self._find_chat(wanted)
        alive = [] if chat is None else [m for m in chat["messages"] if not m.get("deleted")]
        shown = [
            {k: m[k] for k in ("message_id", "text", "caption", "date", "edit_date", "photo") if k in m} for m in alive
        ]
        return Response(json={"messages": shown})

    def admin_chat(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict) or not str(body.get("chat", "")).startswith("@"):
            raise ApiError(400, 'expected {"chat": "@name", "bot_can_post"?: bool}')
        chat = self._chat(str(body["chat"]))
        if isinstance(body.get("bot_can_post"), bool):
            chat["bot_can_post"] = body["bot_can_post"]
        return Response(json=_chat_view(chat))

    def admin_limits(self, req: Request) -> Response:
        body = req.json()
        if isinstance(body, dict) and isinstance(body.get("chat_per_minute"), int):
            self._ns["limits"]["chat_per_minute"] = body["chat_per_minute"]
        return Response(json=self._ns["limits"])

    # --- helpers -------------------------------------------------------------------------------------------
    def _bot(self, req: Request) -> dict[str, Any]:
        token = req.params["token"]
        if not TOKEN.match(token) or token in self._ns.get("revoked", []):
            raise BotError(401, "Unauthorized")
        bot_id = int(token.split(":", 1)[0])
        bot: dict[str, Any] = self._ns["bots"].setdefault(
            token,
            {"id": bot_id, "is_bot": True, "first_name": "MyMeIn", "username": f"mymein{bot_id}_bot"},
        )
        return bot

    def _find_chat(self, wanted: str) -> dict[str, Any] | None:
        chats: dict[str, dict[str, Any]] = self._ns["chats"]
        if wanted.startswith("@"):
            return chats.get(wanted.lower())
        return next((c for c in chats.values() if str(c["id"]) == wanted), None)

    def _chat(self, wanted: str) -> dict[str, Any]:
        found = self._find_chat(wanted)
        if found is not None:
            return found
        if not re.fullmatch(r"@[A-Za-z][A-Za-z0-9_]{3,31}", wanted):
            raise BotError(400, "Bad Request: chat not found")
        chat = {
            "id": -1000000000000 - len(self._ns["chats"]) - 1,
            "title": wanted[1:],
            "username": wanted[1:],
            "type": "channel",
            "bot_can_post": True,
            "messages": [],
            "next_id": 1,
        }
        self._ns["chats"][wanted.lower()] = chat
        return chat

    def _writable_chat(self, args: dict[str, str]) -> dict[str, Any]:
        chat = self._chat(args.get("chat_id", ""))
        if not chat["bot_can_post"]:
            raise BotError(403, "Forbidden: bot is not a member of the channel chat")
        return chat

    def _message(self, args: dict[str, str]) -> dict[str, Any]:
        chat = self._chat(args.get("chat_id", ""))
        message = next((m for m in chat["messages"] if str(m["message_id"]) == args.get("message_id")), None)
        if message is None or message.get("deleted"):
            raise BotError(400, "Bad Request: message to edit not found")
        found: dict[str, Any] = message
        return found

    def _content(self, raw: str, args: dict[str, str], limit: int, empty: str, too_long: str) -> str:
        mode = args.get("parse_mode", "")
        if mode and mode != "HTML":
            raise BotError(400, f"Bad Request: unsupported parse_mode {mode!r} in the sandbox")
        text = parse_html(raw) if mode == "HTML" else raw
        if empty and not text.strip():
            raise BotError(400, f"Bad Request: {empty}")
        if len(text.encode("utf-16-le")) // 2 > limit:  # Telegram counts UTF-16 code units
            raise BotError(400, f"Bad Request: {too_long}")
        return text

    def _new_message(self, chat: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        now = self.state.now()
        recent = self._sent.setdefault(str(chat["id"]), deque())
        while recent and recent[0] <= now - timedelta(minutes=1):
            recent.popleft()
        if len(recent) >= int(self._ns["limits"]["chat_per_minute"]):
            wait = max(1, int((recent[0] + timedelta(minutes=1) - now).total_seconds()) + 1)
            raise BotError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        recent.append(now)
        message = {
            "message_id": chat["next_id"],
            "sender_chat": _chat_view(chat),
            "chat": _chat_view(chat),
            "date": int(now.timestamp()),
            **fields,
        }
        chat["next_id"] += 1
        chat["messages"].append(message)
        return message

    def _edit(self, message: dict[str, Any], key: str, value: str) -> dict[str, Any]:
        if message.get(key, "") == value:
            raise BotError(400, NOT_MODIFIED)
        message[key] = value
        message["edit_date"] = int(self.state.now().timestamp())
        return message


def _ok(result: Any) -> Response:
    return Response(json={"ok": True, "result": result})


def _chat_view(chat: dict[str, Any]) -> dict[str, Any]:
    return {k: chat[k] for k in ("id", "title", "username", "type")}


def _photo_sizes(state: SandboxState, photo: str) -> list[dict[str, Any]]:
    file_id = "AgAC" + state.new_token_id(40)
    return [
        {"file_id": file_id + "-s", "file_unique_id": file_id[:15], "file_size": 1200, "width": 90, "height": 60},
        {"file_id": file_id, "file_unique_id": file_id[:16], "file_size": 52000, "width": 1280, "height": 853},
    ]


def _args(req: Request) -> dict[str, str]:
    """The Bot API takes parameters in the query string, a form body or a JSON body alike."""
    args = {k: v[-1] for k, v in req.query.items() if v}
    kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
    if req.body and kind == "application/json":
        try:
            body = json.loads(req.body)
        except ValueError as exc:
            raise BotError(400, "Bad Request: can't parse JSON object") from exc
        if isinstance(body, dict):
            args |= {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
    elif req.body:
        args |= {k: v[-1] for k, v in parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    return args
