"""Entry point for gunicorn and `flask --app wsgi`; behind a proxy, TRUSTED_PROXY_HOPS says how many to trust."""

from jewelpwa import create_app
from jewelpwa.web.proxy import trust_proxies

app = trust_proxies(create_app())
