"""Source profiles: declarative YAML describing how one source's files map to the store.

A profile is validated completely (structure with pydantic, then every dimension, code, age
band, date format and target field against the taxonomy and the store schema) before any row
is read. Every problem is raised as a :class:`~marsad.errors.ProfileError` that names the
profile file and the key, e.g. ``fields.region.map.Casa``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from marsad.errors import ProfileError
from marsad.ingest._targets import FIELD_TYPES, TARGETS, FieldRule
from marsad.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "FieldSpec",
    "FormatSpec",
    "Profile",
    "SourceSpec",
    "list_profiles",
    "load_profile",
    "norm_key",
]

SOURCE_KINDS = ("police", "justice", "hotline", "ngo", "survey", "platform", "population")
PSEUDONYM_KINDS = ("phone", "cin", "email", "handle", "id")
SPECIAL_DATE_FORMATS = ("iso", "excel")
DEFAULT_NA = ("", "na", "n/a", "null", "none", "nan", "-", "--")


def norm_key(value: str) -> str:
    """How map keys and values are compared: NFKC, trimmed, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Model):
    """Who sent the file: a stable ``code``, a readable name and the kind of source."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["police", "justice", "hotline", "ngo", "survey", "platform", "population"]


class FormatSpec(_Model):
    """How to read the file; everything defaults to auto-detection."""

    type: Literal["csv", "xlsx", "jsonl", "parquet"] | None = None
    delimiter: str = "auto"
    encoding: str = "auto"
    sheet: str | int | None = None
    quotechar: str = '"'

    @field_validator("delimiter")
    @classmethod
    def _delimiter(cls, v: str) -> str:
        if v != "auto" and len(v) != 1 and v not in ("\\t", "tab"):
            raise ValueError("must be 'auto' or exactly one character (use '\\t' or 'tab' for tab)")
        return "\t" if v in ("\\t", "tab") else v

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        import codecs

        if v != "auto":
            try:
                codecs.lookup(v)
            except LookupError:
                raise ValueError(
                    f"unknown text encoding {v!r} (e.g. utf-8, cp1252, cp1256)"
                ) from None
        return v


class ColumnRef(_Model):
    column: str = Field(min_length=1)


class FieldSpec(_Model):
    """How to read one store field: from a column (or a constant ``value``) with a type."""

    column: str | None = None
    value: Any = None
    type: str | None = None
    required: bool = False
    optional: bool = False
    formats: tuple[str, ...] = ("iso",)
    min: float | None = None
    max: float | None = None
    dimension: str | None = None
    map: dict[str, Any] | None = None
    scheme: str | None = None
    kind: Literal["phone", "cin", "email", "handle", "id"] | None = None
    scrub: bool = True
    columns: tuple[str, ...] = ()

    @field_validator("type")
    @classmethod
    def _type(cls, v: str | None) -> str | None:
        if v is not None and v not in FIELD_TYPES:
            raise ValueError(f"unknown type {v!r}; use one of {', '.join(FIELD_TYPES)}")
        return v

    @field_validator("map", mode="before")
    @classmethod
    def _map_keys(cls, v: Any) -> Any:
        # YAML turns yes/no/1 keys into bools and ints: compare them as the text they were
        if isinstance(v, dict):
            return {_yaml_key(k): val for k, val in v.items()}
        return v


def _yaml_key(k: Any) -> str:
    if isinstance(k, bool):
        return "true" if k else "false"
    return str(k)


class Profile(_Model):
    """A validated source profile. Build with :func:`load_profile`."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
    version: int = Field(default=1, ge=1)
    description: str = ""
    source: SourceSpec
    target: Literal["incidents", "survey", "population", "chat", "aggregates"]
    format: FormatSpec = FormatSpec()
    record_id: ColumnRef | None = None
    fields: dict[str, FieldSpec]
    scrub_names_from: tuple[str, ...] = ()
    defaults: dict[str, Any] = {}
    na_values: tuple[str, ...] = DEFAULT_NA
    path: str = Field(default="<memory>", exclude=True)

    @property
    def key(self) -> str:
        """What identifies the profile in import batches: ``id@vVERSION``."""
        return f"{self.id}@v{self.version}"

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    @cached_property
    def columns(self) -> list[str]:
        """Every file column the profile reads (in a stable order)."""
        cols: list[str] = []
        if self.record_id:
            cols.append(self.record_id.column)
        for spec in self.fields.values():
            if spec.column:
                cols.append(spec.column)
            cols.extend(spec.columns)
        cols.extend(self.scrub_names_from)
        return list(dict.fromkeys(cols))

    def rule(self, name: str) -> FieldRule:
        return TARGETS[self.target].fields[name]

    def field_type(self, name: str) -> str:
        spec = self.fields.get(name)
        return (spec.type if spec and spec.type else None) or self.rule(name).default_type

    def dimension_of(self, name: str) -> str | None:
        spec = self.fields.get(name)
        return (spec.dimension if spec else None) or self.rule(name).dimension


# --------------------------------------------------------------------------------------------
def list_profiles() -> list[str]:
    """Ids of the profiles shipped in ``marsad/ingest/profiles/``."""
    folder = resources.files("marsad.ingest").joinpath("profiles")
    return sorted(e.name[:-5] for e in folder.iterdir() if e.name.endswith(".yaml"))


def load_profile(name_or_path: str | Path | Profile) -> Profile:
    """Load and fully validate a profile: a shipped id (``police_register``) or a YAML path.

    Raises
    ------
    ProfileError
        Naming the profile file and the key at fault, before any row is read.
    """
    if isinstance(name_or_path, Profile):
        return name_or_path
    text, where = _read_profile_text(name_or_path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(
            f"Profile {where} is not valid YAML: {exc}", code="profile.yaml", profile=where
        ) from None
    return profile_from_dict(data, where)


def _read_profile_text(name_or_path: str | Path) -> tuple[str, str]:
    raw = str(name_or_path)
    path = Path(raw)
    looks_like_path = path.suffix in (".yaml", ".yml") or "/" in raw or path.exists()
    if looks_like_path:
        if not path.is_file():
            raise ProfileError(
                f"Profile file {raw} does not exist.", code="profile.not_found", profile=raw
            )
        return path.read_text(encoding="utf-8"), str(path)
    entry = resources.files("marsad.ingest").joinpath("profiles", raw + ".yaml")
    if not entry.is_file():
        known = ", ".join(list_profiles()) or "none"
        raise ProfileError(
            f"No shipped profile {raw!r}; shipped profiles: {known}. Give a path to your own "
            "profile YAML file instead (see docs/profiles.md).",
            code="profile.not_found",
            profile=raw,
        )
    return entry.read_text(encoding="utf-8"), f"{raw}.yaml"


def profile_from_dict(data: Any, where: str = "<memory>") -> Profile:
    """Validate a profile given as a mapping (what :func:`load_profile` does after YAML)."""
    if not isinstance(data, dict):
        raise ProfileError(
            f"Profile {where} must be a mapping of keys (id, source, target, fields...).",
            code="profile.invalid",
            profile=where,
        )
    try:
        profile = Profile.model_validate({**data, "path": where})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        reason = err["msg"]
        if err["type"] == "extra_forbidden":
            reason = "unknown key (check its spelling; see docs/profiles.md)"
        elif err["type"] == "missing":
            reason = "this key is required"
        elif err["type"] == "literal_error":
            reason = err["msg"].replace("Input should be", "must be")
        raise ProfileError(
            f"Profile {where}: key '{key}': {reason}.",
            code="profile.invalid",
            profile=where,
            key=key,
            reason=reason + ".",
        ) from None
    _check_semantics(profile, load_taxonomy())
    return profile


def _fail(p: Profile, key: str, reason: str) -> ProfileError:
    return ProfileError(
        f"Profile {p.path}: key '{key}': {reason}",
        code="profile.invalid",
        profile=p.path,
        key=key,
        reason=reason,
    )


def _check_semantics(p: Profile, tax: Taxonomy) -> None:
    target = TARGETS[p.target]
    if target.needs_record_id and p.record_id is None:
        raise _fail(
            p,
            "record_id",
            f"target {p.target} needs the column holding the source's own record id "
            "(record_id: {column: ...}); it makes re-imports idempotent.",
        )
    for name, spec in p.fields.items():
        key = f"fields.{name}"
        if name not in target.fields:
            raise _fail(
                p,
                key,
                f"{name!r} is not a field of target {p.target}; fields: "
                + ", ".join(target.fields)
                + ".",
            )
        rule = target.fields[name]
        ftype = spec.type or rule.default_type
        if ftype not in rule.types:
            raise _fail(
                p,
                key + ".type",
                f"field {name} cannot have type {ftype}; use "
                + " or ".join(sorted(rule.types))
                + ".",
            )
        if spec.column is None and spec.value is None and not spec.columns:
            raise _fail(p, key, "give the file's column (column: ...) or a constant (value: ...).")
        if ftype == "answers" and not spec.columns:
            raise _fail(p, key + ".columns", "type answers needs the list of question columns.")
        if ftype == "pseudonym" and spec.kind is None:
            raise _fail(
                p, key + ".kind", "pseudonym fields need kind: phone, cin, email, handle or id."
            )
        if ftype == "date" or ftype == "datetime":
            for i, fmt in enumerate(spec.formats):
                if fmt not in SPECIAL_DATE_FORMATS and "%" not in fmt:
                    raise _fail(
                        p,
                        f"{key}.formats.{i}",
                        f"date format {fmt!r} is neither iso, excel nor a strftime pattern "
                        "such as %d/%m/%Y.",
                    )
                if "%" in fmt and "%Y" not in fmt and "%y" not in fmt:
                    raise _fail(p, f"{key}.formats.{i}", f"date format {fmt!r} has no year (%Y).")
        scheme_from_column = p.target == "population" and "age_band_scheme" in p.fields
        if ftype == "age_band" and not scheme_from_column:
            if spec.scheme is None:
                raise _fail(
                    p,
                    key + ".scheme",
                    "age bands need their scheme; known: " + ", ".join(tax.age_schemes) + ".",
                )
            if spec.scheme not in tax.age_schemes:
                raise _fail(
                    p,
                    key + ".scheme",
                    f"unknown age scheme {spec.scheme!r}; known: {', '.join(tax.age_schemes)}.",
                )
        allowed = allowed_codes(p, name, tax)
        if spec.dimension is not None and ftype == "code" and allowed is None:
            raise _fail(
                p,
                key + ".dimension",
                f"unknown dimension {spec.dimension!r}; known: categories, spaces, media, "
                "genders, relationships, regions.",
            )
        for k, v in (spec.map or {}).items():
            _check_value(p, f"{key}.map.{k}", ftype, v, allowed, spec, tax)
        if spec.value is not None:
            _check_value(p, f"{key}.value", ftype, spec.value, allowed, spec, tax)
    for name, v in p.defaults.items():
        key = f"defaults.{name}"
        if name not in target.fields:
            raise _fail(p, key, f"{name!r} is not a field of target {p.target}.")
        ftype = p.field_type(name)
        spec = p.fields.get(name) or FieldSpec()
        _check_value(p, key, ftype, v, allowed_codes(p, name, tax), spec, tax)
    for name, rule in target.fields.items():
        survey_name = p.target == "survey" and name == "survey"
        if rule.required and name not in p.fields and name not in p.defaults and not survey_name:
            raise _fail(p, f"fields.{name}", f"target {p.target} needs field {name}.")
    if p.target == "incidents" and "incident_date" not in p.fields:
        raise _fail(p, "fields.incident_date", "incidents need the incident date column.")


def allowed_codes(p: Profile, name: str, tax: Taxonomy) -> set[str] | None:
    """The codes a code field may take (its dimension), or None if free (no dimension)."""
    dim = p.dimension_of(name)
    if dim is None:
        return None
    enums = TARGETS[p.target].enums
    if dim in enums:
        return set(enums[dim])
    if dim == "age_schemes":
        return set(tax.age_schemes)
    try:
        return set(tax.dimension(dim))
    except Exception:
        return None


def _check_value(
    p: Profile,
    key: str,
    ftype: str,
    v: Any,
    allowed: set[str] | None,
    spec: FieldSpec,
    tax: Taxonomy,
) -> None:
    if ftype == "code" and allowed is not None:
        if not isinstance(v, str) or v not in allowed:
            raise _fail(
                p,
                key,
                f"{v!r} is not a code of {p.dimension_of(key.split('.')[1])}; known: "
                + ", ".join(sorted(allowed))
                + ".",
            )
    elif ftype == "age_band":
        scheme = tax.scheme(spec.scheme) if spec.scheme in tax.age_schemes else None
        labels = [b.label for b in scheme.bands] if scheme else []
        if scheme is not None and str(v) not in labels:
            raise _fail(
                p,
                key,
                f"{v!r} is not a band of age scheme {scheme.id}; bands: " + ", ".join(labels) + ".",
            )
    elif ftype == "bool":
        if not isinstance(v, bool):
            raise _fail(p, key, f"must be true or false; got {v!r}.")
    elif ftype in ("int", "float"):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _fail(p, key, f"must be a number; got {v!r}.")
    elif ftype == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(v)):
            raise _fail(p, key, f"must be an ISO date such as 2024-03-01; got {v!r}.")
    elif ftype == "pseudonym":
        raise _fail(p, key, "identifiers cannot be mapped or given as constants.")
