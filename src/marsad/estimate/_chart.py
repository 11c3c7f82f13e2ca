"""The chart of the report section "what the records miss": recorded vs estimated victims."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from marsad.estimate._estimate import PopulationEstimate
from marsad.i18n import t

__all__ = ["recorded_vs_estimated_chart", "recorded_vs_estimated_figure"]


def _shape(text: str, lang: str) -> str:
    """Arabic glyphs joined and ordered for matplotlib, which has no bidi support."""
    if lang != "ar":
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


def recorded_vs_estimated_figure(
    rows: Sequence[PopulationEstimate], lang: str = "en", max_rows: int = 20
) -> Any:
    """A matplotlib Figure: per stratum, recorded victims and the estimate with its 95 % interval.

    Strata without an estimate (suppressed or unsupported) are left out; at most ``max_rows``
    strata, largest estimates first. Nothing under the disclosure threshold is drawn.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    shown = [r for r in rows if r.estimate is not None and r.recorded is not None]
    shown = sorted(shown, key=lambda r: -(r.estimate or 0.0))[:max_rows][::-1]
    height = max(2.5, 0.45 * len(shown) + 1.5)
    fig, ax = plt.subplots(figsize=(8, height), dpi=100)
    ys = range(len(shown))
    est = [r.estimate or 0.0 for r in shown]
    rec = [float(r.recorded or 0) for r in shown]
    lower = [max(0.0, (r.estimate or 0.0) - (r.lower or 0.0)) for r in shown]
    upper = []
    for r in shown:
        u = r.upper if r.upper is not None and math.isfinite(r.upper) else r.estimate or 0.0
        upper.append(max(0.0, u - (r.estimate or 0.0)))
    ax.barh(list(ys), est, color="#c9d6e8", label=_shape(t("estimate.chart.estimated", lang), lang),
            xerr=[lower, upper], error_kw={"ecolor": "#3a4a63", "capsize": 3})  # fmt: skip
    ax.barh(
        list(ys),
        rec,
        color="#b5443b",
        height=0.5,
        label=_shape(t("estimate.chart.recorded", lang), lang),
    )
    ax.set_yticks(list(ys))
    ax.set_yticklabels([r.stratum for r in shown], fontsize=8)
    ax.set_xlabel(_shape(t("estimate.chart.xlabel", lang), lang))
    ax.set_title(_shape(t("estimate.chart.title", lang), lang), fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    if not shown:
        ax.text(
            0.5,
            0.5,
            _shape(t("estimate.chart.empty", lang), lang),
            ha="center",
            transform=ax.transAxes,
        )
    fig.tight_layout()
    return fig


def recorded_vs_estimated_chart(
    rows: Sequence[PopulationEstimate], path: str | Path, lang: str = "en"
) -> Path:
    """Write :func:`recorded_vs_estimated_figure` to ``path`` (PNG, SVG or PDF by extension)."""
    import matplotlib.pyplot as plt

    fig = recorded_vs_estimated_figure(rows, lang)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        fig.savefig(out)
    finally:
        plt.close(fig)
    return out
