"""Gmail v1 `users.messages.send`: notices sent in the blog owner's name, kept for tests and the demo to read."""

from __future__ import annotations

import base64
import binascii
from email import message_from_bytes
from email.policy import default
from typing import Any

from .errors import bad_request
from .routing import Request, Response, Router
from .state import SandboxState


class GmailApi:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    @property
    def _sent(self) -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = self.state.ns("gmail").setdefault("sent", [])
        return sent

    def register(self, router: Router) -> None:
        router.add("POST", r"^/gmail/v1/users/(?P<user>[^/]+)/messages/send$", "gmail.users.messages.send", self.send)
        router.add("GET", r"^/_sandbox/gmail/sent$", "", self.list_sent)

    def send(self, req: Request) -> Response:
        body = req.json()
        raw = body.get("raw") if isinstance(body, dict) else None
        if not isinstance(raw, str) or not raw:
            raise bad_request("'raw' RFC822 payload message string or uploading message via /upload/* URL required")
        try:
            message = message_from_bytes(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)), policy=default)
        except (binascii.Error, ValueError) as exc:
            raise bad_request(f"Invalid raw message: {exc}") from exc
        if not message["To"]:
            raise bad_request("Invalid To header")
        message_id = self.state.new_token_id(16).lower()
        part = message.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
        self._sent.append(
            {
                "id": message_id,
                "to": str(message["To"]),
                "subject": " ".join(str(message["Subject"] or "").split()),
                "body": text,
                "attachments": [
                    {"filename": part.get_filename() or "", "mimeType": part.get_content_type(), "size": len(data)}
                    for part in message.iter_attachments()
                    if isinstance(data := part.get_payload(decode=True), bytes)
                ],
            }
        )
        return Response(json={"id": message_id, "threadId": message_id, "labelIds": ["SENT"]})

    def list_sent(self, _: Request) -> Response:
        return Response(json={"sent": self._sent})
