"""Entry point for gunicorn and `flask --app wsgi` in a checkout (TRUSTED_PROXY_HOPS is applied by create_app)."""

from jewelpwa import create_app

app = create_app()
