"""The publishable evidence report (HTML and PDF, French, Arabic right-to-left, English).

:func:`build_report` runs the report's sections (a list of ``"module:function"`` in
:data:`SECTIONS`, the extension point) over the other stages' library functions, with every
number after disclosure control, and writes ``report.html`` and ``report.pdf``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marsad.report._build import ReportError, ReportResult, build_report, render_html
from marsad.report._charts import Chart, bar_intervals, grouped_bars, heatmap, trend_band
from marsad.report._data import Unavailable
from marsad.report._sections import SECTIONS, ReportContext, Section

if TYPE_CHECKING:
    from marsad.demo import DemoContext

__all__ = [
    "SECTIONS",
    "Chart",
    "ReportContext",
    "ReportError",
    "ReportResult",
    "Section",
    "Unavailable",
    "bar_intervals",
    "build_report",
    "demo_step",
    "grouped_bars",
    "heatmap",
    "render_html",
    "trend_band",
]


def demo_step(ctx: DemoContext) -> None:
    """Demo: write the report in the demo's language into DATA_DIR/report and print its path."""
    from marsad.i18n import t

    out = ctx.data_dir / "report"
    result = build_report(ctx.store, ctx.settings, out, lang=ctx.lang)
    ctx.outputs["report"] = result
    ctx.console.print(t("report.demo", ctx.lang, path=str(result.html)))
    if result.pdf is not None:
        ctx.console.print(t("report.demo", ctx.lang, path=str(result.pdf)))
