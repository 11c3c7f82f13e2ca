"""The detect step of ``marsad demo``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from marsad.detect._detector import Detector
from marsad.detect._store import detect_store

if TYPE_CHECKING:
    from marsad.demo import DemoContext

__all__ = ["demo_step"]


def demo_step(ctx: DemoContext) -> None:
    """Demo: classify every narrative and conversation ingested, print a short summary."""
    from marsad.i18n import t
    from marsad.taxonomy import load_taxonomy

    detector = Detector.default()
    report = detect_store(ctx.store, detector)
    ctx.outputs["detect"] = report
    ctx.console.print(
        t(
            "detect.store_done",
            ctx.lang,
            incidents=report.incidents,
            harmful=report.incidents_harmful,
            filled=report.categories_filled,
            spaces=report.spaces_filled,
            conversations=report.conversations,
            conv_harmful=report.conversations_harmful,
            version=report.detector_version,
        )
    )
    tax = load_taxonomy()
    top = list(report.by_category.items())[:5]
    if top:
        ctx.console.print(
            "  " + ", ".join(f"{tax.label('categories', c, ctx.lang)}: {n}" for c, n in top)
        )
