"""Priorities: the gaps of each category, weighted by the measured burden and the severity.

Formula (docs/legal.md, "Priority score")::

    score = (severity / 5) × gap_weight × burden_factor
    burden_factor = 1 + I + G + M

with ``I`` the incidence index (the category's rate per 100,000 divided by the largest rate
among categories; incident counts when no category has a rate), ``G`` the annual growth
clipped to [0, 1], and ``M`` the share of minors among victims. Without a usable burden
(no data, or suppressed by disclosure control) ``burden_factor = 1``: the ranking then rests
on severity and the size of the legal gap alone, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from marsad.legal._gaps import Gap
from marsad.legal._matrix import _merge
from marsad.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from marsad.config import Settings
    from marsad.store import Store

__all__ = ["BurdenLike", "Priority", "load_burden", "prioritise"]


class BurdenLike(Protocol):
    """Structurally identical to ``marsad.stats.CategoryBurden`` (docs/development.md)."""

    category: str
    incidents: int
    rate_per_100k: float | None
    rate_lower: float | None
    rate_upper: float | None
    growth: float | None
    growth_lower: float | None
    growth_upper: float | None
    share_minors: float | None
    share_minors_lower: float | None
    share_minors_upper: float | None
    period: str
    suppressed: bool


@dataclass(frozen=True)
class Priority:
    """One ranked legal gap (a category), with every input of its score.

    ``burden_status`` is ``measured``, ``suppressed`` (disclosure control: values withheld)
    or ``unavailable`` (no burden for the category). Indicator values are None unless
    measured; ``incidents`` is also None when below the disclosure threshold.
    """

    rank: int
    category: str
    score: float
    severity: int
    gap_weight: float
    burden_factor: float
    incidence_index: float | None
    growth_term: float | None
    minors_term: float | None
    burden_status: str
    incidents: int | None
    rate_per_100k: float | None
    rate_lower: float | None
    rate_upper: float | None
    growth: float | None
    growth_lower: float | None
    growth_upper: float | None
    share_minors: float | None
    share_minors_lower: float | None
    share_minors_upper: float | None
    period: str
    national_level: str
    standards: tuple[str, ...]
    gaps: tuple[Gap, ...]
    verified: bool
    unverified: tuple[str, ...]


def _usable(b: BurdenLike | None, min_cell: int) -> str:
    if b is None:
        return "unavailable"
    if b.suppressed or b.incidents < min_cell:
        return "suppressed"
    return "measured"


def prioritise(
    gaps: list[Gap],
    burden: Mapping[str, BurdenLike] | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    min_cell: int = 5,
) -> list[Priority]:
    """Rank categories with gaps by ``(severity / 5) × gap_weight × burden_factor``.

    Parameters
    ----------
    gaps
        From :func:`find_gaps`.
    burden
        Category id → burden (``marsad.stats.category_burden`` or any object with the same
        fields); None or empty: no measured burden.
    min_cell
        Disclosure threshold: a burden with fewer incidents is treated as suppressed.

    Returns
    -------
    list[Priority]
        Highest score first (ties broken by severity then category id); ranks from 1.
    """
    tax = taxonomy or load_taxonomy()
    burden = burden or {}
    by_cat: dict[str, list[Gap]] = {}
    for g in gaps:
        by_cat.setdefault(g.category, []).append(g)
    usable = {c: b for c, b in burden.items() if _usable(b, min_cell) == "measured"}
    rates = [b.rate_per_100k for b in usable.values() if b.rate_per_100k is not None]
    use_rates = bool(rates)
    denom = max(rates) if use_rates else max((b.incidents for b in usable.values()), default=0)
    rows = []
    for cat, cat_gaps in by_cat.items():
        severity = tax.categories[cat].severity
        gw = max(g.weight for g in cat_gaps)
        b = burden.get(cat)
        status = _usable(b, min_cell)
        inc_i = growth_t = minors_t = None
        if status == "measured" and b is not None:
            value = b.rate_per_100k if use_rates else b.incidents
            inc_i = (value or 0.0) / denom if denom else 0.0
            growth_t = min(max(b.growth, 0.0), 1.0) if b.growth is not None else 0.0
            minors_t = b.share_minors if b.share_minors is not None else 0.0
            factor = 1.0 + inc_i + growth_t + minors_t
        else:
            factor = 1.0
        score = severity / 5 * gw * factor
        show = status == "measured" and b is not None
        rows.append(
            dict(
                category=cat,
                score=round(score, 4),
                severity=severity,
                gap_weight=gw,
                burden_factor=round(factor, 4),
                incidence_index=None if inc_i is None else round(inc_i, 4),
                growth_term=None if growth_t is None else round(growth_t, 4),
                minors_term=None if minors_t is None else round(minors_t, 4),
                burden_status=status,
                incidents=b.incidents if show and b else None,
                rate_per_100k=b.rate_per_100k if show and b else None,
                rate_lower=b.rate_lower if show and b else None,
                rate_upper=b.rate_upper if show and b else None,
                growth=b.growth if show and b else None,
                growth_lower=b.growth_lower if show and b else None,
                growth_upper=b.growth_upper if show and b else None,
                share_minors=b.share_minors if show and b else None,
                share_minors_lower=b.share_minors_lower if show and b else None,
                share_minors_upper=b.share_minors_upper if show and b else None,
                period=b.period if b is not None else "",
                national_level=_weakest([g.national_level for g in cat_gaps]),
                standards=tuple(g.standard for g in sorted(cat_gaps, key=lambda g: -g.weight)),
                gaps=tuple(sorted(cat_gaps, key=lambda g: -g.weight)),
                verified=all(g.verified for g in cat_gaps),
                unverified=_merge(u for g in cat_gaps for u in g.unverified),
            )
        )
    rows.sort(key=lambda r: (-float(r["score"]), -int(r["severity"]), str(r["category"])))  # type: ignore[arg-type,call-overload]
    return [Priority(rank=i, **r) for i, r in enumerate(rows, start=1)]  # type: ignore[arg-type]


def _weakest(levels: list[str]) -> str:
    for lvl in ("none", "unknown", "partial"):
        if lvl in levels:
            return lvl
    return "partial"


def load_burden(store: Store, settings: Settings) -> dict[str, BurdenLike] | None:
    """The measured burden from ``marsad.stats.category_burden``, or None when unavailable.

    None when the store holds no incidents, when the stats stage does not provide
    ``category_burden``, or when it raises a MarsadError (e.g. no population data); the
    legal analysis then runs on severity and gap size alone.
    """
    count = getattr(store, "count", None)
    if callable(count) and count("incidents") == 0:
        return None  # nothing measured: do not load the statistics stack
    try:
        from marsad.stats import category_burden
    except ImportError:
        return None
    from marsad.errors import MarsadError

    try:
        result = category_burden(store, settings)
    except MarsadError:
        return None
    return cast("dict[str, BurdenLike]", dict(result)) if result else None
