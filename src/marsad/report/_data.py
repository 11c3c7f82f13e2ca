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
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
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
            return fn
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
_STATS_DIMS = ("category", "space", "age_band", "gender", "region")
_CACHE_TTL = 300.0  # seconds; the table is also recomputed as soon as an import lands
_cache_lock = threading.Lock()
_table_cache: dict[tuple[Any, ...], tuple[tuple[Any, ...], float, Any]] = {}


def _fingerprint(store: Store) -> tuple[Any, ...]:
    """Changes whenever data are imported (a new batch, new or removed incidents)."""
    from sqlalchemy import func, select

    from marsad.store import tables

    b, i = tables.import_batches, tables.incidents
    with store.connect() as c:
        last_batch = c.execute(select(func.max(b.c.id), func.count()).select_from(b)).one()
        n_inc = c.execute(select(func.max(i.c.id))).scalar()
    return (tuple(last_batch), n_inc)


def indicator_table(store: Store, settings: Settings, *, publish: bool = True) -> Any:
    """The full indicator table of :func:`marsad.stats.compute_indicators`, cached.

    The table is computed once per store state (fingerprint of the import batches and
    incidents) and at most every five minutes, so the API answers from memory. With
    ``publish=True`` every cell has passed disclosure control (suppressed cells are NaN).
    """
    fn = stage_function("stats", "compute_indicators")
    return _cached(
        ("indicators", publish),
        store,
        settings,
        lambda: _call(fn, store, settings, publish=publish),
    )


def _cached(
    name: tuple[Any, ...], store: Store, settings: Settings, compute: Callable[[], Any]
) -> Any:
    """``compute()`` once per store state (and at most every five minutes)."""
    key = (*name, str(store.engine.url), settings.min_cell)
    fp = _fingerprint(store)
    now = time.monotonic()
    with _cache_lock:
        hit = _table_cache.get(key)
        if hit is not None and hit[0] == fp and now - hit[1] < _CACHE_TTL:
            return hit[2]
    value = compute()
    with _cache_lock:
        _table_cache[key] = (fp, now, value)
    return value


def clear_cache() -> None:
    """Forget cached indicator tables (tests, or after changing definitions)."""
    with _cache_lock:
        _table_cache.clear()


@cache
def _shipped_definitions() -> Any:
    return _call(stage_function("stats", "load_definitions"))


def indicator_definitions(settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    """The indicator definitions (id, label, unit, kind, period, allowed disaggregations)."""
    defs = _shipped_definitions()
    return [
        {
            "id": d.id,
            "label": d.label(lang),
            "kind": d.kind,
            "unit": d.unit,
            "period": d.period,
            "disaggregations": list(d.disaggregations),
        }
        for d in sorted(defs.values(), key=lambda d: d.id)
    ]


@cache
def _labels(lang: str) -> dict[str, str]:
    try:
        return {d["id"]: d["label"] for d in indicator_definitions(Settings(), lang)}
    except Unavailable:
        return {}


def indicator_labels(lang: str = "en") -> dict[str, str]:
    """Indicator id → its label in ``lang`` ({} when the stats stage is missing)."""
    return dict(_labels(lang))


def indicator_cells(
    store: Store,
    settings: Settings,
    *,
    indicator: str | None = None,
    filters: dict[str, str | None] | None = None,
    publish: bool = True,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Indicator cells as plain rows; with ``publish=True`` only disclosure-controlled values.

    Filters: ``indicator``; ``period`` (exact, or a prefix such as ``2025`` for ``2025-Q1``);
    ``region``, ``space``, ``category``, ``age_band``, ``gender`` (exact codes).
    """
    table = indicator_table(store, settings, publish=publish)
    mask = None
    if indicator:
        mask = table["indicator"] == indicator
    for name, value in (filters or {}).items():
        if not value:
            continue
        if name == "period":
            col = table["period"].astype(str)
            cond = (col == value) | col.str.startswith(value + "-")
        elif name in table.columns:
            cond = table[name] == value
        else:
            continue
        mask = cond if mask is None else (mask & cond)
    rows = table if mask is None else table[mask]
    labels = _labels(lang)
    keep = [
        "indicator",
        "period",
        *_STATS_DIMS,
        "value",
        "lower",
        "upper",
        "numerator",
        "denominator",
        "unit",
        "suppressed",
        "flags",
        "method",
    ]
    keep = [c for c in keep if c in rows.columns]
    out: list[dict[str, Any]] = []
    for rec in rows[keep].to_dict("records"):
        row = {k: plain(v) for k, v in rec.items()}
        row["suppressed"] = bool(row.get("suppressed"))
        if publish and row["suppressed"]:  # never leak a withheld value, whatever the engine did
            for k in ("value", "lower", "upper", "numerator", "denominator"):
                row[k] = None
        row["label"] = labels.get(str(row["indicator"]), row["indicator"])
        out.append(row)
    return out


def suppression_summary(store: Store, settings: Settings) -> dict[str, Any]:
    """What disclosure control suppressed, by rule and by indicator (for the report's annex)."""
    table = indicator_table(store, settings, publish=True)
    records = list(table.attrs.get("suppression", []))
    by_rule: dict[str, int] = {}
    by_indicator: dict[str, int] = {}
    for r in records:
        rule = str(r.get("rule") if isinstance(r, dict) else r.rule)
        ind = str(r.get("indicator") if isinstance(r, dict) else r.indicator)
        by_rule[rule] = by_rule.get(rule, 0) + 1
        by_indicator[ind] = by_indicator.get(ind, 0) + 1
    return {
        "cells": len(table),
        "primary": by_rule.get("primary", 0),
        "secondary": by_rule.get("secondary", 0) + by_rule.get("complement", 0),
        "by_rule": by_rule,
        "reasons": by_indicator,
        "notes": list(table.attrs.get("notes", [])),
    }


def emerging_threats(
    store: Store, settings: Settings, *, publish: bool = True
) -> list[dict[str, Any]]:
    """Emerging threats ranked by space (from ``marsad.stats``), as plain rows.

    Each row: ``category``, ``space``, ``observed``, ``expected``, ``growth`` with
    ``growth_lower``/``growth_upper``, ``flagged``, and ``series`` (periods, observed,
    expected, lower, upper) for the trend chart.
    """
    fn = stage_function("stats", "emerging_threats", "rank_threats", "threats")
    result = _cached(
        ("threats", publish), store, settings, lambda: _call(fn, store, settings, publish=publish)
    )
    rows = (
        result.to_dict("records")
        if hasattr(result, "to_dict") and hasattr(result, "columns")
        else result
    )
    out = []
    for r in rows:
        row = plain(r)
        if not isinstance(row, dict):
            continue
        out.append(row)
    return out


def _legal_analysis(store: Store, settings: Settings) -> Any:
    analyse = stage_function("legal", "analyse")
    load_burden = stage_function("legal", "load_burden")

    def run() -> Any:
        return _call(analyse, load_burden(store, settings), min_cell=settings.min_cell)

    return _cached(("legal",), store, settings, run)


_LEVEL_SCORE = {"explicit": 2, "partial": 1, "unknown": 0, "none": 0}


def legal_matrix(store: Store, settings: Settings, lang: str = "en") -> dict[str, Any]:
    """National coverage as a heatmap grid: category × victim group → 2/1/0 (None = n/a).

    A (category, group) cell shows the weakest national coverage over the digital spaces,
    since a gap in any space is a gap. ``cells`` holds every underlying cell.
    """
    from marsad.taxonomy import load_taxonomy

    a = _legal_analysis(store, settings)
    m = a.matrix
    national = [fw for fw, role in m.frameworks.items() if role == "national"]
    if not national:
        raise Unavailable("The legal data hold no national framework.", stage="legal")
    fw = national[0]
    tax = load_taxonomy()
    grid: list[list[int | None]] = []
    for cat in m.categories:
        line: list[int | None] = []
        for g in m.groups:
            levels = [
                _LEVEL_SCORE[c.level]
                for c in m.select(framework=fw, category=cat)
                if c.group == g and c.level in _LEVEL_SCORE
            ]
            line.append(min(levels) if levels else None)
        grid.append(line)
    group_labels = {
        "women": {"en": "Women", "fr": "Femmes", "ar": "النساء"},
        "girls": {"en": "Girls", "fr": "Filles", "ar": "الفتيات"},
        "boys": {"en": "Boys", "fr": "Garçons", "ar": "الفتيان"},
        "men": {"en": "Men", "fr": "Hommes", "ar": "الرجال"},
    }
    return {
        "framework": fw,
        "categories": list(m.categories),
        "groups": list(m.groups),
        "rows": [tax.label("categories", c, lang) for c in m.categories],
        "cols": [group_labels.get(g, {}).get(lang, g) for g in m.groups],
        "levels": grid,
        "burden_used": bool(a.burden_used),
    }


def legal_gaps(store: Store, settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    """Gaps ranked by priority (burden × severity × gap size), every input beside the score."""
    from marsad.i18n import t
    from marsad.report._views import standard_labels
    from marsad.taxonomy import load_taxonomy

    a = _legal_analysis(store, settings)
    rows_fn = stage_function("legal", "priorities_rows")
    tax = load_taxonomy()
    out = []
    for row in rows_fn(a.priorities):
        r = plain(row)
        r["title"] = tax.label("categories", str(r.get("category")), lang)
        r["standards_label"] = standard_labels(r.get("standards"), lang)
        status = str(r.get("burden_status") or "")
        key = f"legal.burden.{status}"
        text = t(key, lang) if status else ""
        r["burden_label"] = status if text == key else text
        out.append(r)
    return out


def recommendations(store: Store, settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    """One recommendation per priority gap, citing the gap, the evidence and the standards."""
    a = _legal_analysis(store, settings)
    recommend = stage_function("legal", "recommend")
    to_json = stage_function("legal", "recommendations_json")
    recs = _call(
        recommend,
        list(a.priorities),
        a.matrix.corpus,
        lang=lang,
        top=10,
        min_cell=settings.min_cell,
    )
    return [dict(plain(r)) for r in to_json(recs)]


def comparison(store: Store, settings: Settings, lang: str = "en") -> list[dict[str, Any]]:
    """National published values beside comparable reference figures (``marsad.compare``).

    ``label`` names the indicator and what the pair is about ("Incidents recorded —
    Sextortion"), from the compare stage's ``subject``.
    """
    from marsad.i18n import t

    compare = stage_function("compare", "compare")
    national = indicator_table(store, settings, publish=True)
    result = _cached(("compare",), store, settings, lambda: _call(compare, national))
    labels = _labels(lang)
    out = []
    for rec in result.records(lang):
        r = plain(rec)
        indicator = labels.get(str(r.get("indicator")), r.get("indicator"))
        r["indicator_label"] = indicator
        r["label"] = (
            t("report.indicator_with_category", lang, indicator=indicator, category=r["subject"])
            if r.get("subject")
            else indicator
        )
        r["reference_label"] = (
            f"{r.get('publisher') or r.get('source')} {r.get('reference_year') or ''}".strip()
        )
        r["reference_lower"] = r.get("reference_range_low")
        r["reference_upper"] = r.get("reference_range_high")
        r["reason"] = r.get("reasons")
        out.append(r)
    return out


def estimates(
    store: Store, settings: Settings, *, publish: bool = True, lang: str = "en"
) -> list[dict[str, Any]]:
    """Multiple-systems estimates per stratum: recorded, estimate, interval, model, warnings.

    Strata under the disclosure threshold have ``recorded`` withheld by the estimate stage.
    """
    from marsad.report._views import model_label

    fn = stage_function("estimate", "estimate_population")
    result = _cached(("estimate",), store, settings, lambda: _call(fn, store, settings))
    by = tuple(getattr(result, "by", ()) or ())
    out = []
    for r in result.rows:
        row = plain(r.as_row(lang))
        row["warning_codes"] = [w for w in str(row.get("warnings") or "").split(";") if w]
        row["warnings"] = [
            w.text(lang) if hasattr(w, "text") else str(w) for w in getattr(r, "warnings", ())
        ]
        row["stratum_label"] = stratum_label(str(row.get("stratum")), by, lang)
        row["model_label"] = model_label(row.get("model"), lang)
        row["suppressed"] = bool(getattr(r, "suppressed", False))
        if publish and row["suppressed"]:
            row["recorded"] = None
        out.append(row)
    return out


def stratum_label(stratum: str, by: tuple[str, ...], lang: str) -> str:
    """ "child_sexual / female / minor" → "Sexual abuse of children / female / minors" in ``lang``.

    Each part is labelled by its dimension (``by``): category groups and minor/adult through
    the report catalogue, categories, spaces and genders through the taxonomy.
    """
    from marsad.i18n import t
    from marsad.taxonomy import load_taxonomy

    if stratum in ("all", ""):
        return t("report.stratum_all", lang)
    parts = stratum.split(" / ")
    if len(parts) != len(by):
        return stratum
    tax_dims = {"category": "categories", "space": "spaces", "gender": "genders"}
    out = []
    for dim, code in zip(by, parts, strict=True):
        if dim in ("category_group", "minor"):
            key = f"report.{'group' if dim == 'category_group' else 'minor'}.{code}"
            text = t(key, lang)
            out.append(code if text == key else text)
        elif dim in tax_dims:
            try:
                out.append(load_taxonomy().label(tax_dims[dim], code, lang))
            except Exception:  # a code outside the taxonomy is shown as is
                out.append(code)
        else:
            out.append(code)
    return " / ".join(out)


@cache
def _detector() -> Any:
    """The default detector (shipped rules), built once per process."""
    cls = getattr(_module("detect"), "Detector", None)
    if cls is None:
        raise Unavailable("The detect stage does not provide a Detector yet.", stage="detect")
    return cls.default()


def detect_text(text: str) -> dict[str, Any]:
    """Run the default detector on one text: harmful, categories, scores, language, evidence.

    Evidence spans are character offsets into ``text`` (``start``, ``end``, ``category``,
    ``rule``); the text itself is not stored.
    """
    result = _call(_detector().detect, text)
    out = result.to_dict() if hasattr(result, "to_dict") else plain(result)
    return dict(out)


def import_file(store: Store, settings: Settings, path: Path, profile: str) -> dict[str, Any]:
    """Ingest one uploaded file with a *shipped* profile; returns its import report.

    Only shipped profile ids are accepted from the web (a path would let a web user read
    files on the server). Rows with errors are quarantined by the ingest library.
    """
    known = profiles()
    if profile not in known:
        from marsad.errors import ProfileError

        raise ProfileError(
            f"Unknown profile {profile!r}; use one of: {', '.join(known) or '(none shipped)'}.",
            code="profile.unknown",
            profile=profile,
        )
    fn = stage_function("ingest", "ingest_file")
    try:
        report = fn(store, settings, path, profile, progress=False)
    except MarsadError as exc:
        if exc.code.startswith(("ingest.", "profile.")):
            raise  # the file itself is unreadable: the caller answers 422 with the message
        raise Unavailable(exc.message, stage=exc.code) from exc
    return dict(plain(report))


def profiles() -> list[str]:
    """Ids of the shipped source profiles ([] when the ingest stage is missing)."""
    try:
        fn = stage_function("ingest", "list_profiles")
    except Unavailable:
        return []
    return [str(getattr(p, "id", p)) for p in fn()]
