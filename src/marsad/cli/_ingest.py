"""Commands of the ingest stage: ``marsad ingest`` (and ``marsad synth``, added by synth)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marsad.cli._common import DbOption, LangOption, console, fail, make_settings, open_store
from marsad.errors import MarsadError


def ingest(
    file: Annotated[
        Path, typer.Argument(help="The source file: CSV, XLSX, JSON Lines or Parquet.")
    ],
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            "-p",
            help="Source profile: a shipped id (e.g. population) or the path of a profile YAML file.",
        ),
    ],
    db: DbOption = None,
    no_progress: Annotated[
        bool, typer.Option("--no-progress", help="Do not show the progress bar.")
    ] = False,
    dedup_days: Annotated[
        int,
        typer.Option(
            "--dedup-days",
            min=0,
            help="Largest gap in days between incident dates of two reports of the same incident.",
        ),
    ] = 30,
    lang: LangOption = None,
) -> None:
    """Import a source file: validate every row, quarantine bad rows, scrub free text and
    pseudonymise identifiers, link duplicates across sources. Exit 0 even with quarantined
    rows; exit 2 when the profile or the file cannot be used."""
    from marsad.ingest import ingest_file
    from marsad.ingest._summary import print_report

    settings = make_settings(db, lang=lang)
    try:
        with open_store(settings) as store:
            report = ingest_file(
                store,
                settings,
                file,
                profile,
                progress=False if no_progress else None,
                dedup_window_days=dedup_days,
            )
    except MarsadError as exc:
        fail(exc, settings.lang)
    print_report(report, console, settings.lang)


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the root ``marsad`` app."""
    app.command("ingest")(ingest)
    from marsad.cli._synth import synth  # the synth stage's command

    app.command("synth")(synth)
