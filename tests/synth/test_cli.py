from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from marsad.cli import app

runner = CliRunner()


def test_synth_command_writes_the_dataset(tmp_path: Path) -> None:
    out = tmp_path / "src"
    result = runner.invoke(app, ["synth", "--out", str(out), "--size", "400", "--seed", "9", "--lang", "en"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output and "truth.json" in result.output
    assert "police_register_synthetic.csv" in result.output
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 9 and truth["size"] == 400


def test_synth_command_refuses_bad_size(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--size", "10", "--lang", "en"])
    assert result.exit_code == 2
    assert "size" in result.output and "10" in result.output
    assert not (tmp_path / "truth.json").exists()


def test_synth_command_speaks_french(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--out", str(tmp_path), "--size", "100", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "SYNTHÉTIQUES" in result.output


def test_demo_step_writes_into_sources(tmp_path: Path) -> None:
    from rich.console import Console

    from marsad.config import Settings
    from marsad.demo import DemoContext
    from marsad.store import Store
    from marsad.synth import SynthManifest, demo_step

    settings = Settings.from_env({}, data_dir=str(tmp_path), lang="en")
    console = Console(record=True, width=200)
    store = Store.open(settings.db_url)
    try:
        ctx = DemoContext(settings=settings, store=store, console=console, size=300, seed=4)
        demo_step(ctx)
    finally:
        store.close()
    manifest = ctx.outputs["synth"]
    assert isinstance(manifest, SynthManifest)
    assert manifest.out_dir == tmp_path / "sources" and manifest.seed == 4
    assert "SYNTHETIC" in console.export_text()
