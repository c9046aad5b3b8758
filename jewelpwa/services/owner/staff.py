"""Staff accounts from the owner's tablet: list, add, change role and target, deactivate, reactivate."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ...domain.emails import is_email
from ...domain.inputs import whole_number
from ...domain.vocab import Role
from ...extensions import db
from ...models import AuditEvent, Client, User
from ..access import get_scoped, require_manager
from ..accounts.users import deactivate_user, normalise_email
from ..errors import Invalid, NotAllowed

MAX_TARGET = 200
# No 0/O, 1/l/I: the owner reads the password aloud or writes it on a slip for the new associate.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class StaffRow:
    user: User
    clients: int

    @property
    def last_sign_in_at(self) -> datetime | None:
        return self.user.last_login_at


@dataclass(frozen=True)
class NewStaff:
    user: User
    password: str


def new_password() -> str:
    """A strong one-time password in four groups ("k7mq-x2pd-9tfh-wcne"), about 99 bits of entropy."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(4))


def parse_target(value: str | int | None) -> int:
    text = str(value if value is not None else "").strip()
    target = whole_number(text, 0, MAX_TARGET)
    if target is None:
        raise Invalid("Daily target not saved", {"daily_target": f"Enter a whole number from 0 to {MAX_TARGET}."})
    return target


def parse_role(value: str | None) -> Role:
    try:
        return Role((value or "").strip())
    except ValueError:
        raise Invalid("Role not saved", {"role": "Choose owner, manager or associate."}) from None


def staff_list(actor: User) -> list[StaffRow]:
    """Everyone in the actor's store, active first, with how many clients each has."""
    require_manager(actor)
    counts = dict(db.session.execute(
        select(Client.assigned_to_id, func.count()).where(Client.store_id == actor.store_id, Client.erased_at.is_(None))
        .group_by(Client.assigned_to_id)).all())
    users = db.session.scalars(select(User).where(User.store_id == actor.store_id)
                               .order_by(User.active.desc(), User.name, User.id))
    return [StaffRow(user, counts.get(user.id, 0)) for user in users]


def staff_member(actor: User, user_id: int) -> User:
    """One staff member of the actor's store; another store's id is 404 for anyone, before the role check."""
    user = get_scoped(actor, User, user_id)
    require_manager(actor)
    return user


def _active_owners(store_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.store_id == store_id, User.role == Role.OWNER, User.active.is_(True))) or 0


def create_staff(actor: User, name: str, email: str, role: str, daily_target: str | int) -> NewStaff:
    """Add a staff member with a generated one-time password (shown once, never stored in clear)."""
    require_manager(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    email = normalise_email(email)
    if not name:
        errors["name"] = "Enter the person's name."
    elif len(name) > 120:
        errors["name"] = "Keep the name under 120 characters."
    if not is_email(email):
        errors["email"] = "Enter an email address like name@store.com."
    elif (taken := db.session.scalar(select(User.store_id).where(User.email == email))) is not None:
        # Emails are unique across stores; whose account it is stays unsaid unless it is one of ours.
        errors["email"] = (f"{email} is already on your staff list." if taken == actor.store_id else
                           "That email cannot be used for a new account: ask them for another address.")
    chosen: Role | None = None
    try:
        chosen = parse_role(role)
    except Invalid as exc:
        errors.update(exc.errors)
    if chosen is Role.OWNER and actor.role != Role.OWNER:
        errors["role"] = "Only an owner can add another owner."
    try:
        target = parse_target(daily_target)
    except Invalid as exc:
        errors.update(exc.errors)
    if errors or chosen is None:  # no role chosen means errors["role"] says why
        raise Invalid("Staff member not added", errors)
    password = new_password()
    # accounts.create_user finds the store by the slug of its name (a CLI convenience): a store renamed in
    # settings would get a new store. Staff added here join the actor's store by id.
    user = User(store_id=actor.store_id, email=email, name=name, role=chosen.value, daily_target=target,
                password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.flush()
    db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="staff_added",
                              target=f"user:{user.id}:{chosen.value}"))
    db.session.commit()
    return NewStaff(user, password)


def update_staff(actor: User, user_id: int, role: str | None, daily_target: str | int | None) -> User:
    """Change a staff member's role and daily target; every role change is audited."""
    user = staff_member(actor, user_id)
    target = parse_target(daily_target) if daily_target is not None else user.daily_target
    new_role = parse_role(role) if role else Role(user.role)
    old_role = Role(user.role)
    if new_role is not old_role:
        if user.id == actor.id:
            raise Invalid("Role not changed", {"role": "You cannot change your own role; ask another owner."})
        if Role.OWNER in (new_role, old_role) and actor.role != Role.OWNER:
            raise Invalid("Role not changed", {"role": "Only an owner can make or unmake an owner."})
        if old_role is Role.OWNER and user.active and _active_owners(actor.store_id) <= 1:
            raise Invalid("Role not changed", {"role": "The store needs at least one active owner."})
        user.role = new_role.value
        db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="role_changed",
                                  target=f"user:{user.id}:{old_role.value}->{new_role.value}"))
    if target != user.daily_target:
        db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="target_changed",
                                  target=f"user:{user.id}:{user.daily_target}->{target}"))
        user.daily_target = target
    db.session.commit()
    return user


def deactivate_staff(actor: User, user_id: int) -> User:
    """Deactivate an account: its sessions end at once (accounts.deactivate_user); the rules say why not."""
    user = staff_member(actor, user_id)
    if user.id == actor.id:
        raise Invalid("Not deactivated", {"active": "You cannot deactivate yourself; ask another owner."})
    if not user.active:
        return user
    if user.role == Role.OWNER:
        if actor.role != Role.OWNER:
            raise Invalid("Not deactivated", {"active": "Only an owner can deactivate an owner."})
        if _active_owners(actor.store_id) <= 1:
            raise Invalid("Not deactivated", {"active": "The store needs at least one active owner."})
    try:
        return deactivate_user(actor, user.id)
    except NotAllowed:  # pragma: no cover - the checks above answer first, with a reason
        raise Invalid("Not deactivated", {"active": "Only an owner can deactivate an owner."}) from None


def reactivate_staff(actor: User, user_id: int) -> User:
    """Let a deactivated staff member sign in again (with their old password; sessions stay ended)."""
    user = staff_member(actor, user_id)
    if user.role == Role.OWNER and actor.role != Role.OWNER:
        raise Invalid("Not reactivated", {"active": "Only an owner can reactivate an owner."})
    if not user.active:
        user.active = True
        db.session.add(AuditEvent(store_id=actor.store_id, user_id=actor.id, action="staff_reactivated",
                                  target=f"user:{user.id}"))
        db.session.commit()
    return user
