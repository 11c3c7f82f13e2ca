"""Users, roles and API tokens of the web layer (library functions; the CLI and the app share them).

Passwords are hashed with Argon2id (argon2-cffi's recommended parameters, RFC 9106). API tokens
are 256-bit random strings shown once; only their SHA-256 digest is stored, which is enough for
high-entropy secrets (no dictionary to attack).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from marsad.errors import MarsadError, NotFoundError
from marsad.store import Store, tables, utcnow

__all__ = [
    "ROLES",
    "AuthError",
    "User",
    "add_user",
    "authenticate",
    "create_token",
    "get_user",
    "list_users",
    "role_allows",
    "set_password_hasher",
    "user_for_token",
]

ROLES = ("viewer", "analyst", "admin")
_LEVEL = {r: i for i, r in enumerate(ROLES)}
_USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "msd_"
_hasher = PasswordHasher()  # Argon2id, RFC 9106 "low memory" profile (t=3, m=64 MiB, p=4)
# Verified against when a username does not exist, so a login takes the same time either way.
_DUMMY_HASH = _hasher.hash("marsad-dummy-password")


def set_password_hasher(hasher: PasswordHasher) -> None:
    """Use other Argon2 parameters (e.g. cheaper ones in tests, stronger ones on a server).

    Existing hashes keep working: a hash made with other parameters is re-hashed at the next
    successful login.
    """
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("marsad-dummy-password")


class AuthError(MarsadError):
    """A user, role, password or token is refused."""

    code = "auth.invalid"


@dataclass(frozen=True)
class User:
    """A dashboard or API user. ``role`` is one of :data:`ROLES`."""

    id: int
    username: str
    role: str
    active: bool = True

    def can(self, role: str) -> bool:
        """True when this user's role includes ``role`` (admin ⊇ analyst ⊇ viewer)."""
        return role_allows(self.role, role)


def role_allows(have: str, need: str) -> bool:
    return _LEVEL.get(have, -1) >= _LEVEL[need]


def _row_user(row: object) -> User:
    return User(id=int(row.id), username=row.username, role=row.role, active=bool(row.active))  # type: ignore[attr-defined]


def add_user(store: Store, username: str, password: str, role: str) -> User:
    """Create a user with an Argon2id password hash.

    Raises
    ------
    AuthError
        Bad username, unknown role, password under 10 characters, or the name is taken.
    """
    if not _USERNAME.match(username or ""):
        raise AuthError(
            f"User name {username!r} must be 2 to 64 letters, digits, '.', '_' or '-'.",
            code="auth.bad_username",
            username=username,
        )
    if role not in ROLES:
        raise AuthError(
            f"Role {role!r} is not one of {', '.join(ROLES)}.",
            code="auth.bad_role",
            role=role,
            roles=", ".join(ROLES),
        )
    if len(password or "") < MIN_PASSWORD:
        raise AuthError(
            f"The password must have at least {MIN_PASSWORD} characters.",
            code="auth.weak_password",
            min=MIN_PASSWORD,
        )
    t = tables.users
    with store.begin() as c:
        if c.execute(select(t.c.id).where(t.c.username == username)).first() is not None:
            raise AuthError(
                f"User {username!r} already exists.", code="auth.user_exists", username=username
            )
        key: Any = c.execute(
            insert(t).values(
                username=username,
                password_hash=_hasher.hash(password),
                role=role,
                active=True,
                created_at=utcnow(),
            )
        ).inserted_primary_key
        uid = key[0]
    store.audit("cli", "admin", f"user:{username}", {"event": "user_added", "role": role})
    return User(id=int(uid), username=username, role=role)


def get_user(
    store: Store, user_id: int | None = None, *, username: str | None = None
) -> User | None:
    t = tables.users
    q = select(t.c.id, t.c.username, t.c.role, t.c.active)
    q = q.where(t.c.id == user_id) if user_id is not None else q.where(t.c.username == username)
    with store.connect() as c:
        row = c.execute(q).first()
    return _row_user(row) if row is not None else None


def list_users(store: Store) -> list[User]:
    t = tables.users
    with store.connect() as c:
        rows = c.execute(select(t.c.id, t.c.username, t.c.role, t.c.active).order_by(t.c.username))
        return [_row_user(r) for r in rows]


def authenticate(store: Store, username: str, password: str) -> User | None:
    """The active user whose password matches, else None (constant work either way)."""
    t = tables.users
    with store.connect() as c:
        row = c.execute(
            select(t.c.id, t.c.username, t.c.role, t.c.active, t.c.password_hash).where(
                t.c.username == username
            )
        ).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(stored):
        with store.begin() as c:
            c.execute(
                update(t).where(t.c.id == row.id).values(password_hash=_hasher.hash(password))
            )
    return _row_user(row)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(store: Store, username: str, name: str = "api") -> str:
    """Create an API token for ``username``; the clear token is returned once, never stored."""
    user = get_user(store, username=username)
    if user is None:
        raise NotFoundError(f"No user named {username!r}.", code="auth.no_user", username=username)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with store.begin() as c:
        c.execute(
            insert(tables.api_tokens).values(
                user_id=user.id, name=name, token_hash=_digest(token), created_at=utcnow()
            )
        )
    store.audit("cli", "admin", f"user:{username}", {"event": "token_created", "name": name})
    return token


def user_for_token(store: Store, token: str) -> User | None:
    """The active user owning a non-revoked token, else None; records the token's last use."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    tk, u = tables.api_tokens, tables.users
    digest = _digest(token)
    with store.begin() as c:
        row = c.execute(
            select(
                u.c.id,
                u.c.username,
                u.c.role,
                u.c.active,
                tk.c.id.label("token_id"),
                tk.c.last_used_at,
            )
            .join(u, u.c.id == tk.c.user_id)
            .where(tk.c.token_hash == digest, tk.c.revoked.is_(False))
        ).first()
        if row is None or not row.active:
            return None
        now = utcnow()
        last = row.last_used_at
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        if last is None or (now - last).total_seconds() > 60:  # one write a minute at most
            c.execute(update(tk).where(tk.c.id == row.token_id).values(last_used_at=now))
    return _row_user(row)
