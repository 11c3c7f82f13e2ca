"""The comparison chart: national value with its interval beside each comparable reference."""

from __future__ import annotations

from pathlib import Path

from marsad.compare._compare import Comparison
from marsad.i18n import t

__all__ = ["comparison_chart"]

_STATUS_STYLE = {
    "VERIFIED": {"marker": "D", "facecolor": "#d95f02", "edgecolor": "#d95f02"},
    "VERIFIED-SECONDARY": {"marker": "D", "facecolor": "white", "edgecolor": "#d95f02"},
    "UNVERIFIED": {"marker": "X", "facecolor": "#c00000", "edgecolor": "#c00000"},
}


def _shape(text: str, lang: str) -> str:
    """Arabic needs letter shaping and bidi reordering before matplotlib draws it."""
    if lang != "ar":
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return str(get_display(arabic_reshaper.reshape(text)))


def comparison_chart(
    comparison: Comparison, path: str | Path, *, lang: str = "en", max_pairs: int = 30
) -> Path:
    """Draw the comparable pairs (PNG or SVG from the extension) and return the path.

    Each row shows the national value with its 95 % interval (blue) beside the reference
    value (diamond; a bar for a range given by the source). A filled diamond is VERIFIED, a
    hollow one VERIFIED-SECONDARY, a red cross UNVERIFIED; the status is also written in the
    row label. Pairs that are not comparable are not drawn; their number is in the footnote.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    pairs = [
        p for p in comparison.comparable if p.national is not None and p.national.value is not None
    ][:max_pairs]
    units = sorted({p.national.unit for p in pairs if p.national}) or ["%"]
    height = max(
        3.0, 0.5 * len(pairs) + 1.2 * len({p.national.unit for p in pairs if p.national}) + 1.2
    )
    fig, axes = plt.subplots(len(units), 1, figsize=(9, height), squeeze=False)
    for ax, unit in zip(axes[:, 0], units, strict=True):
        rows = [p for p in pairs if p.national and p.national.unit == unit]
        for y, p in enumerate(rows):
            n, r = p.national, p.reference
            assert n is not None and n.value is not None
            if n.lower is not None and n.upper is not None:
                ax.errorbar(
                    n.value,
                    y + 0.12,
                    xerr=[[max(0.0, n.value - n.lower)], [max(0.0, n.upper - n.value)]],
                    fmt="o",
                    color="#1f78b4",
                    capsize=3,
                )
            else:
                ax.plot(n.value, y + 0.12, "o", color="#1f78b4")
            style = _STATUS_STYLE.get(r.status, _STATUS_STYLE["UNVERIFIED"])
            if r.value is not None:
                ax.scatter(
                    [r.value],
                    [y - 0.12],
                    marker=style["marker"],
                    facecolors=style["facecolor"],
                    edgecolors=style["edgecolor"],
                    s=55,
                    zorder=3,
                )
            elif r.range_low is not None and r.range_high is not None:
                ax.plot(
                    [r.range_low, r.range_high],
                    [y - 0.12, y - 0.12],
                    color=style["edgecolor"],
                    linewidth=4,
                    alpha=0.6,
                )
            else:
                ax.annotate(r.value_text, (n.value, y - 0.12), fontsize=7, color=style["edgecolor"])
        labels = [
            _shape(
                f"{p.reference.id} [{p.reference.status}]\n{p.indicator}: {p.national.population if p.national else ''}",
                lang,
            )
            for p in rows
        ]
        ax.set_yticks(range(len(rows)), labels, fontsize=7)
        ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
        ax.set_xlabel(unit)
        ax.grid(axis="x", alpha=0.3)
        if not rows:
            ax.text(
                0.5,
                0.5,
                _shape(t("compare.chart_empty", lang), lang),
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            ax.set_yticks([])
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            color="#1f78b4",
            linestyle="",
            label=_shape(t("compare.legend_national", lang), lang),
        ),
        Line2D([], [], marker="D", color="#d95f02", linestyle="", label="VERIFIED"),
        Line2D(
            [],
            [],
            marker="D",
            markerfacecolor="white",
            markeredgecolor="#d95f02",
            linestyle="",
            label="VERIFIED-SECONDARY",
        ),
        Line2D([], [], marker="X", color="#c00000", linestyle="", label="UNVERIFIED"),
    ]
    fig.legend(handles=handles, fontsize=7, loc="lower right", ncol=4, frameon=False)
    axes[0, 0].set_title(_shape(t("compare.chart_title", lang), lang), fontsize=10)
    refused = len(comparison.refused)
    fig.text(
        0.01, 0.005, _shape(t("compare.chart_footnote", lang, refused=refused), lang), fontsize=7
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(out, format="svg" if out.suffix.lower() == ".svg" else "png", dpi=120)
    plt.close(fig)
    return out
