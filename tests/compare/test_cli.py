"""CLI: marsad compare (table/csv/json/chart), compare check, compare import-uncts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.compare._helpers import REF_HEADER, ref_row, survey_rows
from typer.testing import CliRunner

from marsad.cli import app

runner = CliRunner()


def _national(tmp_path: Path) -> Path:
    path = tmp_path / "indicators.csv"
    rows = survey_rows()
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_compare_csv_json_and_chart(tmp_path: Path) -> None:
    nat = _national(tmp_path)
    r = runner.invoke(app, ["compare", "--national", str(nat), "--format", "csv", "--lang", "en"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    hcp = next(x for x in rows if x["reference_id"] == "MA_HCP19_CYB_1524")
    assert hcp["comparable"] == "yes" and hcp["status"] == "VERIFIED-SECONDARY"
    assert "re-banded" in hcp["notes"]
    refused = next(x for x in rows if x["reference_id"] == "MA_HCP19_CYB_1519")
    assert refused["comparable"] == "NOT COMPARABLE" and "straddle" in refused["reasons"]
    chart = tmp_path / "c.svg"
    r = runner.invoke(
        app,
        [
            "compare",
            "--national",
            str(nat),
            "-i",
            "survey_cv_12m",
            "--format",
            "json",
            "--out",
            str(tmp_path / "c.json"),
            "--chart",
            str(chart),
            "--lang",
            "en",
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert {p["indicator"] for p in data["pairs"]} == {"survey_cv_12m"}
    svg = chart.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "MA_HCP19_CYB_1524" in svg and "VERIFIED-SECONDARY" in svg


def test_compare_table_in_arabic(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        ["compare", "--national", str(_national(tmp_path)), "--lang", "ar", "--comparable-only"],
    )
    assert r.exit_code == 0, r.output
    assert "الأرقام الوطنية إلى جانب الأرقام المرجعية الدولية" in r.output  # the Arabic title
    assert "MA_HCP19" in r.output and "للمقارنة" in r.output and "غير قابل" not in r.output


def test_compare_bad_reference_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text(REF_HEADER + ref_row(id="Z", base="everyone"), encoding="utf-8")
    r = runner.invoke(
        app, ["compare", "--national", str(_national(tmp_path)), "-r", str(bad), "--lang", "en"]
    )
    assert r.exit_code == 2
    assert "mine.csv, row 2, column 'base'" in r.output


def test_check_reports_errors_like_a_linter(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(REF_HEADER + ref_row(id="G1"), encoding="utf-8")
    r = runner.invoke(app, ["compare", "check", str(good), "--lang", "en"])
    assert r.exit_code == 0 and "no errors" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        REF_HEADER + ref_row(id="G1") + ref_row(id="B2", construct="trolling", value="lots"),
        encoding="utf-8",
    )
    r = runner.invoke(app, ["compare", "check", str(bad), "--lang", "en"])
    assert r.exit_code == 1
    assert "bad.csv, row 3, column 'construct'" in r.output
    assert "bad.csv, row 3, column 'value'" in r.output


def test_import_uncts_command(tmp_path: Path) -> None:
    src = tmp_path / "cts.csv"
    src.write_text(
        "Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,Unit of measurement,VALUE\n"
        "MAR,Morocco,Africa,Northern Africa,Violent offences,by type of offence,Sexual violence,Total,Total,2021,Counts,1234\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["compare", "import-uncts", str(src), "--out", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Imported 1 figure" in r.output
    r = runner.invoke(app, ["compare", "check", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["compare", "import-uncts", str(tmp_path / "none.csv"), "--lang", "en"])
    assert r.exit_code == 2 and "does not exist" in r.output


def test_demo_step_uses_indicators_from_context(tmp_path: Path) -> None:
    import pandas as pd
    from rich.console import Console

    from marsad.compare import Comparison, demo_step
    from marsad.config import Settings
    from marsad.demo import DemoContext
    from marsad.store import Store

    settings = Settings.from_env({}, data_dir=str(tmp_path / "d"), lang="en")
    settings.data_dir.mkdir(parents=True)
    store = Store.open(settings.db_url)
    try:
        # stats-like table: margins are "all", empty cells NaN
        table = pd.DataFrame(survey_rows()).assign(urban_rural="all")
        ctx = DemoContext(
            settings=settings, store=store, console=Console(record=True, width=200), size=100
        )
        ctx.outputs["indicators"] = table
        demo_step(ctx)
    finally:
        store.close()
    result = ctx.outputs["compare"]
    assert isinstance(result, Comparison) and result.comparable
    assert (settings.data_dir / "compare" / "comparison.csv").read_text(encoding="utf-8").count(
        "MA_HCP19"
    ) >= 3
    assert (settings.data_dir / "compare" / "comparison.png").read_bytes()[:4] == b"\x89PNG"
    assert "comparable pair" in ctx.console.export_text()
