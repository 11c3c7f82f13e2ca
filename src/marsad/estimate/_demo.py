"""The estimate step of ``marsad demo``: estimates, the truth check, the chart and the gap."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from marsad.errors import MarsadError
from marsad.estimate._chart import recorded_vs_estimated_chart
from marsad.estimate._estimate import PopulationEstimates, estimate_population
from marsad.estimate._gap import reporting_gap
from marsad.estimate._render import render_estimates, render_gap
from marsad.i18n import t

if TYPE_CHECKING:
    from marsad.demo import DemoContext

__all__ = ["TruthCheck", "demo_step", "truth_check"]

DEMO_BY = ("category_group", "gender", "minor")


def _truth_path(synth: Any) -> Path | None:
    if synth is None:
        return None
    path = (
        synth.get("truth_path") if isinstance(synth, dict) else getattr(synth, "truth_path", None)
    )
    return Path(path) if path else None


TruthCheck = dict[str, Any]


def truth_check(result: PopulationEstimates, truth: dict[str, Any]) -> list[TruthCheck]:
    """Set each estimate beside the synthetic truth (``truth.json`` of :mod:`marsad.synth`).

    Keys of ``hidden_population.strata`` are ``group|gender|minor-or-adult``; the pooled row is
    compared with ``hidden_population.victims``.
    """
    hidden = truth.get("hidden_population", {})
    strata = hidden.get("strata", {})
    out: list[TruthCheck] = []
    for r in result.rows:
        if r.estimate is None:
            continue
        if r.stratum == "all":
            true_total = hidden.get("victims")
        elif result.by == DEMO_BY:
            true_total = strata.get("|".join(r.key), {}).get("hidden_total")
        else:
            true_total = None
        if true_total is None:
            continue
        upper = r.upper if r.upper is not None else math.inf
        out.append(
            {
                "stratum": r.stratum,
                "recorded": r.recorded,
                "estimate": r.estimate,
                "lower": r.lower,
                "upper": upper,
                "truth": int(true_total),
                "covered": bool((r.lower or 0) <= true_total <= upper),
                "relative_error": (r.estimate - true_total) / true_total if true_total else None,
            }
        )
    return out


def demo_step(ctx: DemoContext) -> None:
    """Estimate the hidden victims on the demo store and, when known, compare with the truth."""
    lang = ctx.lang
    con = ctx.console
    con.rule(t("estimate.demo.heading", lang))
    result = estimate_population(ctx.store, ctx.settings, by=DEMO_BY)
    outputs: dict[str, Any] = {"estimates": result}
    ctx.outputs["estimate"] = outputs
    if not result.lists:
        con.print(t("estimate.demo.no_lists", lang))
        return
    con.print(render_estimates(result, "table", lang))
    truth_path = _truth_path(ctx.outputs.get("synth"))
    if truth_path is not None and truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        checks = truth_check(result, truth)
        outputs["truth_check"] = checks
        table = Table(title=t("estimate.demo.truth_title", lang))
        for col in ("stratum", "recorded", "estimate", "lower", "upper"):
            table.add_column(
                t(f"estimate.col.{col}", lang), justify="left" if col == "stratum" else "right"
            )
        table.add_column(t("estimate.demo.truth", lang), justify="right")
        table.add_column(t("estimate.demo.covered", lang), justify="center")
        for c in checks:
            table.add_row(
                c["stratum"], f"{c['recorded']:,}", f"{c['estimate']:,.0f}", f"{c['lower']:,.0f}",
                "∞" if math.isinf(c["upper"]) else f"{c['upper']:,.0f}", f"{c['truth']:,}",
                "✓" if c["covered"] else "✗",
            )  # fmt: skip
        con.print(table)
        pooled = next((c for c in checks if c["stratum"] == "all"), None)
        strata_checks = [c for c in checks if c["stratum"] != "all"]
        if pooled is not None:
            con.print(
                t(
                    "estimate.demo.coverage",
                    lang,
                    covered=sum(c["covered"] for c in strata_checks),
                    total=len(strata_checks),
                    estimate=f"{pooled['estimate']:,.0f}",
                    lower=f"{pooled['lower']:,.0f}",
                    upper=f"{pooled['upper']:,.0f}",
                    truth=f"{pooled['truth']:,}",
                )
            )
    chart = recorded_vs_estimated_chart(
        result.rows, ctx.data_dir / "estimate" / "recorded_vs_estimated.png", lang=lang
    )
    outputs["chart"] = chart
    con.print(t("estimate.demo.chart", lang, path=chart))
    try:
        gap = reporting_gap(ctx.store, ctx.settings)
    except MarsadError as exc:
        con.print(t("estimate.demo.gap_skipped", lang, reason=exc.message))
        return
    outputs["gap"] = gap
    con.print(render_gap(gap, "table", lang))
