"""Side-by-side comparison: the result object the CLI, the report and the dashboard share."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from marsad.compare._harmonise import Pair, Reason, harmonise
from marsad.compare._model import ReferenceSet
from marsad.compare._national import NationalMap, NationalValue, national_table
from marsad.compare._reference import load_reference
from marsad.compare._vocab import load_vocabulary
from marsad.i18n import t

__all__ = ["CSV_COLUMNS", "Comparison", "compare"]

CSV_COLUMNS: tuple[str, ...] = (
    "indicator", "construct", "subject", "national_population", "national_value", "national_lower",
    "national_upper", "national_unit", "national_period", "national_base", "national_year",
    "national_method", "reference_id", "reference_indicator", "reference_area",
    "reference_population", "reference_value", "reference_value_as_given", "reference_range_low",
    "reference_range_high", "reference_unit", "reference_period", "reference_period_inferred",
    "reference_base", "reference_year", "status", "comparable", "reasons", "notes", "caveat",
    "source", "publisher",
)  # fmt: skip


#: Which vocabulary field the values of a reason name, so readers see words, not codes.
_VALUE_FIELDS: dict[str, str] = {
    "counts_vs_prevalence": "measure",
    "different_measure": "measure",
    "measure_not_comparable": "measure",
    "period_not_comparable": "period",
    "different_period": "period",
    "period_not_stated": "period",
    "period_inferred": "period",
    "base_not_stated": "base",
    "different_base": "base",
    "different_sex": "sex",
}
_VALUE_KEYS = ("national", "reference", "measure", "original", "sex", "available")


def subject(pair: Pair, lang: str = "en") -> str:
    """What the pair is about, in words: the category (construct) and, if any, the space.

    "incidents_recorded all, all ages" does not say it counts sextortion; the subject does
    ("Sextortion", or "Sextortion · Social network" for a national cell of one space).
    """
    from marsad.taxonomy import load_taxonomy

    n, r = pair.national, pair.reference
    dims = dict(n.dims) if n is not None else {}
    tax = load_taxonomy()
    parts = []
    if dims.get("category"):
        try:
            parts.append(tax.label("categories", dims["category"], lang))
        except Exception:  # a code outside the taxonomy is shown as is
            parts.append(dims["category"])
    else:
        construct = (n.construct if n is not None else "") or r.construct
        parts.append(load_vocabulary().label("construct", construct, lang))
    if dims.get("space"):
        try:
            parts.append(tax.label("spaces", dims["space"], lang))
        except Exception:
            parts.append(dims["space"])
    return " · ".join(parts)


def _msg(kind: str, r: Reason, lang: str) -> str:
    key = f"compare.{kind}.{r.code}"
    values = dict(r.values)
    field_ = _VALUE_FIELDS.get(r.code)
    if field_ is not None:
        vocab = load_vocabulary()
        known = vocab.terms(field_)
        for k in _VALUE_KEYS:
            if k in values:
                values[k] = ", ".join(
                    vocab.label(field_, v.strip(), lang) if v.strip() in known else v.strip()
                    for v in values[k].split(",")
                )
    text = t(key, lang, **values)
    return r.message if text == key else text


@dataclass(frozen=True)
class Comparison:
    """National figures beside reference figures, with the verdict on each pair.

    ``pairs`` keeps every pair, comparable or not; ``unmatched`` lists national indicators
    for which no reference figure of the same construct exists.
    """

    pairs: tuple[Pair, ...]
    unmatched: tuple[str, ...] = ()

    @property
    def comparable(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.comparable)

    @property
    def refused(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if not p.comparable)

    def records(self, lang: str = "en") -> list[dict[str, Any]]:
        """One flat record per pair (the rows of the CSV and JSON outputs)."""
        vocab = load_vocabulary()
        out = []
        for p in self.pairs:
            n, r = p.national, p.reference
            out.append(
                {
                    "indicator": p.indicator,
                    "construct": r.construct,
                    "subject": subject(p, lang),
                    "national_population": n.population if n else "",
                    "national_value": None if n is None else n.value,
                    "national_lower": None if n is None else n.lower,
                    "national_upper": None if n is None else n.upper,
                    "national_unit": "" if n is None else n.unit,
                    "national_period": "" if n is None else n.period,
                    "national_base": "" if n is None else n.base,
                    "national_year": None if n is None else n.year,
                    "national_method": "" if n is None else n.method,
                    "reference_id": r.id,
                    "reference_indicator": r.indicator,
                    "reference_area": r.area,
                    "reference_population": ", ".join(
                        x for x in (r.sex, r.age_band or "age not stated", r.subgroup or "") if x
                    ),
                    "reference_value": r.value,
                    "reference_value_as_given": r.shown_value,
                    "reference_range_low": r.range_low,
                    "reference_range_high": r.range_high,
                    "reference_unit": r.unit,
                    "reference_period": r.period,
                    "reference_period_inferred": r.period_inferred,
                    "reference_base": r.base,
                    "reference_year": r.year,
                    "status": r.status,
                    "status_label": vocab.label("status", r.status, lang),
                    "comparable": p.comparable,
                    "reason_codes": [x.code for x in p.reasons],
                    "reasons": "; ".join(_msg("reason", x, lang) for x in p.reasons),
                    "notes": "; ".join(_msg("note", x, lang) for x in p.notes),
                    "caveat": r.caveat,
                    "source": r.source,
                    "publisher": r.publisher,
                }
            )
        return out

    def to_csv(self, lang: str = "en") -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for rec in self.records(lang):
            rec = dict(rec)
            rec["comparable"] = "yes" if rec["comparable"] else "NOT COMPARABLE"
            rec["reference_period_inferred"] = (
                "true" if rec["reference_period_inferred"] else "false"
            )
            w.writerow({k: _csv_cell(v) for k, v in rec.items()})
        return buf.getvalue()

    def to_json(self, lang: str = "en") -> str:
        return json.dumps(
            {"pairs": self.records(lang), "unmatched_indicators": list(self.unmatched)},
            ensure_ascii=False,
            indent=2,
        )

    def table(
        self, lang: str = "en", *, comparable_only: bool = False, max_rows: int | None = None
    ) -> Table:
        """A rich table: national value [interval] beside each reference value, status, verdict.

        Refused pairs show short reasons; the CSV and JSON outputs carry the full sentences.
        """
        tab = Table(title=t("compare.table_title", lang), show_lines=False, expand=False)
        for key in ("indicator", "national", "reference", "value", "period", "status", "verdict"):
            tab.add_column(t(f"compare.col.{key}", lang), overflow="fold")
        pairs = [p for p in self.pairs if p.comparable or not comparable_only]
        for p in pairs[: max_rows or len(pairs)]:
            n, r = p.national, p.reference
            if p.comparable:
                verdict = "[green]" + t("compare.comparable", lang) + "[/]"
                if p.notes:
                    verdict += (
                        "\n[dim]" + "; ".join(_short("note", x, lang) for x in p.notes) + "[/]"
                    )
            else:
                verdict = (
                    "[bold red]"
                    + t("compare.not_comparable", lang)
                    + "[/]\n"
                    + "; ".join(_short("reason", x, lang) for x in p.reasons)
                )
            period = r.period + (f" ({t('compare.inferred', lang)})" if r.period_inferred else "")
            style = {
                "VERIFIED": "green",
                "VERIFIED-SECONDARY": "yellow",
                "UNVERIFIED": "bold red",
            }.get(r.status, "")
            ref_pop = ", ".join(x for x in (r.sex, r.age_band or "?", r.subgroup or "") if x)
            tab.add_row(
                f"{p.indicator} — {subject(p, lang)}\n[dim]{n.population if n else ''}[/]",
                _fmt_national(n),
                f"{r.id}\n[dim]{r.area}; {ref_pop}; {r.year}[/]",
                f"{r.shown_value} {r.unit}",
                period,
                f"[{style}]{r.status}[/]" if style else r.status,
                verdict,
            )
        return tab

    def write(self, path: str | Path, fmt: str | None = None, lang: str = "en") -> Path:
        """Write CSV or JSON (chosen from ``fmt`` or the file extension)."""
        p = Path(path)
        kind = fmt or ("json" if p.suffix.lower() == ".json" else "csv")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.to_json(lang) if kind == "json" else self.to_csv(lang), encoding="utf-8")
        return p


def _csv_cell(v: Any) -> Any:
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, list):
        return ";".join(map(str, v))
    if v is None:
        return ""
    s = str(v)
    # Spreadsheet formula injection: a cell must not start with = + - @ (OWASP CSV injection).
    return "'" + s if s[:1] in ("=", "+", "@") or (s[:1] == "-" and not _is_number(s)) else s


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _short(kind: str, r: Reason, lang: str) -> str:
    key = f"compare.{kind}_short.{r.code}"
    text = t(key, lang, **r.values)
    return _msg(kind, r, lang) if text == key else text


def _fmt_national(n: NationalValue | None) -> str:
    if n is None or n.value is None:
        return "—"
    fmt = (lambda x: f"{x:,.0f}") if n.unit == "count" else (lambda x: f"{x:.1f}")
    text = fmt(n.value) + (f" {n.unit}" if n.unit else "")
    if n.lower is not None and n.upper is not None:
        text += f"\n[{fmt(n.lower)}–{fmt(n.upper)}]"
    return text


def compare(
    national: Any,
    reference: ReferenceSet | None = None,
    *,
    indicator: str | None = None,
    national_map: NationalMap | None = None,
    year: int | None = None,
    include_superseded: bool = False,
    area: str = "Morocco",
    iso3: str = "MAR",
) -> Comparison:
    """Compare national values with the reference figures, on comparable terms only.

    Parameters
    ----------
    national
        A national table: a DataFrame or list of mappings with ``indicator``, ``value``,
        ``lower``, ``upper`` and disaggregation columns (e.g. the tidy table of
        ``marsad.stats.compute_indicators``), or cells from :func:`national_table`.
    reference
        Reference figures (default: the shipped ones, :func:`load_reference`).
    indicator
        Only this national indicator.
    national_map
        Mapping of national indicators to constructs (default: the shipped one).
    year, include_superseded
        See :func:`marsad.compare.harmonise`.

    Returns
    -------
    Comparison
        Every pair, comparable or not, with reasons, notes and the figure's status.
    """
    ref = reference if reference is not None else load_reference()
    cells = (
        list(national)
        if _is_cells(national)
        else national_table(national, national_map, area=area, iso3=iso3)
    )
    pairs = harmonise(
        cells, ref, indicator=indicator, year=year, include_superseded=include_superseded
    )
    paired = {p.indicator for p in pairs}
    unmatched = tuple(
        sorted({c.indicator for c in cells if indicator in (None, c.indicator)} - paired)
    )
    pairs.sort(key=lambda p: (p.indicator, not p.comparable, p.reference.id))
    return Comparison(tuple(pairs), unmatched)


def _is_cells(obj: Any) -> bool:
    return (
        isinstance(obj, Sequence) and bool(obj) and all(isinstance(x, NationalValue) for x in obj)
    )
