from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from typer.testing import CliRunner

from marsad.cli import app
from marsad.config import Settings
from marsad.detect import Detector, detect_store
from marsad.store import Store
from marsad.store import tables as t

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _seed(store: Store) -> int:
    src = store.ensure_source("hotline", "Hotline", "hotline")
    with store.begin() as c:
        batch = c.execute(
            sa.insert(t.import_batches).values(
                source_id=src,
                file_name="x.csv",
                sha256="0" * 64,
                profile="p",
                status="complete",
                started_at=NOW,
            )
        ).inserted_primary_key[0]
        rows = [
            # no category: detection fills it, and the space from the platform named
            ("r1", "Il a publié mes photos intimes sur Instagram sans mon accord", None, None),
            # reported category and space are never overwritten
            ("r2", "Je vais te tuer, je sais où tu habites", "cyberharassment", "messaging"),
            ("r3", "On se voit demain au café", None, None),
            ("r4", None, None, None),
        ]
        for i, (key, text, cat, space) in enumerate(rows):
            c.execute(
                sa.insert(t.incidents).values(
                    source_id=src,
                    batch_id=batch,
                    source_row=i + 2,
                    record_key=key,
                    narrative=text,
                    category=cat,
                    category_origin="reported" if cat else None,
                    space=space,
                    age_unknown=True,
                    created_at=NOW,
                )
            )
        inc2 = c.execute(
            sa.select(t.incidents.c.id).where(t.incidents.c.record_key == "r2")
        ).scalar_one()
        c.execute(
            sa.insert(t.incident_categories).values(
                incident_id=inc2, category="cyberharassment", origin="reported"
            )
        )
        convs = {
            "c1": [
                ("A", "Tu as quel âge ?", None),
                ("B", "12 ans", 12),
                ("A", "t'es trop belle"),
                ("A", "c'est notre secret, efface les messages"),
                ("A", "viens sur snapchat"),
                ("A", "envoie une photo de toi"),
                ("A", "on se voit demain ?"),
            ],
            "c2": [("A", "tu as reçu le dossier ?", None), ("B", "oui merci", None)],
        }
        for key, turns in convs.items():
            for i, turn in enumerate(turns):
                speaker, text = turn[0], turn[1]
                age = turn[2] if len(turn) > 2 else None
                c.execute(
                    sa.insert(t.chat_messages).values(
                        batch_id=batch,
                        source_id=src,
                        conversation_key=key,
                        turn=i + 1,
                        speaker_key=f"spk-{speaker}",
                        sent_at=NOW,
                        declared_age=age,
                        text=text,
                    )
                )
    return src


def test_detect_store_fills_without_overwriting(store: Store) -> None:
    _seed(store)
    d = Detector.default()
    rep = detect_store(store, d)
    assert rep.incidents == 3 and rep.conversations == 2
    with store.connect() as c:
        inc = {r.record_key: r for r in c.execute(sa.select(t.incidents))}
        links = c.execute(sa.select(t.incident_categories)).all()
        convs = {r.conversation_key: r for r in c.execute(sa.select(t.conversation_results))}
    assert inc["r1"].category == "ncii" and inc["r1"].category_origin == "detected"
    assert inc["r1"].space == "social_network" and inc["r1"].platform == "Instagram"
    assert inc["r2"].category == "cyberharassment" and inc["r2"].category_origin == "reported"
    assert inc["r2"].space == "messaging"
    assert inc["r3"].category is None
    assert inc["r4"].detector_version is None
    assert all(inc[k].detector_version == d.version for k in ("r1", "r2", "r3"))
    by = {(inc_id, cat): origin for inc_id, cat, origin, *_ in links}
    assert by[(inc["r2"].id, "cyberharassment")] == "reported"
    assert by[(inc["r2"].id, "threats")] == "detected"
    assert by[(inc["r1"].id, "ncii")] == "detected"
    ev = next(link.evidence for link in links if link.category == "ncii")
    assert ev and ev[0]["text"] in inc["r1"].narrative
    assert (
        convs["c1"].harmful
        and convs["c1"].grooming_risk >= 0.5
        and convs["c1"].driver_key == "spk-A"
    )
    assert any(s["stage"] == "age_probing" and s["turns"] == [1] for s in convs["c1"].stages)
    assert not convs["c2"].harmful
    # idempotent: a second run neither duplicates links nor results
    detect_store(store, d)
    with store.connect() as c:
        assert c.execute(
            sa.select(sa.func.count()).select_from(t.incident_categories)
        ).scalar_one() == len(links)
        assert (
            c.execute(sa.select(sa.func.count()).select_from(t.conversation_results)).scalar_one()
            == 2
        )


def test_cli_store(store: Store, settings: Settings) -> None:
    _seed(store)
    r = CliRunner().invoke(app, ["detect", "--store", "--db", settings.db_url, "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert (
        "3 narratives classified" in r.output and "2 conversations analysed (1 at risk)" in r.output
    )


def test_cli_store_refuses_a_missing_embedded_store(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "marsad.db"
    for lang, words in (("en", "no store at"), ("fr", "pas de base")):
        r = CliRunner().invoke(
            app, ["detect", "--store", "--db", f"sqlite:///{missing}", "--lang", lang]
        )
        assert r.exit_code == 2, r.output
        assert words in " ".join(r.output.split()) and "typo" in r.output
    assert not missing.parent.exists()  # nothing was created
