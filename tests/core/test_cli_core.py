from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from marsad.cli import app

runner = CliRunner()


def test_db_upgrade_creates_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s/m.db"
    result = runner.invoke(app, ["db", "upgrade", "--db", url, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "revision 0004" in result.output
    assert (tmp_path / "s" / "m.db").exists()


def test_db_upgrade_bad_url_exits_2_with_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "nonsense", "--lang", "en"])
    assert result.exit_code == 2
    assert "Not a database URL" in result.output


def test_key_create_then_keep(tmp_path: Path) -> None:
    r1 = runner.invoke(app, ["key", "create", "--data-dir", str(tmp_path), "--lang", "en"])
    assert r1.exit_code == 0 and "Created" in r1.output
    key = (tmp_path / "pseudonym.key").read_text()
    r2 = runner.invoke(app, ["key", "create", "--data-dir", str(tmp_path), "--lang", "en"])
    assert "already exists" in r2.output and (tmp_path / "pseudonym.key").read_text() == key
