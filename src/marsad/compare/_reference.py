"""Read, lint and load reference-figure files (shipped CSV plus users' CSV or YAML files).

File format: one figure per row with the columns of :data:`COLUMNS` (see docs/compare.md).
CSV rows are numbered as a spreadsheet shows them (the header is row 1); YAML files hold a
list of mappings under ``figures:`` and their items are numbered from 1.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from marsad.compare._model import Finding, ReferenceFigure, ReferenceSet, parse_age_band
from marsad.compare._vocab import load_vocabulary
from marsad.errors import ReferenceDataError

__all__ = [
    "BUILTIN_NAME",
    "COLUMNS",
    "REQUIRED",
    "check_reference",
    "figures_to_csv",
    "load_reference",
    "parse_figures",
]

BUILTIN_NAME = "marsad/compare/data/reference_figures.csv"

COLUMNS: tuple[str, ...] = (
    "id", "indicator", "construct", "measure", "area", "iso3", "subgroup", "sex", "age_band",
    "base", "period", "period_inferred", "year", "value", "range_low", "range_high",
    "value_text", "unit", "sample_size", "source", "publisher", "release", "status", "caveat",
    "superseded_by", "original_period", "original_sex", "original_age", "original_unit",
)  # fmt: skip
REQUIRED: tuple[str, ...] = (
    "id", "indicator", "construct", "measure", "area", "sex", "base", "period", "year",
    "unit", "source", "publisher", "status",
)  # fmt: skip
_PERCENT_MEASURES = frozenset({"prevalence", "share", "perception"})
_COUNT_UNITS = frozenset({"count"})
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}

Row = tuple[int, dict[str, str]]


def _builtin_text() -> str:
    return (
        resources.files("marsad.compare")
        .joinpath("data", "reference_figures.csv")
        .read_text(encoding="utf-8")
    )


def _read_rows(path: Path) -> tuple[list[Row], list[str], list[Finding]]:
    """Rows of a CSV or YAML file as ``(row_number, {column: text})``, the columns seen, errors."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return [], [], [Finding(name, 0, "", "reference.no_file", "the file does not exist")]
    except (OSError, UnicodeDecodeError) as exc:
        return (
            [],
            [],
            [
                Finding(
                    name,
                    0,
                    "",
                    "reference.unreadable",
                    f"cannot read the file as UTF-8 text: {exc}",
                )
            ],
        )
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_rows(name, text)
    return _csv_rows(text)


def _csv_rows(text: str) -> tuple[list[Row], list[str], list[Finding]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    rows: list[Row] = []
    for i, raw in enumerate(reader, start=2):
        rows.append(
            (
                i,
                {
                    str(k).strip(): ("" if v is None else str(v)).strip()
                    for k, v in raw.items()
                    if k is not None
                },
            )
        )
    return rows, columns, []


def _yaml_rows(name: str, text: str) -> tuple[list[Row], list[str], list[Finding]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [], [], [Finding(name, 0, "", "reference.bad_yaml", f"not valid YAML: {exc}")]
    items = data.get("figures") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return (
            [],
            [],
            [
                Finding(
                    name,
                    0,
                    "figures",
                    "reference.bad_yaml",
                    "a YAML reference file holds a list of figures under 'figures:'",
                )
            ],
        )
    rows: list[Row] = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            rows.append((i, {}))
            continue
        seen.update(str(k) for k in item)
        rows.append((i, {str(k): "" if v is None else str(v).strip() for k, v in item.items()}))
    # In YAML a key may be left out of one item; required keys are then checked per item.
    return rows, sorted(seen | set(COLUMNS)), []


def _num(text: str) -> float | None:
    """A plain number ("13.8", "12614", "1,293") or None; raises ValueError on other text."""
    t = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    if not t:
        return None
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _parse_row(
    name: str, number: int, row: dict[str, str]
) -> tuple[ReferenceFigure | None, list[Finding]]:
    vocab = load_vocabulary()
    errs: list[Finding] = []

    def err(column: str, code: str, message: str) -> None:
        errs.append(Finding(name, number, column, code, message))

    for col in REQUIRED:
        if not row.get(col, "").strip():
            what = {"source": "every figure must name its source (publication, page or URL)"}.get(
                col, "this column is required"
            )
            err(col, f"reference.missing_{col}", f"'{col}' is empty: {what}.")
    for field in ("construct", "measure", "period", "base", "sex", "status"):
        term = row.get(field, "").strip()
        known = vocab.terms(field)
        if term and term not in known:
            err(
                field,
                f"reference.unknown_{field}",
                f"unknown {field} {term!r}; use one of: {', '.join(known)}.",
            )
    age_band = row.get("age_band", "").strip() or None
    try:
        parse_age_band(age_band)
    except ValueError as exc:
        err(
            "age_band",
            "reference.bad_age_band",
            f"{exc}; leave it empty when the source gives no age range.",
        )
    year = 0
    try:
        year = int(row.get("year", "").strip() or "0")
        if row.get("year", "").strip() and not 1900 <= year <= 2100:
            raise ValueError
    except ValueError:
        err(
            "year",
            "reference.bad_year",
            f"year must be a whole year such as 2019 (the data year); got {row.get('year')!r}.",
        )
    unit = row.get("unit", "").strip()
    measure = row.get("measure", "").strip()
    value: float | None = None
    raw_value = row.get("value", "").strip()
    try:
        value = _num(raw_value)
    except ValueError:
        if unit == "%":
            err(
                "value",
                "reference.non_numeric_percent",
                f"the unit is '%' but the value {raw_value!r} is not a number; put the source's words in 'value_text' and leave 'value' empty, or give the number.",
            )
        else:
            err(
                "value",
                "reference.non_numeric_value",
                f"value {raw_value!r} is not a number; put the source's words in 'value_text' and leave 'value' empty.",
            )
    ranges: list[float | None] = []
    for col in ("range_low", "range_high"):
        try:
            ranges.append(_num(row.get(col, "")))
        except ValueError:
            err(
                col,
                "reference.bad_range",
                f"{col} must be a number or empty; got {row.get(col)!r}.",
            )
            ranges.append(None)
    low, high = ranges[0], ranges[1]
    if (low is None) != (high is None):
        err(
            "range_high" if high is None else "range_low",
            "reference.bad_range",
            "give both range_low and range_high, or neither.",
        )
    elif low is not None and high is not None and low > high:
        err("range_low", "reference.bad_range", f"range_low {low:g} is above range_high {high:g}.")
    value_text = row.get("value_text", "").strip()
    if value is None and low is None and not value_text and not raw_value:
        err(
            "value",
            "reference.missing_value",
            "no value: give 'value' (a number), a range, or the source's words in 'value_text'.",
        )
    if unit == "%" and measure in _PERCENT_MEASURES:
        for col, x in (("value", value), ("range_low", low), ("range_high", high)):
            if x is not None and not 0 <= x <= 100:
                err(
                    col,
                    "reference.percent_out_of_range",
                    f"a percentage must be between 0 and 100; got {x:g}.",
                )
    if measure == "count" and unit and unit not in _COUNT_UNITS:
        err(
            "unit",
            "reference.measure_unit_mismatch",
            f"a count must have unit 'count'; got {unit!r}.",
        )
    if measure in ("prevalence", "perception") and unit and unit != "%":
        err(
            "unit",
            "reference.measure_unit_mismatch",
            f"a {measure} must have unit '%'; got {unit!r}.",
        )
    flag = row.get("period_inferred", "").strip().lower()
    if flag not in _TRUE | _FALSE:
        err(
            "period_inferred",
            "reference.bad_flag",
            f"period_inferred must be true or false; got {flag!r}.",
        )
    if errs:
        return None, errs
    fig = ReferenceFigure(
        id=row["id"].strip(),
        indicator=row["indicator"].strip(),
        construct=row["construct"].strip(),
        measure=measure,
        area=row["area"].strip(),
        iso3=row.get("iso3", "").strip().upper() or None,
        subgroup=row.get("subgroup", "").strip() or None,
        sex=row["sex"].strip(),
        age_band=age_band,
        base=row["base"].strip(),
        period=row["period"].strip(),
        period_inferred=flag in _TRUE,
        year=year,
        value=value,
        range_low=low,
        range_high=high,
        value_text=value_text or raw_value,
        unit=unit,
        sample_size=row.get("sample_size", "").strip(),
        source=row["source"].strip(),
        publisher=row["publisher"].strip(),
        release=row.get("release", "").strip(),
        status=row["status"].strip(),
        caveat=row.get("caveat", "").strip(),
        superseded_by=row.get("superseded_by", "").strip() or None,
        original_period=row.get("original_period", "").strip(),
        original_sex=row.get("original_sex", "").strip(),
        original_age=row.get("original_age", "").strip(),
        original_unit=row.get("original_unit", "").strip(),
        origin=name,
    )
    return fig, []


def parse_figures(
    name: str, rows: Iterable[Row], columns: Sequence[str]
) -> tuple[list[ReferenceFigure], list[Finding]]:
    """Parse rows into figures; return the figures and every finding (errors and warnings)."""
    findings: list[Finding] = []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        return [], [
            Finding(
                name,
                1,
                c,
                "reference.missing_column",
                f"the file has no column '{c}'; columns are: {', '.join(COLUMNS)}.",
            )
            for c in missing
        ]
    unknown = [c for c in columns if c and c not in COLUMNS]
    for c in unknown:
        findings.append(
            Finding(
                name,
                1,
                c,
                "reference.unknown_column",
                f"column '{c}' is not part of the format and is ignored.",
                "warning",
            )
        )
    figures: list[ReferenceFigure] = []
    for number, row in rows:
        if not any(row.values()):
            continue
        fig, errs = _parse_row(name, number, row)
        findings.extend(errs)
        if fig is not None:
            figures.append(fig)
            if fig.status == "UNVERIFIED":
                findings.append(
                    Finding(
                        name,
                        number,
                        "status",
                        "reference.unverified",
                        f"{fig.id} is UNVERIFIED: it is shown as such everywhere; check it before publishing.",
                        "warning",
                    )
                )
    return figures, findings


def _lint(
    sources: list[tuple[str, list[Row], list[str], list[Finding]]],
) -> tuple[list[ReferenceFigure], list[Finding]]:
    figures: list[ReferenceFigure] = []
    findings: list[Finding] = []
    first_seen: dict[str, tuple[str, int]] = {}
    for name, rows, columns, read_errors in sources:
        findings.extend(read_errors)
        if read_errors:
            continue
        figs, found = parse_figures(name, rows, columns)
        findings.extend(found)
        numbers = {r.get("id", "").strip(): n for n, r in rows}
        for fig in figs:
            n = numbers.get(fig.id, 0)
            if fig.id in first_seen:
                where, row = first_seen[fig.id]
                findings.append(
                    Finding(
                        name,
                        n,
                        "id",
                        "reference.duplicate_id",
                        f"id {fig.id!r} is already used in {where}, row {row}; ids must be unique.",
                    )
                )
                continue
            first_seen[fig.id] = (name, n)
            figures.append(fig)
    ids = {f.id for f in figures}
    for fig in figures:
        if fig.superseded_by and fig.superseded_by not in ids:
            findings.append(
                Finding(
                    fig.origin,
                    first_seen[fig.id][1],
                    "superseded_by",
                    "reference.unknown_superseded_by",
                    f"superseded_by names {fig.superseded_by!r}, which is not a known figure id.",
                )
            )
    return figures, findings


def _sources(
    paths: Iterable[str | Path], include_builtin: bool
) -> list[tuple[str, list[Row], list[str], list[Finding]]]:
    out = []
    if include_builtin:
        rows, cols, errs = _csv_rows(_builtin_text())
        out.append((BUILTIN_NAME, rows, cols, errs))
    for p in paths:
        path = Path(p)
        rows, cols, errs = _read_rows(path)
        out.append((str(path), rows, cols, errs))
    return out


def check_reference(
    paths: Iterable[str | Path] = (), *, include_builtin: bool = True
) -> list[Finding]:
    """Lint reference-figure files like a linter: every problem with file, row and column.

    The shipped figures take part so that a user's id cannot clash with a shipped one.
    """
    _, findings = _lint(_sources(paths, include_builtin))
    return findings


def load_reference(
    paths: Iterable[str | Path] = (), *, include_builtin: bool = True
) -> ReferenceSet:
    """The shipped reference figures plus the users' files, validated.

    Raises
    ------
    ReferenceDataError
        If any file has an error; the message lists the first ten, each with file, row and
        column (``marsad compare check`` lists them all).
    """
    figures, findings = _lint(_sources(paths, include_builtin))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        shown = "\n".join(f"  {e}" for e in errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise ReferenceDataError(
            f"{len(errors)} error(s) in the reference figures; fix them or run `marsad compare check`:\n{shown}{more}",
            code="reference.invalid",
            count=len(errors),
            first=str(errors[0]),
        )
    return ReferenceSet(tuple(figures))


def figures_to_csv(figures: Iterable[ReferenceFigure]) -> str:
    """Figures as CSV text in the reference-file format (the format ``load_reference`` reads)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, COLUMNS, lineterminator="\n")
    w.writeheader()
    for f in figures:
        row: dict[str, Any] = {c: getattr(f, c, "") for c in COLUMNS}
        row["period_inferred"] = "true" if f.period_inferred else "false"
        for c in ("value", "range_low", "range_high"):
            x = row[c]
            row[c] = "" if x is None else (int(x) if float(x).is_integer() else x)
        for c in ("iso3", "subgroup", "age_band", "superseded_by"):
            row[c] = row[c] or ""
        w.writerow(row)
    return buf.getvalue()
