"""``marsad ingest``: exit codes and messages, through the real CLI app."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from marsad.cli import app
from marsad.config import Settings
from tests.conftest import TEST_KEY
from tests.ingest.conftest import police_row, write_csv

runner = CliRunner()


def _env(settings: Settings) -> dict[str, str]:
    return {"MARSAD_PSEUDONYM_KEY": TEST_KEY, "MARSAD_DATABASE_URL": settings.db_url}


def test_ingest_prints_the_report_and_exits_0_with_quarantined_rows(
    tmp_path: Path, settings: Settings, police_profile: Path
) -> None:
    path = write_csv(tmp_path / "reg.csv", [police_row(1), police_row(2, age="1O")])
    args = ["ingest", str(path), "--profile", str(police_profile), "--no-progress", "--lang", "en"]
    result = runner.invoke(app, args, env=_env(settings))
    assert result.exit_code == 0, result.output
    assert "Imported reg.csv with profile test_police" in result.output
    assert "Quarantined" in result.output
    assert (
        "Column 'age' in row 3 of reg.csv must be a whole number from 0 to 120; got '1O'."
        in result.output
    )
    again = runner.invoke(app, args, env=_env(settings))
    assert again.exit_code == 0 and "was already imported" in again.output
    fr = runner.invoke(app, [*args[:-1], "fr"], env=_env(settings))
    assert "a déjà été importé" in fr.output


def test_ingest_errors_exit_2(tmp_path: Path, settings: Settings, police_profile: Path) -> None:
    path = write_csv(tmp_path / "reg.csv", [police_row(1)])
    bad_profile = tmp_path / "bad.yaml"
    bad_profile.write_text(
        police_profile.read_text(encoding="utf-8").replace("target: incidents", "target: victims"),
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["ingest", str(path), "-p", str(bad_profile), "--lang", "en"], env=_env(settings)
    )
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "'target'" in result.output
    missing = runner.invoke(
        app,
        ["ingest", str(tmp_path / "nope.csv"), "-p", str(police_profile), "--lang", "en"],
        env=_env(settings),
    )
    assert missing.exit_code == 2 and "nope.csv does not exist" in missing.output
    nokey = runner.invoke(
        app,
        ["ingest", str(path), "-p", str(police_profile), "--lang", "en"],
        env={
            "MARSAD_DATABASE_URL": settings.db_url,
            "MARSAD_PSEUDONYM_KEY": "",
            "MARSAD_PSEUDONYM_KEY_FILE": str(tmp_path / "none.key"),
        },
    )
    assert nokey.exit_code == 2 and "No pseudonymisation key" in nokey.output


def test_ingest_population_with_the_shipped_profile(tmp_path: Path, settings: Settings) -> None:
    pop = tmp_path / "population.csv"
    pop.write_text(
        "year,region,age_band_scheme,age_band,sex,population\n2025,MA-01,legal,0-14,F,400000\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["ingest", str(pop), "--profile", "population", "--lang", "ar"], env=_env(settings)
    )
    assert result.exit_code == 0, result.output
    assert "تم استيراد population.csv" in result.output
