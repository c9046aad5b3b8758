"""One-tap outcome logging and its undo."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)
