"""Helpers for the ingest tests: a police-register profile and real files written to disk."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

POLICE_PROFILE: dict[str, Any] = {
    "id": "test_police",
    "version": 1,
    "description": "Police complaints register (test)",
    "source": {"code": "police", "name": "Police register", "kind": "police"},
    "target": "incidents",
    "record_id": {"column": "num_plainte"},
    "fields": {
        "incident_date": {
            "column": "date_faits",
            "type": "date",
            "formats": ["%d/%m/%Y", "iso", "excel"],
            "required": True,
        },
        "report_date": {"column": "date_plainte", "type": "date", "formats": ["%d/%m/%Y", "iso"]},
        "region": {
            "column": "region",
            "type": "code",
            "dimension": "regions",
            "map": {"Casablanca-Settat": "MA-06", "Rabat-Salé-Kénitra": "MA-04"},
        },
        "gender": {
            "column": "sexe",
            "type": "code",
            "dimension": "genders",
            "map": {"F": "female", "Féminin": "female", "أنثى": "female", "M": "male"},
        },
        "victim_age": {"column": "age", "type": "int", "min": 0, "max": 120},
        "category": {
            "column": "infraction",
            "type": "code",
            "dimension": "categories",
            "map": {"harcèlement": "cyberharassment", "sextorsion": "sextortion"},
        },
        "space": {
            "column": "espace",
            "type": "code",
            "dimension": "spaces",
            "map": {"réseau social": "social_network", "jeu": "video_game"},
        },
        "victim_key": {"column": "tel_victime", "type": "pseudonym", "kind": "phone"},
        "perpetrator_key": {"column": "cin_suspect", "type": "pseudonym", "kind": "cin"},
        "narrative": {"column": "recit", "type": "text"},
        "consent_statistical_use": {
            "column": "consentement",
            "type": "bool",
            "map": {"oui": True, "non": False},
        },
    },
    "scrub_names_from": ["nom_victime"],
    "defaults": {"space": "other"},
}

POLICE_HEADER = [
    "num_plainte",
    "date_faits",
    "date_plainte",
    "region",
    "sexe",
    "age",
    "infraction",
    "espace",
    "tel_victime",
    "cin_suspect",
    "nom_victime",
    "recit",
    "consentement",
]


def police_row(i: int, **over: Any) -> dict[str, Any]:
    """A valid police row; ``over`` changes columns."""
    row = {
        "num_plainte": f"PL-{i:06d}",
        "date_faits": f"{1 + i % 28:02d}/{1 + i % 12:02d}/2024",
        "date_plainte": f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025",
        "region": "Casablanca-Settat" if i % 2 else "MA-04",
        "sexe": "F" if i % 3 else "M",
        "age": str(10 + i % 50),
        "infraction": "harcèlement" if i % 2 else "sextorsion",
        "espace": "réseau social" if i % 2 else "",
        "tel_victime": f"06 {10 + i % 90:02d} {i % 100:02d} 45 67",
        "cin_suspect": f"BE{100000 + i}",
        "nom_victime": "Salma Bennani",
        "recit": f"Salma Bennani a reçu des menaces du 0611223344 (cas {i}).",
        "consentement": "oui",
    }
    row.update(over)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: list[str] | None = None,
) -> Path:
    header = header or POLICE_HEADER
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.DictWriter(f, fieldnames=header, delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)
    return path


def write_profile(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def police_profile(tmp_path: Path) -> Path:
    return write_profile(tmp_path / "test_police.yaml", POLICE_PROFILE)
