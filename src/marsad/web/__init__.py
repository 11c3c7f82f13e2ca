"""The analysts' dashboard and the REST API ``/api/v1``: server-rendered pages, roles, audit log.

Build the application with :func:`create_app` (no import-time globals); users, tokens and the
audit log are plain library functions shared by the CLI (``marsad user``, ``marsad audit``).
"""

from marsad.web._app import create_app
from marsad.web._audit import AuditEntry, audit_entries
from marsad.web._exports import safe_cell, to_csv, to_xlsx
from marsad.web._highlight import highlight
from marsad.web._users import (
    ROLES,
    AuthError,
    User,
    add_user,
    authenticate,
    create_token,
    get_user,
    list_users,
    user_for_token,
)

__all__ = [
    "ROLES",
    "AuditEntry",
    "AuthError",
    "User",
    "add_user",
    "audit_entries",
    "authenticate",
    "create_app",
    "create_token",
    "get_user",
    "highlight",
    "list_users",
    "safe_cell",
    "to_csv",
    "to_xlsx",
    "user_for_token",
]
