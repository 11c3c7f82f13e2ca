"""Controlled vocabularies of the reference figures (constructs, measures, periods, bases...).

The terms live in ``data/vocabulary.yaml`` with labels in English, French and Arabic. They
follow the conventions of ``shared/reference/reference-figures.md``: A7 (reference periods as a
controlled vocabulary), Part D (record the denominator; never mix reports with prevalence).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from marsad.errors import ReferenceDataError

__all__ = ["COMPARABLE_MEASURES", "Vocabulary", "load_vocabulary"]

LANGS = ("en", "fr", "ar")

#: Measures that can stand beside each other (prevalence beside prevalence, counts beside
#: counts...). Anything else is refused.
COMPARABLE_MEASURES: frozenset[str] = frozenset(
    {"prevalence", "share", "count", "rate_per_100k", "perception"}
)


@dataclass(frozen=True)
class Vocabulary:
    """The controlled terms, each with its labels (``{term: {lang: label}}``)."""

    version: str
    constructs: dict[str, dict[str, str]]
    measures: dict[str, dict[str, str]]
    periods: dict[str, dict[str, str]]
    bases: dict[str, dict[str, str]]
    base_groups: dict[str, str]
    sexes: dict[str, dict[str, str]]
    statuses: dict[str, dict[str, str]]

    def terms(self, field: str) -> dict[str, dict[str, str]]:
        """The terms of one field: construct, measure, period, base, sex or status."""
        table: dict[str, dict[str, dict[str, str]]] = {
            "construct": self.constructs,
            "measure": self.measures,
            "period": self.periods,
            "base": self.bases,
            "sex": self.sexes,
            "status": self.statuses,
        }
        return table[field]

    def label(self, field: str, term: str, lang: str = "en") -> str:
        """The label of ``term`` in ``lang`` (English fallback; the term itself if unknown)."""
        labels = self.terms(field).get(term) or {}
        return labels.get(lang) or labels.get("en") or term


def _terms(data: dict[str, Any], key: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for i, item in enumerate(data.get(key) or []):
        tid = item.get("id")
        labels = item.get("labels") or {}
        if not tid or any(not labels.get(lang) for lang in LANGS):
            raise ReferenceDataError(
                f"compare/data/vocabulary.yaml {key}[{i}]: each term needs an id and labels in "
                "en, fr and ar.",
                code="reference.vocabulary",
            )
        out[str(tid)] = {lang: str(labels[lang]) for lang in LANGS}
    return out


@cache
def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary, validated (cached)."""
    path = resources.files("marsad.compare").joinpath("data", "vocabulary.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    bases = _terms(data, "bases")
    groups = {str(b["id"]): str(b.get("group") or b["id"]) for b in data["bases"]}
    return Vocabulary(
        version=str(data.get("version", "")),
        constructs=_terms(data, "constructs"),
        measures=_terms(data, "measures"),
        periods=_terms(data, "periods"),
        bases=bases,
        base_groups=groups,
        sexes=_terms(data, "sexes"),
        statuses=_terms(data, "statuses"),
    )
