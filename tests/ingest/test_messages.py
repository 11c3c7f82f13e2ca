"""Messages for files the profile cannot read as they are: a wrong encoding and a row with the
wrong number of fields. Through the real CLI app and ``ingest_file``; SQLite only."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from marsad.cli import app
from marsad.config import Settings
from marsad.errors import IngestError
from marsad.ingest import ingest_file
from marsad.store import Store, tables
from tests.conftest import TEST_KEY
from tests.ingest.conftest import (
    POLICE_HEADER,
    POLICE_PROFILE,
    police_row,
    write_csv,
    write_profile,
)

runner = CliRunner()


def _env(settings: Settings) -> dict[str, str]:
    return {"MARSAD_PSEUDONYM_KEY": TEST_KEY, "MARSAD_DATABASE_URL": settings.db_url}


def _accented_profile(tmp_path: Path, encoding: str) -> Path:
    """The test police profile with an accented record-id column, read as ``encoding``."""
    data = {**POLICE_PROFILE, "record_id": {"column": "N° plainte"}}
    data["format"] = {"type": "csv", "delimiter": ",", "encoding": encoding}
    return write_profile(tmp_path / f"police_{encoding}.yaml", data)


def _accented_file(tmp_path: Path, encoding: str) -> Path:
    header = ["N° plainte", *POLICE_HEADER[1:]]
    rows = []
    for i in range(1, 4):
        row = police_row(i)
        row["N° plainte"] = row.pop("num_plainte")
        rows.append(row)
    return write_csv(tmp_path / f"reg_{encoding}.csv", rows, encoding=encoding, header=header)


def test_a_utf8_file_read_as_cp1252_says_which_encoding_to_set(
    tmp_path: Path, sqlite_settings: Settings
) -> None:
    path = _accented_file(tmp_path, "utf-8")
    profile = _accented_profile(tmp_path, "cp1252")
    args = ["ingest", str(path), "-p", str(profile), "--no-progress", "--lang", "en"]
    result = runner.invoke(app, args, env=_env(sqlite_settings))
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert "the file looks utf-8 but profile police_cp1252.yaml reads it as cp1252" in out
    assert "'NÂ° plainte'" in out  # the garbled name, as it was read
    assert "Set 'encoding: utf-8' under format: in the profile" in out
    fr = runner.invoke(app, [*args[:-1], "fr"], env=_env(sqlite_settings))
    assert fr.exit_code == 2
    assert "le fichier semble encodé en utf-8" in " ".join(fr.output.split())
    # the same file with the right encoding is imported
    ok = _accented_profile(tmp_path, "utf-8")
    good = runner.invoke(
        app, ["ingest", str(path), "-p", str(ok), "--no-progress"], env=_env(sqlite_settings)
    )
    assert good.exit_code == 0, good.output


def test_a_cp1252_file_read_as_utf8_is_a_decode_error_not_a_hint(
    tmp_path: Path, sqlite_settings: Settings
) -> None:
    path = _accented_file(tmp_path, "cp1252")
    store = Store.open(sqlite_settings.db_url)
    try:
        with pytest.raises(IngestError) as err:
            ingest_file(store, sqlite_settings, path, _accented_profile(tmp_path, "utf-8"))
    finally:
        store.close()
    assert err.value.code == "ingest.encoding"  # cannot be decoded: that message already says so


def test_a_missing_column_without_an_encoding_explanation_keeps_its_message(
    tmp_path: Path, sqlite_settings: Settings
) -> None:
    header = ["numero", *POLICE_HEADER[1:]]
    rows = [{"numero": "X", **{k: v for k, v in police_row(1).items() if k != "num_plainte"}}]
    path = write_csv(tmp_path / "reg.csv", rows, header=header)
    store = Store.open(sqlite_settings.db_url)
    try:
        with pytest.raises(IngestError) as err:
            ingest_file(store, sqlite_settings, path, _accented_profile(tmp_path, "cp1252"))
    finally:
        store.close()
    assert err.value.code == "ingest.missing_column"
    assert "looks" not in err.value.message


def test_a_row_with_too_few_fields_names_the_counts(
    tmp_path: Path, sqlite_settings: Settings
) -> None:
    path = write_csv(tmp_path / "reg.csv", [police_row(1), police_row(2), police_row(3)])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = "PL-X,01/02/2024,foo"  # row 3: 3 fields where the header has 13
    lines.append(lines[1].replace("PL-000001", "PL-000009") + ",extra")  # row 5: 14 fields
    lines.append(lines[1].replace("PL-000001", "PL-000010") + ",,")  # row 6: empty extras
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    profile = write_profile(tmp_path / "p.yaml", POLICE_PROFILE)
    args = ["ingest", str(path), "-p", str(profile), "--no-progress", "--lang", "en"]
    result = runner.invoke(app, args, env=_env(sqlite_settings))
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "Row 3 of reg.csv has 3 fields, the header has 13;" in out
    assert "Row 5 of reg.csv has 14 fields, the header has 13;" in out
    assert "got 'foo'" not in out
    store = Store.open(sqlite_settings.db_url)
    try:
        with store.connect() as conn:
            q = tables.quarantine
            bad = conn.execute(sa.select(q.c.row_number, q.c.errors).order_by(q.c.row_number)).all()
            accepted = conn.execute(sa.select(sa.func.count()).select_from(tables.incidents))
            n_ok = accepted.scalar_one()
    finally:
        store.close()
    assert [r.row_number for r in bad] == [3, 5]
    assert [e["code"] for r in bad for e in r.errors] == ["ingest.field_count"] * 2
    assert n_ok == 3  # rows 2, 4 and 6 (trailing empty fields are harmless)
