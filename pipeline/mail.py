"""Sending notices through an SMTP server: one connection per batch, each refusal told apart from an outage."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from .config import NoticeSettings


class MailRefused(Exception):
    """The server refused this message for good (a 5xx answer): sending it again would not help."""


class MailUnavailable(Exception):
    """The server could not be reached or answered 4xx: the next cycle tries again."""


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
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = recipient
        if self.settings.reply_to:
            message["Reply-To"] = self.settings.reply_to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        domain = self.settings.sender.rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(idstring=reference.replace(":", "."), domain=domain)
        message.set_content(body)
        # Only definite answers are turned into MailRefused (5xx) or MailUnavailable (4xx: not accepted, try
        # later); a connection lost mid-message propagates, since the message may have been accepted.
        try:
            refused = self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = MailRefused if all(500 <= c < 600 for c in codes) else MailUnavailable
            raise error(f"{recipient} refused: {exc.recipients}") from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            error = MailRefused if 500 <= exc.smtp_code < 600 else MailUnavailable
            raise error(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        if refused:
            raise MailRefused(f"{recipient} refused: {refused}")
