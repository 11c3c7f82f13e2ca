"""Signed session cookies and CSRF synchronizer tokens.

The session is a cookie signed with ``settings.session_secret`` (itsdangerous, HMAC-SHA-1 over
a timestamped payload; expires after :data:`MAX_AGE` seconds). It holds the user id, the
language and a random CSRF token that every UI form echoes in a hidden field (the OWASP
"synchronizer token" pattern); a POST whose token does not match is refused with 403.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["COOKIE", "MAX_AGE", "Session", "SessionCodec", "cookie_is_secure"]

COOKIE = "marsad_session"
MAX_AGE = 8 * 3600
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


@dataclass(frozen=True)
class Session:
    """What the session cookie carries."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user_id: int | None = None
    lang: str | None = None

    def with_(self, **changes: Any) -> Session:
        return replace(self, **changes)

    def csrf_ok(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf, str(token))


class SessionCodec:
    """Signs and reads :class:`Session` cookies with one secret."""

    def __init__(self, secret: str) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="marsad.session")

    def load(self, request: Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self._s.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("c"), str):
            return None
        uid = data.get("u")
        return Session(
            csrf=data["c"], user_id=uid if isinstance(uid, int) else None, lang=data.get("l")
        )

    def save(self, request: Request, response: Response, session: Session) -> None:
        payload = {"c": session.csrf, "u": session.user_id, "l": session.lang}
        response.set_cookie(
            COOKIE,
            self._s.dumps(payload),
            max_age=MAX_AGE,
            httponly=True,
            samesite="lax",
            secure=cookie_is_secure(request),
            path="/",
        )


def cookie_is_secure(request: Request) -> bool:
    """Secure cookies everywhere except plain http on the loopback interface (local demo)."""
    return not (request.url.scheme == "http" and (request.url.hostname or "") in _LOOPBACK)
