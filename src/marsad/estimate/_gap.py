"""The reporting gap: how many victims the survey implies, and what share reach any source.

For each age band x gender cell, the survey-weighted prevalence of cyberviolence in the past
12 months (design-based, Taylor linearisation: Binder 1983; Lumley 2010) times the population
of the cell gives the number of victims, with the prevalence interval carried over (the
population is treated as known). The victims recorded by any list source (police, justice,
hotline, NGO, platform) in the survey year, counted once per pseudonym, divided by that number
is the share of victims who reach a source; ``victims - recorded`` is the hidden number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats
from sqlalchemy import and_, func, select

from marsad.config import Settings
from marsad.estimate._errors import EstimateError
from marsad.estimate._histories import LIST_KINDS
from marsad.store import Store, tables
from marsad.taxonomy import AgeScheme, load_taxonomy

__all__ = ["GapRow", "ReportingGap", "design_proportion", "reporting_gap"]


@dataclass(frozen=True)
class GapRow:
    """One age band x gender cell of the reporting gap.

    ``prevalence`` (with its 95 % design-based interval) x ``population`` = ``victims``;
    ``share_reached = recorded / victims`` and ``hidden = victims - recorded``, each with the
    interval implied by the prevalence interval. None where the survey has no respondent in
    the cell, or where ``recorded`` is under the disclosure threshold (``suppressed``).
    """

    age_band: str
    gender: str
    respondents: int
    prevalence: float | None
    prevalence_lower: float | None
    prevalence_upper: float | None
    population: int | None
    victims: float | None
    victims_lower: float | None
    victims_upper: float | None
    recorded: int | None
    share_reached: float | None
    share_lower: float | None
    share_upper: float | None
    hidden: float | None
    hidden_lower: float | None
    hidden_upper: float | None
    suppressed: bool = False


@dataclass(frozen=True)
class ReportingGap:
    """The reporting gap of one survey year, by the bands of ``scheme`` the survey covers."""

    year: int
    scheme: str
    rows: tuple[GapRow, ...]
    recorded_unbanded: int
    min_cell: int
    method: str = (
        "survey-weighted prevalence (Taylor linearisation, logit interval) x population; "
        "recorded = distinct victim pseudonyms in list sources in the survey year"
    )


def design_proportion(
    y: np.ndarray, w: np.ndarray, strata: Sequence[str], psu: Sequence[str], domain: np.ndarray
) -> tuple[float, float, float, int]:
    """Weighted domain proportion with a design-based 95 % interval: (p, lower, upper, df).

    Uses :func:`marsad.stats.survey_proportion` when the stats stage provides it; otherwise the
    same method here: Taylor linearisation of the ratio ``sum(w d y) / sum(w d)`` with
    with-replacement PSUs nested in strata (Binder 1983), and a logit interval with
    ``#PSU - #strata`` degrees of freedom (Lumley 2010, ``svyciprop`` "logit").
    """
    try:
        from marsad.stats import survey_proportion
    except ImportError:  # pragma: no cover - the stats stage ships survey_proportion
        return _taylor_proportion(y, w, strata, psu, domain)
    est = survey_proportion(y, w, strata, psu, domain=domain)
    return est.estimate, est.lower, est.upper, est.df


def _taylor_proportion(
    y: np.ndarray, w: np.ndarray, strata: Sequence[str], psu: Sequence[str], domain: np.ndarray
) -> tuple[float, float, float, int]:
    """Local Taylor-linearisation fallback of :func:`design_proportion` (same method)."""
    keys = list(zip(strata, psu, strict=True))
    psu_index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    stratum_index = {h: i for i, h in enumerate(dict.fromkeys(k[0] for k in psu_index))}
    idx = np.array([psu_index[k] for k in keys])
    st_of_psu = np.array([stratum_index[k[0]] for k in psu_index])
    wy = np.bincount(idx, weights=w * domain * y, minlength=len(psu_index))
    wd = np.bincount(idx, weights=w * domain, minlength=len(psu_index))
    p = wy.sum() / wd.sum()
    z = (wy - p * wd) / wd.sum()
    var = 0.0
    for h in range(len(stratum_index)):
        zh = z[st_of_psu == h]
        if len(zh) > 1:
            var += len(zh) / (len(zh) - 1) * float(((zh - zh.mean()) ** 2).sum())
    df = max(len(psu_index) - len(stratum_index), 1)
    if p <= 0 or p >= 1:
        return float(p), float(p), float(p), df
    half = float(stats.t.ppf(0.975, df)) * math.sqrt(var) / (p * (1 - p))
    logit = math.log(p / (1 - p))
    return float(p), 1 / (1 + math.exp(-(logit - half))), 1 / (1 + math.exp(-(logit + half))), df


def _empty_row(label: str, gender: str, respondents: int, suppressed: bool) -> GapRow:
    """A cell the survey or the population table does not cover: counts only."""
    return GapRow(
        age_band=label, gender=gender, respondents=respondents,
        prevalence=None, prevalence_lower=None, prevalence_upper=None, population=None,
        victims=None, victims_lower=None, victims_upper=None, recorded=None,
        share_reached=None, share_lower=None, share_upper=None,
        hidden=None, hidden_lower=None, hidden_upper=None, suppressed=suppressed,
    )  # fmt: skip


def _band_bounds(scheme: AgeScheme, low: int, high: int) -> list[tuple[str, int, int | None]]:
    return [
        (b.label, b.low, b.high)
        for b in scheme.bands
        if b.low <= high and (b.high is None or b.high >= low)
    ]


def reporting_gap(
    store: Store,
    settings: Settings,
    *,
    year: int | None = None,
    scheme: str = "analysis",
    survey: str | None = None,
) -> ReportingGap:
    """Share of victims who reach any source, by age band and gender, with intervals.

    Parameters
    ----------
    store, settings
        The store and settings (``min_cell`` for disclosure control).
    year
        Survey year; default the latest year in ``survey_responses``.
    scheme
        Age scheme of the bands (the population table must hold it); bands outside the
        survey's age range are left out.
    survey
        Survey name when the store holds several; default all responses of the year.
    """
    sr, pop, inc, src = tables.survey_responses, tables.population, tables.incidents, tables.sources
    tax = load_taxonomy()
    sch = tax.scheme(scheme)
    with store.connect() as conn:
        if year is None:
            year = conn.execute(select(func.max(sr.c.year))).scalar()
            if year is None:
                raise EstimateError(
                    "The store holds no survey responses with a year: import a survey "
                    "(target: survey) before computing the reporting gap.",
                    code="estimate.no_survey",
                )
        q = select(
            sr.c.stratum, sr.c.psu, sr.c.weight, sr.c.age, sr.c.gender, sr.c.cv_past_12m
        ).where(sr.c.year == year)
        if survey is not None:
            q = q.where(sr.c.survey == survey)
        resp = conn.execute(q).all()
        if not resp:
            raise EstimateError(
                f"No survey responses for year {year}; years in the store: "
                + ", ".join(str(y) for (y,) in conn.execute(select(sr.c.year).distinct()).all()),
                code="estimate.no_survey_year",
                year=year,
            )
        pop_year = conn.execute(
            select(func.max(pop.c.year)).where(pop.c.year <= year, pop.c.age_band_scheme == scheme)
        ).scalar()
        if pop_year is None:
            raise EstimateError(
                f"No population denominators in age scheme {scheme!r} for {year} or before: import "
                "the population table (profile 'population') or choose another scheme.",
                code="estimate.no_population",
                scheme=scheme,
                year=year,
            )
        pop_rows = conn.execute(
            select(pop.c.age_band, pop.c.sex, func.sum(pop.c.population))
            .where(pop.c.year == pop_year, pop.c.age_band_scheme == scheme)
            .group_by(pop.c.age_band, pop.c.sex)
        ).all()
        victims = (
            select(
                inc.c.victim_key,
                func.max(inc.c.victim_age).label("age"),
                func.max(inc.c.gender).label("gender"),
            )
            .join(src, src.c.id == inc.c.source_id)
            .where(
                and_(
                    inc.c.victim_key.is_not(None),
                    inc.c.incident_year == year,
                    src.c.kind.in_(LIST_KINDS),
                )
            )
            .group_by(inc.c.victim_key)
            .subquery()
        )
        rec_rows = conn.execute(
            select(victims.c.age, victims.c.gender, func.count()).group_by(
                victims.c.age, victims.c.gender
            )
        ).all()
    populations = {(str(b), str(s)): int(n) for b, s, n in pop_rows}
    ages = np.array([-1 if r.age is None else int(r.age) for r in resp])
    genders = np.array([r.gender or "unknown" for r in resp])
    cv = np.array([1.0 if r.cv_past_12m else 0.0 for r in resp])
    weights = np.array([float(r.weight) for r in resp])
    strata = [str(r.stratum) for r in resp]
    psus = [str(r.psu) for r in resp]
    known = ages >= 0
    if not known.any():
        raise EstimateError(
            "The survey responses carry no age; the gap needs single-year ages.",
            code="estimate.no_survey_age",
        )
    lo_age, hi_age = int(ages[known].min()), int(ages[known].max())
    recorded: dict[tuple[str, str], int] = {}
    unbanded = 0
    for age, gender, n in rec_rows:
        band = sch.band_of(None if age is None else int(age))
        if band is None or gender not in ("female", "male"):
            unbanded += int(n)
            continue
        recorded[(band, gender)] = recorded.get((band, gender), 0) + int(n)
    rows: list[GapRow] = []
    for label, low, high in _band_bounds(sch, lo_age, hi_age):
        for gender in ("female", "male"):
            dom = (
                known
                & (ages >= low)
                & ((ages <= high) if high is not None else True)
                & (genders == gender)
            ).astype(float)
            n_resp = int(dom.sum())
            rec = recorded.get((label, gender), 0)
            population = populations.get((label, gender))
            suppressed = 0 < rec < settings.min_cell
            if n_resp == 0 or population is None:
                rows.append(_empty_row(label, gender, n_resp, suppressed))
                continue
            p, pl, pu, _ = design_proportion(cv, weights, strata, psus, dom)
            v, vl, vu = p * population, pl * population, pu * population
            rec_pub = None if suppressed else rec
            share = share_l = share_u = hid = hid_l = hid_u = None
            if rec_pub is not None and v > 0:
                share = min(1.0, rec / v)
                share_l = min(1.0, rec / vu) if vu > 0 else None
                share_u = min(1.0, rec / vl) if vl > 0 else 1.0
                hid, hid_l, hid_u = max(0.0, v - rec), max(0.0, vl - rec), max(0.0, vu - rec)
            rows.append(
                GapRow(
                    age_band=label, gender=gender, respondents=n_resp,
                    prevalence=p, prevalence_lower=pl, prevalence_upper=pu,
                    population=population, victims=v, victims_lower=vl, victims_upper=vu,
                    recorded=rec_pub, share_reached=share, share_lower=share_l, share_upper=share_u,
                    hidden=hid, hidden_lower=hid_l, hidden_upper=hid_u, suppressed=suppressed,
                )
            )  # fmt: skip
    banded = {(r.age_band, r.gender) for r in rows}
    unbanded += sum(n for cell, n in recorded.items() if cell not in banded)
    return ReportingGap(
        year=int(year),
        scheme=scheme,
        rows=tuple(rows),
        recorded_unbanded=unbanded,
        min_cell=settings.min_cell,
    )
