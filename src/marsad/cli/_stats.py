"""Commands of the stats stage: indicators (list, compute, show) and threats."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from marsad.cli._common import (
    DbOption,
    LangOption,
    console,
    err_console,
    fail,
    make_settings,
    open_store,
)
from marsad.errors import MarsadError
from marsad.i18n import t

if TYPE_CHECKING:
    import pandas as pd

# a year, a quarter or a month (the API's ``period`` filter), or "all" (whole-series indicators)
PERIOD_PATTERN = re.compile(r"\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?|all")

indicators_app = typer.Typer(
    help="Indicators with intervals and disclosure control (list, compute, show).",
    no_args_is_help=True,
)

DefinitionsOption = Annotated[
    Path | None,
    typer.Option(
        "--definitions",
        help="Folder of extra indicator definition files (*.yaml); same id replaces a shipped one.",
    ),
]


@indicators_app.command("list")
def list_cmd(definitions: DefinitionsOption = None, lang: LangOption = None) -> None:
    """List the indicator definitions (shipped and yours)."""
    from marsad.stats import load_definitions

    settings = make_settings(None, lang=lang)
    try:
        defs = load_definitions(definitions)
    except MarsadError as exc:
        fail(exc, settings.lang)
    table = Table(title=t("stats.list_title", settings.lang), title_justify="left")
    width = max((len(i) for i in defs), default=10)
    table.add_column(t("stats.col.id", settings.lang), no_wrap=True, min_width=width)
    for key in ("label", "kind", "unit", "period", "by"):
        table.add_column(t(f"stats.col.{key}", settings.lang))
    for d in defs.values():
        table.add_row(
            d.id,
            d.label(settings.lang),
            d.kind,
            t(f"stats.unit.{d.unit}", settings.lang),
            d.period,
            ", ".join(d.disaggregations),
        )
    console.print(table)


@indicators_app.command("compute")
def compute_cmd(
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default DATA_DIR/indicators).")
    ] = None,
    definitions: DefinitionsOption = None,
    round_to: Annotated[
        int | None,
        typer.Option(
            "--round", min=2, help="Controlled rounding of published counts to this base (e.g. 5)."
        ),
    ] = None,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Also write indicators.xlsx.")] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Compute every indicator with disclosure control and write indicators.csv/.parquet,
    summary.json and suppression.csv."""
    from marsad.stats import compute_indicators, load_definitions, write_indicators

    settings = make_settings(db, lang=lang)
    try:
        defs = load_definitions(definitions)
        with open_store(settings) as store:
            table = compute_indicators(store, settings, defs, publish=True, rounding_base=round_to)
        target = out or settings.data_dir / "indicators"
        write_indicators(table, target, defs.values(), xlsx=xlsx)
    except MarsadError as exc:
        fail(exc, settings.lang)
    console.print(
        t(
            "stats.computed",
            settings.lang,
            rows=len(table),
            indicators=table["indicator"].nunique(),
            suppressed=int(table["suppressed"].sum()),
            min_cell=settings.min_cell,
        )
    )
    for note in table.attrs.get("notes", ()):
        console.print(f"  • {note}")
    console.print(t("stats.written", settings.lang, path=str(target)))


@indicators_app.command("show")
def show_cmd(
    indicator: Annotated[str, typer.Argument(help="Indicator id (see `marsad indicators list`).")],
    by: Annotated[
        str | None,
        typer.Option("--by", help="Comma-separated disaggregations, e.g. age_band,gender."),
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Only this period (e.g. 2024).")
    ] = None,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="Analyst view: show small counts (marked *), never exported."),
    ] = False,
    definitions: DefinitionsOption = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Print one indicator as a readable table."""
    from marsad.stats import compute_indicator, get_definition, load_definitions
    from marsad.stats._render import indicator_table

    settings = make_settings(db, lang=lang)
    dims = [d.strip() for d in by.split(",") if d.strip()] if by else None
    try:
        defn = get_definition(indicator, load_definitions(definitions))
        with open_store(settings) as store:
            res = compute_indicator(store, settings, defn, by=dims, publish=not raw)
    except MarsadError as exc:
        fail(exc, settings.lang)
    rows = res.rows
    if period:
        rows = _period_rows(rows, period, defn.id, settings.lang)
    if raw:
        console.print(f"[yellow]{t('stats.raw_warning', settings.lang)}[/]")
    console.print(
        indicator_table(
            rows,
            defn,
            dims if dims is not None else list(defn.disaggregations),
            settings.lang,
        )
    )


def _period_rows(rows: pd.DataFrame, period: str, indicator: str, lang: str) -> pd.DataFrame:
    """The rows of ``period``; exit 2 on a malformed period, 1 when it has no rows."""
    if not PERIOD_PATTERN.fullmatch(period):
        raise typer.BadParameter(
            t("stats.period_malformed", lang, period=period), param_hint="--period"
        )
    chosen = rows[rows["period"].astype(str) == period]
    if chosen.empty:
        existing = sorted({str(p) for p in rows["period"].dropna()})
        err_console.print(
            t(
                "stats.period_empty",
                lang,
                indicator=indicator,
                period=period,
                periods=", ".join(existing) or "–",
            )
        )
        raise typer.Exit(code=1)
    return chosen


def threats_cmd(
    window: Annotated[int, typer.Option("--window", min=1, help="Months tested at the end.")] = 3,
    alpha: Annotated[
        float,
        typer.Option(
            "--alpha",
            min=0.0,
            max=1.0,
            help="False discovery rate level: flagged when the Benjamini-Hochberg q-value "
            "of the prediction rule is at most this.",
        ),
    ] = 0.05,
    min_growth: Annotated[
        float,
        typer.Option(
            "--min-growth",
            help="Also flagged when the lower 95 % bound of the growth over the last "
            "24 + window months is at least this (0.5 = +50 %/year).",
        ),
    ] = 0.5,
    show_all: Annotated[
        bool, typer.Option("--all", help="Show every series tested, not only flagged ones.")
    ] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="Analyst view: show small monthly counts.")
    ] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Rank emerging threats by digital space: series rising above what their history predicts."""
    from marsad.stats import FlagRule, emerging_threats
    from marsad.stats._render import threats_tables
    from marsad.stats._threats import BASELINE_MONTHS

    settings = make_settings(db, lang=lang)
    try:
        with open_store(settings) as store:
            threats = emerging_threats(
                store, settings, window=window, alpha=alpha, publish=not raw, min_growth=min_growth
            )
    except MarsadError as exc:
        fail(exc, settings.lang)
    flagged = [e for e in threats if e.flagged]
    console.print(
        t(
            "stats.threats_summary",
            settings.lang,
            tested=len(threats),
            flagged=len(flagged),
            window=window,
            alpha=alpha,
        )
    )
    rule = FlagRule(alpha=alpha, min_growth=min_growth, recent_months=BASELINE_MONTHS + window)
    console.print(
        t(
            "stats.threats_rule",
            settings.lang,
            window=window,
            min_count=rule.min_count,
            alpha=alpha,
            tested=len(threats),
            recent=rule.recent_months,
            min_growth=f"{min_growth * 100:+.0f}",
        )
    )
    shown = threats if show_all else flagged
    if not shown:
        console.print(t("stats.threats_none", settings.lang, window=window, alpha=alpha))
    for table in threats_tables(shown, settings.lang):
        console.print(table)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the root ``marsad`` app."""
    app.add_typer(indicators_app, name="indicators")
    app.command("threats")(threats_cmd)
