"""Request dependencies: the store, settings, the current user and role checks."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from marsad.config import Settings
from marsad.store import Store
from marsad.web._errors import LoginRequired, WebError
from marsad.web._users import User, get_user, role_allows, user_for_token

__all__ = [
    "api_user",
    "audit",
    "deny",
    "get_settings",
    "get_store",
    "page_user",
    "require_api",
    "require_page",
]

_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session_user(request: Request) -> User | None:
    session = getattr(request.state, "session", None)
    if session is None or session.user_id is None:
        return None
    user = get_user(get_store(request), session.user_id)
    return user if user is not None and user.active else None


def api_user(request: Request) -> User:
    """The caller of an API route: a Bearer token, or a logged-in browser session.

    A session may only make unsafe requests (POST...) with its CSRF token in ``X-CSRF-Token``.
    """
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        user = (
            user_for_token(get_store(request), token.strip())
            if scheme.lower() == "bearer"
            else None
        )
        if user is None:
            raise WebError(401, "auth.bad_token", "The API token is unknown, revoked or malformed.")
        request.state.user = user
        return user
    user = _session_user(request)
    if user is None:
        raise WebError(
            401,
            "auth.required",
            "Authentication required: send 'Authorization: Bearer <token>' "
            "(create one with `marsad user token NAME`).",
        )
    if request.method not in _SAFE and not request.state.session.csrf_ok(
        request.headers.get("x-csrf-token")
    ):
        deny(request, user, "auth.csrf")
        raise WebError(
            403, "auth.csrf", "Missing or wrong X-CSRF-Token header for a session request."
        )
    request.state.user = user
    return user


def require_api(role: str) -> Callable[[Request], User]:
    """Dependency: an API caller whose role includes ``role``."""

    def dep(request: Request) -> User:
        user = api_user(request)
        if not role_allows(user.role, role):
            deny(request, user, "auth.forbidden", needs=role)
            raise WebError(
                403, "auth.forbidden", f"This resource needs the {role} role; you are {user.role}."
            )
        return user

    dep.__name__ = f"require_{role}"
    return dep


def page_user(request: Request) -> User:
    user = _session_user(request)
    if user is None:
        raise LoginRequired(
            str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
        )
    request.state.user = user
    return user


def require_page(role: str) -> Callable[[Request], User]:
    """Dependency for pages: logged in (else redirect to login) with at least ``role``."""

    def dep(request: Request) -> User:
        user = page_user(request)
        if not role_allows(user.role, role):
            deny(request, user, "auth.forbidden", needs=role)
            raise WebError(403, "auth.forbidden", f"This page needs the {role} role.")
        return user

    dep.__name__ = f"page_{role}"
    return dep


def audit(request: Request, user: User, action: str, resource: str, **detail: object) -> None:
    """Record a read or export in the audit log (who, what, when)."""
    get_store(request).audit(user.username, action, resource, dict(detail) or None)


def _resource(path: str) -> str:
    """An audit resource name: ``quarantine`` for the API route, ``page/quarantine`` for a page."""
    if path.startswith("/api/v1/"):
        return path.removeprefix("/api/v1/")
    return "page/" + path.strip("/")


def deny(request: Request, user: User, code: str, **detail: object) -> None:
    """Record a refused attempt in the audit log before answering 403.

    The entry has ``action="denied"``, the requested path as resource, and in its detail
    the method, the query string, the caller's role, the error code and
    ``outcome="denied"``, so refused reads of narratives, raw cells or the audit log itself
    are visible to administrators.
    """
    get_store(request).audit(
        user.username,
        "denied",
        _resource(request.url.path),
        {
            "outcome": "denied",
            "method": request.method,
            "query": request.url.query or None,
            "role": user.role,
            "code": code,
            **detail,
        },
    )
