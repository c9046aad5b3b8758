"""At the counter: add a client, log a sale, add a person, a date, a wish item or a referral."""

from flask import Blueprint

bp = Blueprint("counter", __name__)
