"""Sending notices through an SMTP server (one connection per batch) or the Gmail API. Each attempt ends in one
of four ways: sent, refused for good, certainly not sent (try later), or uncertain (the request left and its
answer was lost, so it may have arrived)."""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

import google.auth.exceptions
import requests
from googleapiclient.errors import HttpError

from ..config import NoticeSettings
from ..core.errors import MyMeInError
from ..core.message import Text
from ..google.transport import request_never_left

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class MailError(MyMeInError):
    """Sending a notice failed; the subclass says whether it may be tried again."""


class MailRefused(MailError):
    """The server refused this message for good (SMTP 5xx, a malformed message for Gmail): sending it again
    would not help."""


class MailUnavailable(MailError):
    """Certainly not sent: refused for now (SMTP 4xx, Gmail 429), or the request never left (no connection,
    no login, no token). The notice is tried again later."""


class MailUncertain(MailError):
    """The request left and its answer was lost (connection dropped, timed out): the message may have arrived.
    It is never resent by itself."""


class Connection(Protocol):
    """An open way to send, for one batch of notices."""

    def send(
        self, recipient: str, subject: str, body: str, *, reference: str, attachments: Sequence[Path] = ()
    ) -> None: ...


# What an attachment is sent as, by its file's suffix; anything else goes as bytes.
ATTACHMENT_TYPES = {".pdf": ("application", "pdf"), ".png": ("image", "png"), ".html": ("text", "html")}


def compose(
    settings: NoticeSettings,
    recipient: str,
    subject: str,
    body: str,
    reference: str,
    attachments: Sequence[Path] = (),
) -> EmailMessage:
    """The e-mail of a notice; its Message-ID carries the notice's key, for tracing it in a mail log. Files in
    `attachments` are attached by their name; one that cannot be read refuses the message for good (MailRefused):
    the same notice would fail the same way again."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rpartition("@")[2] or None
    # The key may hold an address (a complainant's, a department's): a second "@" would make the Message-ID
    # malformed, which strict servers refuse. Only RFC 5322 atext and dots stay.
    idstring = re.sub(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]", "=", reference.replace(":", "."))
    message["Message-ID"] = make_msgid(idstring=idstring, domain=domain)
    message.set_content(body)
    for path in attachments:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise MailRefused(f"the attachment {path.name} cannot be read: {exc.strerror or exc}") from exc
        maintype, subtype = ATTACHMENT_TYPES.get(path.suffix.lower(), ("application", "octet-stream"))
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=path.name)
    return message


class _SmtpSession(smtplib.SMTP):
    """smtplib.SMTP that notes when a message's final dot has left. Until then no server can have accepted it,
    so a broken connection means "not sent"; after it, a lost answer may hide a delivery."""

    message_left = False
    _in_data = False

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s: ReadableBuffer | str) -> None:
        super().send(s)
        # data() sends the message and its terminator in one call; the commands it sends are str.
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.message_left = True


def codes_of(answers: dict[str, tuple[int, bytes]]) -> str:
    """The SMTP server's answers to refused recipients, without saying who they were."""
    return "; ".join(f"{code} {text.decode('utf-8', 'replace')}" for code, text in answers.values())


def _without(recipient: str, text: str) -> str:
    # Messages end up in logs and in the cycle's warnings: the refusal, not who was refused.
    return text.replace(recipient, "<recipient>") if recipient else text


class SmtpMailer:
    def __init__(self, settings: NoticeSettings, password: str | None = None, timeout: float = 30.0) -> None:
        self.settings = settings
        self.password = password
        self.timeout = timeout

    @contextmanager
    def connection(self) -> Iterator[SmtpConnection]:
        """A session ready to send (connected, EHLO, STARTTLS, login); any failure up to there is MailUnavailable,
        since nothing was sent. What happens while sending is `SmtpConnection.send`'s to tell."""
        smtp = self._open()
        try:
            yield SmtpConnection(smtp, self.settings)
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()

    def _open(self) -> _SmtpSession:
        s = self.settings
        try:
            smtp = _SmtpSession(s.smtp_host, s.smtp_port, timeout=self.timeout)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailUnavailable(
                Text("cannot connect to {host}:{port}: {error}", host=s.smtp_host, port=s.smtp_port, error=exc)
            ) from exc
        try:
            smtp.ehlo_or_helo_if_needed()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            smtp.close()
            raise MailUnavailable(
                Text("the SMTP server refused the login of {user}: {error}", user=s.username, error=exc)
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            smtp.close()
            raise MailUnavailable(
                Text("SMTP session with {host} failed: {error}", host=s.smtp_host, error=exc)
            ) from exc
        return smtp


class SmtpConnection:
    def __init__(self, smtp: _SmtpSession, settings: NoticeSettings) -> None:
        self.smtp = smtp
        self.settings = settings

    def send(
        self, recipient: str, subject: str, body: str, *, reference: str, attachments: Sequence[Path] = ()
    ) -> None:
        """Raises MailRefused (5xx), MailUnavailable (4xx, or the connection broke before the message was
        complete) or MailUncertain (the connection broke or timed out after it)."""
        message = compose(self.settings, recipient, subject, body, reference, attachments)
        self.smtp.message_left = False
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            self._refusal(
                all(500 <= c < 600 for c in codes),
                f"the recipient was refused: {_without(recipient, codes_of(exc.recipients))}",
                exc,
            )
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            self._refusal(500 <= exc.smtp_code < 600, _without(recipient, f"{exc.smtp_code} {exc.smtp_error!r}"), exc)
        except smtplib.SMTPNotSupportedError as exc:
            raise MailRefused(f"the SMTP server cannot take this message: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnected, reset, timed out, an odd answer
            if self.smtp.message_left:
                raise MailUncertain(f"no answer from the SMTP server after the message: {exc!r}") from exc
            raise MailUnavailable(f"the SMTP session broke before the message was complete: {exc!r}") from exc
        if refused:
            raise MailRefused(f"the recipient was refused: {_without(recipient, codes_of(refused))}")

    def _refusal(self, permanent: bool, text: str, cause: Exception) -> NoReturn:
        if permanent:
            # After a DATA refusal smtplib leaves the transaction open: reset it so the next notice starts clean.
            with suppress(smtplib.SMTPException, OSError):
                self.smtp.rset()
            raise MailRefused(text) from cause
        raise MailUnavailable(text) from cause


# Gmail's answers that refuse the message itself: the same bytes would get the same answer. Any other 4xx
# (401 token, 403 permission or rate, 404, 429 sending limit) is about our standing and may pass later.
GMAIL_MESSAGE_REFUSED = frozenset({400, 413})
# 503 is Google's "unavailable, retry with backoff": the front end sheds the request before the service acts
# on it, so it counts as not sent. Google promises nothing for the other 5xx: a 500 or 502 may come after the
# backend acted, and a 504 means it was still at work; those are uncertain.
GMAIL_NOT_SENT_5XX = frozenset({503})


class GmailMailer:
    """Notices through the Gmail API, in the name of the account that ran `mymein auth` (scope gmail.send)."""

    def __init__(self, service: Any, settings: NoticeSettings) -> None:
        self.messages = service.users().messages()
        self.settings = settings

    @contextmanager
    def connection(self) -> Iterator[GmailMailer]:
        yield self  # each message is its own request: nothing to open

    def send(
        self, recipient: str, subject: str, body: str, *, reference: str, attachments: Sequence[Path] = ()
    ) -> None:
        message = compose(self.settings, recipient, subject, body, reference, attachments)
        raw = base64.urlsafe_b64encode(message.as_bytes())
        request = self.messages.send(userId="me", body={"raw": raw.decode("ascii")})
        try:
            request.execute(num_retries=0)  # one attempt: a resent message would arrive twice
        except HttpError as exc:
            status = int(exc.resp.status)
            if status in GMAIL_MESSAGE_REFUSED:
                raise MailRefused(_without(recipient, f"Gmail refused the message: {exc}")) from exc
            if status < 500 or status in GMAIL_NOT_SENT_5XX:
                raise MailUnavailable(_without(recipient, f"Gmail answered {status}, not sent: {exc}")) from exc
            raise MailUncertain(
                _without(recipient, f"Gmail answered {status}, which does not say whether it was sent: {exc}")
            ) from exc
        except (google.auth.exceptions.RefreshError, google.auth.exceptions.TransportError) as exc:
            # The session refreshes the token before sending (and after a 401, which sent nothing either).
            raise MailUnavailable(f"the Google token could not be refreshed, nothing sent: {exc}") from exc
        except requests.RequestException as exc:
            if request_never_left(exc):
                raise MailUnavailable(f"Gmail could not be reached, nothing sent: {exc}") from exc
            raise MailUncertain(f"Gmail's answer was lost after the request left: {exc!r}") from exc
