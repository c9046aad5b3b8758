"""The app's one email check: is this text an email address someone could write to?

email-validator's syntax rules (RFC 5321/5322, internationalised domains, length limits), never the network:
whether the domain takes mail is not known at the counter and must not slow a form down. `.test` addresses
(RFC 2606, reserved for testing) pass, so a demo or test store can hold its made-up clients.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


def is_email(text: str) -> bool:
    """Whether `text` is a syntactically valid email address (no DNS lookup)."""
    try:
        validate_email(text, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True
