"""Every row-level error message, and the derived fields. SQLite only: no backend logic here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from marsad.config import Settings
from marsad.ingest import ingest_file
from marsad.store import Store, tables
from tests.ingest.conftest import POLICE_PROFILE, police_row, write_csv, write_profile


@pytest.fixture
def lite(sqlite_settings: Settings) -> Iterator[Store]:
    s = Store.open(sqlite_settings.db_url)
    yield s
    s.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"age": "1O"},
            "Column 'age' in row 2 of reg.csv must be a whole number from 0 to 120; got '1O'.",
        ),
        (
            {"age": "150"},
            "Column 'age' in row 2 of reg.csv must be a whole number from 0 to 120; got '150'.",
        ),
        ({"date_faits": ""}, "Column 'date_faits' in row 2 of reg.csv is required but empty."),
        ({"date_faits": "N/A"}, "Column 'date_faits' in row 2 of reg.csv is required but empty."),
        (
            {"date_faits": "31/02/2024"},
            "Column 'date_faits' in row 2 of reg.csv must be a date (dd/mm/yyyy, YYYY-MM-DD, an Excel date number); got '31/02/2024'.",
        ),
        (
            {"date_faits": "01/01/2999"},
            "Column 'date_faits' in row 2 of reg.csv must not be a date in the future; got '01/01/2999'.",
        ),
        (
            {"region": "Atlantis"},
            "Column 'region' in row 2 of reg.csv must be one of the profile's values for regions or a regions code (e.g. Casablanca-Settat, Rabat-Salé-Kénitra); got 'Atlantis'.",
        ),
        (
            {"consentement": "peut-être"},
            "Column 'consentement' in row 2 of reg.csv must be yes or no (oui, non); got 'peut-être'.",
        ),
        (
            {"num_plainte": ""},
            "Column 'num_plainte' in row 2 of reg.csv is required (the record id) but empty.",
        ),
        (
            {"date_faits": "10/03/2024", "date_plainte": "01/03/2024"},
            "Column 'date_plainte' in row 2 of reg.csv (2024-03-01) is before the incident date (2024-03-10) in column 'date_faits'.",
        ),
        # a quoted value is scrubbed before it is shown
        (
            {"region": "0612345678"},
            "Column 'region' in row 2 of reg.csv must be one of the profile's values for regions or a regions code (e.g. Casablanca-Settat, Rabat-Salé-Kénitra); got '[PHONE]'.",
        ),
    ],
)
def test_row_error_messages(
    tmp_path: Path,
    lite: Store,
    sqlite_settings: Settings,
    police_profile: Path,
    change: dict[str, str],
    message: str,
) -> None:
    path = write_csv(tmp_path / "reg.csv", [police_row(1, **change)])
    report = ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    assert (report.accepted, report.quarantined) == (0, 1)
    assert report.errors == (message,)


def test_all_errors_of_a_row_are_reported_together(
    tmp_path: Path, lite: Store, sqlite_settings: Settings, police_profile: Path
) -> None:
    path = write_csv(
        tmp_path / "reg.csv", [police_row(1), police_row(2, age="x", sexe="?", region="?")]
    )
    report = ingest_file(lite, sqlite_settings, path, police_profile, progress=False)
    with lite.connect() as c:
        (errors,) = c.execute(sa.select(tables.quarantine.c.errors)).one()
    assert [e["column"] for e in errors] == ["region", "sexe", "age"]
    assert {e["code"] for e in errors} == {"ingest.unknown_code", "ingest.not_int"}
    assert report.accepted == 1


def test_derived_fields(tmp_path: Path, lite: Store, sqlite_settings: Settings) -> None:
    prof = {**POLICE_PROFILE, "fields": {**POLICE_PROFILE["fields"]}}
    prof["fields"]["age_band"] = {
        "column": "tranche",
        "type": "age_band",
        "scheme": "hcp",
        "map": {"moins de 18 ans": "15-19"},
    }
    prof["fields"]["incident_date"] = {
        **prof["fields"]["incident_date"],
        "formats": ["%d/%m/%Y", "%m/%Y", "%Y"],
    }
    path_p = write_profile(tmp_path / "p.yaml", prof)
    header = [*police_row(0).keys(), "tranche"]
    rows = [
        police_row(
            1, age="15", tranche="15-19", date_faits="05/03/2024", date_plainte="15/03/2024"
        ),
        police_row(2, age="", tranche="20 – 24", date_faits="03/2024", date_plainte="15/03/2024"),
        police_row(
            3, age="", tranche="15-19", date_faits="2023", date_plainte=""
        ),  # band straddles 18
        police_row(4, age="", tranche="", date_faits="05/03/2024"),
        police_row(5, age="40", tranche="15-19", date_faits="05/03/2024"),  # contradiction
    ]
    path = write_csv(tmp_path / "reg.csv", rows, header=header)
    report = ingest_file(lite, sqlite_settings, path, path_p, progress=False)
    assert report.errors == (
        "Column 'age' in row 6 of reg.csv says 40 but column 'tranche' gives the band 15-19.",
    )
    with lite.connect() as c:
        got = c.execute(sa.select(tables.incidents).order_by(tables.incidents.c.source_row)).all()
    a, b, c3, d = got
    assert (a.victim_age, a.age_band, a.age_band_scheme, a.minor, a.age_unknown) == (
        15,
        "15-17",
        "analysis",
        True,
        False,
    )
    assert (
        a.incident_year,
        a.incident_month,
        a.incident_date_precision,
        a.reporting_delay_days,
    ) == (2024, 3, "day", 10)
    assert (b.age_band, b.age_band_scheme, b.minor, b.age_unknown) == ("20-24", "hcp", False, False)
    assert (b.incident_date, b.incident_date_precision, b.reporting_delay_days) == (
        date(2024, 3, 1),
        "month",
        None,
    )
    assert (c3.age_band, c3.minor, c3.incident_month, c3.incident_date_precision) == (
        "15-19",
        None,
        None,
        "year",
    )
    assert (d.age_band, d.minor, d.age_unknown) == (None, None, True)
    assert a.category_origin == "reported" and a.consent_statistical_use is True
    assert d.space == "other"  # the profile's default for an empty cell


def test_design_codes_are_not_scrubbed(
    tmp_path: Path, lite: Store, sqlite_settings: Settings
) -> None:
    prof = write_profile(
        tmp_path / "s.yaml",
        {
            "id": "s",
            "source": {"code": "enq", "name": "Survey", "kind": "survey"},
            "target": "survey",
            "fields": {
                "respondent_key": {"column": "id", "type": "pseudonym", "kind": "id"},
                "stratum": {"column": "strate"},
                "psu": {"column": "grappe"},
                "weight": {"column": "poids", "type": "float"},
            },
        },
    )
    path = tmp_path / "s.csv"
    path.write_text("id,strate,grappe,poids\nR1,MA-06-U,AB12345,10.5\n", encoding="utf-8")
    assert ingest_file(lite, sqlite_settings, path, prof, progress=False).accepted == 1
    with lite.connect() as c:
        row = c.execute(sa.select(tables.survey_responses)).one()
    assert (row.stratum, row.psu) == ("MA-06-U", "AB12345")
