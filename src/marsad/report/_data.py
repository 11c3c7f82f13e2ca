"""The published evidence, fetched from the other stages' library functions.

The report, the dashboard pages and the REST API all read the pipeline's results through
this one module, so they show the same numbers. Each function calls the owning stage's
public API (``marsad.stats``, ``marsad.legal``, ``marsad.compare``, ``marsad.estimate``,
``marsad.detect``, ``marsad.ingest``) and turns its result objects into plain rows. When a
stage is not installed or cannot produce its result, :class:`Unavailable` says which and why,
and callers show that instead of numbers. Nothing here computes a statistic or queries the
store for one.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Any

from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.store import Store

__all__ = ["FILTERS", "Unavailable", "plain", "stage_function"]

FILTERS = ("period", "region", "space", "category", "age_band", "gender")


class Unavailable(MarsadError):
    """A stage's result cannot be shown (stage missing, or it refused with a reason)."""

    code = "report.unavailable"


def _module(stage: str) -> ModuleType:
    try:
        return importlib.import_module(f"marsad.{stage}")
    except ImportError as exc:
        raise Unavailable(
            f"The {stage} stage is not available in this installation ({exc}).",
            stage=stage,
        ) from None


def stage_function(stage: str, *names: str) -> Callable[..., Any]:
    """The first of ``names`` that stage ``marsad.<stage>`` exports, else :class:`Unavailable`."""
    mod = _module(stage)
    for name in names:
        fn = getattr(mod, name, None)
        if callable(fn):
            return fn  # type: ignore[no-any-return]
    raise Unavailable(f"The {stage} stage does not provide {' or '.join(names)} yet.", stage=stage)


def plain(value: Any) -> Any:
    """Dataclasses, enums, dates and paths as JSON-friendly values (recursively)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        try:
            return value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, float) and value != value:  # NaN → null
        return None
    return value


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a stage function; its MarsadError becomes :class:`Unavailable` with its message."""
    try:
        return fn(*args, **kwargs)
    except Unavailable:
        raise
    except MarsadError as exc:
        raise Unavailable(exc.message, stage=exc.code) from exc


_ = (Store, Settings)  # referenced by the adapters below


# -- adapters (one per published result) ------------------------------------------------------
def indicator_definitions(settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    """The indicator definitions (id, label, unit, allowed disaggregations)."""
    raise Unavailable("The stats stage does not provide indicator definitions yet.", stage="stats")


def indicator_cells(
    store: Store,
    settings: Settings,
    *,
    indicator: str | None = None,
    filters: dict[str, str | None] | None = None,
    publish: bool = True,
) -> list[dict[str, Any]]:
    """Indicator cells; with ``publish=True`` only disclosure-controlled values."""
    raise Unavailable("The stats stage does not provide indicators yet.", stage="stats")


def emerging_threats(
    store: Store, settings: Settings, *, publish: bool = True
) -> list[dict[str, Any]]:
    raise Unavailable("The stats stage does not provide emerging threats yet.", stage="stats")


def legal_matrix(store: Store, settings: Settings, lang: str = "en") -> dict[str, Any]:
    raise Unavailable("The legal stage does not provide a coverage matrix yet.", stage="legal")


def legal_gaps(store: Store, settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    raise Unavailable("The legal stage does not provide gaps yet.", stage="legal")


def recommendations(store: Store, settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    raise Unavailable("The legal stage does not provide recommendations yet.", stage="legal")


def comparison(store: Store, settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    raise Unavailable("The compare stage does not provide comparisons yet.", stage="compare")


def estimates(store: Store, settings: Settings, *, publish: bool = True) -> list[dict[str, Any]]:
    raise Unavailable("The estimate stage does not provide estimates yet.", stage="estimate")


def suppression_summary(store: Store, settings: Settings) -> dict[str, Any]:
    """What disclosure control suppressed, and why (for the report's annex)."""
    raise Unavailable("The stats stage does not report suppressions yet.", stage="stats")


def detect_text(text: str) -> dict[str, Any]:
    raise Unavailable("The detect stage does not provide a text detector yet.", stage="detect")


def import_file(store: Store, settings: Settings, path: Path, profile: str) -> dict[str, Any]:
    """Ingest one uploaded file through the ingest library; returns its import report."""
    fn = stage_function("ingest", "ingest_file")
    return dict(plain(_call(fn, store, settings, path, profile)))


def profiles() -> list[str]:
    """Ids of the shipped source profiles."""
    try:
        mod = _module("ingest")
    except Unavailable:
        return []
    fn = getattr(mod, "list_profiles", None) or getattr(mod, "shipped_profiles", None)
    if callable(fn):
        return [getattr(p, "id", p) for p in fn()]
    return []
