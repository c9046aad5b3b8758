"""Entry point for gunicorn and `flask --app wsgi`."""

from jewelpwa import create_app

app = create_app()
