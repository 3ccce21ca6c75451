"""Sending notices through an SMTP server: one connection per batch, each refusal told apart from an outage."""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from googleapiclient.errors import HttpError

from .config import NoticeSettings


class MailRefused(Exception):
    """The server refused this message for good (a 5xx answer): sending it again would not help."""


class MailUnavailable(Exception):
    """The server could not be reached or answered 4xx: the next cycle tries again."""


def compose(settings: NoticeSettings, recipient: str, subject: str, body: str, reference: str) -> EmailMessage:
    """The e-mail of a notice; its Message-ID carries the notice's key, for tracing it in a mail log."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(idstring=reference.replace(":", "."), domain=domain)
    message.set_content(body)
    return message


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
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
        except OSError as exc:
            raise MailUnavailable(f"cannot connect to {s.smtp_host}:{s.smtp_port}: {exc}") from exc
        try:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, self.password or "")
            yield SmtpConnection(smtp, s)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailUnavailable(f"the SMTP server refused the login of {s.username}: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailUnavailable(f"SMTP session with {s.smtp_host} failed: {exc}") from exc
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


class SmtpConnection:
    def __init__(self, smtp: smtplib.SMTP, settings: NoticeSettings) -> None:
        self.smtp = smtp
        self.settings = settings

    def send(self, recipient: str, subject: str, body: str, *, reference: str) -> None:
        message = compose(self.settings, recipient, subject, body, reference)
        # Only definite answers are turned into MailRefused (5xx) or MailUnavailable (4xx: not accepted, try
        # later); a connection lost mid-message propagates, since the message may have been accepted.
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = MailRefused if all(500 <= c < 600 for c in codes) else MailUnavailable
            raise error(f"the recipient was refused: {_without(recipient, codes_of(exc.recipients))}") from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            error = MailRefused if 500 <= exc.smtp_code < 600 else MailUnavailable
            raise error(_without(recipient, f"{exc.smtp_code} {exc.smtp_error!r}")) from exc
        if refused:
            raise MailRefused(f"the recipient was refused: {_without(recipient, codes_of(refused))}")


class GmailMailer:
    """Notices through the Gmail API, in the name of the account that ran `mymein auth` (scope gmail.send)."""

    def __init__(self, service: Any, settings: NoticeSettings) -> None:
        self.messages = service.users().messages()
        self.settings = settings

    @contextmanager
    def connection(self) -> Iterator[GmailMailer]:
        try:
            yield self
        except (MailRefused, MailUnavailable):
            raise
        except Exception as exc:  # no answer, or a 5xx: it may have been sent; the notice stays `sending`
            raise MailUnavailable(f"Gmail did not confirm a message: {exc}") from exc

    def send(self, recipient: str, subject: str, body: str, *, reference: str) -> None:
        raw = base64.urlsafe_b64encode(compose(self.settings, recipient, subject, body, reference).as_bytes())
        request = self.messages.send(userId="me", body={"raw": raw.decode("ascii")})
        try:
            request.execute(num_retries=0)  # one attempt: a resent message would arrive twice
        except HttpError as exc:
            status = int(exc.resp.status)
            if status == 429:
                raise MailUnavailable(f"Gmail's sending limit: {exc}") from exc
            if 400 <= status < 500:
                raise MailRefused(_without(recipient, f"Gmail refused the message: {exc}")) from exc
            raise
