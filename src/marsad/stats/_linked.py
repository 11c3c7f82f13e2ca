"""Disclosure control across linked tables of one compute run.

Several count indicators can publish the same counts: ``incidents_recorded`` (category × space
per year), ``incidents_quarterly`` (category per quarter) and the totals of ``growth``
(category × space over the whole monthly series) all count the same incidents. Each table is
protected on its own by :func:`marsad.stats._disclosure.protect`, so a quarter withheld in one
table could be recovered as *year total minus the published quarters*, or a year's cell as
*growth total minus the other years*.

:func:`protect_linked` writes one system of equations over all linked tables of a run: every
line equation of every table layer, plus the link equations (the periods of one table that fall
in a period of another sum to its cell, for each coordinate of the summed table's breakdown,
the other dimensions of the total at ``all``). It then runs the steps of ``protect`` over the
whole system: the hypercube step (no equation with exactly one withheld cell) and the audit
(a withheld cell is exactly recoverable iff its coordinate vanishes from every null-space vector
of the equations restricted to withheld cells), adding the cheapest published cell (small,
positive, interior first) until no withheld cell is recoverable. A link equation is written
even when it holds only approximately (e.g. incidents with a year but no month are in the
yearly table, not in the growth totals): an extra equation can only add suppressions.
Victim counts are not additive over time (a victim of two quarters is one victim of the year),
so they give no link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from marsad.stats._definitions import IndicatorDefinition
from marsad.stats._disclosure import determined

__all__ = ["LINKED_REASON", "LinkedSuppression", "linked_pairs", "protect_linked"]

ALL = "all"
LINKED_REASON = (
    "secondary: protects a withheld cell of a linked table (the same counts are published by "
    "another indicator)"
)


@dataclass(frozen=True)
class LinkedSuppression:
    """A cell withheld to protect a cell of a linked table: indicator and row position."""

    indicator: str
    row: int


def _counts_incidents(d: IndicatorDefinition) -> bool:
    if d.kind == "growth":
        return True
    return d.kind == "count" and d.count == "incidents" and d.period in ("year", "quarter", "month")


def linked_pairs(defs: dict[str, IndicatorDefinition]) -> list[tuple[str, str]]:
    """(total, summed) pairs: periods of ``summed`` add up to a period of ``total``."""
    order = {"growth": 0, "year": 1, "quarter": 2, "month": 3}
    out = []
    for a in defs.values():
        for b in defs.values():
            if not (_counts_incidents(a) and _counts_incidents(b)) or a.id == b.id:
                continue
            pa = "growth" if a.kind == "growth" else a.period
            pb = "growth" if b.kind == "growth" else b.period
            if (
                order[pa] < order[pb]
                and a.filters == b.filters
                and a.category_field == "primary" == b.category_field
                and set(b.disaggregations) <= set(a.disaggregations)
            ):
                out.append((a.id, b.id))
    return out


def _within(total_period: str, period: str) -> bool:
    """Whether ``period`` (year, quarter or month) lies in ``total_period``."""
    if "/" in total_period:  # growth span "YYYY-MM/YYYY-MM"
        lo, hi = total_period.split("/")
        return int(lo[:4]) <= int(period[:4]) <= int(hi[:4])
    return period.startswith(total_period + "-")


def _cost(value: float, margin: bool) -> float:
    return float(value + (value == 0) * 1e9 + margin * 1e12)


Table = tuple[IndicatorDefinition, pd.DataFrame, np.ndarray]


def protect_linked(tables: list[Table], links: list[tuple[int, int]]) -> list[LinkedSuppression]:
    """Extra suppressions so that no withheld cell is recoverable from all linked tables.

    ``tables`` are (definition, its rows, the raw counts of those rows); ``links`` are
    (total, summed) positions in ``tables``. Rows are read for their ``period``, dimension
    columns and ``suppressed`` flags; they are not modified.
    """
    cells: list[tuple[int, int]] = []
    for t, (_, rows, _) in enumerate(tables):
        cells += [(t, i) for i in range(len(rows))]
    if not cells:
        return []
    index = {c: j for j, c in enumerate(cells)}
    periods = [rows["period"].astype(str).to_numpy() for _, rows, _ in tables]
    labels = [
        {d: rows[d].astype(object).astype(str).to_numpy() for d in defn.disaggregations}
        for defn, rows, _ in tables
    ]
    eqs: list[dict[int, float]] = []
    for t, (defn, _, _) in enumerate(tables):
        for period in sorted(set(periods[t])):
            idx = np.flatnonzero(periods[t] == period)
            eqs += _lines(labels[t], idx, list(defn.disaggregations), t, index)
    for ta, tb in links:
        dims_b = list(tables[tb][0].disaggregations)
        extra = [d for d in tables[ta][0].disaggregations if d not in dims_b]
        la, lb = labels[ta], labels[tb]
        for period in sorted(set(periods[ta])):
            ia = np.flatnonzero(periods[ta] == period)
            ib = [i for i in range(len(periods[tb])) if _within(period, periods[tb][i])]
            if not ib:
                continue
            total = {
                tuple(la[d][i] for d in dims_b): int(i)
                for i in ia
                if all(la[d][i] == ALL for d in extra)
            }
            sums: dict[tuple[str, ...], dict[int, float]] = {}
            for i in ib:
                sums.setdefault(tuple(lb[d][i] for d in dims_b), {})[index[(tb, i)]] = 1.0
            for key, eq in sums.items():
                if key in total:
                    eqs.append({**eq, index[(ta, total[key])]: -1.0})
    mask = np.concatenate([rows["suppressed"].to_numpy(dtype=bool) for _, rows, _ in tables])
    if not mask.any() or not eqs:
        return []
    value = np.concatenate([np.asarray(raw, dtype=float) for _, _, raw in tables])
    margin = np.concatenate(
        [
            np.any([labels[t][d] == ALL for d in defn.disaggregations], axis=0)
            if defn.disaggregations
            else np.zeros(len(rows), dtype=bool)
            for t, (defn, rows, _) in enumerate(tables)
        ]
    )
    cost = np.array([_cost(v, m) for v, m in zip(value, margin, strict=True)])
    rows_ = [r for r, eq in enumerate(eqs) for _ in eq]
    cols = [c for eq in eqs for c in eq]
    vals = [v for eq in eqs for v in eq.values()]
    a = sparse.csr_matrix((vals, (rows_, cols)), shape=(len(eqs), len(cells)))
    added: list[int] = []
    for _ in range(len(cells)):
        # hypercube step over every equation (lines and links): none with one withheld cell
        while _singles(eqs, mask, cost, added):
            pass
        rec = determined(a, mask)
        if not rec.any():
            break
        # audit step: one more suppression in an equation of a recoverable cell
        best: tuple[float, int] | None = None
        for target in np.flatnonzero(rec):
            for eq in eqs:
                if int(target) in eq:
                    for c in eq:
                        if not mask[c] and (best is None or cost[c] < best[0]):
                            best = (float(cost[c]), c)
            if best is not None:
                break
        if best is None:
            break
        mask[best[1]] = True
        added.append(best[1])
    return [LinkedSuppression(tables[cells[c][0]][0].id, cells[c][1]) for c in added]


def _singles(
    eqs: list[dict[int, float]], mask: np.ndarray, cost: np.ndarray, added: list[int]
) -> bool:
    """Withhold the cheapest other cell of every equation with exactly one withheld cell."""
    changed = False
    for eq in eqs:
        cells = list(eq)
        withheld = [c for c in cells if mask[c]]
        if len(withheld) != 1:
            continue
        free = [c for c in cells if not mask[c]]
        if not free:
            continue
        pick = min(free, key=lambda c: cost[c])
        mask[pick] = True
        added.append(pick)
        changed = True
    return changed


def _lines(
    labels: dict[str, np.ndarray],
    idx: np.ndarray,
    dims: list[str],
    tag: int,
    index: dict[tuple[int, int], int],
) -> list[dict[int, float]]:
    """Line equations (interior cells minus margin) of one table layer."""
    eqs: list[dict[int, float]] = []
    coords = {int(i): tuple(labels[d][i] for d in dims) for i in idx}
    for ax in range(len(dims)):
        lines: dict[tuple[str, ...], dict[int, float]] = {}
        for i, c in coords.items():
            key = c[:ax] + c[ax + 1 :]
            lines.setdefault(key, {})[index[(tag, i)]] = -1.0 if c[ax] == ALL else 1.0
        eqs += [eq for eq in lines.values() if len(eq) > 1]
    return eqs
