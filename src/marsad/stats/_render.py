"""Terminal tables (rich) for indicators and emerging threats, in the user's language."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pandas as pd
from rich.table import Table

from marsad.i18n import t
from marsad.stats._definitions import IndicatorDefinition
from marsad.stats._threats import EmergingThreat
from marsad.taxonomy import load_taxonomy

__all__ = ["indicator_table", "threats_tables"]

_TAX_DIMS = {"category": "categories", "space": "spaces", "region": "regions", "gender": "genders"}


def _label(dim: str, value: Any, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    v = str(value)
    if v == "all":
        return t("stats.all", lang)
    if v == "unknown":
        return t("stats.unknown", lang)
    if dim in _TAX_DIMS:
        codes = load_taxonomy().dimension(_TAX_DIMS[dim])
        if v in codes:
            return codes[v].label(lang)
    return v


def _num(value: Any, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.1f}"


def indicator_table(
    rows: pd.DataFrame,
    definition: IndicatorDefinition,
    by: Sequence[str],
    lang: str,
    empty: bool = False,
) -> Table:
    """One indicator's rows as a rich table (withheld cells shown as such).

    Rows with nothing recorded and no estimate are left out unless ``empty``.
    """
    unit = definition.unit
    table = Table(
        title=f"{definition.label(lang)} — {t('stats.unit.' + unit, lang)}", title_justify="left"
    )
    table.add_column(t("stats.col.period", lang))
    dims = list(by)
    if definition.compare_dimension:
        dims.append(definition.compare_dimension)
    for d in dims:
        table.add_column(t(f"stats.dim.{d}", lang))
    table.add_column(t("stats.col.value", lang), justify="right")
    table.add_column(t("stats.col.interval", lang), justify="right")
    table.add_column(t("stats.col.numerator", lang), justify="right")
    table.add_column(t("stats.col.denominator", lang), justify="right")
    table.add_column(t("stats.col.flags", lang))
    for rec in rows.to_dict("records"):
        if not empty and not rec["suppressed"] and not rec["numerator"] and pd.isna(rec["value"]):
            continue  # nothing recorded and nothing to estimate
        if rec["suppressed"] and pd.isna(rec["value"]):
            value, interval = t("stats.withheld", lang), ""
        else:
            value = _num(rec["value"], unit)
            interval = (
                ""
                if pd.isna(rec["lower"]) and pd.isna(rec["upper"])
                else f"{_num(rec['lower'], unit)} – {_num(rec['upper'], unit)}"
            )
            if rec["suppressed"]:
                value += " *"
        flags = rec["flags"] or ""
        if rec["suppressed"]:
            flags = ";".join(
                x for x in (t("stats.rule." + str(rec["suppression_rule"]), lang), flags) if x
            )
        table.add_row(
            str(rec["period"]),
            *(_label(d, rec[d], lang) for d in dims),
            value,
            interval,
            _num(rec["numerator"], "count"),
            _num(rec["denominator"], "count"),
            flags,
        )
    return table


def _reason(e: EmergingThreat, reason: str, lang: str) -> str:
    """One clause of the flag rule that ``e`` meets, with its numbers."""
    if reason == "growth" and e.recent_growth is not None:
        return t(
            "stats.threat.reason_growth",
            lang,
            months=e.rule.recent_months,
            growth=f"{e.recent_growth * 100:+.0f}",
            lower=f"{(e.recent_growth_lower or 0) * 100:+.0f}",
            upper=f"{(e.recent_growth_upper or 0) * 100:+.0f}",
        )
    return t("stats.threat.reason_prediction", lang, alpha=f"{e.rule.alpha:g}")


def threats_tables(
    threats: Sequence[EmergingThreat], lang: str, top: int | None = None
) -> list[Table]:
    """One table per digital space, its series ranked by evidence (flagged first)."""
    spaces: dict[str, list[EmergingThreat]] = {}
    for e in threats:
        spaces.setdefault(e.space, []).append(e)
    out: list[Table] = []
    for space, items in spaces.items():
        table = Table(
            title=t("stats.threats_title", lang, space=_label("space", space, lang)),
            title_justify="left",
        )
        for key, just in (
            ("rank", "right"),
            ("category", "left"),
            ("window", "left"),
            ("observed", "right"),
            ("expected", "right"),
            ("growth", "right"),
            ("q", "right"),
            ("reason", "left"),
        ):
            table.add_column(t(f"stats.threat.{key}", lang), justify=just)  # type: ignore[arg-type]
        for e in items[: top or None]:
            growth = "–"
            if e.growth is not None:
                growth = f"{e.growth * 100:+.0f} % [{e.growth_lower * 100:+.0f}; {e.growth_upper * 100:+.0f}]"  # type: ignore[operator]
            table.add_row(
                str(e.rank) if e.flagged else "",
                ("⚠ " if e.flagged else "") + _label("category", e.category, lang),
                f"{e.window[0]}…{e.window[-1]}",
                t("stats.withheld", lang) if e.observed is None else str(e.observed),
                f"{e.expected:.1f} (≤ {e.threshold:.0f})",
                growth,
                f"{e.q_value:.3g}",
                "; ".join(_reason(e, r, lang) for r in e.reasons),
            )
        out.append(table)
    return out
