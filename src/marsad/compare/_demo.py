"""National values from the stats stage, and the compare step of ``marsad demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marsad.compare._chart import comparison_chart
from marsad.compare._compare import Comparison, compare
from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.i18n import t
from marsad.store import Store

if TYPE_CHECKING:
    from marsad.demo import DemoContext

__all__ = ["demo_step", "national_from_stats"]


def national_from_stats(store: Store, settings: Settings) -> Any:
    """The published (disclosure-controlled) national indicators of ``marsad.stats``.

    Raises
    ------
    MarsadError
        When the stats stage is not installed or cannot compute (message says so).
    """
    try:
        from marsad.stats import compute_indicators
    except ImportError as exc:
        raise MarsadError(
            "National indicators need the stats stage (marsad.stats.compute_indicators), which "
            f"is not available: {exc}. Pass a national table instead (--national FILE).",
            code="compare.no_stats",
        ) from exc
    return compute_indicators(store, settings, publish=True)


def demo_step(ctx: DemoContext) -> None:
    """Compare the demo's national indicators with the reference figures; write CSV + chart."""
    national = ctx.outputs.get("indicators")
    if national is None:
        national = national_from_stats(ctx.store, ctx.settings)
    result: Comparison = compare(national)
    out = ctx.data_dir / "compare"
    out.mkdir(parents=True, exist_ok=True)
    csv_path = result.write(out / "comparison.csv", "csv", ctx.lang)
    chart = comparison_chart(result, out / "comparison.png", lang=ctx.lang)
    ctx.console.print(result.table(ctx.lang, comparable_only=True))
    ctx.console.print(
        t(
            "compare.demo_done",
            ctx.lang,
            comparable=len(result.comparable),
            refused=len(result.refused),
            csv=str(csv_path),
            chart=str(chart),
        )
    )
    ctx.outputs["compare"] = result
