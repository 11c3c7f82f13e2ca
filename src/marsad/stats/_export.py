"""Writing published tables: CSV, Parquet, XLSX and a JSON summary, never unsuppressed.

:func:`safe_cell` is the shared guard against formula injection in spreadsheets (OWASP, "CSV
Injection"): text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with a single quote. Other stages may import it from ``marsad.stats``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from marsad.errors import DisclosureError
from marsad.stats._engine import DIMENSIONS as _DIMENSIONS

__all__ = ["check_published", "safe_cell", "safe_frame", "write_indicators"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: formula-like text gets a leading quote.

    Numbers (including negative numbers) are left alone; only text is changed.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`safe_cell` applied to every text cell and header."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def check_published(table: pd.DataFrame, min_cell: int | None = None) -> None:
    """Raise :class:`DisclosureError` unless ``table`` went through disclosure control.

    The table must come from ``compute_indicators(..., publish=True)`` and every withheld row
    must hold no value, interval or count.
    """
    if table.attrs.get("published") is not True:
        raise DisclosureError(
            "This indicator table was computed with publish=False and still holds small "
            "counts: it may be viewed inside Marsad but not exported. Recompute it with "
            "publish=True (the default) before writing it to a file.",
            code="disclosure.unpublished",
        )
    if "suppressed" in table.columns:
        withheld = table[table["suppressed"].astype(bool)]
        for col in ("value", "lower", "upper", "numerator"):
            if col in withheld.columns and withheld[col].notna().any():
                raise DisclosureError(
                    f"Column {col!r} holds a value in a suppressed row: refusing to export.",
                    code="disclosure.leak",
                )
    k = min_cell or table.attrs.get("min_cell")
    if k and "numerator" in table.columns and "unit" in table.columns:
        counted = table["unit"].isin(["count", "per_100k"]) & table["numerator"].notna()
        counts = table.loc[counted, "numerator"]
        small = (counts > 0) & (counts < k) & (counts % 1 == 0)
        # a rate cell outside the population strata with an 'unknown' level, whose margin is
        # publishable, is exempt from the minimum frequency (docs/stats.md, disclosure control)
        rows = table.loc[counted]
        dims = [c for c in rows.columns if c in _DIMENSIONS]
        exempt = (
            rows["flags"].fillna("").astype(str).str.contains("unknown_exempt")
            & (rows["denominator"] == 0)
            & (rows[dims].astype(object) == "unknown").any(axis=1)
        )
        if (small & ~exempt).any():
            raise DisclosureError(
                f"A published count is below the minimum frequency {k}: refusing to export.",
                code="disclosure.small_cell",
            )


def _summary(table: pd.DataFrame, definitions: Iterable[Any] | None) -> dict[str, Any]:
    labels = {d.id: d.labels for d in definitions or []}
    per: dict[str, Any] = {}
    for ind, rows in table.groupby("indicator", sort=True):
        per[str(ind)] = {
            "labels": labels.get(str(ind), {}),
            "unit": str(rows["unit"].iloc[0]),
            "rows": len(rows),
            "suppressed": int(rows["suppressed"].sum()),
            "low_precision": int(rows["flags"].fillna("").str.contains("low_precision").sum()),
            "periods": sorted({str(p) for p in rows["period"]}),
        }
    records = list(table.attrs.get("suppression", ()))
    by_rule: dict[str, int] = {}
    for r in records:
        by_rule[str(r["rule"])] = by_rule.get(str(r["rule"]), 0) + 1
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "min_cell": table.attrs.get("min_cell"),
        "rounding_base": table.attrs.get("rounding_base"),
        "rows": len(table),
        "suppressed": int(table["suppressed"].sum()) if "suppressed" in table else 0,
        "suppressed_by_rule": by_rule,
        "indicators": per,
        "notes": list(table.attrs.get("notes", ())),
    }


def write_indicators(
    table: pd.DataFrame,
    out_dir: str | Path,
    definitions: Iterable[Any] | None = None,
    xlsx: bool = False,
) -> dict[str, Path]:
    """Write ``indicators.csv``, ``indicators.parquet``, ``summary.json`` and
    ``suppression.csv`` (the record of what was withheld and why) into ``out_dir``.

    Raises :class:`DisclosureError` if the table was not computed with ``publish=True``.
    """
    check_published(table)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "csv": out / "indicators.csv",
        "parquet": out / "indicators.parquet",
        "summary": out / "summary.json",
        "suppression": out / "suppression.csv",
    }
    plain = pd.DataFrame(table)
    plain.attrs = {}
    safe_frame(plain).to_csv(paths["csv"], index=False, encoding="utf-8")
    plain.to_parquet(paths["parquet"], index=False)
    records = list(table.attrs.get("suppression", ()))
    sup = pd.DataFrame(
        [
            {
                "indicator": r["indicator"],
                "period": r["period"],
                "cell": ";".join(f"{k}={v}" for k, v in r["cell"]),
                "rule": r["rule"],
                "reason": r["reason"],
            }
            for r in records
        ],
        columns=["indicator", "period", "cell", "rule", "reason"],
    )
    safe_frame(sup).to_csv(paths["suppression"], index=False, encoding="utf-8")
    summary = _summary(table, definitions)
    paths["summary"].write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=_json_default), encoding="utf-8"
    )
    if xlsx:
        paths["xlsx"] = out / "indicators.xlsx"
        safe_frame(plain).to_excel(paths["xlsx"], index=False)
    return paths


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
