from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from marsad.cli import app

runner = CliRunner()


def test_user_add_token_and_audit(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/m.db"
    pw = tmp_path / "pw.txt"
    pw.write_text("a-long-enough-password\n", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "user",
            "add",
            "amal",
            "--role",
            "analyst",
            "--password-file",
            str(pw),
            "--db",
            db,
            "--lang",
            "en",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "amal" in r.output and "analyst" in r.output
    again = runner.invoke(
        app,
        [
            "user",
            "add",
            "amal",
            "--role",
            "analyst",
            "--password-file",
            str(pw),
            "--db",
            db,
            "--lang",
            "en",
        ],
    )
    assert again.exit_code == 2 and "already exists" in again.output
    bad_role = runner.invoke(
        app, ["user", "add", "omar", "--role", "root", "--password-file", str(pw), "--db", db]
    )
    assert bad_role.exit_code == 2
    tok = runner.invoke(app, ["user", "token", "amal", "--db", db, "--lang", "en"])
    assert tok.exit_code == 0 and tok.output.strip().splitlines()[-1].startswith("msd_")
    assert runner.invoke(app, ["user", "token", "ghost", "--db", db]).exit_code == 2
    log = runner.invoke(app, ["audit", "--since", "1h", "--db", db, "--lang", "en"])
    assert log.exit_code == 0 and "token_created" in log.output and "user_added" in log.output
    none = runner.invoke(app, ["audit", "--actor", "nobody", "--db", db, "--lang", "en"])
    assert none.exit_code == 0 and "No audit entries" in none.output
    bad = runner.invoke(app, ["audit", "--since", "yesterday-ish", "--db", db, "--lang", "en"])
    assert bad.exit_code == 2 and "--since" in bad.output
