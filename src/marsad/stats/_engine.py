"""The indicator engine: definitions in, a tidy table with intervals and disclosure control out.

Each indicator is computed per reference period ("layer") as a dense table over its
disaggregation dimensions with every margin ("all"), so the disclosure rules see exactly what
is published. Counts come from SQL GROUP BY (see :mod:`marsad.stats._query`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.stats import _query as Q
from marsad.stats._definitions import IndicatorDefinition, get_definition, load_definitions
from marsad.stats._disclosure import (
    COMPLEMENT,
    PRIMARY,
    REASONS,
    SECONDARY,
    SuppressionRecord,
    add_margins,
    controlled_round,
    protect,
)
from marsad.stats._intervals import (
    adjust_pvalues,
    clopper_pearson,
    exact_rate_ratio,
    garwood,
    poisson_homogeneity,
    ratio_heterogeneity,
    wilson,
)
from marsad.stats._linked import LINKED_REASON, linked_pairs, protect_linked
from marsad.stats._survey import PsuDesign, design_effect, logit_interval, ratio_variance
from marsad.stats._trends import fit_growth_many
from marsad.store import Store
from marsad.taxonomy import AgeScheme, load_taxonomy

__all__ = ["ALL", "DIMENSIONS", "IndicatorResult", "compute_indicator", "compute_indicators"]

ALL = "all"
UNKNOWN = "unknown"
DIMENSIONS = (
    "category",
    "space",
    "age_band",
    "gender",
    "region",
    "urban_rural",
    "minor",
    "source_kind",
    "medium",
    "relationship",
)
COLUMNS = [
    "indicator",
    "period",
    *DIMENSIONS,
    "reference",
    "value",
    "lower",
    "upper",
    "numerator",
    "denominator",
    "unit",
    "suppressed",
    "suppression_rule",
    "flags",
    "se",
    "deff",
    "p_value",
    "p_adjusted",
    "heterogeneity_p",
    "method",
]
RULE_NAMES = {PRIMARY: "primary", SECONDARY: "secondary", COMPLEMENT: "complement"}
PER = {"per_100k": 1e5, "percent": 100.0, "count": 1.0, "ratio": 1.0, "percent_per_year": 100.0}
Z95 = 1.959963984540054


class _Shared(tuple[Any, ...]):
    """An immutable attrs value pandas need not deep-copy on every filter of the table."""

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> _Shared:
        return self


@dataclass
class IndicatorResult:
    """Rows of one indicator plus the suppression records and notes it produced."""

    rows: pd.DataFrame
    records: list[SuppressionRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: np.ndarray | None = field(default=None, repr=False)  # counts before withholding


# -- one pass over incidents per grain -----------------------------------------------------------
_PERIOD_COLUMNS = {"year": ("year",), "quarter": ("year", "month"), "month": ("year", "month")}


def _needs(defn: IndicatorDefinition, dims: list[str]) -> tuple[tuple[str, str], set[str]]:
    """The grain an indicator reads: (count, category field) and the columns it needs."""
    if defn.kind == "growth":
        cols = {"year", "month", *dims, *defn.filters}
        return ("incidents", "primary"), cols
    cols = set(_PERIOD_COLUMNS.get(defn.period, ()))
    cols |= set(dims) | set(defn.filters)
    if defn.compare_dimension:
        cols.add(defn.compare_dimension)
    if defn.kind == "proportion":
        cols |= set(defn.denominator_filters)
    if "age_band" in cols:
        cols.add("age_band_scheme")
    field_ = "any" if defn.category_field == "any" and "category" in cols else "primary"
    return (defn.count, field_), cols


def _survey_key(defn: IndicatorDefinition, dims: list[str]) -> tuple[Any, ...]:
    filters = tuple(sorted((k, tuple(v)) for k, v in defn.filters.items()))
    return (tuple(dims), defn.age_scheme, filters, defn.survey)


class _Cells:
    """Cell tables shared by the indicators of one run: each grain is read in one SQL pass.

    Indicators that count the same thing (incidents, or distinct victims) over the same
    category field share one GROUP BY at the union of their columns; every indicator's
    grouped counts are then marginals of that table (numpy), identical to its own GROUP BY.
    """

    def __init__(self, store: Store, plan: list[tuple[IndicatorDefinition, list[str]]]) -> None:
        self.store = store
        self.wanted: dict[tuple[str, str], set[str]] = {}
        self.outcomes: dict[tuple[Any, ...], list[str]] = {}
        self.surveys: dict[tuple[Any, ...], dict[str, pd.DataFrame]] = {}
        self.psus: dict[str | None, pd.DataFrame] = {}
        for defn, dims in plan:
            if defn.kind == "survey_prevalence":
                assert defn.outcome is not None
                outs = self.outcomes.setdefault(_survey_key(defn, dims), [])
                if defn.outcome not in outs:
                    outs.append(defn.outcome)
                continue
            key, cols = _needs(defn, dims)
            self.wanted.setdefault(key, set()).update(cols)
        self.tables: dict[tuple[tuple[str, str], frozenset[str]], Q.CellTable] = {}

    def table(self, key: tuple[str, str], cols: set[str]) -> Q.CellTable:
        wanted = self.wanted.get(key, set())
        grain = frozenset(wanted if cols <= wanted else cols)
        if (key, grain) not in self.tables:
            self.tables[(key, grain)] = Q.cell_table(
                self.store, Q.grain_columns(grain), key[1], victims=key[0] == "victims"
            )
        return self.tables[(key, grain)]

    def incident_counts(
        self,
        defn: IndicatorDefinition,
        dims: list[str],
        filters: dict[str, tuple[Any, ...]],
        numerator_filters: dict[str, tuple[Any, ...]] | None = None,
    ) -> pd.DataFrame:
        """What :func:`marsad.stats._query.incident_counts` returns, from the shared grain."""
        key, cols = _needs(defn, dims)
        tab = self.table(key, cols)
        by = list(_PERIOD_COLUMNS.get(defn.period, ()))
        if defn.period in ("quarter", "month"):
            month = tab.cells["month"]
            sub = (month + 2) // 3 if defn.period == "quarter" else month
            tab = Q.CellTable(
                tab.columns,
                tab.cells.assign(sub=sub),
                tab.n,
                tab.n_single,
                tab.victim,
                tab.victim_cell,
            )
            by = ["year", "sub"]
        for d in dims:
            by.append(d)
            if d == "age_band":
                by.append("age_band_scheme")
        where = tab.condition(filters)
        num = tab.condition(numerator_filters) if numerator_filters is not None else None
        return tab.counts(by, key[0], where, num)

    def survey_totals(self, defn: IndicatorDefinition, dims: list[str]) -> pd.DataFrame:
        """PSU totals of a survey indicator; outcomes sharing dims and filters share one scan."""
        assert defn.outcome is not None
        key = _survey_key(defn, dims)
        outs = self.outcomes.get(key, [])
        if defn.outcome not in outs:
            outs = [defn.outcome]
        if key not in self.surveys or defn.outcome not in self.surveys[key]:
            scheme = load_taxonomy().scheme(defn.age_scheme)
            self.surveys.setdefault(key, {}).update(
                Q.survey_psu_totals_many(self.store, outs, dims, scheme, defn.filters, defn.survey)
            )
        return self.surveys[key][defn.outcome]

    def survey_psus(self, survey: str | None) -> pd.DataFrame:
        if survey not in self.psus:
            self.psus[survey] = Q.survey_psus(self.store, survey)
        return self.psus[survey]

    def monthly_counts(
        self, defn: IndicatorDefinition, dims: list[str], filters: dict[str, tuple[Any, ...]]
    ) -> pd.DataFrame:
        """What :func:`marsad.stats._query.monthly_counts` returns, from the shared grain."""
        key, cols = _needs(defn, dims)
        tab = self.table(key, cols)
        where = tab.condition(filters)
        where &= tab.cells["year"].notna().to_numpy() & tab.cells["month"].notna().to_numpy()
        return tab.counts(["year", "month", *dims], "incidents", where)


# -- shaping ------------------------------------------------------------------------------------
def _levels(dim: str, observed: pd.Series, scheme: AgeScheme) -> list[str]:
    tax = load_taxonomy()
    base: list[str] = {
        "category": list(tax.categories),
        "space": list(tax.spaces),
        "region": list(tax.regions),
        "gender": list(tax.genders),
        "age_band": [b.label for b in scheme.bands],
        "minor": ["minor", "adult"],
        "urban_rural": ["urban", "rural"],
    }.get(dim, [])
    extra = sorted({str(v) for v in observed.unique()} - set(base))
    return base + extra


def _normalise(frame: pd.DataFrame, dims: list[str], scheme: AgeScheme) -> pd.DataFrame:
    """Dimension values as strings, nulls as 'unknown', age bands re-banded to ``scheme``."""
    out = frame.copy()
    tax = load_taxonomy()
    for d in dims:
        col = out[d]
        if d == "minor":
            out[d] = col.map({True: "minor", False: "adult"}).fillna(UNKNOWN)
            continue
        if d == "age_band" and "age_band_scheme" in out.columns:
            pairs = list(zip(col, out["age_band_scheme"], strict=True))
            memo = {pair: _reband(tax, pair[0], pair[1], scheme) for pair in set(pairs)}
            out[d] = [memo[pair] for pair in pairs]
            continue
        out[d] = col.astype(object).where(col.notna(), UNKNOWN).astype(str)
    return out


def _reband(tax: Any, label: Any, source: Any, scheme: AgeScheme) -> str:
    if label is None or (isinstance(label, float) and np.isnan(label)):
        return UNKNOWN
    src = source if isinstance(source, str) and source else "analysis"
    if src == scheme.id:
        return str(label)
    try:
        return tax.reband(str(label), src, scheme.id) or UNKNOWN
    except MarsadError:
        return UNKNOWN


def _periods(frame: pd.DataFrame, period: str) -> pd.Series:
    if period == "all":
        return pd.Series([ALL] * len(frame), index=frame.index, dtype=object)
    year = frame["year"]
    if period == "year":
        return year.map(lambda y: str(int(y)) if pd.notna(y) else None)
    sub = frame["sub"]
    fmt = "{}-Q{}" if period == "quarter" else "{}-{:02d}"
    return pd.Series(
        [
            fmt.format(int(y), int(s)) if pd.notna(y) and pd.notna(s) else None
            for y, s in zip(year, sub, strict=True)
        ],
        index=frame.index,
        dtype=object,
    )


def _dense(
    frame: pd.DataFrame, dims: list[str], levels: list[list[str]], measure: str
) -> np.ndarray:
    """A (real levels...) array of ``measure`` summed per cell, with margins appended."""
    shape = tuple(len(lv) for lv in levels)
    if not dims:
        return np.array(float(frame[measure].sum()))
    idx = np.zeros(len(frame), dtype=np.int64)
    for d, lv in zip(dims, levels, strict=True):
        codes = pd.Categorical(frame[d], categories=lv).codes.astype(np.int64)
        idx = idx * len(lv) + codes
    arr = np.bincount(
        idx, weights=frame[measure].astype(float).to_numpy(), minlength=int(np.prod(shape))
    )
    return add_margins(arr.reshape(shape))


def _cells(dims: list[str], levels: list[list[str]]) -> dict[str, Any]:
    """Labels of every cell of a table with margins, in the C order of :func:`_dense`.

    A dict of equal-length object arrays (one per dimension); ``_n`` holds the length.
    """
    if not dims:
        return {"_n": 1}
    full = [[*lv, ALL] for lv in levels]
    grids = np.meshgrid(*[np.arange(len(f)) for f in full], indexing="ij")
    out: dict[str, Any] = {
        d: np.asarray(f, dtype=object)[g.ravel()] for d, f, g in zip(dims, full, grids, strict=True)
    }
    out["_n"] = int(grids[0].size)
    return out


def _frame(part: dict[str, Any]) -> pd.DataFrame:
    """One DataFrame from a dict of arrays and scalars (built once, not column by column)."""
    n = part["_n"]
    data = {
        k: (v if isinstance(v, np.ndarray | list) else [v] * n)
        for k, v in part.items()
        if k != "_n"
    }
    return pd.DataFrame(data)


def _records(
    defn: IndicatorDefinition, period: str, cells: dict[str, Any], codes: np.ndarray
) -> list[SuppressionRecord]:
    flat = np.asarray(codes).ravel()
    where = np.flatnonzero(flat)
    if where.size == 0:
        return []
    names = [c for c in cells if c != "_n"]
    columns = [np.asarray(cells[c], dtype=object)[where] for c in names]
    return [
        SuppressionRecord(
            defn.id,
            str(period),
            tuple((n, str(col[j])) for n, col in zip(names, columns, strict=True)),
            RULE_NAMES[int(flat[i])],
            REASONS[int(flat[i])],
        )
        for j, i in enumerate(where)
    ]


def _flags(*parts: np.ndarray | list[str]) -> list[str]:
    out: list[str] = []
    for items in zip(*parts, strict=True):
        out.append(";".join(x for x in items if x))
    return out


def _low_precision(n: np.ndarray, cv: np.ndarray) -> list[str]:
    with np.errstate(invalid="ignore"):
        bad = (n < 30) | (cv > 0.3)
    return ["low_precision" if b else "" for b in bad]


# -- population -------------------------------------------------------------------------------
def _population(store: Store, scheme: AgeScheme) -> pd.DataFrame:
    pop = Q.population_frame(store, scheme.id)
    if pop.empty:
        return pop
    pop["year"] = pop["year"].astype(int)
    return pop


def _pop_year(years: list[int], wanted: int) -> int:
    return min(years, key=lambda y: (abs(y - wanted), y))


def _pop_cube(pop: pd.DataFrame, year: int, dims: list[str], levels: list[list[str]]) -> np.ndarray:
    """Population of ``year`` shaped like the numerator table (broadcast over non-population dims)."""
    sub = pop[pop["year"] == year]
    pdims = [d for d in dims if d in ("age_band", "gender", "region")]
    plevels = [levels[dims.index(d)] for d in pdims]
    cube = _dense(sub, pdims, plevels, "pop")
    shape = []
    for d, lv in zip(dims, levels, strict=True):
        shape.append(len(lv) + 1 if d in pdims else 1)
    cube = np.asarray(cube).reshape(shape)
    return np.broadcast_to(cube, tuple(len(lv) + 1 for lv in levels)).copy()


# -- kinds ------------------------------------------------------------------------------------
def _incident_kind(
    store: Store,
    settings: Settings,
    defn: IndicatorDefinition,
    dims: list[str],
    publish: bool,
    rounding: int | None,
    source: _Cells,
) -> IndicatorResult:
    scheme = load_taxonomy().scheme(defn.age_scheme)
    proportion = defn.kind == "proportion"
    frame = source.incident_counts(
        defn,
        dims,
        defn.denominator_filters if proportion else defn.filters,
        numerator_filters=defn.filters if proportion else None,
    )
    notes: list[str] = []
    frame = _normalise(frame, dims, scheme)
    frame["period"] = _periods(frame, defn.period)
    undated = frame["period"].isna()
    if undated.any():
        notes.append(
            f"{int(frame.loc[undated, 'num'].sum())} left out: no date for period {defn.period}"
        )
        frame = frame[~undated]
    levels = [_levels(d, frame[d], scheme) for d in dims]
    cells = _cells(dims, levels)
    pop = _population(store, scheme) if defn.kind == "rate" else None
    if pop is not None and pop.empty:
        return IndicatorResult(
            _empty(),
            [],
            [
                f"{defn.id}: no population for age scheme {scheme.id}; load it with `marsad ingest --profile population`"
            ],
        )
    k = settings.min_cell
    parts: list[pd.DataFrame] = []
    records: list[SuppressionRecord] = []
    raws: list[np.ndarray] = []
    for period in sorted(frame["period"].unique()):
        sub = frame[frame["period"] == period]
        num = _dense(sub, dims, levels, "num")
        den = _dense(sub, dims, levels, "den") if proportion else None
        extra = None
        if den is not None:
            comp = den - num
            extra = (comp > 0) & (comp < k)
        exempt = prefer = None
        if defn.kind == "rate" and dims:
            assert pop is not None
            py0 = _pop_year(sorted(pop["year"].unique().tolist()), int(str(period)[:4]))
            exempt, prefer = _outside_population(num, _pop_cube(pop, py0, dims, levels), levels, k)
        codes = protect(num, k, extra, exempt=exempt, prefer=prefer)
        records += _records(defn, period, cells, codes)
        flag_pop: list[str] = [""] * cells["_n"]
        if publish and rounding and defn.kind in ("count", "rate"):
            num = (
                controlled_round(num, rounding)
                if num.ndim
                else np.floor(num / rounding + 0.5) * rounding
            )
        n = num.ravel()
        if defn.kind == "count":
            value = n.copy()
            lo, hi = garwood(n)
            denom = np.full(n.shape, np.nan)
            method = "garwood-exact-poisson"
            prec = _low_precision(n, np.full(n.shape, 0.0))
        elif defn.kind == "rate":
            assert pop is not None
            years = sorted(pop["year"].unique().tolist())
            py = _pop_year(years, int(str(period)[:4]))
            denom = _pop_cube(pop, py, dims, levels).ravel()
            if py != int(str(period)[:4]):
                flag_pop = [f"population_year={py}"] * n.size
            if bool(pop.loc[pop["year"] == py, "synthetic"].max()):
                flag_pop = [f + (";" if f else "") + "synthetic_population" for f in flag_pop]
            scale = PER[defn.unit]
            with np.errstate(invalid="ignore", divide="ignore"):
                value = np.where(denom > 0, n / denom * scale, np.nan)
                glo, ghi = garwood(n)
                lo = np.where(denom > 0, glo / denom * scale, np.nan)
                hi = np.where(denom > 0, ghi / denom * scale, np.nan)
            flag_pop = [
                (f + (";" if f else "") + "no_denominator") if not d > 0 else f
                for f, d in zip(flag_pop, denom, strict=True)
            ]
            method = "garwood-exact-poisson"
            prec = _low_precision(n, np.full(n.shape, 0.0))
        else:
            assert den is not None
            denom = den.ravel()
            scale = PER[defn.unit]
            ci = clopper_pearson if defn.interval == "clopper_pearson" else wilson
            with np.errstate(invalid="ignore", divide="ignore"):
                p = np.where(denom > 0, n / denom, np.nan)
                lo, hi = ci(n, denom)
                cv = np.sqrt(p * (1 - p) / denom) / p
            value, lo, hi = p * scale, lo * scale, hi * scale
            method = defn.interval or "wilson"
            prec = _low_precision(denom, cv)
        part = dict(cells)
        part["period"] = period
        part["value"] = value
        part["lower"] = lo
        part["upper"] = hi
        part["numerator"] = n
        raws.append(np.asarray(n, dtype=float).ravel().copy())
        part["denominator"] = denom
        if exempt is not None:
            raw_n = raws[-1]
            shown = exempt.ravel() & (raw_n > 0) & (raw_n < k) & (codes.ravel() == 0)
            flag_pop = [
                f + (";" if f else "") + "unknown_exempt" if e else f
                for f, e in zip(flag_pop, shown, strict=True)
            ]
        part["flags"] = _flags(prec, flag_pop)
        part["method"] = method
        _apply_codes(part, codes.ravel(), publish, hide_denominator=proportion)
        parts.append(_frame(part))
    rows = pd.concat(parts, ignore_index=True) if parts else _empty()
    raw = np.concatenate(raws) if raws else None
    return IndicatorResult(rows, records, notes, raw)


def _outside_population(
    num: np.ndarray, pop: np.ndarray, levels: list[list[str]], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cells of a rate table that lie outside the population strata (population 0).

    Such a cell has no rate to publish. When its level is ``unknown`` (a missing value, which
    says nothing about the persons counted) and the margin it belongs to (the same cell over
    all levels of that dimension) is itself publishable (0 or at least ``k``), its count
    reveals nothing the margin does not: it is exempt from the minimum-frequency rule, so it no
    longer forces the withholding of real cells (e.g. male) by secondary suppression.
    Returns (exempt, prefer): ``prefer`` marks the positive interior cells without population
    (e.g. ``other`` or ``unknown`` gender) as the first choice for complementary suppression,
    since withholding them hides no rate (zeros stay a last resort, as everywhere).
    """
    no_pop = pop <= 0
    exempt = np.zeros(num.shape, dtype=bool)
    interior = np.ones(num.shape, dtype=bool)
    for ax, lv in enumerate(levels):
        shape = [1] * num.ndim
        shape[ax] = len(lv) + 1
        is_margin = (np.arange(len(lv) + 1) == len(lv)).reshape(shape)
        interior &= ~is_margin
        if UNKNOWN not in lv:
            continue
        unknown = (np.arange(len(lv) + 1) == lv.index(UNKNOWN)).reshape(shape)
        margin = np.take(num, [len(lv)], axis=ax)
        safe = (margin == 0) | (margin >= k)
        exempt |= unknown & safe
    return exempt & no_pop, no_pop & interior & (num > 0)


_HIDDEN = ("value", "lower", "upper", "numerator", "se", "deff", "p_value", "p_adjusted")


def _apply_codes(
    part: dict[str, Any], codes: np.ndarray, publish: bool, hide_denominator: bool = False
) -> None:
    """Mark withheld cells; with ``publish`` blank their values, intervals and counts."""
    suppressed = codes != 0
    part["suppressed"] = suppressed
    part["suppression_rule"] = np.array([RULE_NAMES.get(int(c), "") for c in codes], dtype=object)
    if publish and suppressed.any():
        cols = [*_HIDDEN, "denominator"] if hide_denominator else list(_HIDDEN)
        for c in cols:
            if c in part and isinstance(part[c], np.ndarray | list):
                part[c] = np.where(suppressed, np.nan, np.asarray(part[c], dtype=float))


def _apply_codes_frame(
    rows: pd.DataFrame, codes: np.ndarray, publish: bool, hide_denominator: bool = False
) -> None:
    suppressed = codes != 0
    rows["suppressed"] = suppressed
    rows["suppression_rule"] = [RULE_NAMES.get(int(c), "") for c in codes]
    if publish and suppressed.any():
        cols = [*_HIDDEN, "denominator"] if hide_denominator else list(_HIDDEN)
        for c in cols:
            if c in rows.columns:
                rows.loc[suppressed, c] = np.nan


def _rate_ratio(
    store: Store,
    settings: Settings,
    defn: IndicatorDefinition,
    dims: list[str],
    publish: bool,
    source: _Cells,
) -> IndicatorResult:
    scheme = load_taxonomy().scheme(defn.age_scheme)
    cmp_dim = defn.compare_dimension
    assert cmp_dim is not None
    all_dims = [*dims, cmp_dim]
    frame = source.incident_counts(defn, all_dims, defn.filters)
    frame = _normalise(frame, all_dims, scheme)
    frame["period"] = _periods(frame, defn.period)
    frame = frame[frame["period"].notna()]
    pop = _population(store, scheme)
    if pop.empty:
        return IndicatorResult(
            _empty(),
            [],
            [
                f"{defn.id}: no population for age scheme {scheme.id}; load it with `marsad ingest --profile population`"
            ],
        )
    levels = [_levels(d, frame[d], scheme) for d in all_dims]
    cmp_levels = levels[-1]
    ref = str(defn.compare_reference)
    if ref not in cmp_levels:
        raise MarsadError(
            f"Indicator {defn.id}: reference {ref!r} is not a level of {cmp_dim}; levels: {', '.join(cmp_levels)}.",
            code="stats.bad_reference",
        )
    groups = (
        [defn.compare_group]
        if defn.compare_group
        else [
            lv
            for lv in cmp_levels
            if lv not in (ref, UNKNOWN) and lv in [b.label for b in scheme.bands]
        ]
    )
    by_cells = _cells(dims, levels[:-1])
    years = sorted(pop["year"].unique().tolist())
    k = settings.min_cell
    parts: list[pd.DataFrame] = []
    records: list[SuppressionRecord] = []
    ref_i = cmp_levels.index(ref)
    for period in sorted(frame["period"].unique()):
        sub = frame[frame["period"] == period]
        num = _dense(sub, all_dims, levels, "num")
        # only the compared groups and the reference are published, with no margin over them
        shown = [cmp_levels.index(str(g)) for g in groups] + [ref_i]
        codes = np.zeros(num.shape, dtype=np.int8)
        codes[..., shown] = protect(num[..., shown], k, axes=range(len(dims)))
        py = _pop_year(years, int(str(period)[:4]))
        popc = _pop_cube(pop, py, all_dims, levels)
        width = len(cmp_levels) + 1
        n2 = np.asarray(num).reshape(-1, width)
        p2 = popc.reshape(-1, width)
        c2 = codes.reshape(-1, width)
        for g in groups:
            assert g is not None
            gi = cmp_levels.index(g)
            a, b = n2[:, gi], n2[:, ref_i]
            rr, lo, hi, pv = exact_rate_ratio(a, p2[:, gi], b, p2[:, ref_i])
            part = dict(by_cells)
            part[cmp_dim] = g
            part["reference"] = ref
            part["period"] = period
            part["value"], part["lower"], part["upper"] = rr, lo, hi
            part["numerator"], part["denominator"] = a, b
            part["p_value"] = pv
            with np.errstate(invalid="ignore", divide="ignore"):
                cv = np.sqrt(1 / a + 1 / b)
            part["flags"] = _flags(
                _low_precision(np.minimum(a, b), cv),
                [f"population_year={py}" if py != int(str(period)[:4]) else ""] * len(a),
            )
            part["method"] = "exact-conditional-binomial"
            rule = np.maximum(c2[:, gi], c2[:, ref_i])
            part["_rule"] = rule
            part["_cell"] = np.arange(by_cells["_n"])
            parts.append(_frame(part))
        # heterogeneity across the compared groups (age bands) or across interior cells (gender)
    rows = pd.concat(parts, ignore_index=True) if parts else _empty()
    if rows.empty:
        return IndicatorResult(_empty(), records, [])
    rows["heterogeneity_p"] = np.nan
    rows["p_adjusted"] = np.nan
    for period, idx in rows.groupby("period").groups.items():
        block = rows.loc[idx]
        ok = block["_rule"] == 0
        rows.loc[idx, "p_adjusted"] = adjust_pvalues(block["p_value"].where(ok), defn.adjust)
        if cmp_dim == "age_band":
            ppy = _pop_year(years, int(str(period)[:4]))
            pc = _pop_cube(pop, ppy, all_dims, levels).reshape(-1, len(cmp_levels) + 1)
            for row_no, cell in block.groupby("_cell"):
                # homogeneity of rates across all bands (reference included) of this cell
                counts = np.append(cell["numerator"].to_numpy(), cell["denominator"].iloc[0])
                band_idx = [cmp_levels.index(g) for g in cell["age_band"]]
                exps = np.append(pc[int(row_no), band_idx], pc[int(row_no), ref_i])
                _, _, hp = poisson_homogeneity(counts, exps)
                rows.loc[cell.index, "heterogeneity_p"] = hp
        else:
            interior = block
            for d in dims:
                interior = interior[interior[d] != ALL]
            _, _, hp = ratio_heterogeneity(interior["numerator"], interior["denominator"])
            rows.loc[idx, "heterogeneity_p"] = hp
    rows = rows.drop(columns=["_cell"])
    codes_all = rows.pop("_rule").to_numpy()
    # one record per withheld published row (a ratio is withheld when either count is)
    cell_cols = [*dims, cmp_dim, "reference"]
    for period, part_idx in rows.groupby("period").groups.items():
        block = rows.loc[part_idx, cell_cols]
        records += _records(
            defn, str(period), block.reset_index(drop=True), codes_all[np.asarray(part_idx)]
        )
    _apply_codes_frame(rows, codes_all, publish, hide_denominator=True)
    if publish:
        rows.loc[rows["suppressed"], "heterogeneity_p"] = np.nan
    return IndicatorResult(rows, records, [])


def _survey(
    store: Store,
    settings: Settings,
    defn: IndicatorDefinition,
    dims: list[str],
    publish: bool,
    source: _Cells,
) -> IndicatorResult:
    scheme = load_taxonomy().scheme(defn.age_scheme)
    assert defn.outcome is not None
    frame = source.survey_totals(defn, dims)
    if frame.empty:
        return IndicatorResult(_empty(), [], [f"{defn.id}: no survey responses"])
    psus = source.survey_psus(defn.survey)
    frame = _normalise(frame, dims, scheme)
    several = frame["survey"].nunique() > 1
    k = settings.min_cell
    parts: list[pd.DataFrame] = []
    records: list[SuppressionRecord] = []
    levels = [_levels(d, frame[d], scheme) for d in dims]
    cells = _cells(dims, levels)
    for (survey, year), sub in frame.groupby(["survey", "year"], dropna=False):
        period = (f"{survey} " if several else "") + (str(int(year)) if pd.notna(year) else UNKNOWN)
        design_rows = psus[
            (psus["survey"] == survey)
            & ((psus["year"] == year) if pd.notna(year) else psus["year"].isna())
        ]
        keys = list(zip(design_rows["stratum"], design_rows["psu"], strict=True))
        psu_index = {kk: i for i, kk in enumerate(keys)}
        strata = {s: i for i, s in enumerate(dict.fromkeys(s for s, _ in keys))}
        design = PsuDesign(np.array([strata[s] for s, _ in keys], dtype=np.int64))
        sub = sub.copy()
        sub["_psu"] = [psu_index[(s, p)] for s, p in zip(sub["stratum"], sub["psu"], strict=True)]
        shape = [len(lv) for lv in levels] + [design.n_psu]
        idx = np.zeros(len(sub), dtype=np.int64)
        for d, lv in zip(dims, levels, strict=True):
            idx = idx * len(lv) + pd.Categorical(sub[d], categories=lv).codes.astype(np.int64)
        idx = idx * design.n_psu + sub["_psu"].to_numpy()
        size = int(np.prod(shape))

        def cube(
            col: str,
            idx: np.ndarray = idx,
            sub: pd.DataFrame = sub,
            shape: list[int] = shape,
            size: int = size,
        ) -> np.ndarray:
            arr = np.bincount(
                idx, weights=sub[col].astype(float).to_numpy(), minlength=size
            ).reshape(shape)
            return add_margins(arr, axes=range(len(dims)))

        w, wy = cube("w"), cube("wy")
        n = cube("n").sum(axis=-1)
        cases = cube("cases").sum(axis=-1)
        p, var = ratio_variance(wy.reshape(-1, design.n_psu), w.reshape(-1, design.n_psu), design)
        se = np.sqrt(var)
        nn, cc = n.ravel(), cases.ravel()
        lo, hi = logit_interval(p, se, design.df)
        # degenerate p = 0 or 1: fall back to the exact binomial side on the respondents
        cp_lo, cp_hi = clopper_pearson(cc, nn)
        lo = np.where(np.isnan(lo), cp_lo, lo)
        hi = np.where(np.isnan(hi), cp_hi, hi)
        comp = n - cases
        codes = protect(cases, k, (comp > 0) & (comp < k))
        records += _records(defn, period, cells, codes)
        part = dict(cells)
        part["period"] = period
        part["value"], part["lower"], part["upper"] = p * 100, lo * 100, hi * 100
        part["se"] = se * 100
        part["deff"] = design_effect(p, var, nn)
        part["numerator"], part["denominator"] = cc, nn
        with np.errstate(invalid="ignore", divide="ignore"):
            cv = se / p
        part["flags"] = _flags(_low_precision(nn, cv))
        part["method"] = "taylor-linearisation-logit"
        _apply_codes(part, codes.ravel(), publish, hide_denominator=True)
        parts.append(_frame(part))
    rows = pd.concat(parts, ignore_index=True) if parts else _empty()
    return IndicatorResult(rows, records, [])


def _growth(
    store: Store,
    settings: Settings,
    defn: IndicatorDefinition,
    dims: list[str],
    publish: bool,
    source: _Cells,
) -> IndicatorResult:
    scheme = load_taxonomy().scheme(defn.age_scheme)
    frame = source.monthly_counts(defn, dims, defn.filters)
    if frame.empty:
        return IndicatorResult(_empty(), [], [f"{defn.id}: no dated incidents"])
    frame = _normalise(frame, dims, scheme)
    frame["t"] = frame["year"].astype(int) * 12 + frame["month"].astype(int) - 1
    t0, t1 = int(frame["t"].min()), int(frame["t"].max())
    levels = [_levels(d, frame[d], scheme) for d in dims]
    cells = _cells(dims, levels)
    n_t = t1 - t0 + 1
    shape = [len(lv) for lv in levels] + [n_t]
    idx = np.zeros(len(frame), dtype=np.int64)
    for d, lv in zip(dims, levels, strict=True):
        idx = idx * len(lv) + pd.Categorical(frame[d], categories=lv).codes.astype(np.int64)
    idx = idx * n_t + (frame["t"].to_numpy() - t0)
    arr = np.bincount(
        idx, weights=frame["num"].astype(float).to_numpy(), minlength=int(np.prod(shape))
    )
    series = add_margins(arr.reshape(shape), axes=range(len(dims))).reshape(-1, n_t)
    totals = series.sum(axis=1)
    codes = protect(
        totals.reshape([len(lv) + 1 for lv in levels]) if dims else np.array(totals[0]),
        settings.min_cell,
    )
    first_month = t0 % 12 + 1
    period = f"{t0 // 12}-{first_month:02d}/{t1 // 12}-{t1 % 12 + 1:02d}"
    est = fit_growth_many(series, first_month)
    part = dict(cells)
    part["period"] = period
    part["value"] = np.array([e.growth * 100 if e else np.nan for e in est])
    part["lower"] = np.array([e.lower * 100 if e else np.nan for e in est])
    part["upper"] = np.array([e.upper * 100 if e else np.nan for e in est])
    part["numerator"] = totals
    part["denominator"] = np.nan
    part["method"] = np.array([f"glm-{e.model}-seasonal" if e else "" for e in est], dtype=object)
    part["flags"] = [
        ("insufficient_data" if e is None else ("low_precision" if e.total < 30 else ""))
        for e in est
    ]
    _apply_codes(part, np.asarray(codes).ravel(), publish)
    return IndicatorResult(
        _frame(part),
        _records(defn, period, cells, np.asarray(codes)),
        [],
        np.asarray(totals, dtype=float).copy(),
    )


def _protect_links(
    results: dict[str, IndicatorResult], defs: dict[str, IndicatorDefinition], publish: bool
) -> None:
    """Suppress consistently across indicators that publish the same counts (see _linked)."""
    pairs = [
        (a, b)
        for a, b in linked_pairs(defs)
        if results[a].raw is not None and results[b].raw is not None
    ]
    ids = sorted({i for pair in pairs for i in pair})
    if not ids:
        return
    pos = {ident: n for n, ident in enumerate(ids)}
    tables = [(defs[i], results[i].rows, results[i].raw) for i in ids]
    extra = protect_linked(tables, [(pos[a], pos[b]) for a, b in pairs])  # type: ignore[arg-type]
    for cell in extra:
        res = results[cell.indicator]
        defn = defs[cell.indicator]
        rows = res.rows
        at = rows.index[cell.row]
        rows.loc[at, "suppressed"] = True
        rows.loc[at, "suppression_rule"] = "secondary"
        if publish:
            rows.loc[at, [c for c in _HIDDEN if c in rows.columns]] = np.nan
        res.records.append(
            SuppressionRecord(
                defn.id,
                str(rows.loc[at, "period"]),
                tuple((d, str(rows.loc[at, d])) for d in defn.disaggregations),
                "secondary",
                LINKED_REASON,
            )
        )


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


# -- public API -------------------------------------------------------------------------------
def compute_indicator(
    store: Store,
    settings: Settings,
    definition: IndicatorDefinition | str,
    by: list[str] | tuple[str, ...] | None = None,
    publish: bool = True,
    rounding_base: int | None = None,
    definitions: dict[str, IndicatorDefinition] | None = None,
) -> IndicatorResult:
    """One indicator as tidy rows, disaggregated ``by`` (default: all its disaggregations)."""
    defn = get_definition(definition, definitions) if isinstance(definition, str) else definition
    return _compute(store, settings, defn, by, publish, rounding_base, None)


def _compute(
    store: Store,
    settings: Settings,
    defn: IndicatorDefinition,
    by: list[str] | tuple[str, ...] | None,
    publish: bool,
    rounding_base: int | None,
    source: _Cells | None,
) -> IndicatorResult:
    dims = list(defn.disaggregations if by is None else by)
    for d in dims:
        if d not in defn.disaggregations:
            raise MarsadError(
                f"Indicator {defn.id} cannot be broken down by {d!r}; it allows: "
                f"{', '.join(defn.disaggregations) or 'nothing'}.",
                code="stats.bad_disaggregation",
                indicator=defn.id,
                value=d,
            )
    if source is None:
        source = _Cells(store, [(defn, dims)])
    if defn.kind in ("count", "rate", "proportion"):
        res = _incident_kind(store, settings, defn, dims, publish, rounding_base, source)
    elif defn.kind == "survey_prevalence":
        res = _survey(store, settings, defn, dims, publish, source)
    elif defn.kind == "rate_ratio":
        res = _rate_ratio(store, settings, defn, dims, publish, source)
    else:
        res = _growth(store, settings, defn, dims, publish, source)
    rows = res.rows
    rows["indicator"] = defn.id
    rows["unit"] = defn.unit
    for c in COLUMNS:
        if c not in rows.columns:
            rows[c] = (
                None
                if c in DIMENSIONS or c in ("reference", "flags", "method", "suppression_rule")
                else np.nan
            )
    rows = rows[COLUMNS].copy()
    rows["suppressed"] = rows["suppressed"].astype(bool)
    res.rows = rows
    return res


def compute_indicators(
    store: Store,
    settings: Settings,
    definitions: dict[str, IndicatorDefinition] | str | None = None,
    publish: bool = True,
    rounding_base: int | None = None,
    only: list[str] | None = None,
) -> pd.DataFrame:
    """Every indicator as one tidy table (see ``docs/stats.md`` for the columns).

    ``definitions`` is a mapping from :func:`load_definitions`, a folder of user YAML files, or
    None for the shipped set. With ``publish=True`` (the default) every cell that fails
    disclosure control has its value, interval and counts withheld (NaN) and ``suppressed``
    True; with ``publish=False`` analysts see the raw values, still marked. The suppression
    records and notes are in ``table.attrs["suppression"]`` and ``table.attrs["notes"]``;
    ``table.attrs["published"]`` tells exports whether the table is safe to write.
    """
    defs = definitions if isinstance(definitions, dict) else load_definitions(definitions)
    frames: list[pd.DataFrame] = []
    records: list[SuppressionRecord] = []
    notes: list[str] = []
    chosen = [ident for ident in sorted(defs) if not only or ident in only]
    source = _Cells(store, [(defs[i], list(defs[i].disaggregations)) for i in chosen])
    results = {
        ident: _compute(store, settings, defs[ident], None, publish, rounding_base, source)
        for ident in chosen
    }
    _protect_links(results, {i: defs[i] for i in chosen}, publish)
    for res in results.values():
        if not res.rows.empty:
            frames.append(res.rows)
        records += res.records
        notes += res.notes
    table = pd.concat(frames, ignore_index=True) if frames else _empty()
    table.attrs["published"] = bool(publish)
    table.attrs["min_cell"] = settings.min_cell
    table.attrs["rounding_base"] = rounding_base
    table.attrs["suppression"] = _Shared(dataclasses.asdict(r) for r in records)
    table.attrs["notes"] = _Shared(notes)
    return table
