"""CSV and XLSX exports that cannot run as spreadsheet formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection", OWASP). Such text cells get a
leading apostrophe, as OWASP recommends; numbers are written as numbers and left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["safe_cell", "to_csv", "to_xlsx"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` made inert for spreadsheets: text starting with = + - @ tab or CR gets a ``'``."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    if text.startswith(_TRIGGERS):
        return "'" + text
    return text


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """UTF-8 CSV (with BOM so spreadsheet programs detect the encoding), every cell neutralised."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow(["" if (v := safe_cell(row.get(c))) is None else v for c in columns])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], sheet: str = "data"
) -> bytes:
    """An XLSX workbook with one sheet; text cells neutralised and stored as text, not formulas."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append([safe_cell(c) for c in columns])
    for row in rows:
        ws.append([safe_cell(row.get(c)) for c in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
