"""Helpers for the estimate tests: a simulated population written straight into the store.

Rows go into the public tables ``sources``, ``import_batches`` and ``incidents``; victim keys
are shared across sources exactly as the ingest stage's keyed pseudonyms are.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pytest
from sqlalchemy import insert

from marsad.store import Store, tables, utcnow


@dataclass(frozen=True)
class Victim:
    key: str
    gender: str
    minor: bool | None
    category: str
    space: str


def make_victims(n: int, rng: np.random.Generator, prefix: str = "v") -> list[Victim]:
    genders = rng.choice(["female", "male"], size=n, p=[0.7, 0.3])
    minors = rng.random(n) < 0.3
    cats = rng.choice(["cyberharassment", "sextortion", "grooming"], size=n, p=[0.5, 0.3, 0.2])
    spaces = rng.choice(["social_media", "messaging", "gaming"], size=n)
    return [
        Victim(hashlib.sha256(f"{prefix}{i}".encode()).hexdigest(), str(g), bool(m), str(c), str(s))
        for i, (g, m, c, s) in enumerate(zip(genders, minors, cats, spaces, strict=True))
    ]


def write_records(
    store: Store,
    victims: Sequence[Victim],
    captured: np.ndarray,
    source_codes: Sequence[str],
    kinds: Sequence[str] | None = None,
    *,
    blank_gender_in: int | None = None,
) -> int:
    """Insert one incident per (victim, source) where ``captured[v, s]``; return the row count."""
    kinds = kinds or ["police", "hotline", "ngo", "platform", "justice", "ngo"][: len(source_codes)]
    rows = 0
    with store.begin() as c:
        for s, (code, kind) in enumerate(zip(source_codes, kinds, strict=True)):
            sid = store.ensure_source(code, code.title(), kind, conn=c)
            bid = c.execute(
                insert(tables.import_batches).values(
                    source_id=sid,
                    file_name=f"{code}.csv",
                    sha256=hashlib.sha256(code.encode()).hexdigest(),
                    profile="test",
                    status="complete",
                    started_at=utcnow(),
                )
            ).inserted_primary_key[0]
            batch = []
            for v, victim in enumerate(victims):
                if not captured[v, s]:
                    continue
                batch.append(
                    dict(
                        source_id=sid,
                        batch_id=bid,
                        source_row=len(batch) + 1,
                        record_key=hashlib.sha256(f"{code}:{victim.key}".encode()).hexdigest(),
                        victim_key=victim.key,
                        category=victim.category,
                        space=victim.space,
                        gender=None if blank_gender_in == s else victim.gender,
                        minor=victim.minor,
                        incident_year=2025,
                        age_unknown=False,
                        created_at=utcnow(),
                    )
                )
            if batch:
                c.execute(insert(tables.incidents), batch)
            rows += len(batch)
    return rows


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20260)
