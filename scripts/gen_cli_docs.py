"""Generate docs/cli.md from the command tree, so the CLI reference cannot drift.

Usage: .venv/bin/python scripts/gen_cli_docs.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer.main

from marsad.cli import app

OUT = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            sub = cmd.commands[name]
            if not getattr(sub, "hidden", False):
                out += _walk(sub, [*path, name])
    return out


def _param(p: Any) -> str:
    if p.param_type_name == "argument":
        return f"| `{(p.metavar or p.name).upper()}` | argument{'' if p.required else ' (optional)'} | |"
    names = ", ".join(f"`{o}`" for o in [*p.opts, *getattr(p, "secondary_opts", [])])
    default = (
        "" if p.default in (None, False, ()) or (p.is_flag and not p.default) else f"`{p.default}`"
    )
    help_text = (p.help or "").replace("|", "\\|").replace("\n", " ")
    return f"| {names} | {help_text} | {default} |"


def render() -> str:
    root = typer.main.get_command(app)
    lines = [
        "# Command-line reference",
        "",
        "Generated from the command tree by `scripts/gen_cli_docs.py`; "
        "`tests/core/test_docs.py` fails when it is out of date.",
        "",
    ]
    for path, cmd in _walk(root, ["marsad"]):
        lines += [f"## `{' '.join(path)}`", ""]
        if cmd.help:
            lines += [cmd.help.strip().split("\f")[0].strip(), ""]
        params = [p for p in cmd.params if p.name != "help" and not getattr(p, "hidden", False)]
        if params:
            lines += ["| parameter | meaning | default |", "|---|---|---|"]
            lines += [_param(p) for p in params]
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if OUT.read_text(encoding="utf-8") == text else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
