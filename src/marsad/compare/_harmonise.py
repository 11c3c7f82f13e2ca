"""Harmonisation: pair each national indicator with the reference figures of its construct.

A pair is *comparable* only when the measure, the reference period, the base population,
the sex and the age band agree, after exact re-banding of national age bands where the
national table allows it. Otherwise the pair is kept and marked NOT COMPARABLE with every
reason found: it is never hidden and never forced. Rules: shared/reference/
reference-figures.md A7 (never mix lifetime, since-15 and past-12-month figures), A8 (age
bands; bands straddling 18), D1 (denominators), D5 (never mix report counts with prevalence).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from scipy.special import gammaincinv

from marsad.compare._model import ReferenceFigure, ReferenceSet, parse_age_band
from marsad.compare._national import NationalValue
from marsad.compare._vocab import COMPARABLE_MEASURES, load_vocabulary
from marsad.taxonomy import AgeBand

__all__ = ["Pair", "Reason", "harmonise"]

_Z = 1.959963984540054
_PROPORTIONS = frozenset({"prevalence", "share", "perception"})
_COUNTS = frozenset({"count"})
_PREVALENCE_LIKE = frozenset({"prevalence", "perception", "rate_per_100k"})


@dataclass(frozen=True)
class Reason:
    """Why a pair is not comparable, or a note on how it was made comparable.

    ``code`` is stable and is the translation key ``compare.reason.<code>`` /
    ``compare.note.<code>``; ``values`` fills the message's placeholders.
    """

    code: str
    message: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Pair:
    """A national figure beside one reference figure of the same construct."""

    indicator: str
    reference: ReferenceFigure
    national: NationalValue | None
    comparable: bool
    reasons: tuple[Reason, ...] = ()
    notes: tuple[Reason, ...] = ()


def _r(code: str, message: str, **values: Any) -> Reason:
    return Reason(code, message, {k: str(v) for k, v in values.items()})


def _label(field_: str, term: str) -> str:
    return load_vocabulary().label(field_, term, "en")


def _indicator_reasons(nat: NationalValue, ref: ReferenceFigure) -> list[Reason]:
    """Reasons that hold for the whole indicator: measure, period, base, population of counts."""
    out: list[Reason] = []
    vocab = load_vocabulary()
    nm, rm = nat.measure, ref.measure
    if (nm in _COUNTS and rm in _PREVALENCE_LIKE) or (rm in _COUNTS and nm in _PREVALENCE_LIKE):
        out.append(
            _r(
                "counts_vs_prevalence",
                f"report counts are never compared with prevalence or rates ({nm} vs {rm})",
                national=nm,
                reference=rm,
            )
        )
    elif nm != rm:
        out.append(
            _r(
                "different_measure",
                f"different measures: national {nm}, reference {rm}",
                national=nm,
                reference=rm,
            )
        )
    elif rm not in COMPARABLE_MEASURES:
        out.append(
            _r("measure_not_comparable", f"'{rm}' figures are shown but not compared", measure=rm)
        )
    if ref.period in ("ever_unspecified", "not_applicable"):
        out.append(
            _r(
                "period_not_stated",
                f"the source does not state a reference period the national one can match ({ref.original_period or ref.period})",
                original=ref.original_period or ref.period,
            )
        )
    elif ref.period in ("part_year", "multi_year") or nat.period in ("part_year", "multi_year"):
        out.append(
            _r(
                "period_not_comparable",
                f"a period covering part of a year or several years is not compared (national {nat.period}, reference {ref.period})",
                national=nat.period,
                reference=ref.period,
            )
        )
    elif nat.period != ref.period:
        out.append(
            _r(
                "different_period",
                f"different reference periods: national '{_label('period', nat.period)}', reference '{_label('period', ref.period)}'",
                national=nat.period,
                reference=ref.period,
            )
        )
    gn, gr = vocab.base_groups.get(nat.base, nat.base), vocab.base_groups.get(ref.base, ref.base)
    if gr in ("not_stated", "not_applicable"):
        out.append(
            _r(
                "base_not_stated",
                f"the source does not state its base population ({ref.base})",
                reference=ref.base,
            )
        )
    elif gn != gr:
        out.append(
            _r(
                "different_base",
                f"different base populations: national '{_label('base', nat.base)}', reference '{_label('base', ref.base)}'",
                national=nat.base,
                reference=ref.base,
            )
        )
    if nm in _COUNTS and rm in _COUNTS and (ref.iso3 or "") != nat.iso3:
        out.append(
            _r(
                "different_population_counts",
                f"counts from different populations are not compared (national {nat.area}, reference {ref.area}); compare rates",
                national=nat.area,
                reference=ref.area,
            )
        )
    return out


def _target_dims(subgroup: str | None) -> dict[str, str] | None:
    """A reference subgroup as national dimensions; None if no national dimension matches."""
    if not subgroup:
        return {}
    out: dict[str, str] = {}
    for token in subgroup.split(";"):
        if token in ("urban", "rural"):
            out["urban_rural"] = token
        elif ":" in token and token.split(":", 1)[0] in ("region", "space", "platform"):
            k, v = token.split(":", 1)
            out[k] = v
        else:
            return None
    return out


def _band(label: str | None) -> AgeBand | None:
    try:
        rng = parse_age_band(label)
    except ValueError:
        return None
    return None if rng is None else AgeBand(rng[0], rng[1])


def _tile(labels: Iterable[str], target: AgeBand) -> tuple[list[str] | None, Reason | None]:
    """National band labels that tile ``target`` exactly, or the reason they cannot."""
    bands = {lab: _band(lab) for lab in labels}
    inside: list[tuple[AgeBand, str]] = []
    straddle: list[str] = []
    for lab, b in bands.items():
        if b is None:
            continue
        b_hi = math.inf if b.high is None else b.high
        t_hi = math.inf if target.high is None else target.high
        if b_hi < target.low or b.low > t_hi:
            continue  # disjoint
        if b.low >= target.low and b_hi <= t_hi:
            inside.append((b, lab))
        else:
            straddle.append(lab)
    if straddle:
        return None, _r(
            "age_straddles",
            f"national age band(s) {', '.join(sorted(straddle))} straddle the reference band {target.label}: no exact re-banding (single-year ages needed)",
            bands=", ".join(sorted(straddle)),
            target=target.label,
        )
    inside.sort(key=lambda x: x[0].low)
    expect: float = target.low
    for b, _ in inside:
        if b.low != expect:
            break
        expect = math.inf if b.high is None else b.high + 1
    t_end = math.inf if target.high is None else target.high + 1
    if not inside or expect != t_end:
        return None, _r(
            "age_not_covered",
            f"the national age bands do not cover the reference band {target.label} exactly",
            target=target.label,
        )
    return [lab for _, lab in inside], None


def _garwood(k: float) -> tuple[float, float]:
    """Exact Poisson interval for a count (Garwood 1936), 95 %."""
    lo = 0.0 if k <= 0 else float(gammaincinv(k, 0.025))  # = chi2.ppf(0.025, 2k) / 2
    hi = float(gammaincinv(k + 1, 0.975))  # = chi2.ppf(0.975, 2k + 2) / 2
    return lo, hi


def _aggregate(
    cells: list[NationalValue],
    template: NationalValue,
    sex: str,
    age: str | None,
    dims: dict[str, str],
) -> tuple[NationalValue | None, Reason | None]:
    """Combine national cells that partition the target population.

    Counts: sum with an exact Poisson (Garwood) interval. Rates per 100,000: summed
    numerators over summed denominators, Garwood interval on the numerator. Proportions:
    denominator-weighted mean; the variance is the weighted sum of the cell variances
    recovered from their 95 % intervals (Wald), assuming independent cells (an approximation
    that ignores covariance through shared PSUs; documented in docs/compare.md).
    """
    names = tuple(c.population for c in cells)
    m = template.measure
    if m in _COUNTS:
        total = sum(c.value or 0.0 for c in cells)
        lo, hi = _garwood(total)
        value, method = total, "sum of cells; exact Poisson (Garwood) interval"
        num, den = total, None
    elif m == "rate_per_100k":
        if any(c.numerator is None or not c.denominator for c in cells):
            return None, _r(
                "needs_denominators",
                "re-banding a rate needs the numerators and denominators of the national cells",
            )
        num = sum(c.numerator or 0.0 for c in cells)
        den = sum(c.denominator or 0.0 for c in cells)
        k_lo, k_hi = _garwood(num)
        value, lo, hi = num / den * 1e5, k_lo / den * 1e5, k_hi / den * 1e5
        method = "summed numerators / summed population; exact Poisson (Garwood) interval"
    else:
        if any(not c.denominator or c.lower is None or c.upper is None for c in cells):
            return None, _r(
                "needs_denominators",
                "re-banding a proportion needs each national cell's denominator and interval",
            )
        den = sum(c.denominator or 0.0 for c in cells)
        weights = [(c.denominator or 0.0) / den for c in cells]
        value = sum(w * (c.value or 0.0) for w, c in zip(weights, cells, strict=True))
        var = sum(
            (w * ((c.upper or 0.0) - (c.lower or 0.0)) / (2 * _Z)) ** 2
            for w, c in zip(weights, cells, strict=True)
        )
        half = _Z * math.sqrt(var)
        lo, hi = (
            max(0.0, value - half),
            min(100.0 if template.unit == "%" else math.inf, value + half),
        )
        num = None
        method = "denominator-weighted mean of cells; Wald interval from combined cell variances (independent cells assumed)"
    return (
        replace(
            template,
            sex=sex,
            age_band=age,
            dims=dict(dims),
            value=value,
            lower=lo,
            upper=hi,
            numerator=num,
            denominator=den,
            suppressed=False,
            method=method,
            parts=names,
        ),
        None,
    )


def _resolve(
    cells: list[NationalValue], ref: ReferenceFigure
) -> tuple[NationalValue | None, list[Reason], list[Reason]]:
    """The national figure for the reference's population (sex, age band, subgroup)."""
    notes: list[Reason] = []
    target_dims = _target_dims(ref.subgroup) or {}
    cells = [c for c in cells if all(c.dims.get(k) == v for k, v in target_dims.items())]
    sexes_seen = sorted({c.sex for c in cells})
    if ref.sex == "all":
        sex_values = (
            ["all"] if "all" in sexes_seen else [s for s in ("female", "male") if s in sexes_seen]
        )
        if sex_values != ["all"]:
            if sex_values != ["female", "male"]:
                return (
                    None,
                    [
                        _r(
                            "different_sex",
                            f"the national indicator has no figure for both sexes (available: {', '.join(sexes_seen)})",
                            sex="all",
                            available=", ".join(sexes_seen),
                        )
                    ],
                    notes,
                )
            notes.append(
                _r("aggregated", "national figure summed over female and male", dim="gender")
            )
    else:
        if ref.sex not in sexes_seen:
            return (
                None,
                [
                    _r(
                        "different_sex",
                        f"the national indicator has no figure for sex '{ref.sex}' (available: {', '.join(sexes_seen) or 'none'})",
                        sex=ref.sex,
                        available=", ".join(sexes_seen) or "-",
                    )
                ],
                notes,
            )
        sex_values = [ref.sex]
    cells = [c for c in cells if c.sex in sex_values]
    nuisance = sorted({k for c in cells for k in c.dims} - set(target_dims))
    dim_values: list[list[str | None]] = []
    for k in nuisance:
        if any(k not in c.dims for c in cells):
            dim_values.append([None])
        else:
            dim_values.append(list(sorted({c.dims[k] for c in cells})))
            notes.append(_r("aggregated", f"national figure summed over {k}", dim=k))
    # Age.
    target = _band(ref.age_band)
    labels = sorted({c.age_band for c in cells if c.age_band is not None})
    has_margin = any(c.age_band is None for c in cells)
    universe = cells[0].universe_age if cells else None
    if target is None:
        if ref.measure in _PROPORTIONS:
            return (
                None,
                [_r("age_not_stated", "the source does not state the age range of its population")],
                notes,
            )
        age_values: list[str | None] = [None] if has_margin else list(labels)
        target_label = None
    elif has_margin and universe and _band(universe) == target:
        age_values, target_label = [None], target.label
    elif target.label in labels or any(_band(lab) == target for lab in labels):
        age_values = [next(lab for lab in labels if _band(lab) == target)]
        target_label = target.label
    else:
        tiles, why = _tile(labels, target)
        if why is not None:
            return None, [why], notes
        assert tiles is not None
        age_values, target_label = list(tiles), target.label
        notes.append(
            _r(
                "rebanded",
                f"re-banded exactly from national bands {' + '.join(tiles)} to {target.label}",
                bands=" + ".join(tiles),
                target=target.label,
            )
        )
    if target is not None and target.straddles_majority and target.low >= 12:
        notes.append(
            _r(
                "straddles_majority",
                f"the reference band {target.label} mixes minors and adults",
                band=target.label,
            )
        )
    leaves: list[NationalValue] = []
    for sex, age, *rest in itertools.product(sex_values, age_values, *dim_values):
        wanted = {k: v for k, v in zip(nuisance, rest, strict=True) if v is not None}
        match = [
            c
            for c in cells
            if c.sex == sex
            and c.age_band == age
            and {k: v for k, v in c.dims.items() if k not in target_dims} == wanted
        ]
        cell_name = ", ".join(
            x for x in (sex, age or "all ages", *[f"{k}={v}" for k, v in wanted.items()]) if x
        )
        if not match:
            return (
                None,
                [_r("national_missing", f"no national cell for {cell_name}", cell=cell_name)],
                notes,
            )
        if match[0].suppressed:
            why = _r(
                "national_suppressed",
                f"the national cell {cell_name} is suppressed by disclosure control; it is never reconstructed",
                cell=cell_name,
            )
            return None, [why], notes
        if match[0].value is None:
            return (
                None,
                [_r("national_missing", f"no national estimate for {cell_name}", cell=cell_name)],
                notes,
            )
        leaves.append(match[0])
    if len(leaves) == 1:
        return leaves[0], [], notes
    agg, why = _aggregate(leaves, leaves[0], ref.sex, target_label, target_dims)
    if agg is not None and ref.measure in _PROPORTIONS and "taylor" in leaves[0].method:
        notes.append(
            _r(
                "weights_respondents",
                "survey cells combined with respondent counts as weights (an approximation of the design-weighted estimate)",
            )
        )
    return agg, ([why] if why else []), notes


def _pick_year(
    cells: Sequence[NationalValue], year: int | None, ref_year: int
) -> list[NationalValue]:
    """Cells of one national year: ``year`` if given, else the reference's year when the
    national data has it (same-year comparison), else the latest year."""
    years = sorted({c.year for c in cells if c.year is not None})
    if not years:
        return list(cells)
    pick = year if year in years else (ref_year if ref_year in years else years[-1])
    return [c for c in cells if c.year in (pick, None)]


def harmonise(
    national: Sequence[NationalValue],
    reference: ReferenceSet | Iterable[ReferenceFigure],
    *,
    indicator: str | None = None,
    year: int | None = None,
    include_superseded: bool = False,
) -> list[Pair]:
    """Pair national cells with the reference figures of the same construct.

    Parameters
    ----------
    national
        Cells from :func:`marsad.compare.national_table`.
    reference
        Figures from :func:`marsad.compare.load_reference`.
    indicator
        Only this national indicator.
    year
        National year to use (default: the reference figure's year when the national data has
        it, else the latest national year).
    include_superseded
        Also pair figures replaced by a later release (``superseded_by``).

    Returns
    -------
    list of Pair
        One pair per (national indicator, reference figure) whose subgroup exists in the
        national data; refused pairs carry their reasons.
    """
    refs = [
        r
        for r in reference
        if r.construct != "other" and (include_superseded or not r.superseded_by)
    ]
    groups: dict[tuple[str, str], list[NationalValue]] = {}
    for c in national:
        if indicator is None or c.indicator == indicator:
            groups.setdefault((c.indicator, c.construct), []).append(c)
    pairs: list[Pair] = []
    for (ind, construct), cells in groups.items():
        all_cells = cells
        for ref in refs:
            cells = _pick_year(all_cells, year, ref.year)
            head = cells[0]
            if ref.construct != construct:
                continue
            target_dims = _target_dims(ref.subgroup)
            if target_dims is None:
                continue
            if target_dims and not any(
                all(c.dims.get(k) == v for k, v in target_dims.items()) for c in cells
            ):
                continue
            reasons = _indicator_reasons(head, ref)
            nat, why, notes = _resolve(cells, ref)
            reasons.extend(why)
            if ref.period_inferred:
                notes.append(
                    _r(
                        "period_inferred",
                        f"the reference period is inferred, not stated by the source ({ref.original_period})",
                        original=ref.original_period,
                    )
                )
            if ref.value is None:
                notes.append(
                    _r(
                        "no_single_value",
                        f"the source gives no single number ({ref.shown_value})",
                        shown=ref.shown_value,
                    )
                )
            if nat is not None and nat.year and ref.year and nat.year != ref.year:
                notes.append(
                    _r(
                        "years_differ",
                        f"years differ: national {nat.year}, reference {ref.year}",
                        national=nat.year,
                        reference=ref.year,
                    )
                )
            pairs.append(
                Pair(
                    ind,
                    ref,
                    nat,
                    comparable=not reasons,
                    reasons=tuple(reasons),
                    notes=tuple(notes),
                )
            )
    return pairs
