"""synth → ingest, end to end, on SQLite and PostgreSQL: every file ingests with its shipped
profile, planted dirty rows are quarantined, cross-source duplicates are linked, and no
personal data of the files reaches the store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from marsad.config import Settings
from marsad.ingest import ingest_file
from marsad.store import Store
from marsad.synth import INCIDENT_PROFILES, generate

SIZE = 1_200


def _dump(store: Store) -> str:
    """Every value of every table, as text (what an attacker with the database would see)."""
    parts: list[str] = []
    with store.connect() as c:
        for table in store.table_names():
            if table == "alembic_version":
                continue
            for row in c.execute(sa.text(f'SELECT * FROM "{table}"')):
                parts.extend(json.dumps(v, default=str, ensure_ascii=False) for v in row)
    return "\n".join(parts)


def test_synth_files_ingest_cleanly(store: Store, settings: Settings, tmp_path: Path) -> None:
    m = generate(tmp_path / "sources", size=SIZE, seed=5)
    truth = m.truth()
    reports = {
        f.profile: ingest_file(store, settings, f.path, f.profile, progress=False) for f in m.files
    }

    for f in m.files:
        r = reports[f.profile]
        assert r.rows_read == f.rows, f.profile
    for profile in ("population", "survey_microdata", "game_chat"):
        assert (
            reports[profile].quarantined == 0 and reports[profile].accepted == m.file(profile).rows
        )
    assert store.count("population") == m.file("population").rows
    assert store.count("survey_responses") == m.file("survey_microdata").rows
    assert store.count("chat_messages") == m.file("game_chat").rows

    # planted dirty rows: quarantined (one error each), exact duplicates skipped, the rest stored
    quarantined = 0
    for profile in INCIDENT_PROFILES:
        src, r = truth["sources"][profile], reports[profile]
        dirty = src["dirty_rows"]
        assert r.accepted == src["clean_rows"], profile
        assert r.quarantined == sum(dirty.values()) - dirty["exact_duplicate"], profile
        assert r.skipped_existing == dirty["exact_duplicate"], profile
        quarantined += r.quarantined
    assert store.count("quarantine") == quarantined
    with store.connect() as c:
        errors = [json.loads(e) if isinstance(e, str) else e
                  for (e,) in c.execute(sa.text("SELECT errors FROM quarantine"))]  # fmt: skip
    assert all(len(e) == 1 for e in errors)  # each planted row has exactly one fault
    codes = {e[0]["code"] for e in errors}
    assert {"ingest.bad_date", "ingest.unknown_code", "ingest.required"} <= codes
    assert len(codes) >= 4  # and the bad ages (not a number / out of range)

    # cross-source duplicates: every pair of records of one victim is linked
    hidden = truth["hidden_population"]
    assert store.count("incident_links") == hidden["expected_pair_links"]
    with store.connect() as c:
        dups = c.execute(sa.text("SELECT count(*) FROM incidents WHERE duplicate_of IS NOT NULL")).scalar_one()  # fmt: skip
        distinct = c.execute(sa.text("SELECT count(*) FROM incidents WHERE duplicate_of IS NULL")).scalar_one()  # fmt: skip
    assert dups == hidden["expected_duplicate_records"]
    assert distinct == hidden["recorded_by_any"]

    # nothing identifying reaches the store
    dump = _dump(store)
    pii: set[str] = set()
    for profile in INCIDENT_PROFILES:
        pii |= set(truth["sources"][profile]["pii_sample"])
    police = pd.read_csv(m.file("police_register").path, sep=";", encoding="cp1252", dtype=str,
                         keep_default_na=False)  # fmt: skip
    ngo = pd.read_csv(
        m.file("ngo_register").path, encoding="cp1256", dtype=str, keep_default_na=False
    )
    pii |= (
        set(police["Téléphone victime"]) | set(police["CIN victime"]) | set(police["Nom victime"])
    )
    pii |= (
        set(ngo["الاسم الكامل"]) | set(ngo["البريد الإلكتروني"]) | set(ngo["رقم البطاقة الوطنية"])
    )
    pii |= set(ngo["الهاتف"])
    pii = {p for p in pii if len(p) >= 6}
    assert len(pii) > 500
    leaked = sorted(p for p in pii if p in dump)
    assert not leaked, leaked[:10]
    assert not re.search(r"\+212[67]\d{8}", dump)
    assert "[PHONE]" in dump and "[NAME]" in dump
