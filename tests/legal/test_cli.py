"""`marsad legal ...`: exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import yaml
from rich.console import Console
from typer.testing import CliRunner

from marsad.cli import app
from marsad.config import Settings
from marsad.legal import demo_step
from marsad.store import Store

from .conftest import WriteFn, provision

runner = CliRunner()


def test_check_shipped_ok() -> None:
    r = runner.invoke(app, ["legal", "check", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "no problems found" in r.output


def test_check_bad_user_file_exits_1_naming_file_provision_field(write: WriteFn) -> None:
    path = write(
        "edit.yaml",
        {
            "extends": "ma_penal_code",
            "provisions": [provision("999-1", [{"category": "cyberbullying", "elements": ["x"]}])],
        },
    )
    r = runner.invoke(app, ["legal", "check", str(path), "--lang", "en"])
    assert r.exit_code == 1
    assert "edit.yaml" in r.output and "provision 1 (article 999-1)" in r.output
    assert "covers[0].category" in r.output and "cyberbullying" in r.output


def test_matrix_json_filtered() -> None:
    r = runner.invoke(
        app,
        [
            "legal",
            "matrix",
            "--format",
            "json",
            "--standard",
            "lanzarote",
            "--group",
            "girls",
            "--lang",
            "en",
        ],
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert {x["framework"] for x in rows} == {"national", "lanzarote"}
    assert {x["group"] for x in rows} == {"girls"}
    cell = next(x for x in rows if x["framework"] == "lanzarote" and x["category"] == "grooming")
    assert cell["level"] == "explicit" and "Lanzarote Convention 23" in cell["articles"]


def test_matrix_csv_and_table() -> None:
    r = runner.invoke(app, ["legal", "matrix", "--format", "csv", "--lang", "en"])
    assert r.exit_code == 0 and r.output.startswith(
        "framework,role,category,space,group,level,verified"
    )
    r = runner.invoke(app, ["legal", "matrix", "--space", "virtual_world", "--lang", "fr"])
    assert r.exit_code == 0 and "†" in r.output


def test_matrix_bad_options_exit_2() -> None:
    r = runner.invoke(app, ["legal", "matrix", "--group", "teens", "--lang", "en"])
    assert r.exit_code == 2 and "teens" in r.output and "women, girls, boys, men" in r.output
    r = runner.invoke(app, ["legal", "matrix", "--standard", "hague", "--lang", "en"])
    assert r.exit_code == 2 and "hague" in r.output
    r = runner.invoke(app, ["legal", "matrix", "--format", "xml", "--lang", "en"])
    assert r.exit_code == 2 and "xml" in r.output


def test_matrix_with_invalid_user_data_exits_2(write: WriteFn) -> None:
    path = write("edit.yaml", {"extends": "nowhere", "provisions": []})
    r = runner.invoke(app, ["legal", "matrix", "--data", str(path), "--lang", "en"])
    assert r.exit_code == 2 and "nowhere" in r.output


def test_gaps_and_recommend_on_empty_store(store_url: str) -> None:
    r = runner.invoke(app, ["legal", "gaps", "--format", "json", "--db", store_url, "--lang", "en"])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    assert payload["burden_used"] is False
    assert all(p["burden_status"] == "unavailable" for p in payload["priorities"])
    assert payload["priorities"][0]["rank"] == 1 and payload["gaps"]
    r = runner.invoke(app, ["legal", "gaps", "--db", store_url, "--lang", "en"])
    assert r.exit_code == 0 and "No measured burden" in r.output
    r = runner.invoke(app, ["legal", "recommend", "--db", store_url, "--lang", "ar", "--top", "2"])
    assert r.exit_code == 0, r.output
    assert "الثغرة" in r.output and "2." in r.output
    r = runner.invoke(
        app, ["legal", "recommend", "--format", "json", "--db", store_url, "--lang", "fr"]
    )
    recs = json.loads(r.output)
    assert len(recs) == 5 and all(x["lang"] == "fr" for x in recs)


def test_demo_step_writes_files(tmp_path: Path, sqlite_settings: Settings) -> None:
    sqlite_settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store.open(sqlite_settings.db_url)
    try:
        log = (tmp_path / "out.txt").open("w")
        ctx = SimpleNamespace(
            settings=sqlite_settings,
            store=store,
            lang="en",
            outputs={},
            data_dir=sqlite_settings.data_dir,
            console=Console(file=log, width=200),
        )
        demo_step(ctx)
        log.close()
    finally:
        store.close()
    out = sqlite_settings.data_dir / "legal"
    for name in (
        "matrix.csv",
        "gaps.csv",
        "priorities.csv",
        "recommendations.fr.json",
        "recommendations.ar.txt",
        "recommendations.en.txt",
    ):
        assert (out / name).stat().st_size > 100, name
    assert ctx.outputs["legal"]["analysis"].priorities
    assert "Legal: top priority gaps" in (tmp_path / "out.txt").read_text()
    assert yaml.safe_load((out / "recommendations.en.json").read_text())[0]["rank"] == 1
