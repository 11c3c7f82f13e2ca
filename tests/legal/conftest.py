"""Helpers for hand-built provision files (real YAML files in tmp_path, real loader)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


def provision(article: str, covers: list[dict[str, Any]], **over: Any) -> dict[str, Any]:
    """A valid provision; ``over`` replaces any field (None removes it)."""
    p: dict[str, Any] = {
        "article": article,
        "article_status": "VERIFIED",
        "kind": "offence",
        "title": {"en": f"Title {article}", "fr": f"Titre {article}"},
        "summary": {"en": f"Summary {article}", "fr": f"Résumé {article}"},
        "content_status": "VERIFIED",
        "electronic": "explicit",
        "victims": {"sex": "any"},
        "covers": covers,
        "sources": [f"source for {article}"],
    }
    for k, v in over.items():
        if v is None:
            p.pop(k, None)
        else:
            p[k] = v
    return p


def instrument(
    iid: str, framework: str, role: str, provisions: list[dict[str, Any]], **over: Any
) -> dict[str, Any]:
    inst: dict[str, Any] = {
        "id": iid,
        "framework": framework,
        "role": role,
        "kind": "test",
        "title": {"en": f"Instrument {iid}", "fr": f"Instrument {iid}"},
        "short": iid.upper(),
        "sources": [f"source of {iid}"],
        "verification": "VERIFIED",
        "coverage_complete": True,
        "morocco": {
            "status": "national" if role == "national" else "party",
            "sources": ["status source"],
            "verification": "VERIFIED",
        },
    }
    inst.update(over)
    return {"instrument": inst, "provisions": provisions}


WriteFn = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> WriteFn:
    """write(name, data) -> path of a YAML file in tmp_path/data."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)

    def _write(name: str, data: Any) -> Path:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return _write
