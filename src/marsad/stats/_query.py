"""SQL for the indicator engine: every aggregation is a SQLAlchemy Core GROUP BY pushed down to
the database, written once for SQLite and PostgreSQL. Python only receives grouped rows."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from marsad.store import Store
from marsad.store import tables as T
from marsad.taxonomy import AgeScheme

__all__ = [
    "incident_counts",
    "monthly_counts",
    "population_frame",
    "survey_psu_totals",
    "survey_psus",
]

inc = T.incidents
src = T.sources
cats = T.incident_categories
sr = T.survey_responses


def _incident_column(dim: str, category_field: str) -> ColumnElement[Any]:
    if dim == "category":
        return (cats.c.category if category_field == "any" else inc.c.category).label("category")
    if dim == "source_kind":
        return src.c.kind.label("source_kind")
    if dim == "minor":
        return inc.c.minor.label("minor")
    return inc.c[dim].label(dim)


def _condition(filters: dict[str, tuple[Any, ...]], category_field: str) -> ColumnElement[bool]:
    conds: list[ColumnElement[bool]] = []
    for name, values in filters.items():
        if name in ("minor",):
            col = inc.c.minor
            if set(values) == {True, False}:
                conds.append(col.is_not(None))
            elif values[0] is True:
                conds.append(col.is_(True))
            else:
                conds.append(col.is_(False))
            continue
        if name == "category":
            col = cats.c.category if category_field == "any" else inc.c.category
        elif name == "source_kind":
            col = src.c.kind
        else:
            col = inc.c[name]
        conds.append(col.in_([str(v) for v in values]))
    return sa.and_(sa.true(), *conds)


def _period_columns(period: str) -> list[ColumnElement[Any]]:
    if period == "year":
        return [inc.c.incident_year.label("year")]
    if period == "quarter":
        return [inc.c.incident_year.label("year"), ((inc.c.incident_month + 2) // 3).label("sub")]
    if period == "month":
        return [inc.c.incident_year.label("year"), inc.c.incident_month.label("sub")]
    return []


def _victims(cond: ColumnElement[bool] | None = None) -> ColumnElement[Any]:
    if cond is None:
        return sa.func.count(sa.distinct(inc.c.victim_key)) + sa.func.coalesce(
            sa.func.sum(sa.case((inc.c.victim_key.is_(None), 1), else_=0)), 0
        )
    return sa.func.count(
        sa.distinct(sa.case((cond, inc.c.victim_key), else_=None))
    ) + sa.func.coalesce(
        sa.func.sum(sa.case((sa.and_(cond, inc.c.victim_key.is_(None)), 1), else_=0)), 0
    )


def _incidents(cond: ColumnElement[bool] | None = None) -> ColumnElement[Any]:
    if cond is None:
        return sa.func.count()
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


def incident_counts(
    store: Store,
    dims: list[str],
    period: str,
    count: str,
    filters: dict[str, tuple[Any, ...]],
    category_field: str = "primary",
    numerator_filters: dict[str, tuple[Any, ...]] | None = None,
) -> pd.DataFrame:
    """Grouped counts of incidents (or distinct victims) of non-duplicate incidents.

    Columns: the period columns (``year``, ``sub``), the dimensions (``age_band`` comes with
    ``age_band_scheme`` so bands of other schemes can be re-banded), ``num`` and, when
    ``numerator_filters`` is given, ``num`` counts only rows matching them and ``den`` counts
    all rows (for proportions).
    """
    group: list[ColumnElement[Any]] = _period_columns(period)
    for d in dims:
        group.append(_incident_column(d, category_field))
        if d == "age_band":
            group.append(inc.c.age_band_scheme.label("age_band_scheme"))
    measure = _victims if count == "victims" else _incidents
    cols: list[ColumnElement[Any]] = list(group)
    if numerator_filters is not None:
        cols.append(measure(_condition(numerator_filters, category_field)).label("num"))
        cols.append(measure().label("den"))
    else:
        cols.append(measure().label("num"))
    frm: Any = inc
    all_keys = set(dims) | set(filters) | set(numerator_filters or {})
    if "source_kind" in all_keys:
        frm = frm.join(src, src.c.id == inc.c.source_id)
    if category_field == "any" and "category" in all_keys:
        frm = frm.join(cats, cats.c.incident_id == inc.c.id)
    q = (
        sa.select(*cols)
        .select_from(frm)
        .where(inc.c.duplicate_of.is_(None), _condition(filters, category_field))
    )
    if group:
        q = q.group_by(*group)
    with store.connect() as conn:
        rows = conn.execute(q).all()
    names = [c.name for c in cols]
    return pd.DataFrame(rows, columns=names)


def monthly_counts(
    store: Store, dims: list[str], filters: dict[str, tuple[Any, ...]] | None = None
) -> pd.DataFrame:
    """Incidents per (year, month, dims...) with a known month, duplicates excluded."""
    group: list[ColumnElement[Any]] = [
        inc.c.incident_year.label("year"),
        inc.c.incident_month.label("month"),
    ]
    group += [_incident_column(d, "primary") for d in dims]
    q = (
        sa.select(*group, sa.func.count().label("num"))
        .where(
            inc.c.duplicate_of.is_(None),
            inc.c.incident_year.is_not(None),
            inc.c.incident_month.is_not(None),
            _condition(filters or {}, "primary"),
        )
        .group_by(*group)
    )
    with store.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=[*(c.name for c in group), "num"])


def population_frame(store: Store, scheme: str) -> pd.DataFrame:
    """Population by year, region, age band (of ``scheme``) and sex, with the synthetic flag."""
    p = T.population
    q = (
        sa.select(
            p.c.year,
            p.c.region,
            p.c.age_band,
            p.c.sex.label("gender"),
            sa.cast(sa.func.sum(p.c.population), sa.Float).label("pop"),
            sa.func.max(sa.case((p.c.synthetic.is_(True), 1), else_=0)).label("synthetic"),
        )
        .where(p.c.age_band_scheme == scheme)
        .group_by(p.c.year, p.c.region, p.c.age_band, p.c.sex)
    )
    with store.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=["year", "region", "age_band", "gender", "pop", "synthetic"])


def _survey_age_band(scheme: AgeScheme) -> ColumnElement[Any]:
    whens = []
    for b in scheme.bands:
        cond = sr.c.age >= b.low if b.high is None else sr.c.age.between(b.low, b.high)
        whens.append((cond, sa.literal(b.label)))
    return sa.case(*whens, else_=sr.c.age_band).label("age_band")


def _survey_filters(filters: dict[str, tuple[Any, ...]]) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    for name, values in filters.items():
        col = sr.c[name]
        if name == "internet_user":
            out.append(col.is_(True) if values[0] else col.is_(False))
        else:
            out.append(col.in_([str(v) for v in values]))
    return out


def survey_psu_totals(
    store: Store,
    outcome: str,
    dims: list[str],
    scheme: AgeScheme,
    filters: dict[str, tuple[Any, ...]],
    survey: str | None,
) -> pd.DataFrame:
    """PSU totals per domain cell: sum(w), sum(w*y), respondents, cases (y known only)."""
    y = sr.c[outcome]
    yv = sa.case((y.is_(True), 1), else_=0)
    group: list[ColumnElement[Any]] = [sr.c.survey, sr.c.year, sr.c.stratum, sr.c.psu]
    for d in dims:
        group.append(_survey_age_band(scheme) if d == "age_band" else sr.c[d].label(d))
    q = (
        sa.select(
            *group,
            sa.func.sum(sr.c.weight).label("w"),
            sa.func.sum(sr.c.weight * yv).label("wy"),
            sa.func.count().label("n"),
            sa.func.sum(yv).label("cases"),
        )
        .where(y.is_not(None), *_survey_filters(filters))
        .group_by(*group)
    )
    if survey:
        q = q.where(sr.c.survey == survey)
    with store.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(
        rows, columns=["survey", "year", "stratum", "psu", *dims, "w", "wy", "n", "cases"]
    )


def survey_psus(store: Store, survey: str | None) -> pd.DataFrame:
    """Every (survey, year, stratum, psu) of the sample: the design's first stage."""
    q = sa.select(sr.c.survey, sr.c.year, sr.c.stratum, sr.c.psu).distinct()
    if survey:
        q = q.where(sr.c.survey == survey)
    with store.connect() as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=["survey", "year", "stratum", "psu"])
