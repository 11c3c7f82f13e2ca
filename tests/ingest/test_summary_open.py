"""The per-source summary tells rows quarantined over all imports from entries still open."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from marsad.config import Settings
from marsad.ingest import ingest_file, ingest_summary
from marsad.ingest._summary import print_summary
from marsad.store import Store
from tests.ingest.conftest import police_row, write_csv


def test_summary_counts_open_quarantine_entries_per_source(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    first = write_csv(
        tmp_path / "reg.csv",
        [police_row(1), police_row(2, age="1O"), police_row(3, date_faits="31/02/2024")],
    )
    ingest_file(store, settings, first, police_profile, progress=False)
    fixed = write_csv(
        tmp_path / "reg_v2.csv",
        [police_row(1), police_row(2), police_row(3, date_faits="30/02/2024")],
    )
    ingest_file(store, settings, fixed, police_profile, progress=False)
    (police,) = [c for c in ingest_summary(store).sources if c.source == "police"]
    assert (police.quarantined, police.quarantine_open) == (3, 1)
    console = Console(record=True, width=200)
    print_summary(ingest_summary(store), console, "en")
    text = console.export_text()
    assert "Still open in quarantine" in text
    row = next(line for line in text.splitlines() if "(police)" in line)
    assert [c.strip() for c in row.split("│") if c.strip()][1:] == ["6", "2", "3", "1", "0"]
