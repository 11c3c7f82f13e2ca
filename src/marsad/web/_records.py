"""Read access to what the store holds about imports, quarantine and incidents.

These are the analyst's views (batches, quarantined rows, scrubbed narratives). Nothing here is
disclosure-controlled, so the web layer serves them to analysts and admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from marsad.errors import NotFoundError
from marsad.store import Store, tables

__all__ = [
    "INCIDENT_FILTERS",
    "BatchInfo",
    "Page",
    "batches",
    "incidents",
    "quarantine_rows",
    "set_quarantine_status",
    "store_overview",
]

INCIDENT_FILTERS = ("region", "space", "category", "age_band", "gender")
QUARANTINE_STATUSES = ("open", "fixed", "superseded", "dismissed")


@dataclass(frozen=True)
class Page:
    """One page of rows and the total number that match."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


@dataclass(frozen=True)
class BatchInfo:
    """One import batch with its provenance and row counts."""

    id: int
    source: str
    file_name: str
    sha256: str
    profile: str
    status: str
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    rows_duplicate: int
    started_at: datetime
    finished_at: datetime | None


def batches(store: Store, *, limit: int = 100, offset: int = 0) -> tuple[int, list[BatchInfo]]:
    """Import batches, newest first, with the source code they came from."""
    b, s = tables.import_batches, tables.sources
    with store.connect() as c:
        total = int(c.execute(select(func.count()).select_from(b)).scalar_one())
        rows = c.execute(
            select(b, s.c.code.label("source"))
            .join(s, s.c.id == b.c.source_id)
            .order_by(b.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
    return total, [
        BatchInfo(
            id=int(r.id),
            source=r.source,
            file_name=r.file_name,
            sha256=r.sha256,
            profile=r.profile,
            status=r.status,
            rows_read=int(r.rows_read or 0),
            rows_accepted=int(r.rows_accepted or 0),
            rows_quarantined=int(r.rows_quarantined or 0),
            rows_duplicate=int(r.rows_duplicate or 0),
            started_at=r.started_at,
            finished_at=r.finished_at,
        )
        for r in rows
    ]


def quarantine_rows(
    store: Store,
    *,
    status: str | None = "open",
    batch_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Quarantined rows (raw row with identifiers pseudonymised, and the errors found)."""
    q = tables.quarantine
    b = tables.import_batches
    where = []
    if status:
        where.append(q.c.status == status)
    if batch_id is not None:
        where.append(q.c.batch_id == batch_id)
    with store.connect() as c:
        total = int(c.execute(select(func.count()).select_from(q).where(*where)).scalar_one())
        rows = c.execute(
            select(q, b.c.file_name)
            .join(b, b.c.id == q.c.batch_id)
            .where(*where)
            .order_by(q.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
    items = [
        {
            "id": int(r.id),
            "batch_id": int(r.batch_id),
            "file_name": r.file_name,
            "row_number": int(r.row_number),
            "raw": r.raw,
            "errors": r.errors,
            "status": r.status,
        }
        for r in rows
    ]
    return Page(total=total, limit=limit, offset=offset, items=items)


def set_quarantine_status(store: Store, row_id: int, status: str) -> None:
    """Mark a quarantined row ``fixed`` or ``dismissed`` (or ``open`` again)."""
    if status not in QUARANTINE_STATUSES:
        raise ValueError(f"status must be one of {', '.join(QUARANTINE_STATUSES)}; got {status!r}")
    q = tables.quarantine
    with store.begin() as c:
        n = c.execute(update(q).where(q.c.id == row_id).values(status=status)).rowcount
    if not n:
        raise NotFoundError(f"No quarantined row with id {row_id}.", code="web.no_row", id=row_id)


def incidents(
    store: Store,
    *,
    filters: dict[str, str | None] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """Incidents with their scrubbed narratives (analyst view), newest first."""
    i = tables.incidents
    where: list[Any] = [i.c.duplicate_of.is_(None)]
    for name, value in (filters or {}).items():
        if value and name in INCIDENT_FILTERS:
            where.append(i.c[name] == value)
    if year_from is not None:
        where.append(i.c.incident_year >= year_from)
    if year_to is not None:
        where.append(i.c.incident_year <= year_to)
    cols = [
        i.c.id,
        i.c.incident_date,
        i.c.region,
        i.c.space,
        i.c.platform,
        i.c.category,
        i.c.age_band,
        i.c.gender,
        i.c.narrative,
        i.c.language,
        i.c.risk,
    ]
    with store.connect() as c:
        total = int(c.execute(select(func.count()).select_from(i).where(*where)).scalar_one())
        rows = c.execute(
            select(*cols).where(*where).order_by(i.c.id.desc()).limit(limit).offset(offset)
        ).all()
    items = [
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r._mapping.items()}
        for r in rows
    ]
    return Page(total=total, limit=limit, offset=offset, items=items)


def store_overview(store: Store) -> dict[str, int]:
    """Row counts of the main tables (for the data-quality annex and the home page)."""
    out: dict[str, int] = {}
    q = tables.quarantine
    with store.connect() as c:
        for name in ("sources", "import_batches", "incidents", "survey_responses", "population"):
            t = tables.metadata.tables[name]
            out[name] = int(c.execute(select(func.count()).select_from(t)).scalar_one())
        out["quarantine"] = int(c.execute(select(func.count()).select_from(q)).scalar_one())
        out["quarantine_open"] = int(
            c.execute(select(func.count()).select_from(q).where(q.c.status == "open")).scalar_one()
        )
        i = tables.incidents
        out["duplicates_linked"] = int(
            c.execute(
                select(func.count()).select_from(i).where(i.c.duplicate_of.is_not(None))
            ).scalar_one()
        )
    return out
