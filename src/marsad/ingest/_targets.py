"""What each ingest target accepts: its table, its fields, their default types and dimensions.

A profile's ``fields`` are column names of the target table (``store/_schema.py``). Derived
columns (``incident_year``, ``reporting_delay_days``, ``minor``...) are computed by ingest and
cannot be mapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table

from marsad.store import tables as s

__all__ = ["FIELD_TYPES", "TARGETS", "FieldRule", "TargetSpec"]

FIELD_TYPES = (
    "str",
    "text",
    "int",
    "float",
    "date",
    "datetime",
    "code",
    "bool",
    "age_band",
    "pseudonym",
    "answers",
)
STRINGY = frozenset({"str", "text", "code"})


@dataclass(frozen=True)
class FieldRule:
    """One mappable field: the types it may have, its default type and dimension."""

    types: frozenset[str]
    default_type: str
    dimension: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None


def _f(
    default: str,
    *others: str,
    dimension: str | None = None,
    required: bool = False,
    min: float | None = None,
    max: float | None = None,
) -> FieldRule:
    return FieldRule(frozenset((default, *others)), default, dimension, required, min, max)


_BOOL = _f("bool")
_STR = _f("str", "code")
_CODE = _f("code", "str")  # a code without a dimension: taken as written, not scrubbed
_TEXT = _f("text", "str")


@dataclass(frozen=True)
class TargetSpec:
    """An ingest target: the table rows go to and the fields a profile may map."""

    name: str
    table: Table
    fields: dict[str, FieldRule]
    needs_record_id: bool = False
    # extra fixed dimensions that are not taxonomy dimensions
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns]


TARGETS: dict[str, TargetSpec] = {
    "incidents": TargetSpec(
        "incidents",
        s.incidents,
        {
            "victim_key": _f("pseudonym"),
            "perpetrator_key": _f("pseudonym"),
            "incident_date": _f("date"),
            "report_date": _f("date"),
            "region": _f("code", dimension="regions"),
            "space": _f("code", dimension="spaces"),
            "platform": _STR,
            "category": _f("code", dimension="categories"),
            "medium": _f("code", dimension="media"),
            "victim_age": _f("int", min=0, max=120),
            "age_band": _f("age_band"),
            "gender": _f("code", dimension="genders"),
            "relationship": _f("code", dimension="relationships"),
            "perpetrator_online_only": _BOOL,
            "consent_statistical_use": _BOOL,
            "takedown_requested": _BOOL,
            "takedown_obtained": _BOOL,
            "narrative": _TEXT,
            "language": _STR,
        },
        needs_record_id=True,
    ),
    "survey": TargetSpec(
        "survey",
        s.survey_responses,
        {
            "survey": _CODE,
            "respondent_key": _f("pseudonym", required=True),
            "year": _f("int", min=1900, max=2100),
            "stratum": _f("code", "str", required=True),
            "psu": _f("code", "str", required=True),
            "weight": _f("float", required=True, min=0),
            "region": _f("code", dimension="regions"),
            "urban_rural": _f("code", dimension="urban_rural"),
            "age": _f("int", min=0, max=120),
            "age_band": _f("age_band"),
            "gender": _f("code", dimension="genders"),
            "internet_user": _BOOL,
            "cv_past_12m": _BOOL,
            "cv_lifetime": _BOOL,
            "reported_any": _BOOL,
            "answers": _f("answers"),
        },
        enums={"urban_rural": ("urban", "rural")},
    ),
    "population": TargetSpec(
        "population",
        s.population,
        {
            "year": _f("int", required=True, min=1900, max=2100),
            "region": _f("code", dimension="regions", required=True),
            "age_band": _f("age_band", required=True),
            "age_band_scheme": _f("code", dimension="age_schemes"),
            "sex": _f("code", dimension="genders", required=True),
            "population": _f("int", required=True, min=0),
            "synthetic": _BOOL,
        },
    ),
    "chat": TargetSpec(
        "chat",
        s.chat_messages,
        {
            "conversation_key": _f("pseudonym", required=True),
            "turn": _f("int", required=True, min=0),
            "speaker_key": _f("pseudonym", required=True),
            "sent_at": _f("datetime", "date"),
            "declared_age": _f("int", min=0, max=120),
            "space": _f("code", dimension="spaces"),
            "platform": _STR,
            "text": _f("text", "str", required=True),
        },
    ),
    "aggregates": TargetSpec(
        "aggregates",
        s.aggregates,
        {
            "measure": _f("code", "str", required=True),
            "period": _f("code", "str", required=True),
            "region": _f("code", dimension="regions"),
            "category": _f("code", dimension="categories"),
            "space": _f("code", dimension="spaces"),
            "age_band": _f("age_band", "str"),
            "gender": _f("code", dimension="genders"),
            "value": _f("float", required=True),
        },
    ),
}
