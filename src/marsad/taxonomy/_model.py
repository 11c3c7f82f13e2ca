"""Load and validate the taxonomy data files, in one place."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from marsad.errors import TaxonomyError

LANGS = ("en", "fr", "ar")
STATUSES = ("VERIFIED", "VERIFIED-SECONDARY", "UNVERIFIED")
ADULT_AGE = 18


@dataclass(frozen=True)
class Code:
    """One code of a dimension (a category, space, region...) with its labels."""

    id: str
    labels: dict[str, str]
    definition: dict[str, str] = field(default_factory=dict)
    severity: int = 1
    minors_only: bool = False
    includes: tuple[str, ...] = ()

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True)
class AgeBand:
    low: int
    high: int | None  # inclusive; None = open-ended

    @property
    def label(self) -> str:
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"

    def contains(self, age: int) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)

    @property
    def straddles_majority(self) -> bool:
        return self.low < ADULT_AGE and (self.high is None or self.high >= ADULT_AGE)

    @property
    def is_minor(self) -> bool | None:
        """True if every age in the band is under 18, False if every age is 18+, else None."""
        if self.straddles_majority:
            return None
        return self.low < ADULT_AGE


@dataclass(frozen=True)
class AgeScheme:
    id: str
    labels: dict[str, str]
    bands: tuple[AgeBand, ...]
    source: str = ""
    status: str = "VERIFIED"

    def band_of(self, age: int | None) -> str | None:
        """The label of the band holding ``age``; None when unknown or outside the scheme."""
        if age is None:
            return None
        for b in self.bands:
            if b.contains(age):
                return b.label
        return None

    def band(self, label: str) -> AgeBand:
        for b in self.bands:
            if b.label == label:
                return b
        raise TaxonomyError(
            f"Age band {label!r} is not in scheme {self.id!r}; bands: "
            + ", ".join(b.label for b in self.bands),
            code="taxonomy.unknown_band",
        )


@dataclass(frozen=True)
class Mapping:
    """One crosswalk entry: the external code, its source and verification status."""

    target: str | None
    source: str
    status: str
    cyber_related: bool | None = None


@dataclass(frozen=True)
class Taxonomy:
    """The whole taxonomy: categories, dimensions, age schemes and crosswalks."""

    version: str
    categories: dict[str, Code]
    spaces: dict[str, Code]
    media: dict[str, Code]
    genders: dict[str, Code]
    relationships: dict[str, Code]
    regions: dict[str, Code]
    age_schemes: dict[str, AgeScheme]
    default_scheme: str
    iccs: dict[str, Mapping]
    gbvims: dict[str, Mapping]
    sources: dict[str, str]

    def dimension(self, name: str) -> dict[str, Code]:
        """A dimension by name: categories, spaces, media, genders, relationships, regions."""
        try:
            value = getattr(self, name)
        except AttributeError:
            value = None
        if not isinstance(value, dict) or name in ("age_schemes", "iccs", "gbvims", "sources"):
            raise TaxonomyError(f"Unknown taxonomy dimension {name!r}.", code="taxonomy.unknown")
        return value

    def check(self, dimension: str, code: str) -> str:
        """Return ``code`` if it belongs to ``dimension``, else raise a clear error."""
        codes = self.dimension(dimension)
        if code not in codes:
            raise TaxonomyError(
                f"{code!r} is not a known code of {dimension}; known: {', '.join(codes)}.",
                code="taxonomy.unknown_code",
                dimension=dimension,
                value=code,
            )
        return code

    def label(self, dimension: str, code: str, lang: str = "en") -> str:
        return self.dimension(dimension)[code].label(lang)

    def scheme(self, scheme_id: str | None = None) -> AgeScheme:
        sid = scheme_id or self.default_scheme
        if sid not in self.age_schemes:
            raise TaxonomyError(
                f"Unknown age scheme {sid!r}; known: {', '.join(self.age_schemes)}.",
                code="taxonomy.unknown_scheme",
            )
        return self.age_schemes[sid]

    def reband(self, band_label: str, source: str, target: str) -> str | None:
        """Map a band of scheme ``source`` to the band of ``target`` that holds it entirely.

        Returns None when no target band holds the whole source band: re-banding is then not
        exact and single-year ages are needed.
        """
        b = self.scheme(source).band(band_label)
        for t in self.scheme(target).bands:
            upper_ok = t.high is None or (b.high is not None and b.high <= t.high)
            if b.low >= t.low and upper_ok:
                return t.label
        return None

    def minor_split(self, scheme_id: str) -> dict[str, bool]:
        """Band label -> is-minor for a scheme; refuses a scheme with a band straddling 18."""
        scheme = self.scheme(scheme_id)
        out: dict[str, bool] = {}
        for b in scheme.bands:
            if b.is_minor is None:
                raise TaxonomyError(
                    f"Age band {b.label} of scheme {scheme_id!r} straddles 18: it cannot split "
                    "minors from adults. Use single-year ages or a scheme such as 'legal'.",
                    code="taxonomy.straddles_majority",
                )
            out[b.label] = b.is_minor
        return out


def _read(name: str) -> dict[str, Any]:
    path = resources.files("marsad.taxonomy").joinpath("data", name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TaxonomyError(f"Taxonomy file {name} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise TaxonomyError(f"Taxonomy file {name} must hold a mapping at the top level.")
    return data


def _codes(items: list[dict[str, Any]], where: str) -> dict[str, Code]:
    out: dict[str, Code] = {}
    for i, item in enumerate(items):
        cid = item.get("id")
        if not cid:
            raise TaxonomyError(f"{where}: entry {i + 1} has no id.")
        if cid in out:
            raise TaxonomyError(f"{where}: id {cid!r} appears twice.")
        labels = item.get("labels") or {}
        missing = [lang for lang in LANGS if not labels.get(lang)]
        if missing:
            raise TaxonomyError(f"{where}: {cid!r} lacks labels in {', '.join(missing)}.")
        severity = int(item.get("severity", 1))
        if not 1 <= severity <= 5:
            raise TaxonomyError(f"{where}: {cid!r} severity must be 1 to 5; got {severity}.")
        out[cid] = Code(
            id=cid,
            labels=dict(labels),
            definition=dict(item.get("definition") or {}),
            severity=severity,
            minors_only=bool(item.get("minors_only", False)),
            includes=tuple(item.get("includes") or ()),
        )
    return out


def _mappings(
    raw: dict[str, Any], key: str, categories: dict[str, Code], sources: dict[str, str]
) -> dict[str, Mapping]:
    out: dict[str, Mapping] = {}
    for cat, m in raw.items():
        if cat not in categories:
            raise TaxonomyError(f"crosswalks.yaml {key}: unknown category {cat!r}.")
        if m.get("source") not in sources:
            raise TaxonomyError(
                f"crosswalks.yaml {key}.{cat}: source {m.get('source')!r} is not declared."
            )
        if m.get("status") not in STATUSES:
            raise TaxonomyError(f"crosswalks.yaml {key}.{cat}: status must be one of {STATUSES}.")
        out[cat] = Mapping(
            target=m.get("code", m.get("type")),
            source=sources[m["source"]],
            status=m["status"],
            cyber_related=m.get("cyber_related"),
        )
    missing = set(categories) - set(out)
    if missing:
        raise TaxonomyError(f"crosswalks.yaml {key}: no mapping for {', '.join(sorted(missing))}.")
    return out


@cache
def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy, validated. Cached: the files are read once per process."""
    cats = _read("categories.yaml")
    dims = _read("dimensions.yaml")
    ages = _read("age_schemes.yaml")
    cw = _read("crosswalks.yaml")
    categories = _codes(cats["categories"], "categories.yaml")
    schemes: dict[str, AgeScheme] = {}
    for s in ages["schemes"]:
        bands = tuple(AgeBand(int(lo), None if hi is None else int(hi)) for lo, hi in s["bands"])
        for a, b in itertools.pairwise(bands):
            if a.high is None or b.low <= a.high:
                raise TaxonomyError(f"age_schemes.yaml {s['id']}: bands overlap or are unordered.")
        schemes[s["id"]] = AgeScheme(
            id=s["id"],
            labels=s["labels"],
            bands=bands,
            source=s.get("source", ""),
            status=s.get("status", "VERIFIED"),
        )
    if ages["default_scheme"] not in schemes:
        raise TaxonomyError("age_schemes.yaml: default_scheme is not a declared scheme.")
    sources = dict(cw["sources"])
    return Taxonomy(
        version=str(cats["version"]),
        categories=categories,
        spaces=_codes(dims["spaces"], "dimensions.yaml spaces"),
        media=_codes(dims["media"], "dimensions.yaml media"),
        genders=_codes(dims["genders"], "dimensions.yaml genders"),
        relationships=_codes(dims["relationships"]["values"], "dimensions.yaml relationships"),
        regions=_codes(dims["regions"], "dimensions.yaml regions"),
        age_schemes=schemes,
        default_scheme=ages["default_scheme"],
        iccs=_mappings(cw["iccs"], "iccs", categories, sources),
        gbvims=_mappings(cw["gbvims"], "gbvims", categories, sources),
        sources=sources,
    )
