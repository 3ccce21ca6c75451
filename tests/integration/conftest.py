"""Fixtures of the integration tests: a real SMTP server on loopback that keeps what it is sent."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class Inbox:
    """Collects every message the server accepts; can refuse one recipient for good or all for now, and hang
    up without answering: at RCPT (before any message) or after taking a message (its answer is lost)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refuse: set[str] = set()
        self.down = False
        self.hang_up_at: str | None = None  # "RCPT" or "DATA", once

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.hang_up_at == "RCPT":
            return self._hang_up(server)
        if self.down:
            return "451 4.3.0 try again later"
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content))
        if self.hang_up_at == "DATA":
            return self._hang_up(server)
        return "250 Message accepted for delivery"

    def _hang_up(self, server: SMTP) -> str:
        self.hang_up_at = None
        assert server.transport is not None
        server.transport.abort()
        return "250 never heard"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
