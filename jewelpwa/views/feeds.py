"""Per-user calendar feeds (ICS) behind a secret URL (issue 7)."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)
