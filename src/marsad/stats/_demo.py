"""The stats step of ``marsad demo``: publish the indicators and show the emerging threats."""

from __future__ import annotations

from typing import Any

from marsad.i18n import t

__all__ = ["demo_step"]


def demo_step(ctx: Any) -> None:
    """Compute the published indicator set into ``ctx.data_dir / "indicators"``, print the
    headline table and the top emerging threats, and leave them in ``ctx.outputs``."""
    from marsad.stats._burden import latest_full_year
    from marsad.stats._definitions import load_definitions
    from marsad.stats._engine import compute_indicators
    from marsad.stats._export import write_indicators
    from marsad.stats._render import indicator_table, threats_tables
    from marsad.stats._threats import FlagRule, emerging_threats

    lang = ctx.lang
    defs = load_definitions()
    table = compute_indicators(ctx.store, ctx.settings, defs, publish=True)
    out = ctx.data_dir / "indicators"
    write_indicators(table, out, defs.values())
    ctx.outputs["indicators"] = table
    ctx.console.print(
        t(
            "stats.computed",
            lang,
            rows=len(table),
            indicators=table["indicator"].nunique(),
            suppressed=int(table["suppressed"].sum()),
            min_cell=ctx.settings.min_cell,
        )
    )
    ctx.console.print(t("stats.written", lang, path=str(out)))
    year = latest_full_year(ctx.store)
    head = table[
        (table["indicator"] == "incidents_recorded")
        & (table["period"] == str(year))
        & (table["space"] == "all")
        & (table["category"] != "all")
    ].sort_values("value", ascending=False, na_position="last")
    head = head[(head["value"] > 0) | head["suppressed"]].head(8)
    if not head.empty:
        ctx.console.print(indicator_table(head, defs["incidents_recorded"], ["category"], lang))
    threats = emerging_threats(ctx.store, ctx.settings, publish=True)
    ctx.outputs["threats"] = threats
    flagged = [e for e in threats if e.flagged]
    if flagged:
        for tab in threats_tables(flagged[:5], lang):
            ctx.console.print(tab)
    else:
        ctx.console.print(t("stats.threats_none", lang, window=3, alpha=FlagRule().alpha))
