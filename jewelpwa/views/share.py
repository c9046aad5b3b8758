"""Public, revocable share links to a wish list (no login; issue 8)."""

from flask import Blueprint

bp = Blueprint("share", __name__)
