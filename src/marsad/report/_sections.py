"""The report's sections. Each is a function ``(ctx) -> Section``; the list is data.

Users add a section by writing such a function and listing ``"module:function"`` in
:data:`SECTIONS` (or passing ``sections=`` to :func:`marsad.report.build_report`); the
built-in sections use the same mechanism.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from marsad.config import Settings
from marsad.i18n import t
from marsad.report import _data as data
from marsad.report import _views as views
from marsad.report._charts import Chart, bar_intervals, grouped_bars
from marsad.store import Store

__all__ = ["SECTIONS", "ReportContext", "Section"]

SPACES_OF_INTEREST = ("social_network", "messaging", "video_game", "virtual_world")


@dataclass
class ReportContext:
    """What sections read: the store, settings, language, and what earlier sections found."""

    store: Store
    settings: Settings
    lang: str
    facts: list[str] = field(default_factory=list)  # key findings for the executive summary
    cache: dict[str, Any] = field(default_factory=dict)

    def tr(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def fetch(self, name: str, fn: Callable[[], Any]) -> tuple[Any, str | None]:
        """Call a library adapter once per report; (result, None) or (None, why unavailable)."""
        if name not in self.cache:
            try:
                self.cache[name] = (fn(), None)
            except data.Unavailable as exc:
                self.cache[name] = (None, exc.message)
        return self.cache[name]


@dataclass(frozen=True)
class Section:
    """One rendered section: a template with its context, charts, or why it is unavailable."""

    id: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    charts: tuple[Chart, ...] = ()
    unavailable: str | None = None


def _cells(ctx: ReportContext) -> tuple[list[dict[str, Any]] | None, str | None]:
    return ctx.fetch(
        "cells", lambda: data.indicator_cells(ctx.store, ctx.settings, publish=True, lang=ctx.lang)
    )


TOTAL = frozenset({"", "all", "_all", "total", "*"})
_OTHER_DIMS = ("category", "space", "age_band", "gender", "region")


def is_total(value: Any) -> bool:
    """True for a margin (all categories, all regions...) or a dimension not broken down."""
    return value is None or str(value) in TOTAL


def _only(
    rows: list[dict[str, Any]], indicator: str, dims: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Rows of ``indicator`` broken down by exactly ``dims``, for its latest period."""
    sel = [
        r
        for r in rows
        if r.get("indicator") == indicator
        and all(not is_total(r.get(d)) for d in dims)
        and all(is_total(r.get(d)) for d in _OTHER_DIMS if d not in dims)
    ]
    if not sel:
        return []
    latest = max(str(r.get("period")) for r in sel)
    return [r for r in sel if str(r.get("period")) == latest]


def spaces(ctx: ReportContext) -> Section:
    """Diagnosis per digital space: recorded incidents by category, and the flagged threats."""
    rows, why = _cells(ctx)
    threats, _ = ctx.fetch(
        "threats", lambda: data.emerging_threats(ctx.store, ctx.settings, publish=True)
    )
    title = ctx.tr("report.sec.spaces")
    if rows is None:
        return Section("spaces", title, "sections/spaces.html", unavailable=why)
    cells_all = _only(rows, "incidents_recorded", ("category", "space"))
    charts: list[Chart] = []
    blocks = []
    for sp in SPACES_OF_INTEREST:
        cells = [r for r in cells_all if r.get("space") == sp]
        cells = sorted(cells, key=lambda r: -(r.get("value") or 0))[:10]
        label = views.label_of("space", sp, ctx.lang)
        flagged = [
            th for th in views.threat_view(threats, ctx.lang).flagged if th.get("space") == sp
        ]
        chart = None
        if cells:
            period = cells[0].get("period")
            chart = bar_intervals(
                [views.label_of("category", r.get("category"), ctx.lang) for r in cells],
                [None if r.get("suppressed") else r.get("value") for r in cells],
                [None if r.get("suppressed") else r.get("lower") for r in cells],
                [None if r.get("suppressed") else r.get("upper") for r in cells],
                title=f"{label} — {ctx.tr('report.by_category')} ({period})",
                rtl=ctx.lang == "ar",
            )
            charts.append(chart)
            top = next((r for r in cells if not r.get("suppressed")), None)
            if top is not None:
                ctx.facts.append(
                    ctx.tr(
                        "report.fact_space_top",
                        space=label,
                        category=views.label_of("category", top.get("category"), ctx.lang),
                    )
                )
        blocks.append({"space": label, "cells": cells, "chart": chart, "threats": flagged})
    return Section("spaces", title, "sections/spaces.html", {"blocks": blocks}, tuple(charts))


def age_gender(ctx: ReportContext) -> Section:
    """Rates by age band and gender with their intervals (disclosure-controlled)."""
    rows, why = _cells(ctx)
    title = ctx.tr("report.sec.age_gender")
    if rows is None:
        return Section("age_gender", title, "sections/age_gender.html", unavailable=why)
    cells = []
    for ind in ("victims_rate", "incidents_recorded"):
        cells = [
            r
            for r in _only(rows, ind, ("age_band", "gender"))
            if r.get("gender") in ("female", "male")
        ]
        if cells:
            break
    if not cells:
        return Section(
            "age_gender",
            title,
            "sections/age_gender.html",
            unavailable=ctx.tr("report.no_age_gender"),
        )

    def low(b: str) -> int:
        digits = "".join(ch if ch.isdigit() else " " for ch in b).split()
        return int(digits[0]) if digits else 999

    bands = sorted({str(r["age_band"]) for r in cells}, key=low)
    series: dict[
        str, tuple[Sequence[float | None], Sequence[float | None], Sequence[float | None]]
    ] = {}
    for g in ("female", "male"):
        by = {r["age_band"]: r for r in cells if r.get("gender") == g}
        pick = [by.get(b, {}) for b in bands]
        vals = [None if c.get("suppressed") else c.get("value") for c in pick]
        lo = [None if c.get("suppressed") else c.get("lower") for c in pick]
        hi = [None if c.get("suppressed") else c.get("upper") for c in pick]
        series[views.label_of("gender", g, ctx.lang)] = (vals, lo, hi)
    first = cells[0]
    chart = grouped_bars(
        [views.age_band_label(b, ctx.lang) for b in bands],
        series,
        title=f"{first.get('label') or first.get('indicator')} ({first.get('period')})",
        ylabel=views.unit_label(first.get("unit"), ctx.lang),
        rtl=ctx.lang == "ar",
    )
    shown = sorted(cells, key=lambda r: (low(str(r["age_band"])), str(r.get("gender"))))
    for r in shown:
        r["gender_label"] = views.label_of("gender", r.get("gender"), ctx.lang)
        r["age_band_label"] = views.age_band_label(r.get("age_band"), ctx.lang)
    return Section("age_gender", title, "sections/age_gender.html", {"cells": shown}, (chart,))


def threats(ctx: ReportContext) -> Section:
    """Emerging threats: only series the statistics flagged are called emerging.

    When none is flagged the section and the summary say so, and the unflagged series with
    the highest growth are shown under a heading saying they are not flagged.
    """
    rows, why = ctx.fetch(
        "threats", lambda: data.emerging_threats(ctx.store, ctx.settings, publish=True)
    )
    title = ctx.tr("report.sec.threats")
    if rows is None:
        return Section("threats", title, "sections/threats.html", unavailable=why)
    view = views.threat_view(rows, ctx.lang)
    for r in view.flagged[:3]:
        ctx.facts.append(
            ctx.tr("report.fact_threat", category=r["category_label"], space=r["space_label"])
        )
    if view.tested and not view.flagged:
        ctx.facts.append(ctx.tr("report.fact_no_threat", n=view.tested))
    charts = views.threat_charts(view.flagged, ctx.lang)
    watch_charts = [] if view.flagged else views.threat_charts(view.watch, ctx.lang, top=2)
    return Section(
        "threats",
        title,
        "sections/threats.html",
        {"view": view, "watch_charts": watch_charts},
        tuple(charts) + tuple(watch_charts),
    )


def comparison(ctx: ReportContext) -> Section:
    rows, why = ctx.fetch("comparison", lambda: data.comparison(ctx.store, ctx.settings, ctx.lang))
    title = ctx.tr("report.sec.comparison")
    if rows is None:
        return Section("comparison", title, "sections/comparison.html", unavailable=why)
    chart = views.comparison_chart(rows, ctx.lang)
    return Section(
        "comparison", title, "sections/comparison.html", {"rows": rows}, (chart,) if chart else ()
    )


def legal(ctx: ReportContext) -> Section:
    matrix, why = ctx.fetch(
        "legal_matrix", lambda: data.legal_matrix(ctx.store, ctx.settings, ctx.lang)
    )
    gaps, gaps_why = ctx.fetch(
        "legal_gaps", lambda: data.legal_gaps(ctx.store, ctx.settings, ctx.lang)
    )
    title = ctx.tr("report.sec.legal")
    if matrix is None and gaps is None:
        return Section("legal", title, "sections/legal.html", unavailable=why or gaps_why)
    chart = views.legal_heatmap(matrix, ctx.lang) if matrix else None
    if gaps:
        ctx.facts.append(ctx.tr("report.fact_gaps", n=len(gaps)))
    return Section(
        "legal",
        title,
        "sections/legal.html",
        {"gaps": gaps or [], "gaps_why": gaps_why},
        (chart,) if chart else (),
    )


def recommendations(ctx: ReportContext) -> Section:
    rows, why = ctx.fetch("recs", lambda: data.recommendations(ctx.store, ctx.settings, ctx.lang))
    title = ctx.tr("report.sec.recommendations")
    if rows is None:
        return Section("recommendations", title, "sections/recommendations.html", unavailable=why)
    return Section("recommendations", title, "sections/recommendations.html", {"rows": rows})


def estimates(ctx: ReportContext) -> Section:
    rows, why = ctx.fetch(
        "estimates", lambda: data.estimates(ctx.store, ctx.settings, publish=True, lang=ctx.lang)
    )
    title = ctx.tr("report.sec.estimates")
    if rows is None:
        return Section("estimates", title, "sections/estimates.html", unavailable=why)
    chart = views.estimate_chart(rows, ctx.lang)
    return Section(
        "estimates", title, "sections/estimates.html", {"rows": rows}, (chart,) if chart else ()
    )


def annex(ctx: ReportContext) -> Section:
    """Methodology and data quality: sources, batches, quarantine, disclosure control."""
    from marsad.web._records import batches, store_overview

    overview = store_overview(ctx.store)
    _, items = batches(ctx.store, limit=500)
    suppression, _ = ctx.fetch(
        "suppression", lambda: data.suppression_summary(ctx.store, ctx.settings)
    )
    return Section(
        "annex",
        ctx.tr("report.sec.annex"),
        "sections/annex.html",
        {
            "overview": overview,
            "batches": items,
            "min_cell": ctx.settings.min_cell,
            "suppression": suppression,
            "indicator_labels": data.indicator_labels(ctx.lang),
            "unavailable_sections": [],
        },
    )


def summary(ctx: ReportContext) -> Section:
    """Executive summary: the key findings collected from the other sections."""
    return Section(
        "summary", ctx.tr("report.sec.summary"), "sections/summary.html", {"facts": list(ctx.facts)}
    )


SECTIONS: list[str] = [
    "marsad.report._sections:spaces",
    "marsad.report._sections:age_gender",
    "marsad.report._sections:threats",
    "marsad.report._sections:comparison",
    "marsad.report._sections:legal",
    "marsad.report._sections:recommendations",
    "marsad.report._sections:estimates",
    "marsad.report._sections:annex",
]
