"""Texts through a Twilio-compatible REST API: POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded
To, From, Body and StatusCallback, basic auth account sid : auth token.

`TWILIO_API_BASE` (default https://api.twilio.com) lets a compatible provider or the tests' local endpoint stand in;
its host must be on the outbound guard's list for SMS providers (services/outbound.py), checked before each send.
`TWILIO_FROM` is the store's number (E.164), or `TWILIO_MESSAGING_SERVICE_SID` a messaging service.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from ... import outbound
from .base import Answer, Outgoing

TIMEOUT_S = 10
DEFAULT_BASE = "https://api.twilio.com"
_local = threading.local()


def _http() -> requests.Session:
    # One keep-alive session per sending thread: one TLS handshake to the provider, not one per text.
    if getattr(_local, "session", None) is None:
        _local.session = requests.Session()
        _local.session.trust_env = False
    return _local.session


@dataclass(frozen=True)
class TwilioTransport:
    base: str
    account_sid: str
    auth_token: str
    sender: str | None
    messaging_service: str | None
    destinations: outbound.Destinations
    name: str = "twilio"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TwilioTransport:
        return cls((config.get("TWILIO_API_BASE") or DEFAULT_BASE).rstrip("/"), config["TWILIO_ACCOUNT_SID"],
                   config["TWILIO_AUTH_TOKEN"], config.get("TWILIO_FROM"), config.get("TWILIO_MESSAGING_SERVICE_SID"),
                   outbound.sms_destinations(config))

    @property
    def url(self) -> str:
        return f"{self.base}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(self, message: Outgoing) -> Answer:
        try:
            outbound.check_url(self.url, self.destinations)
        except outbound.Refused as e:
            return Answer("failed", error=f"provider address refused: {e}")
        form = {"To": message.to, "Body": message.body}
        if message.sms_from:  # the store's own number (stores.sms_from): replies to it name the store
            form["From"] = message.sms_from
        elif self.messaging_service:
            form["MessagingServiceSid"] = self.messaging_service
        else:
            form["From"] = self.sender or ""
        if message.status_callback:
            form["StatusCallback"] = message.status_callback
        try:
            response = _http().post(self.url, data=form, auth=(self.account_sid, self.auth_token),
                                    timeout=TIMEOUT_S, allow_redirects=False)
        except requests.RequestException as e:  # timeout, refused, reset: the provider may be fine later
            return Answer("retry", error=f"{type(e).__name__}: {e}")
        if 200 <= response.status_code < 300:
            try:
                sid = response.json().get("sid")
            except ValueError:
                sid = None
            return Answer("sent", provider_id=sid)
        said = _error_text(response)
        if response.status_code == 429 or response.status_code >= 500:
            return Answer("retry", error=said, retry_after=response.headers.get("Retry-After"))
        return Answer("failed", error=said)


def _error_text(response: requests.Response) -> str:
    try:
        data = response.json()
        detail = f"{data.get('code', '')} {data.get('message', '')}".strip()
    except ValueError:
        detail = response.text[:200]
    return f"HTTP {response.status_code}: {detail}" if detail else f"HTTP {response.status_code}"
