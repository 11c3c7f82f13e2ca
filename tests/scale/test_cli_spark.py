"""`marsad detect --engine spark`: the CLI shell over run_spark_detection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from marsad.cli import app

pytestmark = [
    pytest.mark.spark,
    pytest.mark.xdist_group("spark"),
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]

runner = CliRunner()


def test_cli_engine_spark_writes_parquet(spark: Any, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    texts = [
        ("a", "Si tu ne m'envoies pas 500 dh je publie tes photos intimes"),
        ("b", "On se voit demain pour le match ?"),
    ]
    pq.write_table(
        pa.table({"id": [i for i, _ in texts], "text": [x for _, x in texts]}),
        src / "part-0.parquet",
    )
    out = tmp_path / "out"
    r = runner.invoke(
        app,
        ["detect", "--engine", "spark", "--input", str(src), "--output", str(out), "--lang", "en"],
    )
    assert r.exit_code == 0, r.output
    rows = {row["id"]: row for row in pq.read_table(out).to_pylist()}
    assert rows["a"]["harmful"] is True and "sextortion" in rows["a"]["categories"]
    assert rows["b"]["harmful"] is False


def test_cli_engine_spark_needs_input_and_output(tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["detect", "--engine", "spark", "--input", str(tmp_path), "--lang", "en"]
    )
    assert r.exit_code == 2 and "--output PARQUET_DIR" in r.output
    r = runner.invoke(app, ["detect", "--engine", "gpu", "some text", "--lang", "en"])
    assert r.exit_code == 2 and "local or spark" in r.output
