"""Disclosure control across linked tables of one compute run.

Two count indicators can publish the same counts: ``incidents_recorded`` (category × space per
year) and ``incidents_quarterly`` (category per quarter) both give, for each category and year,
the number of incidents (the year's cell over all spaces, and the sum of the year's quarters).
Each table is protected on its own by :func:`marsad.stats._disclosure.protect`, so a quarter
withheld in one table could be recovered as *year total minus the published quarters*.

:func:`protect_linked` finds such pairs (incident counts with the same filters, one per year and
one per quarter or month, the finer one broken down by a subset of the coarser one's
dimensions), writes every line equation of both tables for one year plus the link equations
(sum of the sub-periods = the year's cell), and runs the same audit as within one table: a
withheld cell is exactly recoverable iff its coordinate vanishes from every null-space vector
of the equations restricted to withheld cells; each recoverable cell gets one more suppression
(the cheapest published cell of one of its equations: small, positive, interior first) until
none is recoverable. Sub-periods without any incident (absent from the table) count as known
zeros. Victim counts are not additive over time (a victim of two quarters is one victim of the
year), so they give no link equation.
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


def linked_pairs(defs: dict[str, IndicatorDefinition]) -> list[tuple[str, str]]:
    """(coarse, fine) pairs of indicators that publish the same incident counts."""
    out = []
    for a in defs.values():
        for b in defs.values():
            if (
                a.kind == b.kind == "count"
                and a.count == b.count == "incidents"
                and a.period == "year"
                and b.period in ("quarter", "month")
                and a.filters == b.filters
                and a.category_field == b.category_field
                and set(b.disaggregations) <= set(a.disaggregations)
            ):
                out.append((a.id, b.id))
    return out


def _cost(value: float, margin: bool) -> float:
    return float(value + (value == 0) * 1e9 + margin * 1e12)


def protect_linked(
    coarse: tuple[IndicatorDefinition, pd.DataFrame, np.ndarray],
    fine: tuple[IndicatorDefinition, pd.DataFrame, np.ndarray],
) -> list[LinkedSuppression]:
    """Extra suppressions so that no withheld cell of either table is recoverable from both.

    Each argument is (definition, its rows, the raw counts of those rows). Rows are read for
    their ``period``, dimension columns and ``suppressed`` flags; they are not modified.
    """
    da, ra, na = coarse
    db, rb, nb = fine
    dims_a, dims_b = list(da.disaggregations), list(db.disaggregations)
    extra = [d for d in dims_a if d not in dims_b]
    out: list[LinkedSuppression] = []
    for year in sorted(set(ra["period"].astype(str))):
        ia = np.flatnonzero(ra["period"].astype(str).to_numpy() == year)
        ib = np.flatnonzero(rb["period"].astype(str).str.startswith(f"{year}-").to_numpy())
        if ia.size == 0 or ib.size == 0:
            continue
        cells: list[tuple[str, int]] = [("a", int(i)) for i in ia] + [("b", int(i)) for i in ib]
        index = {c: j for j, c in enumerate(cells)}
        eqs: list[dict[int, float]] = []
        eqs += _lines(ra, ia, dims_a, "a", index)
        for period in sorted(set(rb["period"].iloc[ib].astype(str))):
            ip = ib[rb["period"].iloc[ib].astype(str).to_numpy() == period]
            eqs += _lines(rb, ip, dims_b, "b", index)
        # link: for each coordinate of the fine table, its sub-periods sum to the year's cell
        key_a = {
            tuple(str(ra[d].iloc[i]) for d in dims_b): int(i)
            for i in ia
            if all(str(ra[d].iloc[i]) == ALL for d in extra)
        }
        sums: dict[tuple[str, ...], dict[int, float]] = {}
        for i in ib:
            key = tuple(str(rb[d].iloc[i]) for d in dims_b)
            sums.setdefault(key, {})[index[("b", int(i))]] = 1.0
        for key, eq in sums.items():
            if key in key_a:
                eq = dict(eq)
                eq[index[("a", key_a[key])]] = -1.0
                eqs.append(eq)
        mask = np.array(
            [bool((ra if t == "a" else rb)["suppressed"].iloc[i]) for t, i in cells], dtype=bool
        )
        if not mask.any():
            continue
        value = np.array([float((na if t == "a" else nb)[i]) for t, i in cells])
        margin = np.array(
            [
                any(
                    str((ra if t == "a" else rb)[d].iloc[i]) == ALL
                    for d in (dims_a if t == "a" else dims_b)
                )
                for t, i in cells
            ]
        )
        rows = [r for r, eq in enumerate(eqs) for _ in eq]
        cols = [c for eq in eqs for c in eq]
        vals = [v for eq in eqs for v in eq.values()]
        a = sparse.csr_matrix((vals, (rows, cols)), shape=(len(eqs), len(cells)))
        cost = np.array([_cost(v, m) for v, m in zip(value, margin, strict=True)])
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
        for c in added:
            tag, row = cells[c]
            out.append(LinkedSuppression(da.id if tag == "a" else db.id, row))
    return out


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
    rows: pd.DataFrame,
    idx: np.ndarray,
    dims: list[str],
    tag: str,
    index: dict[tuple[str, int], int],
) -> list[dict[int, float]]:
    """Line equations (interior cells minus margin) of one table layer."""
    eqs: list[dict[int, float]] = []
    coords = {int(i): tuple(str(rows[d].iloc[i]) for d in dims) for i in idx}
    for ax in range(len(dims)):
        lines: dict[tuple[str, ...], dict[int, float]] = {}
        for i, c in coords.items():
            key = c[:ax] + c[ax + 1 :]
            lines.setdefault(key, {})[index[(tag, i)]] = -1.0 if c[ax] == ALL else 1.0
        eqs += [eq for eq in lines.values() if len(eq) > 1]
    return eqs
