"""Real endpoints in the test process for messages: an SMTP server (aiosmtpd) and an HTTP server speaking the SMS
provider's Messages API (Twilio's), each recording exactly what it received."""

from __future__ import annotations

import asyncio
import base64
import email
import email.policy
import json
import socket
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

SMS_SID, SMS_TOKEN = "AC0123456789abcdef0123456789abcdef", "test-auth-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()
        self.hang_next = False  # the next DATA waits for `release`, then is refused: it was never accepted
        self.hanging = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd's hook
        if self.hang_next:
            self.hang_next = False
            self.hanging.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 Try again later"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 that only takes mail after AUTH with user/secret (over plain text: it is local)."""

    def __init__(self, user: str = "store", password: str = "s3cret") -> None:
        self.inbox = _Inbox()
        self.port = free_port()
        self.user, self.password = user, password

        def check(server, session, envelope, mechanism, auth_data):  # noqa: ANN001 - aiosmtpd's hook
            ok = auth_data.login == user.encode() and auth_data.password == password.encode()
            return AuthResult(success=ok)

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, authenticator=check,
                                     auth_require_tls=False, auth_required=True)
        self.controller.start()

    @property
    def url(self) -> str:
        return f"smtp://{self.user}:{self.password}@127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def stop(self) -> None:
        self.controller.stop()


class SmsEndpoint:
    """POST /2010-04-01/Accounts/{sid}/Messages.json with basic auth sid:token; answers `script` codes in order,
    then 201. Records every request it accepted or refused as (status, form)."""

    def __init__(self) -> None:
        self.sends: list[dict[str, str]] = []
        self.answers: list[tuple[int, dict]] = []
        self.script: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002 - quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's hook
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                expected = "Basic " + base64.b64encode(f"{SMS_SID}:{SMS_TOKEN}".encode()).decode()
                if self.path != f"/2010-04-01/Accounts/{SMS_SID}/Messages.json":
                    code, body = 404, {"code": 20404, "message": "not found"}
                elif self.headers.get("Authorization") != expected:
                    code, body = 401, {"code": 20003, "message": "Authenticate"}
                elif outer.script:
                    code = outer.script.pop(0)
                    body = {"code": 21211, "message": "The 'To' number is not a valid phone number."} \
                        if code == 400 else {"code": 20429, "message": "Too Many Requests"}
                else:
                    code = 201
                    body = {"sid": f"SM{len(outer.sends):032d}", "status": "queued"}
                    outer.sends.append(form)
                outer.answers.append((code, form))
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if code == 429:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def config(self) -> dict[str, object]:
        """What the app needs to send through this endpoint (the outbound guard lets the local address through)."""
        return {"TWILIO_ACCOUNT_SID": SMS_SID, "TWILIO_AUTH_TOKEN": SMS_TOKEN, "TWILIO_FROM": "+15005550006",
                "TWILIO_API_BASE": self.base, "SMS_PROVIDER_HOSTS": "127.0.0.1", "OUTBOUND_TEST_LOCAL": True}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
