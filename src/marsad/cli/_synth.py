"""The ``marsad synth`` command (registered by :mod:`marsad.cli._ingest`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marsad.cli._common import LangOption, console, fail, lang_of
from marsad.errors import MarsadError
from marsad.i18n import t

__all__ = ["synth"]


def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write the synthetic files into.")
    ] = Path("marsad-data/sources"),
    size: Annotated[
        int,
        typer.Option("--size", help="Approximate number of incident records (100 to 3,000,000)."),
    ] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 2026,
    lang: LangOption = None,
) -> None:
    """Write the SYNTHETIC national dataset (police, hotline, NGO, Kobo, survey, population,
    game chat) and truth.json. Every file is labelled synthetic; nothing in it is real."""
    from marsad.synth import generate

    language = lang_of(lang)
    try:
        manifest = generate(out, size=size, seed=seed)
    except MarsadError as exc:
        fail(exc, language)
    console.print(
        t(
            "synth.written",
            language,
            files=len(manifest.files),
            rows=manifest.incident_rows,
            seed=manifest.seed,
            path=str(manifest.out_dir),
            truth=manifest.truth_path.name,
        ),
        soft_wrap=True,
    )
    for f in manifest.files:
        console.print(
            t("synth.file_line", language, file=f.path.name, profile=f.profile, rows=f.rows),
            soft_wrap=True,
        )
