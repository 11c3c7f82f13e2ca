"""Indicator definitions as data: YAML files, validated with errors naming file and key.

Shipped definitions live in ``marsad/stats/indicators/*.yaml``; users add or override them
with their own folder (``--definitions DIR``): a user file with the same ``id`` replaces the
shipped one. The format is documented in ``docs/stats.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from marsad.errors import MarsadError, NotFoundError
from marsad.taxonomy import load_taxonomy

__all__ = [
    "DefinitionError",
    "IndicatorDefinition",
    "get_definition",
    "load_definitions",
]

KINDS = ("count", "rate", "proportion", "survey_prevalence", "rate_ratio", "growth")
UNITS = ("count", "per_100k", "percent", "ratio", "percent_per_year")
PERIODS = ("year", "quarter", "month", "all")
COUNTS = ("incidents", "victims")
INCIDENT_DIMS = (
    "category",
    "space",
    "region",
    "gender",
    "age_band",
    "minor",
    "source_kind",
    "medium",
    "relationship",
)
SURVEY_DIMS = ("age_band", "gender", "urban_rural", "region")
POPULATION_DIMS = ("age_band", "gender", "region")
FILTER_KEYS = (*INCIDENT_DIMS, "category_origin", "platform")
SURVEY_FILTER_KEYS = (*SURVEY_DIMS, "internet_user")
SURVEY_OUTCOMES = ("cv_past_12m", "cv_lifetime", "reported_any")
TAXONOMY_DIMS = {
    "category": "categories",
    "space": "spaces",
    "region": "regions",
    "gender": "genders",
}
DEFAULT_UNIT = {
    "count": "count",
    "rate": "per_100k",
    "proportion": "percent",
    "survey_prevalence": "percent",
    "rate_ratio": "ratio",
    "growth": "percent_per_year",
}


class DefinitionError(MarsadError):
    """An indicator definition file is malformed."""

    code = "stats.definition"


@dataclass(frozen=True)
class IndicatorDefinition:
    """One indicator, as read from its YAML file (see ``docs/stats.md`` for every key)."""

    id: str
    labels: dict[str, str]
    kind: str
    unit: str
    period: str
    disaggregations: tuple[str, ...]
    count: str = "incidents"
    filters: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    denominator: str = "none"
    denominator_filters: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    age_scheme: str = "analysis"
    outcome: str | None = None
    survey: str | None = None
    compare_dimension: str | None = None
    compare_group: str | None = None
    compare_reference: str | None = None
    interval: str | None = None
    adjust: str = "holm"
    category_field: str = "primary"
    description: dict[str, str] = field(default_factory=dict)
    path: str = ""

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]


def _err(path: str, key: str, message: str) -> DefinitionError:
    return DefinitionError(
        f"Indicator definition {path}: key '{key}' {message}", path=path, key=key
    )


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    return (value,)


def _filters(raw: Any, path: str, key: str, allowed: tuple[str, ...]) -> dict[str, tuple[Any, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _err(path, key, "must be a mapping of field to allowed values.")
    tax = load_taxonomy()
    out: dict[str, tuple[Any, ...]] = {}
    for name, values in raw.items():
        if name not in allowed:
            raise _err(path, f"{key}.{name}", f"is not a filter; use one of {', '.join(allowed)}.")
        vals = _as_tuple(values)
        if name in ("minor", "internet_user"):
            if not all(isinstance(v, bool) for v in vals):
                raise _err(path, f"{key}.{name}", "must be true or false.")
        elif name in TAXONOMY_DIMS:
            codes = tax.dimension(TAXONOMY_DIMS[name])
            for v in vals:
                if v not in codes:
                    raise _err(
                        path,
                        f"{key}.{name}",
                        f"has {v!r}, which is not a code of {TAXONOMY_DIMS[name]}; known: "
                        + ", ".join(codes)
                        + ".",
                    )
        out[name] = vals
    return out


def parse_definition(data: Any, path: str) -> IndicatorDefinition:
    """Validate one definition mapping read from ``path``."""
    if not isinstance(data, dict):
        raise DefinitionError(f"Indicator definition {path} must hold a mapping.", path=path)
    ident = data.get("id")
    if not isinstance(ident, str) or not ident.replace("_", "").isalnum():
        raise _err(path, "id", "is required: letters, digits and underscores.")
    labels = data.get("labels") or {}
    if not isinstance(labels, dict) or any(not labels.get(x) for x in ("fr", "ar", "en")):
        raise _err(path, "labels", "needs non-empty fr, ar and en labels.")
    kind = data.get("kind")
    if kind not in KINDS:
        raise _err(path, "kind", f"must be one of {', '.join(KINDS)}; got {kind!r}.")
    unit = data.get("unit", DEFAULT_UNIT[kind])
    if unit not in UNITS:
        raise _err(path, "unit", f"must be one of {', '.join(UNITS)}; got {unit!r}.")
    period = data.get("period", "year")
    if period not in PERIODS:
        raise _err(path, "period", f"must be one of {', '.join(PERIODS)}; got {period!r}.")
    num = data.get("numerator") or {}
    if not isinstance(num, dict):
        raise _err(path, "numerator", "must be a mapping (count, filters).")
    den = data.get("denominator") or {"type": "none"}
    if isinstance(den, str):
        den = {"type": den}
    den_type = den.get("type", "none")
    dims_allowed: tuple[str, ...] = SURVEY_DIMS if kind == "survey_prevalence" else INCIDENT_DIMS
    if kind == "rate":
        dims_allowed = POPULATION_DIMS
    if kind == "rate_ratio":
        dims_allowed = ("category", "space", "age_band", "gender", "region")
    if kind == "growth":
        dims_allowed = ("category", "space", "region", "gender", "age_band")
    dis = _as_tuple(data.get("disaggregations") or ())
    for d in dis:
        if d not in dims_allowed:
            raise _err(
                path,
                "disaggregations",
                f"has {d!r}; a {kind} indicator allows {', '.join(dims_allowed)}.",
            )
    count = num.get("count", "incidents")
    if count not in COUNTS:
        raise _err(path, "numerator.count", f"must be incidents or victims; got {count!r}.")
    fkeys = SURVEY_FILTER_KEYS if kind == "survey_prevalence" else FILTER_KEYS
    filters = _filters(num.get("filters"), path, "numerator.filters", fkeys)
    expected_den = {
        "count": ("none",),
        "rate": ("population",),
        "proportion": ("count",),
        "survey_prevalence": ("survey",),
        "rate_ratio": ("population",),
        "growth": ("none",),
    }[kind]
    if den_type not in expected_den:
        raise _err(
            path,
            "denominator.type",
            f"must be {' or '.join(expected_den)} for a {kind} indicator; got {den_type!r}.",
        )
    outcome = None
    survey = None
    if kind == "survey_prevalence":
        outcome = (data.get("survey") or {}).get("outcome")
        survey = (data.get("survey") or {}).get("name")
        if outcome not in SURVEY_OUTCOMES:
            raise _err(path, "survey.outcome", f"must be one of {', '.join(SURVEY_OUTCOMES)}.")
    cmp_dim = cmp_group = cmp_ref = None
    if kind == "rate_ratio":
        cmp = data.get("compare") or {}
        cmp_dim = cmp.get("dimension")
        if cmp_dim not in ("gender", "age_band"):
            raise _err(path, "compare.dimension", "must be gender or age_band.")
        cmp_group = cmp.get("group")
        cmp_ref = cmp.get("reference")
        if not cmp_ref:
            raise _err(path, "compare.reference", "is required (the reference group).")
        if cmp_dim == "gender" and not cmp_group:
            raise _err(path, "compare.group", "is required for a gender comparison.")
        if cmp_dim in dis:
            raise _err(path, "disaggregations", f"cannot include the compared {cmp_dim!r}.")
    if kind in ("rate", "rate_ratio") and period != "year":
        raise _err(path, "period", "must be year for rates (population denominators are annual).")
    scheme = str(den.get("age_scheme", data.get("age_scheme", "analysis")))
    try:
        load_taxonomy().scheme(scheme)
    except MarsadError as exc:
        raise _err(path, "age_scheme", str(exc)) from None
    interval = data.get("interval")
    if interval is not None and interval not in ("wilson", "clopper_pearson"):
        raise _err(path, "interval", "may only be wilson or clopper_pearson (proportions).")
    adjust = data.get("adjust", "holm")
    if adjust not in ("holm", "bh"):
        raise _err(path, "adjust", "must be holm or bh.")
    cat_field = num.get("category_field", "primary")
    if cat_field not in ("primary", "any"):
        raise _err(path, "numerator.category_field", "must be primary or any.")
    return IndicatorDefinition(
        id=ident,
        labels={k: str(labels[k]) for k in ("fr", "ar", "en")},
        kind=kind,
        unit=unit,
        period=period,
        disaggregations=tuple(dis),
        count=count,
        filters=filters,
        denominator=den_type,
        denominator_filters=_filters(den.get("filters"), path, "denominator.filters", fkeys),
        age_scheme=scheme,
        outcome=outcome,
        survey=survey,
        compare_dimension=cmp_dim,
        compare_group=cmp_group,
        compare_reference=cmp_ref,
        interval=interval,
        adjust=adjust,
        category_field=cat_field,
        description={k: str(v) for k, v in (data.get("description") or {}).items()},
        path=path,
    )


def _read(text: str, path: str) -> IndicatorDefinition:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(
            f"Indicator definition {path} is not valid YAML: {exc}", path=path
        ) from None
    return parse_definition(data, path)


def load_definitions(directory: str | Path | None = None) -> dict[str, IndicatorDefinition]:
    """The shipped definitions, overridden or extended by the ``*.yaml`` files of ``directory``."""
    out: dict[str, IndicatorDefinition] = {}
    folder = resources.files("marsad.stats").joinpath("indicators")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            d = _read(entry.read_text(encoding="utf-8"), f"marsad/stats/indicators/{entry.name}")
            out[d.id] = d
    if directory is not None:
        root = Path(directory)
        if not root.is_dir():
            raise DefinitionError(
                f"Indicator definitions folder {root} does not exist or is not a folder.",
                path=str(root),
            )
        seen: dict[str, str] = {}
        for p in sorted([*root.glob("*.yaml"), *root.glob("*.yml")]):
            d = _read(p.read_text(encoding="utf-8"), str(p))
            if d.id in seen:
                raise _err(str(p), "id", f"{d.id!r} is also defined in {seen[d.id]}.")
            seen[d.id] = str(p)
            out[d.id] = d
    return out


def get_definition(
    indicator_id: str, definitions: dict[str, IndicatorDefinition] | None = None
) -> IndicatorDefinition:
    """One definition by id, with an error listing the known ids."""
    defs = definitions if definitions is not None else load_definitions()
    if indicator_id not in defs:
        raise NotFoundError(
            f"No indicator {indicator_id!r}; known: {', '.join(sorted(defs))}. "
            "See `marsad indicators list`.",
            code="stats.unknown_indicator",
            indicator=indicator_id,
        )
    return defs[indicator_id]
