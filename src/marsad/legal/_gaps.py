"""Gaps: where an international standard covers a category and national law does not, or
only in part (docs/legal.md, "Gap rules")."""

from __future__ import annotations

from dataclasses import dataclass

from marsad.legal._matrix import CoverageCell, CoverageMatrix, _merge

__all__ = ["GAP_WEIGHTS", "Gap", "find_gaps", "gap_weight"]

#: Weight of one gap cell by (national level, standard level); documented in docs/legal.md.
GAP_WEIGHTS: dict[tuple[str, str], float] = {
    ("none", "explicit"): 1.0,
    ("unknown", "explicit"): 1.0,
    ("none", "partial"): 0.75,
    ("unknown", "partial"): 0.75,
    ("partial", "explicit"): 0.5,
    ("partial", "partial"): 0.25,
}


def gap_weight(national: str, standard: str) -> float:
    """Weight of a cell pair; 0 when it is not a gap (standard none, or national explicit)."""
    return GAP_WEIGHTS.get((national, standard), 0.0)


@dataclass(frozen=True)
class Gap:
    """One category where one standard goes further than national law.

    Attributes
    ----------
    weight
        The largest :data:`GAP_WEIGHTS` value over the affected cells.
    kind
        ``missing`` when national law has no provision (none/unknown) in some affected
        cell, else ``partial``.
    cells
        Number of (space, group) cells where the gap holds.
    national_reasons
        Why national coverage is partial (reasons of the affected national cells).
    verified
        True only when every affected national and standard cell is verified.
    unverified
        The unverified elements behind the gap (articles, readings, negative findings).
    """

    category: str
    standard: str
    kind: str
    weight: float
    national_level: str
    standard_level: str
    spaces: tuple[str, ...]
    groups: tuple[str, ...]
    cells: int
    national_articles: tuple[str, ...]
    standard_articles: tuple[str, ...]
    national_reasons: tuple[str, ...]
    verified: bool
    unverified: tuple[str, ...]


def find_gaps(matrix: CoverageMatrix, *, standards: list[str] | None = None) -> list[Gap]:
    """All gaps of a coverage matrix, one per (category, standard), strongest first.

    A cell is a gap when the standard's level is ``explicit`` or ``partial`` and national
    law's is ``none``, ``unknown`` or ``partial``. Comparator frameworks are never used.
    """
    national = [f for f, r in matrix.frameworks.items() if r == "national"]
    stds = [
        f
        for f, r in matrix.frameworks.items()
        if r == "standard" and (standards is None or f in standards)
    ]
    out: list[Gap] = []
    for cat in matrix.categories:
        for std in stds:
            pairs: list[tuple[CoverageCell, CoverageCell, float]] = []
            for sp in matrix.spaces:
                for g in matrix.groups:
                    s = matrix.cell(std, cat, sp, g)
                    n = _national_cell(matrix, national, cat, sp, g)
                    w = gap_weight(n.level, s.level)
                    if w > 0:
                        pairs.append((n, s, w))
            if not pairs:
                continue
            weight = max(w for _, _, w in pairs)
            nat_levels = {n.level for n, _, _ in pairs}
            std_levels = {s.level for _, s, _ in pairs}
            out.append(
                Gap(
                    category=cat,
                    standard=std,
                    kind="missing" if nat_levels & {"none", "unknown"} else "partial",
                    weight=weight,
                    national_level=_weakest_level(nat_levels),
                    standard_level="explicit" if "explicit" in std_levels else "partial",
                    spaces=_merge(n.space for n, _, _ in pairs),
                    groups=_merge(n.group for n, _, _ in pairs),
                    cells=len(pairs),
                    national_articles=_merge(a for n, _, _ in pairs for a in n.articles),
                    standard_articles=_merge(a for _, s, _ in pairs for a in s.articles),
                    national_reasons=_merge(r for n, _, _ in pairs for r in n.reasons),
                    verified=all(n.verified and s.verified for n, s, _ in pairs),
                    unverified=_merge(
                        u for n, s, _ in pairs for u in (*n.unverified, *s.unverified)
                    ),
                )
            )
    out.sort(key=lambda g: (-g.weight, g.category, g.standard))
    return out


def _national_cell(
    matrix: CoverageMatrix, national: list[str], cat: str, space: str, group: str
) -> CoverageCell:
    cells = [matrix.cell(f, cat, space, group) for f in national]
    return min(
        cells,
        key=lambda c: (
            ("explicit", "partial", "unknown", "none").index(c.level)
            if c.level != "not_applicable"
            else -1
        ),
    )


def _weakest_level(levels: set[str]) -> str:
    for lvl in ("none", "unknown", "partial"):
        if lvl in levels:
            return lvl
    return "partial"
