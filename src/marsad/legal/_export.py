"""Flat renderings of the matrix, gaps, priorities and recommendations: rows for CSV and
JSON, and rich tables. Every row carries ``verified`` and the unverified elements, and every
table marks an unverified cell or article with ``†``."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from rich.table import Table

from marsad.i18n import t
from marsad.legal._gaps import Gap
from marsad.legal._matrix import CoverageCell, CoverageMatrix
from marsad.legal._model import is_verified
from marsad.legal._priority import Priority
from marsad.legal._recommend import Recommendation
from marsad.taxonomy import load_taxonomy

__all__ = [
    "MARK",
    "gaps_rows",
    "gaps_table",
    "matrix_rows",
    "matrix_table",
    "priorities_rows",
    "priorities_table",
    "recommendations_json",
    "to_csv",
    "to_json",
]

MARK = "†"


def _article_labels(matrix: CoverageMatrix, keys: Sequence[str]) -> list[str]:
    out = []
    for k in keys:
        p = matrix.corpus.provision(k)
        inst = matrix.corpus.instruments[p.instrument]
        out.append(f"{inst.short} {p.article}" + ("" if p.verified else MARK))
    return out


def matrix_rows(
    matrix: CoverageMatrix,
    *,
    framework: str | None = None,
    group: str | None = None,
    aggregate: bool = False,
) -> list[dict[str, Any]]:
    """One row per cell (or per category × space × framework with ``aggregate``)."""
    rows = []
    for fw in matrix.frameworks:
        if framework and fw != framework and matrix.frameworks[fw] != "national":
            continue
        for cat in matrix.categories:
            for sp in matrix.spaces:
                cells: list[CoverageCell]
                if aggregate and not group:
                    cells = [matrix.aggregate(fw, cat, sp)]
                else:
                    cells = [
                        matrix.cell(fw, cat, sp, g)
                        for g in matrix.groups
                        if not group or g == group
                    ]
                for c in cells:
                    rows.append(_cell_row(matrix, c))
    return rows


def _cell_row(matrix: CoverageMatrix, c: CoverageCell) -> dict[str, Any]:
    return {
        "framework": c.framework,
        "role": c.role,
        "category": c.category,
        "space": c.space,
        "group": c.group,
        "level": c.level,
        "verified": c.verified,
        "reasons": ";".join(c.reasons),
        "articles": ";".join(_article_labels(matrix, c.articles)),
        "article_keys": ";".join(c.articles),
        "unverified": ";".join(c.unverified),
        "note": c.note,
    }


def _level_text(level: str, verified: bool, lang: str) -> str:
    return t(f"legal.level.{level}", lang) + ("" if verified else MARK)


def matrix_table(
    matrix: CoverageMatrix, *, group: str | None = None, lang: str = "en", space: str | None = None
) -> Table:
    """Categories × frameworks. Spaces with identical cells share a row; ``†`` = unverified."""
    tax = load_taxonomy()
    fws = list(matrix.frameworks)
    title = t("legal.matrix.title", lang, group=t(f"legal.group.{group or 'all'}", lang))
    table = Table(title=title, show_lines=True)
    table.add_column(t("legal.col.category", lang))
    table.add_column(t("legal.col.spaces", lang))
    for fw in fws:
        table.add_column(t(f"legal.framework.{fw}", lang))
    spaces = [space] if space else list(matrix.spaces)
    for cat in matrix.categories:
        groups: dict[tuple[str, ...], list[str]] = {}
        rendered: dict[tuple[str, ...], list[str]] = {}
        for sp in spaces:
            texts = []
            for fw in fws:
                c = matrix.cell(fw, cat, sp, group) if group else matrix.aggregate(fw, cat, sp)
                arts = _article_labels(matrix, c.articles)
                shown = ", ".join(arts[:3]) + (" …" if len(arts) > 3 else "")
                texts.append(
                    _level_text(c.level, c.verified, lang) + (f"\n{shown}" if shown else "")
                )
            key = tuple(texts)
            groups.setdefault(key, []).append(sp)
            rendered[key] = texts
        for key, sps in groups.items():
            label = (
                t("legal.all_spaces", lang)
                if len(sps) == len(spaces) and not space
                else ", ".join(tax.label("spaces", s, lang) for s in sps)
            )
            table.add_row(tax.categories[cat].label(lang), label, *rendered[key])
    table.caption = t("legal.legend", lang, mark=MARK)
    return table


def gaps_rows(gaps: Sequence[Gap]) -> list[dict[str, Any]]:
    return [
        {
            "category": g.category,
            "standard": g.standard,
            "kind": g.kind,
            "weight": g.weight,
            "national_level": g.national_level,
            "standard_level": g.standard_level,
            "cells": g.cells,
            "groups": ";".join(g.groups),
            "spaces": ";".join(g.spaces),
            "national_articles": ";".join(g.national_articles),
            "standard_articles": ";".join(g.standard_articles),
            "national_reasons": ";".join(g.national_reasons),
            "verified": g.verified,
            "unverified": ";".join(g.unverified),
        }
        for g in gaps
    ]


def gaps_table(gaps: Sequence[Gap], lang: str = "en") -> Table:
    tax = load_taxonomy()
    table = Table(title=t("legal.gaps.title", lang))
    for key in ("category", "standard", "national", "level", "weight", "groups"):
        table.add_column(t(f"legal.col.{key}", lang))
    for g in gaps:
        table.add_row(
            tax.categories[g.category].label(lang),
            t(f"legal.framework.{g.standard}", lang),
            _level_text(g.national_level, g.verified, lang),
            t(f"legal.level.{g.standard_level}", lang),
            f"{g.weight:.2f}",
            ", ".join(t(f"legal.group.{x}", lang) for x in g.groups),
        )
    table.caption = t("legal.legend", lang, mark=MARK)
    return table


def priorities_rows(priorities: Sequence[Priority]) -> list[dict[str, Any]]:
    """Every input of the score beside it; gaps are summarised by standard."""
    rows = []
    for p in priorities:
        d = asdict(p)
        d.pop("gaps")
        d["standards"] = ";".join(p.standards)
        d["unverified"] = ";".join(p.unverified)
        rows.append(d)
    return rows


def priorities_table(priorities: Sequence[Priority], lang: str = "en") -> Table:
    tax = load_taxonomy()
    table = Table(title=t("legal.priorities.title", lang))
    cols = (
        "rank",
        "category",
        "score",
        "severity",
        "gap_weight",
        "burden",
        "incidence",
        "growth",
        "minors",
        "standards",
    )
    for key in cols:
        table.add_column(t(f"legal.col.{key}", lang))

    def iv(v: float | None, lo: float | None, hi: float | None, pct: bool = False) -> str:
        if v is None:
            return "—"
        f = (lambda x: f"{x * 100:.0f}%") if pct else (lambda x: f"{x:.1f}")
        rng = f" [{f(lo)}–{f(hi)}]" if lo is not None and hi is not None else ""
        return f(v) + rng

    for p in priorities:
        burden = (
            f"{p.burden_factor:.2f}"
            if p.burden_status == "measured"
            else t(f"legal.burden.{p.burden_status}", lang)
        )
        table.add_row(
            str(p.rank),
            tax.categories[p.category].label(lang) + ("" if p.verified else MARK),
            f"{p.score:.3f}",
            str(p.severity),
            f"{p.gap_weight:.2f}",
            burden,
            iv(p.rate_per_100k, p.rate_lower, p.rate_upper)
            + (f" (I={p.incidence_index:.2f})" if p.incidence_index is not None else ""),
            iv(p.growth, p.growth_lower, p.growth_upper, True),
            iv(p.share_minors, p.share_minors_lower, p.share_minors_upper, True),
            ", ".join(p.standards),
        )
    table.caption = t("legal.priorities.formula", lang) + "  " + t("legal.legend", lang, mark=MARK)
    return table


def recommendations_json(recs: Sequence[Recommendation]) -> list[dict[str, Any]]:
    out = []
    for r in recs:
        d = asdict(r)
        d["text"] = r.text
        out.append(d)
    return out


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if not rows:
        return ""
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue()


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def instrument_rows(matrix: CoverageMatrix) -> list[dict[str, Any]]:
    """Instruments with Morocco's status (for the report and dashboard)."""
    rows = []
    for inst in matrix.corpus.instruments.values():
        rows.append(
            {
                "instrument": inst.id,
                "framework": inst.framework,
                "role": inst.role,
                "short": inst.short,
                "morocco_status": inst.morocco.status,
                "morocco_dates": ";".join(f"{k}={v}" for k, v in inst.morocco.dates.items()),
                "morocco_status_verified": is_verified(inst.morocco.verification),
                "sources": ";".join(inst.morocco.sources),
            }
        )
    return rows
