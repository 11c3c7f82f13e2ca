"""Charts built from the plain rows of :mod:`marsad.report._data` (shared by report and pages)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from marsad.i18n import t
from marsad.report._charts import Chart, bar_intervals, heatmap, trend_band
from marsad.taxonomy import load_taxonomy

__all__ = [
    "ThreatView",
    "age_band_label",
    "cell_label",
    "comparison_chart",
    "estimate_chart",
    "indicator_chart",
    "legal_heatmap",
    "ltr",
    "model_label",
    "number",
    "standard_labels",
    "threat_charts",
    "unit_label",
]

_DIMS = ("period", "region", "space", "category", "age_band", "gender")
_TAX_DIM = {"region": "regions", "space": "spaces", "category": "categories", "gender": "genders"}


def label_of(dim: str, code: Any, lang: str) -> str:
    """The taxonomy's label of ``code`` in ``lang``; margins ("all") read "all spaces" etc."""
    if code is None:
        return ""
    if dim == "age_band":
        return age_band_label(code, lang)
    if str(code) in ("all", "_all") and dim in _TAX_DIM:
        return t(f"report.all_{dim}", lang)
    if dim in _TAX_DIM:
        try:
            return load_taxonomy().label(_TAX_DIM[dim], str(code), lang)
        except Exception:  # a code outside the taxonomy is shown as is
            return str(code)
    return str(code)


def age_band_label(band: Any, lang: str) -> str:
    """An age band as shown ("15-17"); the "unknown" band in words."""
    if band is None or str(band) in ("unknown", "?"):
        return t("report.minor.unknown", lang)
    return str(band)


def unit_label(unit: Any, lang: str) -> str:
    """An indicator's unit in words ("per_100k" → "per 100,000 inhabitants"); "" for none."""
    if not unit:
        return ""
    key = f"report.unit.{unit}"
    text = t(key, lang)
    return str(unit) if text == key else text


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
    unit = unit_label(chosen[0].get("unit"), lang)
    return bar_intervals(
        [cell_label(r, lang) for r in chosen],
        [None if r.get("suppressed") else r.get("value") for r in chosen],
        [None if r.get("suppressed") else r.get("lower") for r in chosen],
        [None if r.get("suppressed") else r.get("upper") for r in chosen],
        title=title,
        ylabel=unit,
        rtl=lang == "ar",
    )


def ltr(text: Any) -> Markup:
    """``text`` isolated as a left-to-right run (for numbers with signs and intervals).

    In Arabic, "+415 % (+267 … +622)" would otherwise be reordered by the bidi algorithm
    into "(622+ … 267+) % 415+". The run is wrapped in ``<bdi dir="ltr">`` (browsers) and
    in Unicode LRI … PDI (WeasyPrint's text layout and copy-paste), so it reads the same in
    every language. Registered as the ``ltr`` filter of the report and dashboard templates.
    """
    if text is None or text == "":
        return Markup("")
    return Markup('<bdi dir="ltr">\u2066{}\u2069</bdi>').format(str(text))


def number(value: Any, digits: int = 1, unit: Any = None) -> str:
    """A number as printed in every language: Western digits, "." decimal, "," thousands.

    Moroccan official Arabic publications use Western digits, so the Arabic report uses them
    too; one convention for all languages keeps tables comparable. Counts (``unit="count"``
    or an ``int``) carry no decimals ("391", never "391.0"); None reads "—".
    """
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or unit == "count":
        return f"{round(value):,}"
    return f"{value:,.{digits}f}"


def standard_labels(codes: Any, lang: str) -> str:
    """ "eu_vaw;istanbul" → "EU Directive 2024/1385, Istanbul Convention / GREVIO GR1" in ``lang``.

    Instruments are named through the legal stage's catalogue (``legal.framework.<code>``),
    the names its recommendations use; an unknown code is shown as is.
    """
    parts = codes if isinstance(codes, list | tuple) else str(codes or "").split(";")
    out = []
    for code in (str(c).strip() for c in parts):
        if not code:
            continue
        key = f"legal.framework.{code}"
        text = t(key, lang)
        out.append(code if text == key else text)
    return t("report.list_sep", lang).join(out)


_AVG = re.compile(r"^(AIC|BIC) avg of (\d+)$")


def model_label(model: Any, lang: str) -> str:
    """The estimate stage's model description in words.

    "AIC avg of 8" → "average of 8 models (AIC)"; "independence" → "independent sources";
    a formula "police:ngo + ngo:hotline" → "interactions: police × ngo, ngo × hotline"
    (source names are the observatory's own list names and are kept).
    """
    text = str(model or "").strip()
    if not text:
        return ""
    m = _AVG.match(text)
    if m:
        return t("report.model.average", lang, n=m.group(2), criterion=m.group(1))
    if text == "independence":
        return t("report.model.independence", lang)
    if ":" in text:
        pairs = [p.strip().replace(":", " × ") for p in text.split("+")]
        return t("report.model.interactions", lang, pairs=t("report.list_sep", lang).join(pairs))
    return text


def signed_pct(value: Any) -> str:
    """``0.25`` → ``+25 %`` (a growth rate as a signed percentage); "" for None."""
    if not _num(value):
        return ""
    return f"{100 * float(value):+.0f} %"


def growth_text(row: dict[str, Any]) -> str:
    """ "+415 % (+267 … +622)": growth per year with its 95 % interval, or ""."""
    if not _num(row.get("growth")):
        return ""
    text = signed_pct(row["growth"])
    if _num(row.get("growth_lower")) and _num(row.get("growth_upper")):
        lo = f"{100 * float(row['growth_lower']):+.0f}"
        hi = f"{100 * float(row['growth_upper']):+.0f}"
        text += f" ({lo} … {hi})"
    return text


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v == v


@dataclass(frozen=True)
class ThreatView:
    """What a reader is shown of the emerging-threat test.

    ``flagged`` holds only the series the statistics flagged (the only ones that may be
    called emerging or rising); ``watch`` the unflagged series with the highest estimated
    growth, shown under a heading that says they are *not* flagged; ``tested`` how many
    series were tested.
    """

    tested: int
    flagged: list[dict[str, Any]] = field(default_factory=list)
    watch: list[dict[str, Any]] = field(default_factory=list)


def threat_view(rows: list[dict[str, Any]] | None, lang: str, watch: int = 5) -> ThreatView:
    """Split the tested series into flagged ones and a short "highest growth" watch list.

    Rows get ``category_label``, ``space_label`` (taxonomy labels in ``lang``) and
    ``growth_text``. A category's "all spaces" series is left out when it is the same
    series as one space's (the category occurs in that space only). The watch list keeps unflagged series whose growth interval lies above
    zero, highest lower bound first (so a wide, uncertain interval does not top the list).
    """
    out: list[dict[str, Any]] = []
    series_of = {
        (r.get("category"), r.get("space")): (r.get("series") or {}).get("observed")
        for r in rows or []
    }
    for r in rows or []:
        if r.get("space") == "all" and any(
            c == r.get("category") and sp != "all" and obs == series_of[(c, "all")]
            for (c, sp), obs in series_of.items()
        ):
            continue  # the category occurs in one space only: "all spaces" repeats it
        row = dict(r)
        row["category_label"] = label_of("category", row.get("category"), lang)
        row["space_label"] = label_of("space", row.get("space"), lang)
        row["growth_text"] = growth_text(row)
        out.append(row)
    flagged = [r for r in out if r.get("flagged") is True]
    rising = [
        r
        for r in out
        if r.get("flagged") is not True
        and _num(r.get("growth_lower"))
        and float(r["growth_lower"]) > 0
    ]
    rising.sort(
        key=lambda r: (-float(r["growth_lower"]), str(r.get("category")), str(r.get("space")))
    )
    return ThreatView(tested=len(out), flagged=flagged, watch=rising[:watch])


def _baseline_months() -> int | None:
    """Months of history the emerging-threat test fits its expectation on (None = all).

    Read from :func:`marsad.stats.detect_change`'s default, the value
    :func:`marsad.stats.emerging_threats` uses, unless a row says otherwise (``baseline``).
    """
    try:
        from marsad.stats import detect_change

        value = inspect.signature(detect_change).parameters["baseline_months"].default
    except (ImportError, KeyError, TypeError, ValueError):
        return None
    return int(value) if isinstance(value, int) else None


def chart_span(row: dict[str, Any]) -> tuple[int, int, int]:
    """``(start, test_start, end)`` indexes into the row's monthly series for its chart.

    The chart starts at the later of the first month of the model's baseline (the months
    the expectation was fitted on) and the series' first non-zero month (a withheld month
    counts as non-zero: it holds 1 to ``min_cell - 1`` incidents), so the expected band is
    never drawn over years the model did not use. ``test_start`` is the first month of the
    test window (the recent months compared with the expectation).
    """
    s = row.get("series") or {}
    observed = list(s.get("observed") or [])
    n = len(observed)
    window = len(row.get("window") or ()) or 3
    test_start = max(0, n - window)
    baseline = row.get("baseline", _baseline_months())
    model_start = max(0, test_start - int(baseline)) if baseline else 0
    first = next((i for i, v in enumerate(observed) if v is None or v > 0), test_start)
    return max(model_start, min(first, test_start)), test_start, n


def is_sparse(observed: Sequence[Any]) -> bool:
    """True when at least half the months shown hold no published count (zero or withheld)."""
    empty = sum(1 for v in observed if v is None or v == 0)
    return bool(observed) and empty * 2 >= len(observed)


def threat_charts(rows: list[dict[str, Any]] | None, lang: str, top: int = 4) -> list[Chart]:
    """Observed months against the expected line and band, over the model's window.

    Callers pass the flagged series (or, under an honest heading, the watch list of
    :func:`threat_view`): this function charts whatever it is given. Each chart spans
    :func:`chart_span`; sparse series (:func:`is_sparse`) are drawn as one point per month
    on a stem instead of a line, so a single month does not read as a spike.
    """
    out: list[Chart] = []
    for r in (rows or [])[:top]:
        s = r.get("series") or {}
        periods = list(s.get("periods") or [])
        if not periods:
            continue
        a, w, b = chart_span(r)
        cut = {k: list(s.get(k) or [])[a:b] for k in ("observed", "expected", "lower", "upper")}
        observed = cut["observed"]
        sparse = is_sparse(observed)
        title = (
            f"{label_of('category', r.get('category'), lang)} · "
            f"{label_of('space', r.get('space'), lang)}"
        )
        alt = t(
            "report.trend_alt",
            lang,
            title=title,
            start=periods[a],
            end=periods[b - 1],
            test=periods[w] if w < b else periods[b - 1],
        )
        if sparse:
            alt += " " + t("report.trend_sparse", lang)
        out.append(
            trend_band(
                periods[a:b],
                observed,
                cut["expected"],
                cut["lower"],
                cut["upper"],
                title=title,
                labels=(
                    t("report.observed", lang),
                    t("report.expected", lang),
                    t("report.expected_band", lang),
                    t("report.test_window", lang),
                    t("report.withheld_months", lang),
                ),
                rtl=lang == "ar",
                test_start=w - a,
                sparse=sparse,
                alt=alt,
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
    pts = [r for r in rows or [] if r.get("estimate") is not None][:8]  # 16 bars: one page
    if not pts:
        return None
    labels, vals, lo, hi = [], [], [], []
    for r in pts:
        name = str(r.get("stratum_label") or r.get("stratum"))
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
