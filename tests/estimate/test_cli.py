from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from marsad.cli import app
from marsad.config import Settings
from marsad.store import Store

from .conftest import make_victims, write_records

runner = CliRunner()


def _fill(store: Store) -> None:
    rng = np.random.default_rng(11)
    victims = make_victims(600, rng)
    write_records(store, victims, rng.random((600, 3)) < 0.35, ["police", "hotline", "ngo"])


def test_estimate_csv_and_json(store: Store, store_url: str, tmp_path: Path) -> None:
    _fill(store)
    res = runner.invoke(
        app, ["estimate", "--by", "gender", "--format", "csv", "--db", store_url, "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert [r["stratum"] for r in rows] == ["all", "female", "male"]
    assert {"stratum", "recorded", "estimate", "lower", "upper", "model", "warnings"} <= set(
        rows[0]
    )
    assert float(rows[0]["lower"]) <= float(rows[0]["estimate"]) <= float(rows[0]["upper"])
    chart = tmp_path / "c.png"
    res = runner.invoke(
        app,
        [
            "estimate",
            "--by",
            "",
            "--format",
            "json",
            "--chart",
            str(chart),
            "--db",
            store_url,
            "--lang",
            "fr",
        ],
    )
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["lists"] == ["hotline", "ngo", "police"]
    assert payload["estimates"][0]["stratum"] == "all"
    assert sum(c["count"] for c in payload["overlaps"]) == payload["estimates"][0]["recorded"]
    assert chart.stat().st_size > 1000 and chart.read_bytes()[:4] == b"\x89PNG"


def test_estimate_table_in_arabic(store: Store, store_url: str) -> None:
    _fill(store)
    res = runner.invoke(app, ["estimate", "--by", "minor", "--db", store_url, "--lang", "ar"])
    assert res.exit_code == 0, res.output
    assert "التقدير" in res.stdout


def test_estimate_bad_options_exit_2(sqlite_settings: Settings) -> None:
    url = sqlite_settings.db_url
    res = runner.invoke(app, ["estimate", "--by", "gender,age", "--db", url, "--lang", "en"])
    assert res.exit_code == 2 and "Unknown stratification dimension 'age'" in res.output
    res = runner.invoke(app, ["estimate", "--format", "xml", "--db", url, "--lang", "fr"])
    assert res.exit_code == 2 and "xml" in res.output
    res = runner.invoke(app, ["reporting-gap", "--db", url, "--lang", "en"])
    assert res.exit_code == 2 and "survey" in res.output
