"""A comparison names what the pair is about (the category), not only the indicator's id."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from marsad.cli import app

runner = CliRunner()


def _sextortion_counts(tmp_path: Path) -> Path:
    """Incidents recorded in 2024, all spaces: sextortion and another category."""
    path = tmp_path / "indicators.csv"
    rows = [
        {"indicator": "incidents_recorded", "period": "2024", "category": cat, "value": v,
         "lower": v - 5, "upper": v + 5, "unit": "count"}
        for cat, v in (("sextortion", 28), ("cyberharassment", 140))
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_compare_names_the_category_in_table_and_csv(tmp_path: Path) -> None:
    nat = _sextortion_counts(tmp_path)
    for lang, word in (("en", "Sextortion"), ("fr", "Sextorsion")):
        # a real process with a wide terminal: the CLI's console takes its width when it is
        # created, so an in-process runner sees whatever width the first import saw
        r = subprocess.run(
            [sys.executable, "-c", "from marsad.cli import app; app()", "compare",
             "--national", str(nat), "-i", "incidents_recorded", "--lang", lang],
            env={**os.environ, "COLUMNS": "300"}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr
        flat = " ".join(r.stdout.split())
        assert "incidents_recorded — " + word in flat, r.stdout
    r = runner.invoke(app, ["compare", "--national", str(nat), "--format", "csv", "--lang", "fr"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    pairs = [x for x in rows if x["indicator"] == "incidents_recorded" and x["national_value"]]
    assert pairs, rows
    assert {x["subject"] for x in pairs} == {"Sextorsion"}
