"""Email over SMTP: `SMTP_URL` names any server.

smtp://user:pass@host:587 upgrades with STARTTLS when the server offers it; smtps://host:465 is TLS from the first
byte. Credentials only cross an encrypted connection (or to a server on this machine: a local relay). One
connection per sending thread is kept open between messages: a handshake per email held a worker to a few a second.
`SMTP_FROM` is the sending address; the store's name is its display name.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from ....domain.messages import email_footer
from .base import Answer, Outgoing

TIMEOUT_S = 10
_LOCAL = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    tls: bool  # smtps://
    username: str | None
    password: str | None
    sender: str
    name: str = "smtp"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpTransport:
        url = urlsplit(config["SMTP_URL"])
        if url.scheme not in ("smtp", "smtps"):
            raise ValueError("SMTP_URL must start smtp:// (STARTTLS) or smtps:// (TLS)")
        tls = url.scheme == "smtps"
        return cls(url.hostname or "localhost", url.port or (465 if tls else 587), tls,
                   unquote(url.username) if url.username else None,
                   unquote(url.password) if url.password else None,
                   config.get("SMTP_FROM") or f"store@{url.hostname or 'localhost'}")

    # --- the message ---------------------------------------------------------------------------------

    def build(self, message: Outgoing) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = formataddr((message.sender_name, self.sender))
        mail["To"] = message.to
        mail["Subject"] = message.subject or message.sender_name
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = make_msgid(idstring=f"m{message.id}", domain=self.sender.rpartition("@")[2] or None)
        if message.reply_to:
            mail["Reply-To"] = formataddr((message.sender_name, message.reply_to))
        body = message.body
        if message.unsubscribe_url:
            # RFC 8058: a mail client's "unsubscribe" button POSTs List-Unsubscribe=One-Click to this URL.
            mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
            body += email_footer(message.unsubscribe_url, message.postal_address)
        mail.set_content(body)
        return mail

    # --- the connection, one per thread ----------------------------------------------------------------

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        server: smtplib.SMTP
        if self.tls:
            server = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT_S, context=context)
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_S)
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls(context=context)
                server.ehlo()
            elif self.username and self.host not in _LOCAL:
                server.close()
                raise smtplib.SMTPNotSupportedError(f"{self.host} offers no STARTTLS: the password is not sent")
        if self.username:
            server.login(self.username, self.password or "")
        return server

    def _server(self, fresh: bool = False) -> smtplib.SMTP:
        held = _connections.__dict__.setdefault("by_key", {})
        key = (self.host, self.port, self.tls, self.username)
        if fresh and key in held:
            try:
                held.pop(key).close()
            except (OSError, smtplib.SMTPException):
                pass
        if key not in held:
            held[key] = self._connect()
        return held[key]

    def send(self, message: Outgoing) -> Answer:
        mail = self.build(message)
        for attempt in (1, 2):  # a kept connection the server closed meanwhile is opened again, once
            try:
                self._server(fresh=attempt == 2).send_message(mail)
                return Answer("sent", provider_id=mail["Message-ID"])
            except smtplib.SMTPServerDisconnected as e:
                if attempt == 2:
                    return Answer("retry", error=f"disconnected: {e}")
            except smtplib.SMTPRecipientsRefused as e:
                code, text = next(iter(e.recipients.values()))
                return _by_code(code, text)
            except smtplib.SMTPResponseException as e:
                return _by_code(e.smtp_code, e.smtp_error)
            except smtplib.SMTPNotSupportedError as e:
                return Answer("failed", error=str(e))
            except (TimeoutError, OSError, smtplib.SMTPException) as e:
                return Answer("retry", error=f"{type(e).__name__}: {e}")
        return Answer("retry", error="no connection")


def _by_code(code: int, text: bytes | str) -> Answer:
    said = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    # 4xx: try later (greylisting, a full queue); 5xx: this message will never be taken.
    return Answer("retry" if 400 <= code < 500 else "failed", error=f"SMTP {code}: {said}")


_connections = threading.local()
