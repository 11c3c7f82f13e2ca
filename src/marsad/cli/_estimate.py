"""``marsad estimate`` and ``marsad reporting-gap``: thin shells over :mod:`marsad.estimate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marsad.cli._common import (
    DataDirOption,
    DbOption,
    LangOption,
    console,
    fail,
    make_settings,
    open_store,
)
from marsad.errors import MarsadError

ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        help="Strata: comma-separated among category_group, category, space, year, gender, minor; '' for one pooled estimate.",
    ),
]
FormatOption = Annotated[str, typer.Option("--format", help="Output: table, csv or json.")]


def estimate(
    by: ByOption = "category_group,gender,minor",
    fmt: FormatOption = "table",
    criterion: Annotated[
        str, typer.Option("--criterion", help="Model choice and weights: aic or bic.")
    ] = "aic",
    year: Annotated[int | None, typer.Option("--year", help="Only incidents of this year.")] = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart", help="Also write the 'recorded vs estimated' chart (PNG or SVG) here."
        ),
    ] = None,
    db: DbOption = None,
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    """Estimate how many victims the records miss (multiple-systems estimation per stratum)."""
    from marsad.estimate import estimate_population, recorded_vs_estimated_chart, render_estimates

    settings = make_settings(db, data_dir, lang)
    try:
        with open_store(settings) as store:
            result = estimate_population(store, settings, by=by, criterion=criterion, year=year)
        out = render_estimates(result, fmt, settings.lang)
        if chart is not None:
            recorded_vs_estimated_chart(result.rows, chart, lang=settings.lang)
    except MarsadError as exc:
        fail(exc, settings.lang)
        return
    if isinstance(out, str):
        typer.echo(out, nl=False)
    else:
        console.print(out)


def reporting_gap_cmd(
    fmt: FormatOption = "table",
    year: Annotated[
        int | None, typer.Option("--year", help="Survey year (default: the latest).")
    ] = None,
    db: DbOption = None,
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    """Share of victims (survey prevalence x population) that reach any source, by age band and gender."""
    from marsad.estimate import render_gap, reporting_gap

    settings = make_settings(db, data_dir, lang)
    try:
        with open_store(settings) as store:
            gap = reporting_gap(store, settings, year=year)
        out = render_gap(gap, fmt, settings.lang)
    except MarsadError as exc:
        fail(exc, settings.lang)
        return
    if isinstance(out, str):
        typer.echo(out, nl=False)
    else:
        console.print(out)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the root ``marsad`` app."""
    app.command("estimate")(estimate)
    app.command("reporting-gap")(reporting_gap_cmd)
