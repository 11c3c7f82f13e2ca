"""Each reader and each encoding, with real files. The backend does not matter here: SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from marsad.config import Settings
from marsad.errors import IngestError
from marsad.ingest import ingest_file
from marsad.ingest._profile import FormatSpec
from marsad.ingest._readers import inspect_file
from marsad.store import Store, tables
from tests.ingest.conftest import POLICE_HEADER, police_row, write_csv


@pytest.fixture
def lite(sqlite_settings: Settings) -> Iterator[Store]:
    s = Store.open(sqlite_settings.db_url)
    yield s
    s.close()


def _incidents(store: Store) -> list[sa.Row]:
    with store.connect() as c:
        return list(c.execute(sa.select(tables.incidents).order_by(tables.incidents.c.id)))


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected"),
    [
        ("utf-8", ",", "utf-8-sig"),
        ("utf-8-sig", ";", "utf-8-sig"),
        ("cp1252", ";", "cp1252"),
        ("cp1256", "\t", "cp1256"),
        ("utf-8", "|", "utf-8-sig"),
    ],
)
def test_csv_encodings_and_delimiters(
    tmp_path: Path,
    lite: Store,
    sqlite_settings: Settings,
    police_profile: Path,
    encoding: str,
    delimiter: str,
    expected: str,
) -> None:
    arabic = encoding != "cp1252"
    rows = [
        police_row(
            i,
            sexe="أنثى" if arabic else "Féminin",
            recit=(
                "تعرضت للتحرش عبر الإنترنت من طرف شخص مجهول، رسائل يومية"
                if arabic
                else "Harcelée à l'école, menacée très fréquemment; élève de 14 ans"
            ),
            nom_victime="",
        )
        for i in range(1, 40)
    ]
    path = write_csv(tmp_path / "reg.csv", rows, delimiter=delimiter, encoding=encoding)
    info = inspect_file(path, FormatSpec())
    assert info.encoding == expected
    report = ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    assert (report.accepted, report.quarantined) == (39, 0), report.errors
    assert report.delimiter == delimiter
    got = _incidents(lite)
    assert all(r.gender == "female" for r in got)
    assert got[0].narrative == rows[0]["recit"]  # decoded right, not mojibake


def test_declared_encoding_wins_and_wrong_one_is_a_clear_error(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    path = write_csv(tmp_path / "fr.csv", [police_row(1, recit="é" * 5)], encoding="cp1252")
    assert inspect_file(path, FormatSpec(encoding="latin-1")).encoding == "latin-1"
    prof = police_profile.read_text(encoding="utf-8") + "format: {encoding: utf-8}\n"
    p2 = tmp_path / "utf8.yaml"
    p2.write_text(prof, encoding="utf-8")
    with pytest.raises(IngestError, match=r"fr\.csv cannot be decoded as utf-8.*format\.encoding"):
        ingest_file(lite, sqlite_settings, path, p2, progress=False)


def test_multiline_quoted_cells_keep_spreadsheet_row_numbers(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    rows = [police_row(1, recit="ligne 1\nligne 2"), police_row(2), police_row(3, age="abc")]
    path = write_csv(tmp_path / "ml.csv", rows)
    report = ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    assert report.accepted == 2
    assert report.errors == (
        "Column 'age' in row 4 of ml.csv must be a whole number from 0 to 120; got 'abc'.",
    )


def test_xlsx_typed_cells_and_sheet(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "notes"
    wb.active.append(["nothing here"])
    ws = wb.create_sheet("registre")
    ws.append(POLICE_HEADER)
    r1 = police_row(1)
    r1.update(date_faits=datetime(2024, 3, 5), age=15, tel_victime=612345678)  # Excel drops the 0
    r2 = police_row(2)
    r2.update(date_faits=45357, age=16.0)  # Excel serial 45357 = 2024-03-06 (45292 = 2024-01-01)
    r3 = police_row(3)
    r3.update(age=15.5)
    for r in (r1, r2, r3):
        ws.append([r[h] for h in POLICE_HEADER])
    path = tmp_path / "reg.xlsx"
    wb.save(path)
    prof = police_profile.read_text(encoding="utf-8") + "format: {sheet: registre}\n"
    p2 = tmp_path / "x.yaml"
    p2.write_text(prof, encoding="utf-8")
    report = ingest_file(lite, sqlite_settings, path, p2, progress=False)
    assert (report.accepted, report.quarantined) == (2, 1)
    assert report.errors == (
        "Column 'age' in row 4 of reg.xlsx must be a whole number from 0 to 120; got '15.5'.",
    )
    got = _incidents(lite)
    assert [r.incident_date for r in got] == [date(2024, 3, 5), date(2024, 3, 6)]
    assert [r.victim_age for r in got] == [15, 16]
    # the phone without its leading 0 gets the same pseudonym as +212612345678
    other = tmp_path / "o.csv"
    write_csv(other, [police_row(9, tel_victime="+212 6 12 34 56 78", num_plainte="Z")])
    ingest_file(lite, sqlite_settings, other, police_profile, progress=False)
    keys = [r.victim_key for r in _incidents(lite)]
    assert keys[0] == keys[-1]


def test_xlsx_missing_sheet(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(POLICE_HEADER)
    path = tmp_path / "w.xlsx"
    wb.save(path)
    p2 = tmp_path / "x.yaml"
    p2.write_text(
        police_profile.read_text(encoding="utf-8") + "format: {sheet: 3}\n", encoding="utf-8"
    )
    with pytest.raises(IngestError, match=r"w\.xlsx has no sheet 3"):
        ingest_file(lite, sqlite_settings, path, p2, progress=False)


def test_jsonl_with_a_broken_line(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    path = tmp_path / "reg.jsonl"
    lines = [
        json.dumps(police_row(1), ensure_ascii=False),
        "{not json",
        "",
        json.dumps({**police_row(2), "age": 30}),
        "[1, 2]",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    assert (report.rows_read, report.accepted, report.quarantined) == (4, 2, 2)
    assert report.errors[0].startswith("Line 2 of reg.jsonl is not valid JSON")
    assert report.errors[1] == "Line 5 of reg.jsonl is not a JSON object."


def test_parquet_in_batches(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    rows = [police_row(i) for i in range(1, 9_001)]
    cols = {h: [r[h] for r in rows] for h in POLICE_HEADER}
    cols["age"] = [int(a) for a in cols["age"]]
    cols["date_faits"] = [date(2024, 1 + i % 12, 1 + i % 28) for i in range(len(rows))]
    cols["extra_secret"] = ["0612345678"] * len(rows)  # never read: not in the profile
    path = tmp_path / "reg.parquet"
    pq.write_table(pa.table(cols), path, row_group_size=3000)
    report = ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    assert (report.accepted, report.quarantined) == (9_000, 0)
    assert lite.count("incidents") == 9_000


def test_missing_column_fails_before_any_row(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    header = [h for h in POLICE_HEADER if h != "age"]
    path = write_csv(
        tmp_path / "noage.csv",
        [{k: v for k, v in police_row(1).items() if k != "age"}],
        header=header,
    )
    with pytest.raises(
        IngestError,
        match=r"Column 'age' \(fields.victim_age in profile test_police.yaml\) is not in noage.csv",
    ):
        ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    assert lite.count("import_batches") == 0 and lite.count("incidents") == 0


def test_case_insensitive_header_and_unknown_extension(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    path = write_csv(tmp_path / "caps.csv", [police_row(1)], header=POLICE_HEADER)
    text = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(text[0].upper() + "\n" + text[1], encoding="utf-8")
    assert ingest_file(lite, sqlite_settings, path, police_profile, progress=False).accepted == 1
    odd = tmp_path / "data.bin"
    odd.write_bytes(b"x")
    with pytest.raises(IngestError, match=r"Cannot tell the format of data\.bin"):
        ingest_file(lite, sqlite_settings, odd, police_profile, progress=False)
