"""The client card: why now, talking points, timeline, and every section editable in place."""

from flask import Blueprint

bp = Blueprint("card", __name__)
