"""The stats commands: exit codes, files written, messages, and no small counts in exports."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from marsad.cli import app
from marsad.store import Store

from .conftest import fill

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/m.db"
    store = Store.open(url)
    fill(store, n_incidents=1200, seed=5, survey=600)
    store.close()
    return url


def test_list_shows_shipped_definitions() -> None:
    result = runner.invoke(app, ["indicators", "list", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "victims_rate" in result.output and "survey_cv_12m" in result.output


def test_compute_writes_published_files(db: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["indicators", "compute", "--db", db, "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "withheld by disclosure control" in result.output
    table = pd.read_parquet(out / "indicators.parquet")
    csv = pd.read_csv(out / "indicators.csv")
    assert len(table) == len(csv) > 100
    counts = table.loc[table["unit"] == "count", "numerator"].dropna()
    assert not ((counts > 0) & (counts < 5)).any()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["min_cell"] == 5 and "incidents_recorded" in summary["indicators"]
    sup = pd.read_csv(out / "suppression.csv")
    assert len(sup) == int(table["suppressed"].sum())
    assert set(sup["rule"]) <= {"primary", "secondary", "complement"}


def test_show_by_and_unknown_indicator(db: str) -> None:
    result = runner.invoke(
        app,
        [
            "indicators",
            "show",
            "victims_rate",
            "--by",
            "gender",
            "--period",
            "2024",
            "--db",
            db,
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Female" in result.output and "per 100,000" in result.output
    bad = runner.invoke(app, ["indicators", "show", "nope", "--db", db, "--lang", "en"])
    assert bad.exit_code == 2 and "marsad indicators list" in bad.output
    bad_by = runner.invoke(
        app, ["indicators", "show", "minors_share", "--by", "region", "--db", db, "--lang", "en"]
    )
    assert bad_by.exit_code == 2 and "cannot be broken down by 'region'" in bad_by.output


def test_bad_definitions_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "id: x\nkind: nonsense\nlabels: {en: a, fr: a, ar: a}\n", encoding="utf-8"
    )
    result = runner.invoke(
        app, ["indicators", "list", "--definitions", str(tmp_path), "--lang", "en"]
    )
    assert result.exit_code == 2 and "x.yaml" in result.output and "'kind'" in result.output


def test_threats_command_runs(db: str) -> None:
    result = runner.invoke(app, ["threats", "--db", db, "--all", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "séries testées" in result.output


def test_threats_command_prints_its_flag_rule(db: str) -> None:
    result = runner.invoke(app, ["threats", "--db", db, "--alpha", "0.02", "--lang", "en"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Flagged when the last 3 months sum to at least 5" in text
    assert "q-value of the prediction rule is at most 0.02" in text
    assert "growth over the last 27 months is at least +50 %/year" in text
    result = runner.invoke(
        app, ["threats", "--db", db, "--window", "2", "--min-growth", "1", "--lang", "fr"]
    )
    text = " ".join(result.output.split())
    assert result.exit_code == 0 and "26 derniers mois est d'au moins +100 %/an" in text


@pytest.mark.parametrize("period", ["20x4", "2024-13", "24", "2024-q1"])
def test_show_refuses_a_malformed_period(db: str, period: str) -> None:
    result = runner.invoke(
        app,
        [
            "indicators",
            "show",
            "incidents_recorded",
            "--db",
            db,
            "--period",
            period,
            "--lang",
            "en",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "--period" in result.output and f"'{period}'" in result.output
    assert "is not a period" in result.output and "(2024-Q1)" in result.output


def test_show_names_the_periods_that_exist(db: str) -> None:
    args = ["indicators", "show", "incidents_recorded", "--db", db, "--lang", "en"]
    result = runner.invoke(app, [*args, "--period", "1999"])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "no rows for period 1999" in text and "Periods with data: 2022, 2023, 2024" in text
    result = runner.invoke(app, [*args, "--period", "2023"])
    assert result.exit_code == 0 and "2023" in result.output and "2024" not in result.output
