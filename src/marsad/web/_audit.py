"""Reading the audit log: who read, exported, imported or administered what, and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from marsad.store import Store, tables

__all__ = ["AuditEntry", "audit_entries"]


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log (``Store.audit`` writes them)."""

    at: datetime
    actor: str
    action: str
    resource: str
    detail: dict[str, Any] | None


def audit_entries(
    store: Store,
    *,
    since: datetime | None = None,
    actor: str | None = None,
    action: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> tuple[int, list[AuditEntry]]:
    """The total number of matching entries and one page of them, newest first."""
    t = tables.audit_log
    where = []
    if since is not None:
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        where.append(t.c.at >= since)
    if actor:
        where.append(t.c.actor == actor)
    if action:
        where.append(t.c.action == action)
    with store.connect() as c:
        total = int(c.execute(select(func.count()).select_from(t).where(*where)).scalar_one())
        rows = c.execute(
            select(t.c.at, t.c.actor, t.c.action, t.c.resource, t.c.detail)
            .where(*where)
            .order_by(t.c.at.desc(), t.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    out = []
    for r in rows:
        at = r.at if r.at.tzinfo is not None else r.at.replace(tzinfo=UTC)
        out.append(
            AuditEntry(at=at, actor=r.actor, action=r.action, resource=r.resource, detail=r.detail)
        )
    return total, out
