"""Charts drawn with matplotlib, returned as inline SVG (HTML) or PNG data (PDF).

Arabic labels: matplotlib 3.11 and later lay text out with libraqm (bidi and shaping), so
Arabic is passed as is; with an older matplotlib (no ``ft2font.__libraqm_version__``) labels
are reshaped (arabic-reshaper) and put in visual order (python-bidi) before drawing. Glyphs
are drawn as paths, so the chart looks the same in every browser and in the PDF. HTML and PDF text around the charts is shaped by the
browser and WeasyPrint themselves.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.ft2font
import matplotlib.pyplot as plt
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

__all__ = ["Chart", "bar_figure", "bar_intervals", "grouped_bars", "heatmap", "shape", "trend_band"]

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
_FONTS = ["DejaVu Sans", "Noto Sans Arabic", "Amiri", "Noto Naskh Arabic"]
_NATIVE_LAYOUT = hasattr(matplotlib.ft2font, "__libraqm_version__")
PALETTE = ["#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f8c8d"]


@dataclass(frozen=True)
class Chart:
    """One rendered chart: SVG markup for HTML and PNG bytes for PDF, with its alt text."""

    svg: str
    png: bytes
    alt: str

    @property
    def png_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def shape(text: Any) -> str:
    """Text ready for matplotlib: Arabic reshaped and reordered; other text unchanged."""
    s = "" if text is None else str(text)
    if len(s) > 100:
        s = s[:97] + "…"
    if _NATIVE_LAYOUT or not _ARABIC.search(s):
        return s
    import arabic_reshaper
    from bidi.algorithm import get_display

    return str(get_display(arabic_reshaper.reshape(s)))


def wrap(text: Any, width: int = 52, lines: int = 3) -> str:
    """A long label on up to ``lines`` lines of about ``width`` characters (then "…").

    Cutting a label at a fixed length dropped its end, which is where pairs differ
    ("… — recorded" / "… — estimated"); wrapping keeps it.
    """
    s = "" if text is None else str(text)
    if len(s) <= width:
        return s
    import textwrap

    parts = textwrap.wrap(s, width, break_long_words=False) or [s]
    if len(parts) > lines:
        tail = " ".join(parts[lines - 1 :])
        parts = [*parts[: lines - 1], tail[: width - 1].rstrip() + "…"]
    return "\n".join(parts)


def _rtl_labels(fig: Figure, ax: Any) -> None:
    """Right-to-left category axis: labels right of the plot, flush with the figure's edge.

    Matplotlib aligns right-hand tick labels on their left edge, so Arabic labels (which
    start on the right) were ragged where they begin and ran into the axis. The labels are
    measured, aligned on their right edge and padded by the longest one, and the axis line
    is drawn on the right, where the bars start.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ax.spines["left"].set_visible(False)
    ax.spines["right"].set_visible(True)
    ax.yaxis.tick_right()
    ax.yaxis.set_label_position("right")
    renderer = FigureCanvasAgg(fig).get_renderer()
    ticks = ax.get_yticklabels()
    widest = max((tl.get_window_extent(renderer).width for tl in ticks), default=0.0)
    # widths are measured at the figure's dpi; hinting makes text a few per cent wider at
    # the PNG's 150 dpi, hence the margin
    ax.tick_params(axis="y", pad=4 + 1.08 * widest * 72.0 / fig.dpi)
    for tl in ticks:
        tl.set_horizontalalignment("right")


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.subplots()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig, ax


def _finish(fig: Figure, alt: str) -> Chart:
    with matplotlib.rc_context(
        {"font.family": _FONTS, "svg.fonttype": "path", "svg.hashsalt": "marsad"}
    ):
        with warnings.catch_warnings():  # very long labels: keep the chart, skip the warning
            warnings.simplefilter("ignore", UserWarning)
            fig.tight_layout()
        svg_buf = io.StringIO()
        fig.savefig(svg_buf, format="svg", metadata={"Date": None})
        png_buf = io.BytesIO()
        fig.savefig(png_buf, format="png", dpi=150)
    plt.close("all")
    svg = svg_buf.getvalue()
    svg = svg[svg.find("<svg") :]
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(alt)}" ', 1)
    return Chart(svg=svg, png=png_buf.getvalue(), alt=alt)


def _attr(s: str) -> str:
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _ok(v: Any) -> bool:  # not None and not NaN
    return v is not None and v == v


def bar_intervals(
    labels: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    title: str,
    ylabel: str = "",
    rtl: bool = False,
    note: str = "",
) -> Chart:
    """Horizontal bars with interval whiskers (suppressed values shown as an empty row)."""
    with matplotlib.rc_context({"font.family": _FONTS}):
        fig = bar_figure(
            labels, values, lower, upper, title=title, ylabel=ylabel, rtl=rtl, note=note
        )
    return _finish(fig, title)


def bar_figure(
    labels: Sequence[str],
    values: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    title: str,
    ylabel: str = "",
    rtl: bool = False,
    note: str = "",
) -> Figure:
    """The figure :func:`bar_intervals` renders (before layout), for inspection and tests.

    Right-to-left (``rtl``): bars grow leftwards from an axis on the right, and the labels
    sit right of that axis, aligned on their right edge (see :func:`_rtl_labels`).
    """
    n = len(labels)
    wrapped = [wrap(s) for s in labels]
    row = 0.38 + 0.15 * max((s.count("\n") for s in wrapped), default=0)
    with matplotlib.rc_context({"font.family": _FONTS}):
        fig, ax = _figure(7.5, max(2.2, row * n + 1.2))
        ys = list(range(n))[::-1]
        vals = [v if _ok(v) else 0.0 for v in values]
        ax.barh(ys, vals, color=PALETTE[0], height=0.6)
        for y, v, lo, hi in zip(ys, values, lower, upper, strict=True):
            if _ok(v) and _ok(lo) and _ok(hi):
                ax.errorbar(
                    [v],
                    [y],
                    xerr=[[v - lo], [hi - v]],  # type: ignore[operator]
                    fmt="none",
                    ecolor="#222",
                    capsize=3,
                    lw=1,
                )
            if not _ok(v):
                # a withheld value: a dash beside the axis, on the bars' side
                ax.text(0, y, " — ", va="center", ha="right" if rtl else "left", color="#888")
        ax.set_yticks(ys, [shape(s) for s in wrapped], fontsize=9)
        ax.set_title(shape(title), fontsize=11)
        if ylabel:
            ax.set_xlabel(shape(ylabel))
        if note:
            fig.text(0.01, 0.01, shape(note), fontsize=7, color="#555")
        if rtl:
            ax.invert_xaxis()
            _rtl_labels(fig, ax)
        return fig


def grouped_bars(
    groups: Sequence[str],
    series: dict[
        str, tuple[Sequence[float | None], Sequence[float | None], Sequence[float | None]]
    ],
    *,
    title: str,
    ylabel: str = "",
    rtl: bool = False,
) -> Chart:
    """Vertical bars per group for several series (e.g. female/male per age band), with whiskers."""
    import numpy as np

    with matplotlib.rc_context({"font.family": _FONTS}):
        fig, ax = _figure(7.5, 3.6)
        k = max(1, len(series))
        width = 0.8 / k
        x = np.arange(len(groups))
        for j, (name, (vals, lo, hi)) in enumerate(series.items()):
            pos = x - 0.4 + width * (j + 0.5)
            v = [a if _ok(a) else 0.0 for a in vals]
            ax.bar(pos, v, width=width * 0.95, color=PALETTE[j % len(PALETTE)], label=shape(name))
            for p, a, lw_, hi_ in zip(pos, vals, lo, hi, strict=True):
                if _ok(a) and _ok(lw_) and _ok(hi_):
                    ax.errorbar(
                        [p],
                        [a],
                        yerr=[[a - lw_], [hi_ - a]],  # type: ignore[operator]
                        fmt="none",
                        ecolor="#222",
                        capsize=2,
                        lw=1,
                    )
        ax.set_xticks(x, [shape(g) for g in groups], rotation=0)
        ax.set_title(shape(title), fontsize=11)
        if ylabel:
            ax.set_ylabel(shape(ylabel))
        ax.legend(frameon=False, fontsize=8)
        if rtl:
            ax.invert_xaxis()
        return _finish(fig, title)


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    levels: Sequence[Sequence[int | None]],
    *,
    title: str,
    level_names: Sequence[str],
    rtl: bool = False,
) -> Chart:
    """A categorical heatmap (e.g. legal coverage: 0 none, 1 partial, 2 explicit; None = n/a)."""
    import numpy as np

    grid = np.array([[np.nan if v is None else float(v) for v in r] for r in levels], dtype=float)
    colours = ["#c0392b", "#f1c40f", "#27ae60", "#2980b9"][: len(level_names)]
    with matplotlib.rc_context({"font.family": _FONTS}):
        fig, ax = _figure(min(11.0, 4.5 + 0.75 * len(cols)), max(2.5, 0.36 * len(rows) + 1.6))
        cmap = ListedColormap(colours).with_extremes(bad="#eeeeee")
        ax.imshow(
            np.ma.masked_invalid(grid),
            cmap=cmap,
            vmin=-0.5,
            vmax=len(level_names) - 0.5,
            aspect="auto",
        )
        ax.set_xticks(
            range(len(cols)), [shape(c) for c in cols], rotation=35, ha="right", fontsize=8
        )
        ax.set_yticks(range(len(rows)), [shape(wrap(r)) for r in rows], fontsize=8)
        fig.suptitle(shape(title), fontsize=11)  # over the whole figure: long titles fit
        from matplotlib.patches import Patch

        ax.legend(
            handles=[
                Patch(color=c, label=shape(n)) for c, n in zip(colours, level_names, strict=True)
            ],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.18),
            ncol=len(level_names),
            frameon=False,
            fontsize=8,
        )
        if rtl:
            ax.invert_xaxis()
            _rtl_labels(fig, ax)
        return _finish(fig, title)


def trend_band(
    periods: Sequence[str],
    observed: Sequence[float | None],
    expected: Sequence[float | None],
    lower: Sequence[float | None],
    upper: Sequence[float | None],
    *,
    title: str,
    labels: Sequence[str] = (
        "observed",
        "expected",
        "expected band",
        "months tested",
        "withheld (small count)",
    ),
    rtl: bool = False,
    test_start: int | None = None,
    sparse: bool = False,
    alt: str | None = None,
) -> Chart:
    """Observed series against the expected line and its band (emerging-threat evidence).

    ``test_start`` shades the months tested against the expectation (from that index on).
    ``sparse`` draws each month as a point on a stem (no connecting line), with whole-number
    ticks, so a lone month reads as one month rather than a spike. Missing observed values
    (withheld by disclosure control: 1 to min_cell - 1 incidents) are marked with a grey
    cross on the axis, labelled ``labels[4]``, so they do not read as zeros.
    """
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    x = np.arange(len(periods))

    def arr(s: Sequence[float | None]) -> Any:
        return np.array([np.nan if not _ok(v) else float(v) for v in s], dtype=float)  # type: ignore[arg-type]

    obs = arr(observed)
    with matplotlib.rc_context({"font.family": _FONTS}):
        fig, ax = _figure(7.5, 3.0)
        if test_start is not None and 0 <= test_start < len(periods) and len(labels) > 3:
            ax.axvspan(
                test_start - 0.5,
                len(periods) - 0.5,
                color="#eeeeee",
                lw=0,
                label=shape(labels[3]),
                zorder=0,
            )
        ax.fill_between(
            x, arr(lower), arr(upper), color="#aed6f1", alpha=0.6, label=shape(labels[2]), lw=0
        )
        ax.plot(x, arr(expected), color="#1b6ca8", ls="--", lw=1.2, label=shape(labels[1]))
        if sparse:
            shown = ~np.isnan(obs)
            ax.vlines(x[shown], 0, obs[shown], color="#c0392b", lw=1.2)
            ax.plot(
                x[shown],
                obs[shown],
                ls="",
                marker="o",
                ms=4,
                color="#c0392b",
                label=shape(labels[0]),
            )
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        else:
            ax.plot(x, obs, color="#c0392b", lw=1.6, marker="o", ms=2.5, label=shape(labels[0]))
        withheld = np.array([v is None for v in observed], dtype=bool)
        if withheld.any() and len(labels) > 4:
            ax.plot(
                x[withheld],
                np.zeros(int(withheld.sum())),
                ls="",
                marker="x",
                ms=5,
                color="#7f8c8d",
                label=shape(labels[4]),
                clip_on=False,
            )
        ax.set_ylim(bottom=0)
        ax.set_xlim(-0.5, len(periods) - 0.5)
        step = max(1, -(-len(periods) // 8))
        ax.set_xticks(x[::step], [shape(p) for p in periods[::step]], fontsize=8)
        ax.set_title(shape(title), fontsize=10)
        ax.legend(frameon=False, fontsize=8)
        if rtl:
            ax.invert_xaxis()
        return _finish(fig, alt or title)
