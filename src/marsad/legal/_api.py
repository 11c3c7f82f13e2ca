"""One call per use: what the CLI, the report and the dashboard call.

:func:`analyse` runs the whole chain (provisions → matrix → gaps → priorities); the
``legal_*_output`` functions render it for the command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from marsad.errors import LegalDataError
from marsad.i18n import t
from marsad.legal._export import (
    gaps_rows,
    matrix_rows,
    matrix_table,
    priorities_rows,
    priorities_table,
    recommendations_json,
    to_csv,
    to_json,
)
from marsad.legal._gaps import Gap, find_gaps
from marsad.legal._load import load_provisions
from marsad.legal._matrix import CoverageMatrix, coverage_matrix
from marsad.legal._model import GROUPS
from marsad.legal._priority import BurdenLike, Priority, load_burden, prioritise
from marsad.legal._recommend import recommend

__all__ = [
    "LegalAnalysis",
    "analyse",
    "legal_gaps_output",
    "legal_matrix_output",
    "legal_recommend_output",
]


@dataclass(frozen=True)
class LegalAnalysis:
    """The matrix, its gaps and their priorities, and whether a measured burden was used."""

    matrix: CoverageMatrix
    gaps: tuple[Gap, ...]
    priorities: tuple[Priority, ...]
    burden_used: bool


def analyse(
    burden: Mapping[str, BurdenLike] | None = None,
    *,
    data: Sequence[str | Path] | None = None,
    standard: str | None = None,
    min_cell: int = 5,
) -> LegalAnalysis:
    """Provisions (shipped + ``data``) → coverage matrix → gaps → priorities."""
    corpus = load_provisions(data)
    if standard is not None and standard not in corpus.frameworks:
        raise LegalDataError(
            f"Unknown standard {standard!r}; use one of "
            + ", ".join(f for f, r in corpus.frameworks.items() if r != "national")
            + ".",
            code="legal.unknown_standard",
            value=standard,
        )
    matrix = coverage_matrix(corpus, frameworks=[standard] if standard else None)
    gaps = find_gaps(matrix)
    prios = prioritise(gaps, burden, min_cell=min_cell)
    return LegalAnalysis(matrix, tuple(gaps), tuple(prios), bool(burden))


def _check_group(group: str | None) -> None:
    if group is not None and group not in GROUPS:
        raise LegalDataError(
            f"Unknown victim group {group!r}; use one of {', '.join(GROUPS)}.",
            code="legal.unknown_group",
            value=group,
        )


def legal_matrix_output(
    fmt: str,
    *,
    standard: str | None = None,
    group: str | None = None,
    space: str | None = None,
    data: Sequence[str | Path] | None = None,
    lang: str = "en",
) -> Table | str:
    """The coverage matrix as a rich table, CSV text or JSON text."""
    _check_group(group)
    a = analyse(data=data, standard=standard)
    if space is not None and space not in a.matrix.spaces:
        raise LegalDataError(
            f"Unknown space {space!r}; use one of {', '.join(a.matrix.spaces)}.",
            code="legal.unknown_space",
            value=space,
        )
    if fmt == "table":
        return matrix_table(a.matrix, group=group, lang=lang, space=space)
    rows = matrix_rows(a.matrix, framework=standard, group=group)
    if space:
        rows = [r for r in rows if r["space"] == space]
    return to_csv(rows) if fmt == "csv" else to_json(rows)


def _burden_note(burden: Mapping[str, Any] | None, lang: str) -> str:
    if burden:
        return t("legal.cli.burden_used", lang, count=len(burden))
    return t("legal.cli.no_burden", lang)


def legal_gaps_output(
    store: Any,
    settings: Any,
    fmt: str,
    *,
    standard: str | None = None,
    data: Sequence[str | Path] | None = None,
) -> tuple[str, Table | str]:
    """(note on the burden, ranked priorities as a table / CSV / JSON with their gaps)."""
    burden = load_burden(store, settings)
    a = analyse(burden, data=data, standard=standard, min_cell=settings.min_cell)
    note = _burden_note(burden, settings.lang)
    if fmt == "table":
        return note, priorities_table(a.priorities, settings.lang)
    if fmt == "csv":
        return note, to_csv(priorities_rows(a.priorities))
    payload = {
        "burden_used": a.burden_used,
        "priorities": priorities_rows(a.priorities),
        "gaps": gaps_rows(a.gaps),
    }
    return note, to_json(payload)


def legal_recommend_output(
    store: Any,
    settings: Any,
    fmt: str,
    *,
    top: int = 5,
    data: Sequence[str | Path] | None = None,
) -> tuple[str, str]:
    """(note on the burden, recommendations as text or JSON) in ``settings.lang``."""
    burden = load_burden(store, settings)
    a = analyse(burden, data=data, min_cell=settings.min_cell)
    recs = recommend(
        list(a.priorities),
        a.matrix.corpus,
        lang=settings.lang,
        top=top,
        min_cell=settings.min_cell,
    )
    note = _burden_note(burden, settings.lang)
    if fmt == "json":
        return note, to_json(recommendations_json(recs))
    return note, "\n\n".join(r.text for r in recs)
