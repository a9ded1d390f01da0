"""Users who may change the store, and the audit trail of what they changed.

Roles: ``viewer`` browses, ``editor`` uploads, replaces and re-parses,
``admin`` also deletes.  Passwords are kept only as argon2 hashes.  With no
user in the store the app runs as one local user (and says so); the moment a
user exists, every write needs a signed-in editor or admin.
"""
from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from store.engine import get_engine, writer
from store.models import ROLES, AuditEvent, User, utcnow

_HASHER = PasswordHasher()
MIN_PASSWORD = 8
# what each role may do
RIGHTS = {
    "viewer": {"view"},
    "editor": {"view", "upload", "replace", "reparse"},
    "admin": {"view", "upload", "replace", "reparse", "delete"},
}
LOCAL_USER = "本机用户"


class UserError(ValueError):
    """A user operation refused, with a Chinese reason."""


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    local: bool = False  # the single local user of a store without users

    def can(self, action: str) -> bool:
        return action in RIGHTS.get(self.role, set())


LOCAL = Person(LOCAL_USER, "admin", local=True)


def _engine(engine: Engine | None) -> Engine:
    return engine if engine is not None else get_engine()


def users_configured(engine: Engine | None = None) -> bool:
    with _engine(engine).connect() as conn:
        return bool(conn.scalar(select(func.count()).select_from(User)))


def add_user(name: str, password: str | None, role: str = "editor", *, engine: Engine | None = None) -> None:
    """A new user; ``password`` None for one who signs in through the identity provider."""
    name = (name or "").strip()
    if not name:
        raise UserError("用户名不能为空")
    if role not in ROLES:
        raise UserError(f"角色须为 {' / '.join(ROLES)}：{role}")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位")
    with Session(writer(_engine(engine))) as session, session.begin():
        if session.scalars(select(User).where(User.name == name)).first() is not None:
            raise UserError(f"用户“{name}”已存在")
        session.add(User(name=name, role=role, created_at=utcnow(),
                         password_hash=_HASHER.hash(password) if password is not None else None))


def set_password(name: str, password: str, *, engine: Engine | None = None) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 位")
    with Session(writer(_engine(engine))) as session, session.begin():
        user = session.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise UserError(f"没有用户“{name}”")
        user.password_hash = _HASHER.hash(password)


def set_role(name: str, role: str, *, engine: Engine | None = None) -> None:
    if role not in ROLES:
        raise UserError(f"角色须为 {' / '.join(ROLES)}：{role}")
    with Session(writer(_engine(engine))) as session, session.begin():
        user = session.scalars(select(User).where(User.name == name)).first()
        if user is None:
            raise UserError(f"没有用户“{name}”")
        user.role = role


def remove_user(name: str, *, engine: Engine | None = None) -> None:
    with Session(writer(_engine(engine))) as session, session.begin():
        if not session.execute(delete(User).where(User.name == name)).rowcount:
            raise UserError(f"没有用户“{name}”")


def list_users(*, engine: Engine | None = None) -> list[dict]:
    with _engine(engine).connect() as conn:
        rows = conn.execute(select(User.name, User.role, User.created_at).order_by(User.name)).all()
    return [{"name": n, "role": r, "created_at": c} for n, r, c in rows]


def authenticate(name: str, password: str, *, engine: Engine | None = None) -> Person | None:
    """The user if ``password`` is theirs, else None (never says which part was wrong)."""
    with _engine(engine).connect() as conn:
        row = conn.execute(select(User.name, User.role, User.password_hash).where(User.name == (name or "").strip())).first()
    if row is None or not row.password_hash:
        _HASHER.hash("timing")  # as slow as a real check
        return None
    try:
        _HASHER.verify(row.password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return Person(row.name, row.role)


def person_named(name: str, *, engine: Engine | None = None) -> Person | None:
    """A user known by name (an identity provider's signed-in account), without a password."""
    with _engine(engine).connect() as conn:
        row = conn.execute(select(User.name, User.role).where(User.name == name)).first()
    return Person(row.name, row.role) if row else None


_ACTOR: contextvars.ContextVar[str | None] = contextvars.ContextVar("budgetlens_actor", default=None)


@contextlib.contextmanager
def acting_as(name: str | None):
    """Writes made inside the block are recorded as ``name``'s (the page that makes them knows who is signed in)."""
    token = _ACTOR.set(name)
    try:
        yield
    finally:
        _ACTOR.reset(token)


def record(session: Session, user: str | None, action: str, document_id: int | None, detail: str) -> None:
    """One audit event, in the caller's transaction (it commits or rolls back with the change)."""
    who = user or _ACTOR.get() or LOCAL_USER
    session.add(AuditEvent(at=utcnow(), user=who, action=action, document_id=document_id, detail=detail))


def audit_events(limit: int = 200, *, engine: Engine | None = None) -> list[dict]:
    """The latest audit events, newest first."""
    with _engine(engine).connect() as conn:
        rows = conn.execute(
            select(AuditEvent.at, AuditEvent.user, AuditEvent.action, AuditEvent.document_id, AuditEvent.detail)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        ).all()
    return [dict(r._mapping) for r in rows]


__all__ = [
    "Person", "LOCAL", "LOCAL_USER", "RIGHTS", "UserError", "users_configured", "add_user", "set_password",
    "set_role", "remove_user", "list_users", "authenticate", "person_named", "record", "acting_as", "audit_events",
]
