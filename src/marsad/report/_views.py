"""Charts built from the plain rows of :mod:`marsad.report._data` (shared by report and pages)."""

from __future__ import annotations

from typing import Any

from marsad.i18n import t
from marsad.report._charts import Chart, bar_intervals, heatmap, trend_band
from marsad.taxonomy import load_taxonomy

__all__ = [
    "cell_label",
    "comparison_chart",
    "estimate_chart",
    "indicator_chart",
    "legal_heatmap",
    "threat_charts",
]

_DIMS = ("period", "region", "space", "category", "age_band", "gender")
_TAX_DIM = {"region": "regions", "space": "spaces", "category": "categories", "gender": "genders"}


def label_of(dim: str, code: Any, lang: str) -> str:
    if code is None:
        return ""
    if dim in _TAX_DIM:
        try:
            return load_taxonomy().label(_TAX_DIM[dim], str(code), lang)
        except Exception:  # a code outside the taxonomy is shown as is
            return str(code)
    return str(code)


def cell_label(row: dict[str, Any], lang: str) -> str:
    """A readable label for one cell: its non-empty disaggregations, translated."""
    parts = [
        label_of(d, row.get(d), lang) for d in _DIMS if row.get(d) not in (None, "", "all", "_all")
    ]
    return " · ".join(parts) or t("report.all", lang)


def indicator_chart(
    rows: list[dict[str, Any]] | None, lang: str, *, indicator: str | None = None, top: int = 20
) -> Chart | None:
    """Bars with interval whiskers for the first ``top`` cells (suppressed cells left empty)."""
    if not rows:
        return None
    chosen = [r for r in rows if indicator is None or r.get("indicator") == indicator]
    if not chosen:
        return None
    first = chosen[0].get("indicator")
    chosen = [r for r in chosen if r.get("indicator") == first][:top]
    title = str(chosen[0].get("label") or first)
    unit = str(chosen[0].get("unit") or "")
    return bar_intervals(
        [cell_label(r, lang) for r in chosen],
        [None if r.get("suppressed") else r.get("value") for r in chosen],
        [None if r.get("suppressed") else r.get("lower") for r in chosen],
        [None if r.get("suppressed") else r.get("upper") for r in chosen],
        title=title,
        ylabel=unit,
        rtl=lang == "ar",
    )


def threat_charts(rows: list[dict[str, Any]] | None, lang: str, top: int = 4) -> list[Chart]:
    """Trend lines with the expected band for the top flagged threats."""
    out: list[Chart] = []
    for r in (rows or [])[:top]:
        s = r.get("series") or {}
        periods = s.get("periods") or []
        if not periods:
            continue
        title = f"{label_of('category', r.get('category'), lang)} · {label_of('space', r.get('space'), lang)}"
        out.append(
            trend_band(
                periods,
                s.get("observed", []),
                s.get("expected", []),
                s.get("lower", []),
                s.get("upper", []),
                title=title,
                labels=(
                    t("report.observed", lang),
                    t("report.expected", lang),
                    t("report.expected_band", lang),
                ),
                rtl=lang == "ar",
            )
        )
    return out


def legal_heatmap(matrix: dict[str, Any] | None, lang: str) -> Chart | None:
    """Heatmap of national coverage (rows: categories; columns: spaces or victim groups)."""
    if not matrix or not matrix.get("rows") or not matrix.get("cols"):
        return None
    return heatmap(
        matrix["rows"],
        matrix["cols"],
        matrix["levels"],
        title=t("report.legal_matrix_title", lang),
        level_names=[
            t("report.coverage_none", lang),
            t("report.coverage_partial", lang),
            t("report.coverage_explicit", lang),
        ],
        rtl=lang == "ar",
    )


def comparison_chart(rows: list[dict[str, Any]] | None, lang: str) -> Chart | None:
    """National value with its interval beside each comparable reference value."""
    pts = [r for r in rows or [] if r.get("comparable") and r.get("reference_value") is not None]
    if not pts:
        return None
    labels, vals, lo, hi = [], [], [], []
    for r in pts[:12]:
        labels.append(f"{r.get('label') or r.get('indicator')} — {t('report.national', lang)}")
        vals.append(r.get("national_value"))
        lo.append(r.get("national_lower"))
        hi.append(r.get("national_upper"))
        labels.append(f"{r.get('reference_label') or r.get('source')}")
        vals.append(r.get("reference_value"))
        lo.append(r.get("reference_lower"))
        hi.append(r.get("reference_upper"))
    return bar_intervals(
        labels, vals, lo, hi, title=t("report.comparison_title", lang), rtl=lang == "ar"
    )


def estimate_chart(rows: list[dict[str, Any]] | None, lang: str) -> Chart | None:
    """Recorded victims beside the estimated total (with its interval) per stratum."""
    pts = [r for r in rows or [] if r.get("estimate") is not None][:12]
    if not pts:
        return None
    labels, vals, lo, hi = [], [], [], []
    for r in pts:
        name = str(r.get("stratum"))
        labels += [
            f"{name} — {t('report.recorded', lang)}",
            f"{name} — {t('report.estimated', lang)}",
        ]
        vals += [r.get("recorded"), r.get("estimate")]
        lo += [None, r.get("lower")]
        hi += [None, r.get("upper")]
    return bar_intervals(
        labels, vals, lo, hi, title=t("report.estimates_title", lang), rtl=lang == "ar"
    )
