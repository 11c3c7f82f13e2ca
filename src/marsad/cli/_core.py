"""Core commands: demo, db, key."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from marsad.cli._common import DbOption, LangOption, console, fail, make_settings, open_store
from marsad.errors import MarsadError
from marsad.i18n import t

db_app = typer.Typer(help="Manage the store (migrations, information).", no_args_is_help=True)
key_app = typer.Typer(help="Manage the pseudonymisation key.", no_args_is_help=True)


def demo(
    dir: Annotated[Path, typer.Option("--dir", help="Folder for the synthetic files and the store.")] = Path("marsad-data"),
    size: Annotated[int, typer.Option("--size", min=100, help="Number of synthetic incidents.")] = 20_000,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Generate the synthetic national dataset and run the whole pipeline on it."""
    from marsad.demo import run_demo

    settings = make_settings(db, dir, lang)
    try:
        run_demo(settings, size=size, console=console)
    except MarsadError as exc:
        fail(exc, settings.lang)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, lang: LangOption = None) -> None:
    """Create the store or bring it to the latest schema."""
    settings = make_settings(db, lang=lang)
    try:
        with open_store(settings) as store:
            console.print(t("core.db_upgraded", settings.lang, revision=store.revision(), url=store.engine.url.render_as_string(hide_password=True)))
    except MarsadError as exc:
        fail(exc, settings.lang)


@key_app.command("create")
def key_create(
    data_dir: Annotated[Path | None, typer.Option("--data-dir")] = None,
    lang: LangOption = None,
) -> None:
    """Create the pseudonymisation key file if it does not exist (never stored in the database)."""
    settings = make_settings(None, data_dir, lang)
    path = settings.key_file
    existed = path.exists()
    try:
        settings.get_pseudonym_key(create=True)
    except MarsadError as exc:
        fail(exc, settings.lang)
    console.print(t("core.key_exists" if existed else "core.key_created", settings.lang, path=str(path)))


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.add_typer(db_app, name="db")
    app.add_typer(key_app, name="key")
