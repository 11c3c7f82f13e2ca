"""National values: the input table of :func:`marsad.compare.compare` and its mapping.

A national table has one row per published cell: ``indicator``, ``value``, ``lower``,
``upper`` and the disaggregation columns (``age_band``, ``gender``, ``urban_rural``,
``region``, ``category``, ``space``...), optionally ``numerator``, ``denominator``, ``unit``,
``period``, ``base``, ``construct``, ``measure``, ``suppressed``. What the table does not say
(construct, measure, reference period, base) comes from the national map
(``data/national_map.yaml`` plus the user's ``--map`` file).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from marsad.compare._vocab import load_vocabulary
from marsad.errors import ReferenceDataError

__all__ = [
    "MARGIN",
    "NationalMap",
    "NationalValue",
    "load_national_map",
    "national_table",
]

#: Values that mean "all of this dimension" (a margin) in a national table.
MARGIN = frozenset({"", "all", "total", "_all", "*", "none", "nan", "tous", "ensemble"})
#: Columns of a national table that are not disaggregations.
_VALUE_COLUMNS = frozenset(
    {
        "indicator", "value", "lower", "upper", "numerator", "denominator", "unit", "period",
        "base", "construct", "measure", "suppressed", "flags", "method", "label", "n", "year",
        "deff", "se", "low_precision", "reason", "suppression_reason", "rounded", "note",
        "weighted_denominator", "population", "iso3", "area", "scheme", "age_scheme",
        "reference", "suppression_rule", "p_value", "p_adjusted", "heterogeneity_p",
    }
)  # fmt: skip
_UNIT_SCALE = {"proportion": 100.0, "fraction": 100.0}
_UNIT_NAMES = {
    "percent": "%",
    "%": "%",
    "proportion": "%",
    "fraction": "%",
    "count": "count",
    "per_100k": "per_100k",
}


@dataclass(frozen=True)
class NationalMap:
    """How national indicators map onto reference constructs (see data/national_map.yaml)."""

    indicators: dict[str, dict[str, Any]]
    category_constructs: dict[str, str]

    def merged(self, other: NationalMap) -> NationalMap:
        return NationalMap(
            {**self.indicators, **other.indicators},
            {**self.category_constructs, **other.category_constructs},
        )


def _read_map(text: str, name: str) -> NationalMap:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ReferenceDataError(
            f"{name} is not valid YAML: {exc}", code="reference.bad_map"
        ) from exc
    vocab = load_vocabulary()
    inds = data.get("indicators") or {}
    for iid, spec in inds.items():
        if not isinstance(spec, dict):
            raise ReferenceDataError(
                f"{name}, indicator {iid!r}: expected a mapping of keys.", code="reference.bad_map"
            )
        checks = (
            ("construct", vocab.constructs),
            ("measure", vocab.measures),
            ("period", vocab.periods),
            ("base", vocab.bases),
        )
        for key, known in checks:
            val = spec.get(key)
            if val is not None and val not in known:
                raise ReferenceDataError(
                    f"{name}, indicator {iid!r}, key '{key}': unknown value {val!r}; use one of: {', '.join(known)}.",
                    code="reference.bad_map",
                )
        if not spec.get("construct") and not spec.get("construct_from"):
            raise ReferenceDataError(
                f"{name}, indicator {iid!r}: give 'construct' or 'construct_from'.",
                code="reference.bad_map",
            )
    cats = {str(k): str(v) for k, v in (data.get("category_constructs") or {}).items()}
    for k, v in cats.items():
        if v not in vocab.constructs:
            raise ReferenceDataError(
                f"{name}, category_constructs.{k}: unknown construct {v!r}.",
                code="reference.bad_map",
            )
    return NationalMap({str(k): dict(v) for k, v in inds.items()}, cats)


@cache
def _shipped_map() -> NationalMap:
    text = (
        resources.files("marsad.compare")
        .joinpath("data", "national_map.yaml")
        .read_text(encoding="utf-8")
    )
    return _read_map(text, "marsad/compare/data/national_map.yaml")


def load_national_map(path: str | Path | None = None) -> NationalMap:
    """The shipped national map, with the entries of ``path`` (a user file) replacing them."""
    base = _shipped_map()
    if path is None:
        return base
    p = Path(path)
    if not p.exists():
        raise ReferenceDataError(
            f"National map file {p} does not exist.", code="reference.no_file", path=str(p)
        )
    return base.merged(_read_map(p.read_text(encoding="utf-8"), str(p)))


@dataclass(frozen=True)
class NationalValue:
    """One national cell (or an aggregate of cells built by re-banding), ready to compare.

    ``dims`` holds the disaggregations other than age and sex (e.g. ``{"urban_rural": "urban"}``);
    a missing key means "all". ``parts`` lists the cells an aggregate was built from.
    """

    indicator: str
    construct: str
    measure: str
    period: str
    base: str
    sex: str  # female | male | all
    age_band: str | None  # None = every age the indicator covers
    value: float | None
    lower: float | None
    upper: float | None
    unit: str
    year: int | None = None
    numerator: float | None = None
    denominator: float | None = None
    suppressed: bool = False
    dims: dict[str, str] = field(default_factory=dict)
    universe_age: str | None = None
    method: str = ""
    parts: tuple[str, ...] = ()
    area: str = "Morocco"
    iso3: str = "MAR"

    @property
    def subgroup(self) -> str | None:
        """The subgroup key matching reference figures' ``subgroup`` column."""
        keys = []
        for k, v in sorted(self.dims.items()):
            if k == "urban_rural":
                keys.append(v)
            elif k in ("region", "space", "platform") or k != "category":
                keys.append(f"{k}:{v}")
        return ";".join(keys) or None

    @property
    def population(self) -> str:
        """A short description: sex, age band and subgroup."""
        parts = [self.sex, self.age_band or (self.universe_age or "all ages")]
        if self.subgroup:
            parts.append(self.subgroup)
        return ", ".join(parts)


def _is_margin(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return str(v).strip().lower() in MARGIN


def _float(v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("true", "1", "yes")
    if isinstance(v, float) and math.isnan(v):
        return False
    return bool(v)


def _records(table: Any) -> list[dict[str, Any]]:
    """Rows of a DataFrame, a list of mappings/dataclasses, or an object holding one."""
    for attr in ("table", "frame", "rows", "cells"):
        if (
            hasattr(table, attr)
            and not isinstance(table, (list, tuple))
            and not hasattr(table, "to_dict")
        ):
            return _records(getattr(table, attr))
    if hasattr(table, "to_dict"):
        return [dict(r) for r in table.to_dict(orient="records")]
    out = []
    for r in table:
        if dataclasses.is_dataclass(r) and not isinstance(r, type):
            out.append(dataclasses.asdict(r))
        elif isinstance(r, Mapping):
            out.append(dict(r))
        else:
            raise ReferenceDataError(
                f"A national table row must be a mapping; got {type(r).__name__}.",
                code="reference.bad_national",
            )
    return out


_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")


def national_table(
    table: Any,
    national_map: NationalMap | None = None,
    *,
    area: str = "Morocco",
    iso3: str = "MAR",
) -> list[NationalValue]:
    """Turn a national table (stats output or hand-built) into :class:`NationalValue` cells.

    Rows of indicators the map does not know, and that do not carry ``construct``,
    ``measure``, ``period`` and ``base`` themselves, are skipped (they have no reference).
    """
    nmap = national_map or load_national_map()
    vocab = load_vocabulary()
    out: list[NationalValue] = []
    for i, row in enumerate(_records(table), start=1):
        ind = str(row.get("indicator") or "").strip()
        if not ind:
            raise ReferenceDataError(
                f"National table row {i}: column 'indicator' is empty.",
                code="reference.bad_national",
                row=i,
            )
        spec = nmap.indicators.get(ind, {})
        construct = row.get("construct") or spec.get("construct")
        if not construct and spec.get("construct_from"):
            col = spec["construct_from"]
            key = "_all" if _is_margin(row.get(col)) else str(row.get(col))
            construct = nmap.category_constructs.get(key)
        measure = row.get("measure") or spec.get("measure")
        base = row.get("base") or spec.get("base")
        period = spec.get("period")
        year = None
        raw_period = row.get("period")
        if raw_period is not None and not _is_margin(raw_period):
            text = str(raw_period).strip()
            if text in vocab.periods:
                period = text
            elif _YEAR.match(text):
                year = int(_YEAR.match(text).group(1))  # type: ignore[union-attr]
            elif period == "calendar_year":
                period = "part_year"  # a quarter or a month is not a calendar year
        if row.get("year") is not None and _float(row.get("year")) is not None:
            year = int(_float(row.get("year")))  # type: ignore[arg-type]
        if not (construct and measure and period and base):
            continue
        unit_raw = str(row.get("unit") or spec.get("unit") or "").strip().lower()
        scale = float(spec.get("scale", _UNIT_SCALE.get(unit_raw, 1.0)))
        unit = _UNIT_NAMES.get(
            unit_raw, unit_raw or ("%" if measure in ("prevalence", "share") else measure)
        )
        suppressed = _truthy(row.get("suppressed"))
        value = None if suppressed else _float(row.get("value"))
        lower = None if suppressed else _float(row.get("lower"))
        upper = None if suppressed else _float(row.get("upper"))
        if value is not None:
            value, lower, upper = (
                value * scale,
                None if lower is None else lower * scale,
                None if upper is None else upper * scale,
            )
        sex_raw = row.get("gender", row.get("sex"))
        sex = "all" if _is_margin(sex_raw) else str(sex_raw).strip().lower()
        sex = {"f": "female", "m": "male", "women": "female", "men": "male"}.get(sex, sex)
        age = row.get("age_band")
        dims = {
            str(k): str(v)
            for k, v in row.items()
            if k not in _VALUE_COLUMNS
            and k not in ("gender", "sex", "age_band")
            and not _is_margin(v)
        }
        if spec.get("construct_from"):
            dims.pop(spec["construct_from"], None)
        out.append(
            NationalValue(
                indicator=ind,
                construct=str(construct),
                measure=str(measure),
                period=str(period),
                base=str(base),
                sex=sex,
                age_band=None if _is_margin(age) else str(age).strip(),
                value=value,
                lower=lower,
                upper=upper,
                unit=unit,
                year=year,
                numerator=_float(row.get("numerator")),
                denominator=_float(row.get("weighted_denominator", row.get("denominator"))),
                suppressed=suppressed,
                dims=dims,
                universe_age=spec.get("universe_age"),
                method=str(row.get("method") or ""),
                area=str(row.get("area") or area),
                iso3=str(row.get("iso3") or iso3),
            )
        )
    return out
