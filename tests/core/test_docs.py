"""Docs that cannot drift: the CLI reference is generated from the command tree."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_up_to_date() -> None:
    expected = _generator().render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"


def test_every_command_is_in_the_reference() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for cmd in (
        "demo",
        "ingest",
        "synth",
        "detect",
        "indicators compute",
        "threats",
        "estimate",
        "legal matrix",
        "legal gaps",
        "legal recommend",
        "compare",
        "report",
        "serve",
        "user add",
        "audit",
        "db copy",
    ):
        assert f"## `marsad {cmd}`" in text
