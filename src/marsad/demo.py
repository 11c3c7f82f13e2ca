"""The main job on the embedded default: ``marsad demo``.

The demo is a list of steps run in order on one :class:`DemoContext`. Each pipeline stage
contributes its step (a function taking the context) through :data:`STEPS`; later stages
read what earlier ones left in ``ctx.outputs``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from marsad.config import Settings
from marsad.store import Store

__all__ = ["STEPS", "DemoContext", "run_demo"]

# "module:function" of each step, in order.
STEPS: list[str] = [
    "marsad.synth:demo_step",
    "marsad.ingest:demo_step",
    "marsad.detect:demo_step",
    "marsad.stats:demo_step",
    "marsad.estimate:demo_step",  # after stats when it lands; before report (chart, gap)
    "marsad.legal:demo_step",
    "marsad.compare:demo_step",  # after stats: uses ctx.outputs["indicators"] or computes them
    "marsad.report:demo_step",  # last: the report reads every stage's results
]


@dataclass
class DemoContext:
    """What every demo step can use and where it leaves its results."""

    settings: Settings
    store: Store
    console: Console
    size: int
    seed: int = 2026
    outputs: dict[str, Any] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def lang(self) -> str:
        return self.settings.lang


def _resolve(spec: str) -> Callable[[DemoContext], None]:
    module, func = spec.split(":")
    fn: Callable[[DemoContext], None] = getattr(importlib.import_module(module), func)
    return fn


def run_demo(
    settings: Settings, *, size: int = 20_000, console: Console | None = None, seed: int = 2026
) -> DemoContext:
    """Run every demo step on ``settings`` (a fresh data folder is best)."""
    console = console or Console()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(settings.db_url)
    ctx = DemoContext(settings=settings, store=store, console=console, size=size, seed=seed)
    try:
        for spec in STEPS:
            _resolve(spec)(ctx)
    finally:
        store.close()
    return ctx
