"""The one translation layer for user-facing text (CLI messages, reports, dashboard).

Catalogues are YAML files ``marsad/locales/<lang>/<domain>.yaml`` mapping dotted keys to
messages with ``str.format`` placeholders. Each pipeline stage keeps its own domain file.
English is the fallback; a key missing everywhere is returned as is, so a missing
translation is visible rather than fatal. Arabic is written right to left: :func:`direction`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["LANGUAGES", "direction", "messages", "t"]

LANGUAGES = ("fr", "ar", "en")


@cache
def messages(lang: str) -> dict[str, str]:
    """All messages of one language, merged over every domain file."""
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}.")
    merged: dict[str, str] = {}
    folder = resources.files("marsad.locales").joinpath(lang)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
            merged.update(_flatten(data))
    return merged


def t(key: str, lang: str = "en", /, **values: Any) -> str:
    """The message ``key`` in ``lang`` (falling back to English), formatted with ``values``."""
    text = messages(lang).get(key) or messages("en").get(key) or key
    try:
        return text.format(**values) if values else text
    except (KeyError, IndexError, ValueError):
        return text


def direction(lang: str) -> str:
    """``rtl`` for Arabic, ``ltr`` otherwise."""
    return "rtl" if lang == "ar" else "ltr"


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in data.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = str(v)
    return out
