"""``marsad legal``: coverage matrix, gaps and priorities, recommendations, data check."""

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
    lang_of,
    make_settings,
    open_store,
)
from marsad.errors import MarsadError
from marsad.i18n import t

legal_app = typer.Typer(
    help="Legal framework: coverage matrix, gaps, priorities, recommendations.",
    no_args_is_help=True,
)

FORMATS = ("table", "csv", "json")
FormatOption = Annotated[str, typer.Option("--format", help="Output: table, csv or json.")]
DataOption = Annotated[
    list[Path] | None,
    typer.Option("--data", help="Your own provision file or folder, added to the shipped data."),
]


def _check_format(fmt: str, lang: str) -> None:
    if fmt not in FORMATS:
        err_console.print(t("legal.cli.bad_format", lang, value=fmt, allowed=", ".join(FORMATS)))
        raise typer.Exit(code=2)


@legal_app.command("matrix")
def matrix(
    fmt: FormatOption = "table",
    standard: Annotated[
        str | None,
        typer.Option("--standard", help="Only this standard (national law is always shown)."),
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", help="Victim group: women, girls, boys or men.")
    ] = None,
    space: Annotated[str | None, typer.Option("--space", help="Only this digital space.")] = None,
    data: DataOption = None,
    lang: LangOption = None,
) -> None:
    """Coverage of each threat category by Moroccan law and each international standard."""
    from marsad.legal import legal_matrix_output

    language = lang_of(lang)
    _check_format(fmt, language)
    try:
        out = legal_matrix_output(
            fmt, standard=standard, group=group, space=space, data=data, lang=language
        )
    except MarsadError as exc:
        fail(exc, language)
    console.print(out, soft_wrap=fmt != "table")


@legal_app.command("gaps")
def gaps(
    fmt: FormatOption = "table",
    standard: Annotated[
        str | None, typer.Option("--standard", help="Only gaps against this standard.")
    ] = None,
    data: DataOption = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Gaps against the standards, ranked by priority (burden from the store when it has data)."""
    from marsad.legal import legal_gaps_output

    language = lang_of(lang)
    _check_format(fmt, language)
    try:
        settings = make_settings(db, lang=lang)
        with open_store(settings) as store:
            note, out = legal_gaps_output(store, settings, fmt, standard=standard, data=data)
    except MarsadError as exc:
        fail(exc, language)
    if fmt == "table":
        err_console.print(note)
    console.print(out, soft_wrap=fmt != "table")


@legal_app.command("recommend")
def recommend_cmd(
    fmt: Annotated[str, typer.Option("--format", help="Output: text or json.")] = "text",
    top: Annotated[int, typer.Option("--top", min=1, help="Number of recommendations.")] = 5,
    data: DataOption = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Evidence-based recommendations for the priority gaps, in French, Arabic or English."""
    from marsad.legal import legal_recommend_output

    language = lang_of(lang)
    if fmt not in ("text", "json"):
        err_console.print(t("legal.cli.bad_format", language, value=fmt, allowed="text, json"))
        raise typer.Exit(code=2)
    try:
        settings = make_settings(db, lang=lang)
        with open_store(settings) as store:
            note, out = legal_recommend_output(store, settings, fmt, top=top, data=data)
    except MarsadError as exc:
        fail(exc, language)
    if fmt == "text":
        err_console.print(note)
    console.print(out, soft_wrap=True, markup=False)


@legal_app.command("check")
def check(
    paths: Annotated[list[Path] | None, typer.Argument(help="Provision files or folders.")] = None,
    no_shipped: Annotated[
        bool, typer.Option("--no-shipped", help="Check only PATHS, without the shipped files.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Validate the shipped provision files and your own (exit code 1 when problems are found)."""
    from marsad.legal import check_files

    language = lang_of(lang)
    report = check_files(paths or [], include_shipped=not no_shipped)
    if report.ok:
        console.print(
            t(
                "legal.check.ok",
                language,
                files=len(report.files),
                instruments=report.instruments,
                provisions=report.provisions,
            )
        )
        return
    err_console.print(t("legal.check.failed", language, count=len(report.issues)))
    for issue in report.issues:
        err_console.print(f"  {issue}", markup=False, soft_wrap=True)
    raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add ``marsad legal ...`` to the root app."""
    app.add_typer(legal_app, name="legal")
