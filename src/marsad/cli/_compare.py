"""``marsad compare``: national figures beside international reference figures."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marsad.cli._common import (
    DbOption,
    LangOption,
    console,
    err_console,
    fail,
    make_settings,
    open_store,
)
from marsad.errors import MarsadError, ReferenceDataError
from marsad.i18n import t

compare_app = typer.Typer(
    help="National figures beside international reference figures, on comparable terms only.",
    invoke_without_command=True,
)

ReferenceOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--reference", "-r", help="Your reference-figure file (CSV or YAML); repeat for several."
    ),
]


@compare_app.callback()
def compare_cmd(
    ctx: typer.Context,
    indicator: Annotated[
        str | None, typer.Option("--indicator", "-i", help="Only this national indicator id.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also draw the chart (PNG or SVG, from the extension)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the CSV or JSON here instead of the terminal."),
    ] = None,
    reference: ReferenceOption = None,
    national: Annotated[
        Path | None,
        typer.Option(
            "--national",
            help="National table (CSV or Parquet, e.g. indicators.csv of `marsad indicators compute`); default: computed from the store.",
        ),
    ] = None,
    national_map: Annotated[
        Path | None,
        typer.Option(
            "--map", help="Your national map (YAML): indicator → construct, period, base."
        ),
    ] = None,
    comparable_only: Annotated[
        bool,
        typer.Option(
            "--comparable-only", help="Table: hide refused pairs (CSV/JSON always keep them)."
        ),
    ] = False,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Compare national indicators with reference figures: table, CSV/JSON and chart.

    Every pair of the same construct is listed; pairs that cannot be aligned (period, base
    population, counts vs prevalence, sex, age bands) are marked NOT COMPARABLE with the
    reason. Each reference figure carries its verification status.
    """
    if ctx.invoked_subcommand is not None:
        return
    from marsad.compare import compare as run_compare
    from marsad.compare import (
        comparison_chart,
        load_national_map,
        load_reference,
        national_from_stats,
    )

    settings = make_settings(db, lang=lang)
    lg = settings.lang
    if fmt not in ("table", "csv", "json"):
        err_console.print(f"--format must be table, csv or json; got {fmt!r}.")
        raise typer.Exit(code=2)
    try:
        refs = load_reference(reference or [])
        nmap = load_national_map(national_map)
        if national is not None:
            table = _read_national(national)
        else:
            with open_store(settings) as store:
                table = national_from_stats(store, settings)
        result = run_compare(table, refs, indicator=indicator, national_map=nmap)
    except MarsadError as exc:
        fail(exc, lg)
        return
    if fmt == "table":
        console.print(result.table(lg, comparable_only=comparable_only))
        if result.unmatched:
            console.print(t("compare.unmatched", lg, indicators=", ".join(result.unmatched)))
    elif out is not None:
        result.write(out, fmt, lg)
        console.print(t("compare.written", lg, path=str(out)))
    else:
        typer.echo(result.to_csv(lg) if fmt == "csv" else result.to_json(lg), nl=False)
    if chart is not None:
        comparison_chart(result, chart, lang=lg)
        (console if fmt == "table" or out is not None else err_console).print(
            t("compare.chart_written", lg, path=str(chart))
        )


def _read_national(path: Path) -> object:
    import pandas as pd

    if not path.exists():
        raise ReferenceDataError(
            f"National table {path} does not exist.", code="reference.no_file", path=str(path)
        )
    try:
        if path.suffix.lower() == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(
            path, dtype={"age_band": "string", "period": "string"}, keep_default_na=True
        )
    except Exception as exc:  # pandas raises many kinds
        raise ReferenceDataError(
            f"Cannot read the national table {path}: {exc}",
            code="reference.bad_national",
            path=str(path),
        ) from exc


@compare_app.command("check")
def check_cmd(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Reference-figure files (CSV or YAML); none = the shipped figures."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Lint reference-figure files: unknown construct/period/base/status, missing source,
    non-numeric percentages, duplicated ids... each error with file, row and column."""
    from marsad.compare import check_reference, load_reference

    lg = make_settings(lang=lang).lang
    files = list(paths or [])
    findings = check_reference(files)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity != "error"]
    for f in findings:
        (err_console if f.severity == "error" else console).print(
            str(f), soft_wrap=True, markup=False
        )
    if errors:
        err_console.print(t("compare.check_failed", lg, errors=len(errors), warnings=len(warnings)))
        raise typer.Exit(code=1)
    n = len(load_reference(files))
    console.print(
        t("compare.check_ok", lg, files=len(files) + 1, warnings=len(warnings), figures=n)
    )


@compare_app.command("import-uncts")
def import_uncts_cmd(
    file: Annotated[Path, typer.Argument(help="UN-CTS data file as published (CSV or XLSX).")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Reference CSV to write (default: FILE with .reference.csv)."
        ),
    ] = None,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="VERIFIED if downloaded from dataunodc.un.org; else VERIFIED-SECONDARY or UNVERIFIED.",
        ),
    ] = "VERIFIED",
    lang: LangOption = None,
) -> None:
    """Import a UNODC UN-CTS data file into a reference-figure file."""
    from marsad.compare import figures_to_csv, import_uncts

    lg = make_settings(lang=lang).lang
    target = out or file.with_suffix(".reference.csv")
    try:
        figures = import_uncts(file, status=status)
    except MarsadError as exc:
        fail(exc, lg)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(figures_to_csv(figures), encoding="utf-8")
    console.print(
        t(
            "compare.imported",
            lg,
            count=len(figures),
            file=str(file),
            out=str(target),
            status=status,
        )
    )


def register(app: typer.Typer) -> None:
    """Add ``marsad compare`` (and its ``check`` and ``import-uncts`` subcommands)."""
    app.add_typer(compare_app, name="compare")
