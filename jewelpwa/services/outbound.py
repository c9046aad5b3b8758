"""Where the server may send a request of its own: one guard for every outbound call (push today; SMS and email
providers, webhooks later).

A push endpoint is a URL a browser hands us; anyone signed in can hand us any URL. Without this guard the
worker would POST to whatever it names, internal services included (`https://127.0.0.1:5299/...` was accepted
and retried for hours). A destination passes when:
- its scheme is https (no credentials in it, the default port),
- its host is on the caller's allow-list (exact names, or `*.example.com` for any name under example.com),
- its host is a name, not an IP literal,
- and every address the name resolves to is a public one (not loopback, private, link-local, shared,
  multicast or reserved), so a name on the list cannot be pointed inside by its DNS.
It is checked when a destination is saved and again right before each request (DNS may change in between).

The tests' local push endpoint is a plain-http IP literal on loopback: `local_ok` lets it through, and only the
test fixtures turn it on (config OUTBOUND_TEST_LOCAL), explicitly.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

# The browsers' push services: Chrome and other Chromium browsers (FCM, and its old name), Firefox (Mozilla
# autopush), Safari (Apple), Edge on Windows (WNS). Configurable: PUSH_SERVICE_HOSTS / JEWELPWA_PUSH_HOSTS.
PUSH_SERVICE_HOSTS = ("fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
                      "*.push.apple.com", "*.notify.windows.com")

Resolver = Callable[[str, int], Iterable[str]]


class Refused(ValueError):
    """The destination is not one the server may call; the message says why, for logs and forms."""


@dataclass(frozen=True)
class Destinations:
    """Which URLs one kind of outbound call may reach."""

    hosts: tuple[str, ...]
    local_ok: bool = False  # tests only: http, IP literals and loopback/private addresses pass too
    what: str = "push service"  # what the allowed hosts are, for the refusal's words ("not a known SMS provider")

    def allows_host(self, host: str) -> bool:
        for pattern in self.hosts:
            pattern = pattern.strip().lower().rstrip(".")
            if pattern.startswith("*."):
                if host.endswith(pattern[1:]) and len(host) > len(pattern) - 1:
                    return True
            elif host == pattern:
                return True
        return False


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses a name resolves to (every family), as the request's connection would find them."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def is_public(address: str) -> bool:
    """An address on the public internet: not loopback, private, link-local, shared (CGNAT), multicast or reserved."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, allowed: Destinations, resolver: Resolver | None = system_resolver) -> str:
    """The URL's host when the server may call the URL; Refused (saying why) otherwise. `resolver=None` skips DNS
    (for a quick check of the form alone)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise Refused(f"not a URL ({e})") from None
    host = (parts.hostname or "").rstrip(".")
    schemes = ("https", "http") if allowed.local_ok else ("https",)
    if parts.scheme not in schemes:
        raise Refused("only https addresses are called")
    if not host:
        raise Refused("the address names no host")
    if parts.username is not None or parts.password is not None:
        raise Refused("the address carries a user name or password")
    if port not in (None, 443) and not allowed.local_ok:
        raise Refused("only the standard https port is called")
    literal = _ip_literal(host)
    if literal is not None and not allowed.local_ok:
        raise Refused(f"the address is an IP number, not the host name of any {allowed.what}")
    if not allowed.allows_host(host):
        raise Refused(f"{host} is not a known {allowed.what}")
    if resolver is None or allowed.local_ok:
        return host
    try:
        addresses = list(resolver(host, port or 443))
    except (OSError, UnicodeError) as e:
        raise Refused(f"{host} does not resolve ({type(e).__name__})") from None
    if not addresses:
        raise Refused(f"{host} does not resolve")
    inside = [a for a in addresses if not is_public(a)]
    if inside:
        raise Refused(f"{host} resolves to a non-public address ({inside[0]})")
    return host


def _ip_literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def push_destinations(config: Mapping[str, Any]) -> Destinations:
    """The push services this deployment may call, from the app's config."""
    hosts = config.get("PUSH_SERVICE_HOSTS") or PUSH_SERVICE_HOSTS
    if isinstance(hosts, str):
        hosts = [h for h in hosts.replace(" ", ",").split(",") if h]
    return Destinations(tuple(h.strip().lower() for h in hosts), bool(config.get("OUTBOUND_TEST_LOCAL")))


# The SMS provider's REST API (Twilio's by default). Configurable: SMS_PROVIDER_HOSTS, for a compatible provider.
SMS_PROVIDER_HOSTS = ("api.twilio.com",)


def sms_destinations(config: Mapping[str, Any]) -> Destinations:
    """The SMS provider hosts this deployment may call, from the app's config."""
    hosts = config.get("SMS_PROVIDER_HOSTS") or SMS_PROVIDER_HOSTS
    if isinstance(hosts, str):
        hosts = [h for h in hosts.replace(" ", ",").split(",") if h]
    return Destinations(tuple(h.strip().lower() for h in hosts), bool(config.get("OUTBOUND_TEST_LOCAL")),
                        "SMS provider")
