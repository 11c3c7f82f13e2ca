"""Output of the estimates: CSV, JSON and a rich table with translated diagnostics."""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import asdict
from typing import Any

from rich.table import Table

from marsad.estimate._errors import EstimateError
from marsad.estimate._estimate import PopulationEstimates
from marsad.estimate._gap import ReportingGap
from marsad.i18n import t

__all__ = ["FORMATS", "render_estimates", "render_gap"]

FORMATS = ("table", "csv", "json")
COLUMNS = ("stratum", "recorded", "estimate", "lower", "upper", "model", "warnings")


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "∞"
    return f"{x:,}" if isinstance(x, int) else str(x)


def render_estimates(
    result: PopulationEstimates, fmt: str = "table", lang: str = "en"
) -> str | Table:
    """The estimates as CSV text, JSON text, or a rich :class:`~rich.table.Table`."""
    if fmt not in FORMATS:
        raise EstimateError(
            f"Unknown output format {fmt!r}; use one of {', '.join(FORMATS)}.",
            code="estimate.bad_format",
            value=fmt,
            allowed=", ".join(FORMATS),
        )
    rows = [r.as_row(lang) for r in result.rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(
            buf, fieldnames=list(rows[0]) if rows else list(COLUMNS), lineterminator="\n"
        )
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: ("inf" if isinstance(v, float) and math.isinf(v) else v)
                    for k, v in row.items()
                }
            )
        return buf.getvalue()
    if fmt == "json":
        payload = {
            "lists": list(result.lists),
            "by": list(result.by),
            "criterion": result.criterion,
            "min_cell": result.min_cell,
            "method": "log-linear multiple-systems estimation (Poisson GLM), AIC/BIC model averaging, "
            "profile-likelihood intervals (Cormack 1992; Fletcher & Turek 2012)",
            "estimates": [
                {
                    **row,
                    "warnings": [
                        {"code": w.code, "detail": w.detail, "text": w.text(lang)}
                        for w in r.warnings
                    ],
                    "upper": None if r.upper is not None and math.isinf(r.upper) else row["upper"],
                }
                for row, r in zip(rows, result.rows, strict=True)
            ],
            "overlaps": [
                {
                    "stratum": c.stratum,
                    "lists": list(c.history),
                    "count": c.count,
                    "suppressed": c.suppressed,
                }
                for c in result.overlaps
            ],
        }
        return json.dumps(payload, ensure_ascii=False, indent=1)
    table = Table(title=t("estimate.title", lang, lists=", ".join(result.lists) or "-"))
    for col in COLUMNS:
        header = t(f"estimate.col.{col}", lang)
        if col == "stratum" and result.by:
            header += f" ({' / '.join(result.by)})"
        table.add_column(
            header,
            justify="right" if col in ("recorded", "estimate", "lower", "upper") else "left",
        )
    for row, r in zip(rows, result.rows, strict=True):
        table.add_row(
            str(row["stratum"]),
            _num(row["recorded"]),
            _num(row["estimate"]),
            _num(row["lower"]),
            _num(row["upper"]),
            str(row["model"]),
            "\n".join(w.text(lang) for w in r.warnings),
        )
    table.caption = t(
        "estimate.caption", lang, criterion=result.criterion.upper(), min_cell=result.min_cell
    )
    return table


def _pct(x: float | None) -> str:
    """Percent with one decimal, or two significant digits under 1 % (shares can be tiny)."""
    if x is None:
        return "-"
    if 0 < x < 0.01:
        return f"{100 * x:.2g}%"
    return f"{100 * x:.1f}%"


def _whole(x: float | None) -> str:
    return "-" if x is None else f"{round(x):,}"


def render_gap(gap: ReportingGap, fmt: str = "table", lang: str = "en") -> str | Table:
    """The reporting gap as CSV text, JSON text or a rich table."""
    if fmt not in FORMATS:
        raise EstimateError(
            f"Unknown output format {fmt!r}; use one of {', '.join(FORMATS)}.",
            code="estimate.bad_format",
            value=fmt,
            allowed=", ".join(FORMATS),
        )
    rows = [asdict(r) for r in gap.rows]
    if fmt == "csv":
        buf = io.StringIO()
        fields = list(rows[0]) if rows else ["age_band", "gender"]
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()
    if fmt == "json":
        return json.dumps(
            {"year": gap.year, "scheme": gap.scheme, "method": gap.method, "min_cell": gap.min_cell,
             "recorded_unbanded": gap.recorded_unbanded, "rows": rows},
            ensure_ascii=False, indent=1,
        )  # fmt: skip
    table = Table(title=t("estimate.gap.title", lang, year=gap.year))
    for col in ("age_band", "gender", "prevalence", "victims", "recorded", "share", "hidden"):
        table.add_column(
            t(f"estimate.gap.col.{col}", lang),
            justify="left" if col in ("age_band", "gender") else "right",
        )
    for r in gap.rows:
        table.add_row(
            r.age_band,
            t(f"estimate.gender.{r.gender}", lang),
            f"{_pct(r.prevalence)} [{_pct(r.prevalence_lower)}–{_pct(r.prevalence_upper)}]",
            f"{_whole(r.victims)} [{_whole(r.victims_lower)}–{_whole(r.victims_upper)}]",
            "<" + str(gap.min_cell) if r.suppressed else _whole(r.recorded),
            f"{_pct(r.share_reached)} [{_pct(r.share_lower)}–{_pct(r.share_upper)}]",
            f"{_whole(r.hidden)} [{_whole(r.hidden_lower)}–{_whole(r.hidden_upper)}]",
        )
    table.caption = t("estimate.gap.caption", lang, unbanded=gap.recorded_unbanded)
    return table
