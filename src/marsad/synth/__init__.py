"""Deterministic synthetic national dataset (``marsad synth``), labelled synthetic everywhere.

:func:`generate` writes files in the formats an observatory receives (police register, hotline
log, NGO register, KoboToolbox export, survey microdata, population denominators, game chat
transcripts), each readable by one shipped ingest profile, plus ``truth.json`` with what the
data was drawn from (hidden population, capture probabilities, emerging threats, dirty rows).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from marsad.synth._generate import (
    FILE_NAMES,
    INCIDENT_PROFILES,
    SynthError,
    SynthFile,
    SynthManifest,
    generate,
)

if TYPE_CHECKING:
    from marsad.demo import DemoContext

__all__ = [
    "FILE_NAMES",
    "INCIDENT_PROFILES",
    "SynthError",
    "SynthFile",
    "SynthManifest",
    "demo_step",
    "generate",
]


def demo_step(ctx: DemoContext) -> None:
    """Demo step: generate the dataset into ``DATA_DIR/sources`` and say it is synthetic."""
    from marsad.i18n import t

    manifest = generate(ctx.data_dir / "sources", size=ctx.size, seed=ctx.seed)
    ctx.outputs["synth"] = manifest
    ctx.console.print(
        t(
            "synth.demo_note",
            ctx.lang,
            files=len(manifest.files),
            rows=manifest.incident_rows,
            path=str(manifest.out_dir),
            seed=manifest.seed,
        )
    )
