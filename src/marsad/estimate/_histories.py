"""Capture histories: which sources recorded each victim pseudonym, per stratum.

The unit is a victim pseudonym (``incidents.victim_key``), within a stratum. Gender and
minor/adult are victim attributes (the known value wins when a source leaves it blank); category
group, category, space and year are incident attributes, so a victim of two category groups is a
unit of each group's population. Everything is counted by one SQL group-by in the store, on
SQLite and PostgreSQL alike; no victim-level row leaves the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal, select

from marsad.config import Settings
from marsad.estimate._errors import EstimateError
from marsad.store import Store, tables

__all__ = [
    "BY_DIMENSIONS",
    "CATEGORY_GROUPS",
    "LIST_KINDS",
    "CaptureHistories",
    "OverlapCell",
    "StratumHistories",
    "capture_histories",
    "parse_by",
]

#: Source kinds whose records are lists of victims (surveys and population tables are not).
LIST_KINDS: tuple[str, ...] = ("police", "justice", "hotline", "ngo", "platform")

#: Category groups used for stratification (Marsad convention, the same groups as the synthetic
#: data's truth, documented in docs/estimate.md): strata must be large enough to hold overlaps,
#: so the 14 categories are pooled into four groups of similar conduct and reporting routes.
CATEGORY_GROUPS: Mapping[str, str] = {
    "cyberharassment": "harassment",
    "cyberstalking": "harassment",
    "threats": "harassment",
    "doxxing": "harassment",
    "gendered_hate": "harassment",
    "sexual_harassment": "sexual",
    "ncii": "sexual",
    "sexual_deepfakes": "sexual",
    "sextortion": "sexual",
    "virtual_sexual_assault": "sexual",
    "grooming": "child_sexual",
    "csam": "child_sexual",
    "impersonation": "identity_other",
    "other": "identity_other",
}

#: Dimensions accepted by ``by``: incident-level ones split a victim across strata.
BY_DIMENSIONS: tuple[str, ...] = ("category_group", "category", "space", "year", "gender", "minor")
_UNIT_DIMS = ("category_group", "category", "space", "year")


@dataclass(frozen=True)
class OverlapCell:
    """One published cell of the list-overlap table: a stratum, the lists that recorded the
    victims (``history``), and their number (None when suppressed by disclosure control)."""

    stratum: str
    history: tuple[str, ...]
    count: int | None
    suppressed: bool


@dataclass(frozen=True)
class StratumHistories:
    """Counts of victims by capture history in one stratum.

    ``key`` holds the stratum's value for each ``by`` dimension; ``counts`` maps a history
    (0/1 per list, in the order of :attr:`CaptureHistories.lists`) to its number of victims.
    """

    key: tuple[str, ...]
    counts: Mapping[tuple[int, ...], int] = field(hash=False)

    @property
    def recorded(self) -> int:
        return sum(self.counts.values())

    @property
    def overlapping(self) -> int:
        """Victims recorded by two sources or more."""
        return sum(c for h, c in self.counts.items() if sum(h) >= 2)

    def label(self, by: Sequence[str]) -> str:
        if not by:
            return "all"
        return " / ".join(self.key)


@dataclass(frozen=True)
class CaptureHistories:
    """Capture histories of all strata over the same ordered lists (source codes)."""

    lists: tuple[str, ...]
    by: tuple[str, ...]
    strata: tuple[StratumHistories, ...]

    def overlap_table(self, min_cell: int) -> tuple[OverlapCell, ...]:
        """The list-overlap counts after disclosure control.

        Primary suppression: every count from 1 to ``min_cell - 1``. Secondary suppression: in a
        stratum with exactly one suppressed cell, the next smallest non-zero cell is suppressed
        too, so it cannot be recovered from the stratum total. (Local rule: ``marsad.stats`` had
        no suppression helper when this stage was written.)
        """
        out: list[OverlapCell] = []
        for st in self.strata:
            items = sorted((h, c) for h, c in st.counts.items() if sum(h) > 0)
            small = {h for h, c in items if 0 < c < min_cell}
            if len(small) == 1:
                rest = sorted((c, h) for h, c in items if c > 0 and h not in small)
                if rest:
                    small.add(rest[0][1])
            for h, c in items:
                names = tuple(name for name, bit in zip(self.lists, h, strict=True) if bit)
                hidden = h in small
                out.append(OverlapCell(st.label(self.by), names, None if hidden else c, hidden))
        return tuple(out)


def parse_by(by: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"category_group,gender"`` -> ("category_group", "gender"), checking each name."""
    if by is None:
        return ()
    items = [b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b.strip()]
    for item in items:
        if item not in BY_DIMENSIONS:
            raise EstimateError(
                f"Unknown stratification dimension {item!r} in --by; use any of "
                f"{', '.join(BY_DIMENSIONS)} (comma-separated).",
                code="estimate.bad_by",
                value=item,
                allowed=", ".join(BY_DIMENSIONS),
            )
    if len(set(items)) != len(items):
        raise EstimateError(
            f"A dimension appears twice in --by: {', '.join(items)}.",
            code="estimate.bad_by",
            value=",".join(items),
            allowed=", ".join(BY_DIMENSIONS),
        )
    return tuple(items)


def _unit_expr(dim: str) -> Any:
    i = tables.incidents
    if dim == "category_group":
        return case(dict(CATEGORY_GROUPS), value=i.c.category, else_="unclassified")
    if dim == "category":
        return func.coalesce(i.c.category, "unclassified")
    if dim == "space":
        return func.coalesce(i.c.space, "unknown")
    if dim == "year":
        return func.coalesce(cast(i.c.incident_year, Integer), -1)
    raise AssertionError(dim)


def capture_histories(
    store: Store,
    settings: Settings | None = None,
    *,
    by: str | Sequence[str] | None = ("category_group", "gender", "minor"),
    year: int | None = None,
) -> CaptureHistories:
    """Count victims by capture history and stratum with one SQL group-by.

    Parameters
    ----------
    store
        An open store.
    settings
        Unused today (kept so every stage function has the same signature).
    by
        Stratification dimensions among :data:`BY_DIMENSIONS`; empty for one pooled stratum.
    year
        Only incidents of this ``incident_year``.
    """
    dims = parse_by(by)
    i, s = tables.incidents, tables.sources
    with store.connect() as conn:
        rows = conn.execute(
            select(s.c.id, s.c.code)
            .where(s.c.kind.in_(LIST_KINDS))
            .where(
                select(i.c.id)
                .where(and_(i.c.source_id == s.c.id, i.c.victim_key.is_not(None)))
                .exists()
            )
            .order_by(s.c.code)
        ).all()
        source_ids = [int(r[0]) for r in rows]
        lists = tuple(str(r[1]) for r in rows)
        if not lists:
            return CaptureHistories(lists=(), by=dims, strata=())
        where: list[Any] = [i.c.victim_key.is_not(None), i.c.source_id.in_(source_ids)]
        if year is not None:
            where.append(i.c.incident_year == year)
        minor_int = case((i.c.minor.is_(True), 1), (i.c.minor.is_(False), 0), else_=None)
        base = (
            select(
                i.c.victim_key,
                i.c.source_id,
                i.c.gender,
                minor_int.label("minor_int"),
                *[_unit_expr(d).label(d) for d in dims if d in _UNIT_DIMS],
            )
            .where(*where)
            .subquery("base")
        )
        unit_dims = [base.c[d] for d in dims if d in _UNIT_DIMS]
        victim_cols = []
        if "gender" in dims:
            victim_cols.append(func.coalesce(func.max(base.c.gender), "unknown").label("gender"))
        if "minor" in dims:
            victim_cols.append(func.max(base.c.minor_int).label("minor"))
        flags = [
            func.max(case((base.c.source_id == sid, 1), else_=0)).label(f"s{n}")
            for n, sid in enumerate(source_ids)
        ]
        units = (
            select(base.c.victim_key, *unit_dims, *victim_cols, *flags)
            .group_by(base.c.victim_key, *unit_dims)
            .subquery("units")
        )
        key_cols = [units.c[d] for d in dims]
        flag_cols = [units.c[f"s{n}"] for n in range(len(source_ids))]
        grouped = conn.execute(
            select(*key_cols, *flag_cols, func.count(literal(1)))
            .group_by(*key_cols, *flag_cols)
            .order_by(*key_cols, *flag_cols)
        ).all()
    strata: dict[tuple[str, ...], dict[tuple[int, ...], int]] = {}
    nd = len(dims)
    for row in grouped:
        key = tuple(_key_value(d, v) for d, v in zip(dims, row[:nd], strict=True))
        hist = tuple(int(b) for b in row[nd : nd + len(lists)])
        strata.setdefault(key, {})[hist] = int(row[-1])
    return CaptureHistories(
        lists=lists,
        by=dims,
        strata=tuple(StratumHistories(k, v) for k, v in sorted(strata.items())),
    )


def _key_value(dim: str, value: Any) -> str:
    if dim == "minor":
        if value is None:
            return "unknown"
        return {1: "minor", 0: "adult"}.get(int(value), "unknown")
    if dim == "year":
        return "unknown" if value is None or int(value) < 0 else str(int(value))
    return str(value)
