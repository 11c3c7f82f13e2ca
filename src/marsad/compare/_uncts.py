"""Import UNODC UN-CTS data files, as published, into the reference-figure model.

The UNODC data portal (dataunodc.un.org) publishes crime and criminal-justice statistics as
CSV or XLSX with the columns Iso3_code, Country, Region, Subregion, Indicator, Dimension,
Category, Sex, Age, Year, Unit of measurement, VALUE (and sometimes Source). XLSX downloads
may carry title rows above the header; the header row is found by its column names.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from pathlib import Path
from typing import Any

from marsad.compare._model import ReferenceFigure
from marsad.compare._vocab import load_vocabulary
from marsad.errors import ReferenceDataError

__all__ = ["UNCTS_COLUMNS", "import_uncts"]

UNCTS_COLUMNS: tuple[str, ...] = (
    "Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category",
    "Sex", "Age", "Year", "Unit of measurement", "VALUE",
)  # fmt: skip

# (words in Indicator/Dimension/Category, construct). First match wins; order matters.
_CONSTRUCTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("child pornography",), "csam"),
    (("child sexual abuse material",), "csam"),
    (("sexual exploitation",), "recorded_sexual_exploitation"),
    (("sexual violence",), "recorded_sexual_violence"),
    (("rape",), "recorded_sexual_violence"),
    (("sexual assault",), "recorded_sexual_violence"),
    (("cybercrime",), "cybercrime_cases"),
    (("cyber",), "cybercrime_cases"),
    (("stalking",), "stalking"),
)
_SEX = {"total": "all", "female": "female", "male": "male", "both sexes": "all"}


def _norm(s: Any) -> str:
    return re.sub(r"\s+", " ", str(s if s is not None else "")).strip()


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    if not path.exists():
        raise ReferenceDataError(
            f"UN-CTS file {path} does not exist.", code="reference.no_file", path=str(path)
        )
    table: list[list[str]]
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds
            raise ReferenceDataError(
                f"{path} is not a readable XLSX file: {exc}",
                code="reference.unreadable",
                path=str(path),
            ) from exc
        ws = wb.worksheets[0]
        table = [[_norm(c) for c in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        table = [[_norm(c) for c in row] for row in csv.reader(io.StringIO(text))]
    wanted = {c.lower() for c in UNCTS_COLUMNS}
    for h, header in enumerate(table[:20]):
        names = [c.lower() for c in header]
        if wanted <= set(names):
            out = []
            for i, row in enumerate(table[h + 1 :], start=h + 2):
                if not any(row):
                    continue
                out.append(
                    (
                        i,
                        {
                            header[j]: (row[j] if j < len(row) else "")
                            for j in range(len(header))
                            if header[j]
                        },
                    )
                )
            return out
    missing = sorted(wanted - {c.lower() for c in (table[0] if table else [])})
    raise ReferenceDataError(
        f"{path}: no header row with the UN-CTS columns was found in the first 20 rows "
        f"(missing: {', '.join(missing)}). Expected: {', '.join(UNCTS_COLUMNS)}.",
        code="reference.uncts_columns",
        path=str(path),
    )


def _get(row: dict[str, str], name: str) -> str:
    for k, v in row.items():
        if k.lower() == name.lower():
            return v
    return ""


def _age(text: str) -> tuple[str | None, str]:
    """UN-CTS age text → (age band or None, caveat)."""
    t = text.strip().lower().replace(" ", "")
    if t in ("", "total", "all"):
        return None, ""
    m = re.fullmatch(r"(\d+)-(\d+)", t)
    if m:
        return f"{int(m.group(1))}-{int(m.group(2))}", ""
    m = re.fullmatch(r"(\d+)(?:\+|andolder|andover|ormore)", t)
    if m:
        return f"{int(m.group(1))}+", ""
    if t in ("adult", "adults"):
        return "18+", "UN-CTS 'Adult' read as 18+ (national definitions of adulthood may differ)"
    if t in ("juvenile", "juveniles", "minor", "minors", "child", "children"):
        return "0-17", "UN-CTS 'Juvenile' read as under 18 (national definitions may differ)"
    return None, f"age group {text!r} could not be read as a band"


def _construct(*texts: str) -> str:
    hay = " ".join(texts).lower()
    for words, construct in _CONSTRUCTS:
        if all(w in hay for w in words):
            return construct
    return "other"


def import_uncts(
    path: str | Path, *, status: str = "VERIFIED", id_prefix: str = "UNCTS"
) -> list[ReferenceFigure]:
    """Read a UN-CTS data file and return one :class:`ReferenceFigure` per data row.

    Counts become ``measure=count, base=reports`` (police-recorded), rates become
    ``measure=rate_per_100k, base=all_persons``; the period is the calendar year. The
    construct comes from Indicator, Dimension and Category (``other`` when none matches:
    such rows are kept but never compared). ``status`` is what the user asserts about the
    file: VERIFIED when downloaded from the publisher (dataunodc.un.org).

    Raises
    ------
    ReferenceDataError
        Naming file, row and column for a missing column, a bad year or a non-numeric VALUE.
    """
    p = Path(path)
    if status not in load_vocabulary().statuses:
        raise ReferenceDataError(
            f"Unknown status {status!r}; use VERIFIED, VERIFIED-SECONDARY or UNVERIFIED.",
            code="reference.unknown_status",
        )
    digest = hashlib.sha256(p.read_bytes()).hexdigest()[:12] if p.exists() else ""
    figures: list[ReferenceFigure] = []
    seen: set[str] = set()
    for number, row in _rows(p):
        iso3 = _get(row, "Iso3_code").upper()
        year_text = _get(row, "Year")
        try:
            year = int(float(year_text))
        except ValueError:
            raise ReferenceDataError(
                f"{p}, row {number}, column 'Year': {year_text!r} is not a year.",
                code="reference.bad_year",
                path=str(p),
                row=number,
            ) from None
        value_text = _get(row, "VALUE")
        try:
            value = float(value_text.replace(",", "")) if value_text else None
        except ValueError:
            raise ReferenceDataError(
                f"{p}, row {number}, column 'VALUE': {value_text!r} is not a number.",
                code="reference.non_numeric_value",
                path=str(p),
                row=number,
            ) from None
        if value is None:
            continue  # UN-CTS leaves VALUE empty for missing data
        unit_text = _get(row, "Unit of measurement")
        is_rate = "rate" in unit_text.lower()
        indicator, dimension, category = (
            _get(row, "Indicator"),
            _get(row, "Dimension"),
            _get(row, "Category"),
        )
        sex_text = _get(row, "Sex")
        sex = _SEX.get(sex_text.lower())
        if sex is None:
            raise ReferenceDataError(
                f"{p}, row {number}, column 'Sex': {sex_text!r} is not Total, Female or Male.",
                code="reference.unknown_sex",
                path=str(p),
                row=number,
            )
        age, age_note = _age(_get(row, "Age"))
        slug = re.sub(
            r"[^A-Z0-9]+", "_", f"{category}_{sex_text}_{_get(row, 'Age')}".upper()
        ).strip("_")[:60]
        fid = f"{id_prefix}_{iso3 or 'XX'}_{year}_{'RATE' if is_rate else 'N'}_{slug}"
        k = 2
        base_id = fid
        while fid in seen:
            fid, k = f"{base_id}_{k}", k + 1
        seen.add(fid)
        caveats = [
            "Police-recorded offences (administrative data): they move with reporting and recording practice, not only with victimisation"
        ]
        if age_note:
            caveats.append(age_note)
        figures.append(
            ReferenceFigure(
                id=fid,
                indicator=" / ".join(x for x in (indicator, dimension, category) if x),
                construct=_construct(indicator, dimension, category),
                measure="rate_per_100k" if is_rate else "count",
                area=_get(row, "Country") or iso3,
                iso3=iso3 or None,
                subgroup=None,
                sex=sex,
                age_band=age,
                base="all_persons" if is_rate else "reports",
                period="calendar_year",
                period_inferred=False,
                year=year,
                value=value,
                range_low=None,
                range_high=None,
                value_text=value_text,
                unit="per_100k" if is_rate else "count",
                sample_size="",
                source=f"UNODC UN-CTS data file {p.name} (sha256 {digest}), row {number}"
                + (f"; national source: {_get(row, 'Source')}" if _get(row, "Source") else ""),
                publisher="UNODC",
                release=str(year),
                status=status,
                caveat="; ".join(caveats),
                original_period=year_text,
                original_sex=sex_text,
                original_age=_get(row, "Age"),
                original_unit=unit_text,
                origin=str(p),
            )
        )
    return figures
