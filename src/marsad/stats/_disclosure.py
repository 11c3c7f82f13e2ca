"""Statistical disclosure control for tables of counts with margins.

A table is a dense numpy array whose last index on every axis is the margin ("all") of that
axis, so every line (one axis varying, the others fixed) satisfies
``sum(cells) == margin``. Protection runs in three steps:

1. **Primary suppression** (minimum-frequency rule): counts from 1 to ``k - 1``
   (``settings.min_cell``, default 5) are withheld; zeros are published. Callers may add
   further primary cells (e.g. a proportion whose complement is small).
2. **Secondary suppression**: a line with exactly one withheld cell would give it away by
   subtraction from its margin, so the smallest other cell of that line is withheld too
   (preferring positive interior cells over zeros and margins), until no line has exactly one
   (the hypercube heuristic of Giessing & Repsilber 2002; Hundepool et al. 2012, *Statistical
   Disclosure Control*, section 4.4).
3. **Audit**: a withheld cell is exactly recoverable from the published values iff every
   solution of the line equations has the same value for it, i.e. iff its coordinate is zero
   in every vector of the null space of the constraint matrix restricted to withheld cells.
   Such cells get one more complementary suppression in one of their lines and the steps repeat.

The result guarantees that no withheld cell can be recovered *exactly* by linear combination
of published cells and margins. It does not guarantee a minimum width of the interval an
intruder could derive using non-negativity (a protection-interval requirement); see
``docs/stats.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.linalg import null_space
from scipy.sparse.csgraph import connected_components

__all__ = [
    "COMPLEMENT",
    "PRIMARY",
    "SECONDARY",
    "SuppressionRecord",
    "add_margins",
    "controlled_round",
    "determined",
    "protect",
    "recoverable",
    "round_to_base",
]

NONE, PRIMARY, SECONDARY, COMPLEMENT = 0, 1, 2, 3
REASONS = {
    PRIMARY: "primary: count below the minimum frequency",
    SECONDARY: "secondary: protects another suppressed cell of the same row, column or margin",
    COMPLEMENT: "primary: the complement (denominator minus numerator) is below the minimum frequency",
}


@dataclass(frozen=True)
class SuppressionRecord:
    """One withheld cell: the indicator, its period, the cell's coordinates and why."""

    indicator: str
    period: str
    cell: tuple[tuple[str, str], ...]
    rule: str
    reason: str


def add_margins(values: ArrayLike, axes: Sequence[int] | None = None) -> NDArray[np.float64]:
    """Append the margin (sum) along each axis of ``axes`` (every axis by default)."""
    out = np.asarray(values, dtype=float)
    values = out
    for ax in range(values.ndim) if axes is None else axes:
        out = np.concatenate([out, out.sum(axis=ax, keepdims=True)], axis=ax)
    return out


def _cost(values: NDArray[np.float64], axes: Sequence[int]) -> NDArray[np.float64]:
    """Cost of using a cell as a complementary suppression: prefer small, positive, interior."""
    margin_coords = np.zeros(values.shape)
    for ax in axes:
        n = values.shape[ax]
        shape = [1] * values.ndim
        shape[ax] = n
        is_margin = (np.arange(n) == n - 1).reshape(shape)
        margin_coords = margin_coords + is_margin
    return values + (values == 0) * 1e9 + margin_coords * 1e12


def _lines_with_one(
    mask: NDArray[np.bool_], cost: NDArray[np.float64], codes: NDArray[np.int8], axes: Sequence[int]
) -> bool:
    changed = False
    for ax in axes:
        if mask.shape[ax] < 2:
            continue
        count = mask.sum(axis=ax)
        if not (count == 1).any():
            continue
        masked_cost = np.where(mask, np.inf, cost)
        pick = np.argmin(masked_cost, axis=ax)
        for line in np.argwhere(count == 1):
            idx = list(line)
            idx.insert(ax, int(pick[tuple(line)]))
            cell = tuple(idx)
            if np.isfinite(masked_cost[cell]):
                mask[cell] = True
                codes[cell] = SECONDARY
                changed = True
    return changed


def _constraints(shape: tuple[int, ...], axes: Sequence[int]) -> sparse.csr_matrix:
    """Rows: one line equation (interior cells minus margin) per line of the table."""
    n = int(np.prod(shape))
    flat = np.arange(n).reshape(shape)
    rows: list[NDArray[np.int64]] = []
    cols: list[NDArray[np.int64]] = []
    vals: list[NDArray[np.float64]] = []
    r0 = 0
    for ax in axes:
        if shape[ax] < 2:
            continue
        moved = np.moveaxis(flat, ax, -1).reshape(-1, shape[ax])
        m, length = moved.shape
        rows.append(np.repeat(np.arange(r0, r0 + m), length))
        cols.append(moved.ravel())
        v = np.ones((m, length))
        v[:, -1] = -1.0
        vals.append(v.ravel())
        r0 += m
    if not rows:
        return sparse.csr_matrix((0, n))
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r0, n)
    )


def recoverable(mask: NDArray[np.bool_], axes: Sequence[int] | None = None) -> NDArray[np.bool_]:
    """Which withheld cells the published cells and margins determine exactly.

    The line equations restricted to withheld cells split into independent groups (cells
    linked through shared lines); each group's null space is computed separately.
    """
    shape = mask.shape
    if mask.ndim == 0 or not mask.any():
        return np.zeros(shape, dtype=bool)
    a = _constraints(shape, range(mask.ndim) if axes is None else axes)
    return determined(a, mask.ravel()).reshape(shape)


def determined(a: sparse.spmatrix, mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Withheld cells (``mask``) that the equations ``a @ cells = 0`` fix given the others.

    ``a`` has one row per linear equation over all cells (columns). A withheld cell is exactly
    recoverable iff its coordinate is zero in every vector of the null space of ``a``
    restricted to the withheld columns; groups of withheld cells sharing no equation are solved
    separately.
    """
    flat_mask = np.asarray(mask, dtype=bool).ravel()
    out = np.zeros(flat_mask.shape, dtype=bool)
    idx = np.flatnonzero(flat_mask)
    if idx.size == 0:
        return out
    a = sparse.csr_matrix(a)[:, idx].tocsr()
    a = a[np.asarray(abs(a).sum(axis=1)).ravel() > 0]
    if a.shape[0] == 0:
        return out
    link = (abs(a).T @ abs(a)).tocsr()
    n_comp, labels = connected_components(link, directed=False)
    for c in range(n_comp):
        members = np.flatnonzero(labels == c)
        sub = a[:, members]
        sub = sub[np.asarray(abs(sub).sum(axis=1)).ravel() > 0].toarray()
        if sub.shape[0] == 0:
            continue
        ns = null_space(sub)
        fixed = np.abs(ns).max(axis=1) < 1e-9 if ns.size else np.ones(members.size, dtype=bool)
        out[idx[members[fixed]]] = True
    return out


def protect(
    values: NDArray[np.float64],
    k: int,
    extra_primary: NDArray[np.bool_] | None = None,
    axes: Sequence[int] | None = None,
    exempt: NDArray[np.bool_] | None = None,
    prefer: NDArray[np.bool_] | None = None,
) -> NDArray[np.int8]:
    """Codes per cell of a table with margins: 0 published, 1 primary, 2 secondary, 3 complement.

    ``values`` must already hold its margins (see :func:`add_margins`) on each of ``axes``
    (default: every axis); an axis not in ``axes`` has no published margin (e.g. the two
    groups of a rate ratio), so it gives no line equation. ``exempt`` cells are not subject to
    the minimum-frequency rule (they can still be withheld to protect others); ``prefer``
    cells are chosen first as complementary suppressions.
    """
    values = np.asarray(values, dtype=float)
    codes = np.zeros(values.shape, dtype=np.int8)
    small = (values > 0) & (values < k)
    if exempt is not None:
        small &= ~np.asarray(exempt, dtype=bool)
    codes[small] = PRIMARY
    if extra_primary is not None:
        codes[(codes == NONE) & extra_primary] = COMPLEMENT
    mask = codes != NONE
    if not mask.any() or values.ndim == 0:
        return codes
    axes = list(range(values.ndim)) if axes is None else list(axes)
    cost = _cost(values, axes)
    if prefer is not None:
        cost = np.where(np.asarray(prefer, dtype=bool), cost - 1e15, cost)
    for _ in range(values.size):
        while _lines_with_one(mask, cost, codes, axes):
            pass
        rec = recoverable(mask, axes)
        if not rec.any():
            break
        # protect the first recoverable cell with one more suppression in one of its lines
        cell = tuple(int(i) for i in np.argwhere(rec)[0])
        best: tuple[float, tuple[int, ...]] | None = None
        for ax in axes:
            for j in range(values.shape[ax]):
                other = list(cell)
                other[ax] = j
                o = tuple(other)
                if not mask[o] and (best is None or cost[o] < best[0]):
                    best = (float(cost[o]), o)
        if best is None:
            break
        mask[best[1]] = True
        codes[best[1]] = SECONDARY
    return codes


def round_to_base(values: NDArray[np.float64], base: int) -> NDArray[np.float64]:
    """Conventional rounding of each count to the nearest multiple of ``base`` (halves up)."""
    return np.floor(np.asarray(values, dtype=float) / base + 0.5) * base


def controlled_round(values: NDArray[np.float64], base: int) -> NDArray[np.float64]:
    """Round a table with margins to multiples of ``base`` keeping every line additive.

    Each interior cell is rounded down or up to an adjacent multiple of ``base`` (never moved
    further than ``base - 1``) and the margins are recomputed as sums of the rounded cells, so
    the published table adds up. For a one-way table the cell residues are rounded up for the
    largest residues until the rounded total is the nearest multiple of the true total (the
    classic controlled rounding of Cox & Ernst 1982, INFOR 20:423-432, in one dimension); for
    higher dimensions cells are rounded by the same residue rule, so the interior is rounded
    and the margins stay additive, but a margin may then move by more than ``base`` from its
    true value (documented in docs/stats.md).
    """
    values = np.asarray(values, dtype=float)
    interior = values[tuple(slice(0, n - 1) for n in values.shape)]
    low = np.floor(interior / base) * base
    residue = interior - low
    flat_res = residue.ravel()
    target = round_to_base(np.array(interior.sum()), base) - low.sum()
    ups = round(float(target) / base)
    order = np.argsort(-flat_res, kind="mergesort")
    up = np.zeros(flat_res.size, dtype=bool)
    positive = order[flat_res[order] > 0]
    up[positive[: max(0, min(ups, positive.size))]] = True
    rounded = low + up.reshape(residue.shape) * base
    return add_margins(rounded)
