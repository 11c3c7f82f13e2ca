"""UN-CTS import: a small file in the published layout (CSV and XLSX, with title rows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from marsad.compare import figures_to_csv, import_uncts, load_reference
from marsad.errors import ReferenceDataError

HEADER = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "VALUE",
    "Source",
]
# Hand-written rows in the UN-CTS layout; the numbers are made up for the test.
ROWS = [
    [
        "MAR",
        "Morocco",
        "Africa",
        "Northern Africa",
        "Violent offences",
        "by type of offence",
        "Sexual violence",
        "Total",
        "Total",
        "2021",
        "Counts",
        "1234",
        "CTS",
    ],
    [
        "MAR",
        "Morocco",
        "Africa",
        "Northern Africa",
        "Violent offences",
        "by type of offence",
        "Sexual violence",
        "Total",
        "Total",
        "2021",
        "Rate per 100,000 population",
        "3.35",
        "CTS",
    ],
    [
        "MAR",
        "Morocco",
        "Africa",
        "Northern Africa",
        "Victims of sexual violence",
        "by sex",
        "Sexual violence: Rape",
        "Female",
        "Total",
        "2021",
        "Counts",
        "456",
        "CTS",
    ],
    [
        "TUN",
        "Tunisia",
        "Africa",
        "Northern Africa",
        "Sexual Exploitation",
        "by type of offence",
        "Sexual Exploitation: Child pornography",
        "Total",
        "Juvenile",
        "2020",
        "Counts",
        "12",
        "CTS",
    ],
    [
        "FRA",
        "France",
        "Europe",
        "Western Europe",
        "Persons arrested",
        "by age",
        "Sexual violence",
        "Male",
        "18-24",
        "2020",
        "Counts",
        "",
        "CTS",
    ],
]


def _csv(tmp_path: Path) -> Path:
    import csv

    path = tmp_path / "data_cts_violent_and_sexual_crime.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(ROWS)
    return path


def test_import_csv_maps_rows_into_reference_model(tmp_path: Path) -> None:
    figs = import_uncts(_csv(tmp_path))
    assert len(figs) == 4  # the row with an empty VALUE is missing data, not a zero
    count, rate, rape, csam = figs
    assert (count.construct, count.measure, count.base, count.period, count.year, count.value) == (
        "recorded_sexual_violence",
        "count",
        "reports",
        "calendar_year",
        2021,
        1234,
    )
    assert (rate.measure, rate.unit, rate.base, rate.value) == (
        "rate_per_100k",
        "per_100k",
        "all_persons",
        3.35,
    )
    assert (rape.sex, rape.iso3) == ("female", "MAR")
    assert (csam.construct, csam.age_band, csam.iso3) == ("csam", "0-17", "TUN")
    assert "Juvenile" in csam.caveat and csam.original_age == "Juvenile"
    assert all(f.status == "VERIFIED" and "row" in f.source for f in figs)


def test_import_xlsx_with_title_rows_and_roundtrip(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["UNODC - Violent and sexual crime"])
    ws.append([])
    ws.append(HEADER)
    for r in ROWS:
        ws.append(
            [float(x) if x.replace(".", "", 1).isdigit() and i >= 9 else x for i, x in enumerate(r)]
        )
    path = tmp_path / "cts.xlsx"
    wb.save(path)
    figs = import_uncts(path, status="VERIFIED-SECONDARY")
    assert [f.value for f in figs] == [1234, 3.35, 456, 12]
    assert figs[0].source.endswith("row 4; national source: CTS")
    out = tmp_path / "cts.reference.csv"
    out.write_text(figures_to_csv(figs), encoding="utf-8")
    loaded = load_reference([out])
    assert loaded.get(figs[1].id).status == "VERIFIED-SECONDARY"


def test_import_errors_name_file_row_and_column(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    text = path.read_text(encoding="utf-8").replace(",1234,", ",12x4,")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"row 2, column 'VALUE'"):
        import_uncts(path)
    bad = tmp_path / "wrong.csv"
    bad.write_text("Country,Year,Value\nMorocco,2020,1\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="Iso3_code"):
        import_uncts(bad)


def test_imported_counts_compare_with_national_rates_only_when_aligned(tmp_path: Path) -> None:
    from marsad.compare import compare

    figs_path = tmp_path / "cts.reference.csv"
    figs_path.write_text(figures_to_csv(import_uncts(_csv(tmp_path))), encoding="utf-8")
    refs = load_reference([figs_path], include_builtin=False)
    national = [
        {
            "indicator": "recorded_sv",
            "construct": "recorded_sexual_violence",
            "measure": "count",
            "base": "reports",
            "period": "2021",
            "value": 1300,
            "lower": None,
            "upper": None,
            "unit": "count",
        }
    ]
    from marsad.compare import load_national_map

    nmap_path = tmp_path / "map.yaml"
    nmap_path.write_text(
        "indicators:\n  recorded_sv: {construct: recorded_sexual_violence, measure: count, period: calendar_year, base: reports}\n",
        encoding="utf-8",
    )
    result = compare(national, refs, national_map=load_national_map(nmap_path))
    verdict = {p.reference.id: p.comparable for p in result.pairs}
    assert verdict[next(k for k in verdict if "_N_SEXUAL_VIOLENCE_TOTAL_TOTAL" in k)] is True
    assert [k for k, v in verdict.items() if "RATE" in k and not v]  # counts vs rate refused
