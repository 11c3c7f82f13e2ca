"""Labelled texts for training and evaluation (CSV), with row-level validation."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import DetectError
from marsad.taxonomy import load_taxonomy

__all__ = ["LabelledText", "read_labelled"]


@dataclass(frozen=True)
class LabelledText:
    """One labelled text: its id, text, gold categories (empty = not harmful) and language."""

    id: str
    text: str
    categories: frozenset[str]
    language: str
    row: int


def read_labelled(path: str | Path) -> tuple[list[LabelledText], str]:
    """Rows of a labelled CSV (columns ``text``, ``categories``; optional ``id``, ``language``)
    and the SHA-256 of the file. ``categories`` holds taxonomy ids separated by ``;`` (empty
    for a text that is not harmful)."""
    p = Path(path)
    if not p.is_file():
        raise DetectError(f"Labelled file {p} does not exist.", code="detect.no_input", path=str(p))
    raw = p.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DetectError(
            f"{p.name} is not UTF-8 (byte {exc.start}); save it as UTF-8.", code="detect.labelled"
        ) from None
    reader = csv.DictReader(content.splitlines())
    cols = set(reader.fieldnames or [])
    missing = {"text", "categories"} - cols
    if missing:
        raise DetectError(
            f"{p.name} lacks column(s) {', '.join(sorted(missing))}; it needs text, categories "
            f"(and optionally id, language). Found: {', '.join(sorted(cols)) or 'none'}.",
            code="detect.labelled",
        )
    known = set(load_taxonomy().categories)
    out: list[LabelledText] = []
    for i, row in enumerate(reader, start=2):
        text = row.get("text") or ""
        if not text.strip():
            raise DetectError(
                f"{p.name}, row {i}, column 'text': empty text.", code="detect.labelled"
            )
        cats = frozenset(
            c.strip()
            for c in (row.get("categories") or "").replace(",", ";").split(";")
            if c.strip()
        )
        bad = cats - known
        if bad:
            raise DetectError(
                f"{p.name}, row {i}, column 'categories': unknown categor{'ies' if len(bad) > 1 else 'y'} "
                f"{', '.join(sorted(bad))}; known: {', '.join(sorted(known))}.",
                code="detect.labelled",
            )
        out.append(
            LabelledText(
                id=row.get("id") or str(i - 1),
                text=text,
                categories=cats,
                language=(row.get("language") or "und").strip(),
                row=i,
            )
        )
    if not out:
        raise DetectError(f"{p.name} has no rows.", code="detect.labelled")
    return out, digest
