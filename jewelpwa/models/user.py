"""Staff accounts and their server-side sessions."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.vocab import Role
from ..extensions import Model
from ._types import StoreScoped, UTCDateTime, created_at_column, enum_check


class User(StoreScoped, Model):
    __tablename__ = "users"
    __table_args__ = (
        enum_check("role", Role),
        CheckConstraint("daily_target BETWEEN 0 AND 200", name="daily_target_valid"),
    )

    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False, default=Role.ASSOCIATE)
    daily_target: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Push is held back inside quiet hours (store-local); both null means no quiet hours.
    quiet_start: Mapped[time | None] = mapped_column(Time)
    quiet_end: Mapped[time | None] = mapped_column(Time)
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by a write that changes only this user's kept pages, such as an outcome on one of their clients
    # (jewelpwa/data_version.py); a page kept in web/page_cache.py is keyed by it and the store's data_version.
    pages_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    store = relationship("Store", lazy="joined")

    # Not a column: the token of the session this request signed in with (accounts.users sets it), which is
    # Flask-Login's id for the user (web/auth.py), so ending that session signs this device out.
    __allow_unmapped__ = True
    session_token: str | None = None

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.OWNER, Role.MANAGER)


class UserSession(StoreScoped, Model):
    """One signed-in device. The cookie carries only a random token; deleting this row ends the session."""

    __tablename__ = "user_sessions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = created_at_column()
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user = relationship("User", lazy="joined")
