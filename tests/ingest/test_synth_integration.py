"""The synthetic national dataset end to end: every file ingests with its shipped profile, and
the cross-source de-duplication finds exactly the links the generator planted (truth.json)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.config import Settings
from marsad.ingest import ingest_file, ingest_summary
from marsad.store import Store

synth = pytest.importorskip("marsad.synth")


def test_synthetic_dataset_links_match_the_planted_truth(
    tmp_path: Path, store: Store, settings: Settings
) -> None:
    manifest = synth.generate(tmp_path / "synth", size=1500, seed=7)
    reports = [
        ingest_file(store, settings, f.path, f.profile, progress=False) for f in manifest.files
    ]
    assert all(r.rows_read > 0 and r.accepted > 0 for r in reports)
    truth = manifest.truth()["hidden_population"]
    summary = ingest_summary(store)
    assert sum(r.duplicates_linked for r in reports) == truth["expected_pair_links"]
    assert summary.incidents - summary.distinct_incidents == truth["expected_duplicate_records"]
    assert summary.distinct_incidents == truth["recorded_by_any"]
    dirty = sum(r.quarantined for r in reports)
    assert dirty > 0  # the planted dirty rows are quarantined, not lost


def test_demo_step_ingests_the_manifest_and_prints_the_summary(
    tmp_path: Path, sqlite_settings: Settings
) -> None:
    from rich.console import Console

    from marsad.demo import DemoContext

    settings = sqlite_settings.replace(pseudonym_key=None, data_dir=tmp_path / "demo")
    console = Console(record=True, width=120)
    with Store.open(settings.db_url) as store:
        ctx = DemoContext(settings=settings, store=store, console=console, size=300)
        ctx.outputs["synth"] = synth.generate(tmp_path / "synth", size=300, seed=3)
        from marsad.ingest import demo_step

        demo_step(ctx)
        assert store.count("incidents") > 0 and store.count("population") > 0
    text = console.export_text()
    assert settings.key_file.exists()  # the demo creates its local key and says so
    assert str(settings.key_file) in text
    assert "Rows per source" in text or "Lignes par source" in text
    assert ctx.outputs["ingest"]["summary"].distinct_incidents > 0
