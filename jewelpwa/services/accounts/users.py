"""Accounts: sign in and out, server-side sessions, passwords, roles, deactivation."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from ...clock import utcnow
from ...domain.emails import is_email
from ...domain.vocab import Role
from ...extensions import db
from ...models import AuditEvent, CalendarFeed, Store, User, UserSession
from ..errors import Invalid, NotAllowed, NotFound

MIN_PASSWORD = 10
# Checked against when the email is unknown, so a miss costs as long as a wrong password (no user probing):
# one per hash method, made with the method new passwords get.
_DUMMY_HASHES: dict[str, str] = {}


def hash_password(password: str) -> str:
    """A new password's hash, by the app's PASSWORD_HASH_METHOD (scrypt in production)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("not-a-real-password", method=method)
    return _DUMMY_HASHES[method]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_new_password(password: str, email: str = "") -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid("Password too short", {"new_password": f"Use at least {MIN_PASSWORD} characters."})
    if email and password.lower() == email.lower():
        raise Invalid("Password is the email", {"new_password": "Choose a password that is not your email."})


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "store"


@dataclass(frozen=True)
class SignIn:
    user: User
    token: str


def authenticate(email: str, password: str, address: str | None, user_agent: str | None) -> SignIn | None:
    """Check the password; on success open a new session row and return its token (the cookie carries only that)."""
    email = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password or "")
        db.session.add(AuditEvent(store_id=user.store_id if user else None, user_id=user.id if user else None,
                                  action="sign_in_failed", target=None, address=address))
        db.session.commit()
        return None
    if not check_password_hash(user.password_hash, password or ""):
        db.session.add(AuditEvent(store_id=user.store_id, user_id=user.id, action="sign_in_failed", address=address))
        db.session.commit()
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(UserSession(store_id=user.store_id, user_id=user.id, token_hash=hash_token(token),
                               user_agent=(user_agent or "")[:200], created_at=now, last_seen_at=now))
    user.last_login_at = now
    db.session.add(AuditEvent(store_id=user.store_id, user_id=user.id, action="sign_in", address=address))
    db.session.commit()
    user.session_token = token
    return SignIn(user=user, token=token)


# Read on every signed-in request: the user (and their store, joined) by the session's token, built once so a
# request pays neither for building the statement nor for its cache key.
_SESSION_USER = (select(User).join(UserSession, UserSession.user_id == User.id)
                 .where(UserSession.token_hash == bindparam("token_hash")))


def load_session_user(token: str) -> User | None:
    """The user behind a session token, or None when the session was ended or the account deactivated."""
    user = db.session.scalar(_SESSION_USER, {"token_hash": hash_token(token)})
    if user is None or not user.active:
        return None
    user.session_token = token
    return user


def end_session(token: str) -> None:
    """Sign out this device only; the copied cookie stops working because its row is gone."""
    db.session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))
    db.session.commit()


def change_password(user: User, current: str, new: str, confirm: str, keep_token: str | None) -> None:
    """Change the password and end every other session of this user (a stolen cookie dies with the old password)."""
    errors: dict[str, str] = {}
    if not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = "That is not your current password."
    if new != confirm:
        errors["confirm_password"] = "The two new passwords do not match."
    if errors:
        raise Invalid("Password not changed", errors)
    check_new_password(new, user.email)
    user.password_hash = hash_password(new)
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        query = query.where(UserSession.token_hash != hash_token(keep_token))
    db.session.execute(query)
    # The calendar feed's secret URL is a credential too: one copied with the old password dies with it. (It is
    # turned off, not silently renewed: a new secret is shown once, when the user asks for it under Me.)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.add(AuditEvent(store_id=user.store_id, user_id=user.id, action="password_changed"))
    db.session.commit()


def deactivate_user(actor: User, user_id: int) -> User:
    """Deactivate a staff account; all its sessions end at once."""
    if not actor.is_manager:
        raise NotAllowed("only owners and managers manage staff")
    user = db.session.get(User, user_id)
    if user is None or user.store_id != actor.store_id:
        raise NotFound("user")
    if user.id == actor.id:
        raise Invalid("You cannot deactivate yourself", {"user": "Ask another owner to do it."})
    if user.role == Role.OWNER and actor.role != Role.OWNER:
        raise NotAllowed("managers cannot deactivate owners")
    user.active = False
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="staff_deactivated", target=f"user:{user.id}"))
    db.session.commit()
    return user


def create_user(email: str, name: str, role: str, store_name: str, password: str) -> User:
    """Create a staff account (CLI); the store is created when it does not exist yet."""
    email = normalise_email(email)
    errors: dict[str, str] = {}
    if not is_email(email):
        errors["email"] = "Enter an email address like name@store.com."
    if role not in {r.value for r in Role}:
        errors["role"] = "Role must be owner, manager or associate."
    if not name.strip():
        errors["name"] = "Enter the person's name."
    if errors:
        raise Invalid("User not created", errors)
    check_new_password(password, email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Invalid("User not created", {"email": f"{email} already has an account."})
    slug = slugify(store_name)
    store = db.session.scalar(select(Store).where(Store.slug == slug))
    if store is None:
        store = Store(name=store_name.strip(), slug=slug)
        db.session.add(store)
        db.session.flush()
    user = User(store_id=store.id, email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.commit()
    return user
