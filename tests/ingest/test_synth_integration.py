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
