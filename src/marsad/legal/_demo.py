"""The legal step of ``marsad demo``."""

from __future__ import annotations

from typing import Any

from marsad.i18n import t

__all__ = ["demo_step"]


def demo_step(ctx: Any) -> None:
    """Print the top gaps; write matrix, gaps and recommendations into ``data_dir/legal``.

    Uses the measured burden when the stats stage has produced one (after stats in
    ``marsad.demo.STEPS``); stores the analysis in ``ctx.outputs["legal"]``.
    """
    from marsad.legal._api import analyse
    from marsad.legal._export import (
        gaps_rows,
        matrix_rows,
        priorities_rows,
        priorities_table,
        recommendations_json,
        to_csv,
        to_json,
    )
    from marsad.legal._priority import load_burden
    from marsad.legal._recommend import recommend

    burden = load_burden(ctx.store, ctx.settings)
    a = analyse(burden, min_cell=ctx.settings.min_cell)
    out = ctx.data_dir / "legal"
    out.mkdir(parents=True, exist_ok=True)
    (out / "matrix.csv").write_text(to_csv(matrix_rows(a.matrix)), encoding="utf-8")
    (out / "gaps.csv").write_text(to_csv(gaps_rows(a.gaps)), encoding="utf-8")
    (out / "priorities.csv").write_text(to_csv(priorities_rows(a.priorities)), encoding="utf-8")
    recs = {}
    for lang in ("fr", "ar", "en"):
        r = recommend(
            list(a.priorities), a.matrix.corpus, lang=lang, top=5, min_cell=ctx.settings.min_cell
        )
        recs[lang] = r
        (out / f"recommendations.{lang}.json").write_text(
            to_json(recommendations_json(r)), encoding="utf-8"
        )
        (out / f"recommendations.{lang}.txt").write_text(
            "\n\n".join(x.text for x in r) + "\n", encoding="utf-8"
        )
    ctx.console.print(t("legal.demo.top", ctx.lang))
    ctx.console.print(priorities_table(a.priorities[:5], ctx.lang))
    ctx.console.print(t("legal.demo.written", ctx.lang, path=str(out)))
    ctx.outputs["legal"] = {"analysis": a, "recommendations": recs, "dir": out}
