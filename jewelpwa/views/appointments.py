"""Appointments booked from the card (issue 8)."""

from flask import Blueprint

bp = Blueprint("appointments", __name__)
