"""Behind a reverse proxy: whose address a request comes from.

With TRUSTED_PROXY_HOPS = N (the number of proxies in front of the app that append to X-Forwarded-For, usually
1), werkzeug's ProxyFix takes the client's address and scheme from the Nth-from-last entry of X-Forwarded-For /
X-Forwarded-Proto; `request.remote_addr` then is the client's, so the sign-in limit's per-address counter and
the audit trail name the client, not the proxy (every sign-in shared the proxy's address, and ten failures
anywhere throttled sign-in for the whole store). With 0 (the default, no proxy) the headers are ignored: a
client cannot choose its own address by sending them. Applied by create_app; docs/deploy.md says when to set it.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(app: Flask) -> Flask:
    """Wrap the app's WSGI callable in ProxyFix for its TRUSTED_PROXY_HOPS; returns the app."""
    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    return app
