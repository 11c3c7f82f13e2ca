"""Reference figures: the shipped file, the linter's errors, status propagation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.compare._helpers import REF_HEADER, ref_row, survey_rows

from marsad.compare import check_reference, compare, load_reference
from marsad.errors import ReferenceDataError

SHARED_CSV = Path(__file__).resolve().parents[3] / "shared" / "reference" / "reference-figures.csv"


def test_shipped_figures_lint_clean_and_keep_statuses() -> None:
    assert [f for f in check_reference() if f.severity == "error"] == []
    refs = load_reference()
    assert len(refs) >= 100
    assert {f.status for f in refs} <= {"VERIFIED", "VERIFIED-SECONDARY"}
    fra = refs.get("EU_FRA14_CYBHAR_15")
    assert fra.value is None and fra.value_text == "1 in 10"  # never turned into a number
    ke = refs.get("KE_DH21_OCSEA")
    assert (ke.value, ke.range_low, ke.range_high) == (None, 5, 13)
    hcp = refs.get("MA_HCP19_CYB_ALL")
    assert (hcp.period, hcp.period_inferred, hcp.base, hcp.original_period) == (
        "past_12m",
        True,
        "all_women",
        "past 12 months (inferred)",
    )


def test_shipped_values_and_statuses_match_the_shared_source() -> None:
    if not SHARED_CSV.exists():
        pytest.skip("shared/reference is not beside the checkout")
    src = {r["indicator_id"]: r for r in csv.DictReader(SHARED_CSV.open(encoding="utf-8"))}
    refs = load_reference()
    checked = 0
    for fig in refs:
        row = src.get(fig.id)
        if row is None:  # split rows keep the source id in their caveat
            assert "Split from the combined source row" in fig.caveat
            continue
        assert fig.status == row["verified"], fig.id
        if fig.value is not None and row["value"].replace(",", "").replace(".", "", 1).isdigit():
            assert fig.value == pytest.approx(float(row["value"].replace(",", ""))), fig.id
        checked += 1
    assert checked >= 100


def _lint(tmp_path: Path, text: str, name: str = "mine.csv") -> list[tuple[int, str, str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [(f.row, f.column, f.code) for f in check_reference([path]) if f.severity == "error"]


@pytest.mark.parametrize(
    ("override", "column", "code"),
    [
        ({"construct": "cyber_bullying_x"}, "construct", "reference.unknown_construct"),
        ({"period": "last_year"}, "period", "reference.unknown_period"),
        ({"base": "women_online"}, "base", "reference.unknown_base"),
        ({"status": "CHECKED"}, "status", "reference.unknown_status"),
        ({"source": ""}, "source", "reference.missing_source"),
        ({"value": "about 20"}, "value", "reference.non_numeric_percent"),
        ({"value": "120"}, "value", "reference.percent_out_of_range"),
        ({"age_band": "15 to 19"}, "age_band", "reference.bad_age_band"),
        ({"year": "c.2016"}, "year", "reference.bad_year"),
        ({"measure": "count"}, "unit", "reference.measure_unit_mismatch"),
        ({"value": "", "range_low": "9", "range_high": "3"}, "range_low", "reference.bad_range"),
    ],
)
def test_linter_names_row_column_and_reason(
    tmp_path: Path, override: dict[str, str], column: str, code: str
) -> None:
    text = REF_HEADER + ref_row(id="OK_1") + ref_row(id="BAD_2", **override)
    assert _lint(tmp_path, text) == [(3, column, code)]


def test_linter_duplicate_ids_within_file_and_against_shipped(tmp_path: Path) -> None:
    text = REF_HEADER + ref_row(id="X1") + ref_row(id="X1") + ref_row(id="MA_HCP19_CYB_ALL")
    errors = _lint(tmp_path, text)
    assert (3, "id", "reference.duplicate_id") in errors
    assert (4, "id", "reference.duplicate_id") in errors
    path = tmp_path / "mine.csv"
    msgs = [str(f) for f in check_reference([path]) if f.code == "reference.duplicate_id"]
    assert any("reference_figures.csv" in m and "row 4" in m for m in msgs)


def test_linter_missing_column_and_yaml(tmp_path: Path) -> None:
    assert _lint(tmp_path, "id,indicator\nA,B\n")[0][1:] == (
        "construct",
        "reference.missing_column",
    )
    yaml_text = (
        "figures:\n"
        "  - {id: Y1, indicator: t, construct: ncii, measure: prevalence, area: X, sex: female, base: all_women,"
        " period: past_12m, year: 2020, value: 3, unit: '%', source: s, publisher: p, status: VERIFIED}\n"
        "  - {id: Y2, indicator: t, construct: ncii, measure: prevalence, area: X, sex: female, base: all_women,"
        " period: past_year, year: 2020, value: 3, unit: '%', publisher: p, status: VERIFIED}\n"
    )
    errors = _lint(tmp_path, yaml_text, "mine.yaml")
    assert sorted(errors) == [
        (2, "period", "reference.unknown_period"),
        (2, "source", "reference.missing_source"),
    ]


def test_load_reference_raises_with_location(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(REF_HEADER + ref_row(id="B1", period="yesterday"), encoding="utf-8")
    with pytest.raises(ReferenceDataError) as exc:
        load_reference([path])
    assert "bad.csv, row 2, column 'period'" in str(exc.value)


@pytest.mark.parametrize("status", ["UNVERIFIED", "VERIFIED-SECONDARY"])
def test_status_travels_into_table_csv_and_json(tmp_path: Path, status: str) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        REF_HEADER + ref_row(id="MY_FIG", age_band="18-24", status=status), encoding="utf-8"
    )
    refs = load_reference([path], include_builtin=False)
    warnings = [
        f for f in check_reference([path], include_builtin=False) if f.severity == "warning"
    ]
    assert (status == "UNVERIFIED") == any(f.code == "reference.unverified" for f in warnings)
    result = compare(survey_rows(), refs)
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    mine = [r for r in rows if r["reference_id"] == "MY_FIG"]
    assert mine and mine[0]["status"] == status and mine[0]["comparable"] == "yes"
    data = json.loads(result.to_json("fr"))
    assert [p["status"] for p in data["pairs"] if p["reference_id"] == "MY_FIG"] == [status]
    from rich.console import Console

    console = Console(width=250, record=True)
    console.print(result.table("en"))
    assert status in console.export_text()
