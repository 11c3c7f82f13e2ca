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
    dir: Annotated[
        Path, typer.Option("--dir", help="Folder for the synthetic files and the store.")
    ] = Path("marsad-data"),
    size: Annotated[
        int, typer.Option("--size", min=100, help="Number of synthetic incidents.")
    ] = 20_000,
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
            console.print(
                t(
                    "core.db_upgraded",
                    settings.lang,
                    revision=store.revision(),
                    url=store.engine.url.render_as_string(hide_password=True),
                )
            )
    except MarsadError as exc:
        fail(exc, settings.lang)


@db_app.command("info")
def db_info(db: DbOption = None, lang: LangOption = None) -> None:
    """Show the store's URL, schema revision and the row count of every table."""
    from rich.table import Table

    settings = make_settings(db, lang=lang)
    try:
        with open_store(settings) as store:
            table = Table(title=store.engine.url.render_as_string(hide_password=True))
            table.add_column(t("core.table", settings.lang))
            table.add_column(t("core.rows", settings.lang), justify="right")
            for name in store.table_names():
                if name != "alembic_version":
                    table.add_row(name, f"{store.count(name):,}")
            console.print(table)
            console.print(t("core.revision", settings.lang, revision=store.revision()))
    except MarsadError as exc:
        fail(exc, settings.lang)


@db_app.command("copy")
def db_copy(
    to: Annotated[str, typer.Option("--to", help="URL of the empty destination database.")],
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Copy the whole store to another database (e.g. PostgreSQL) and verify every table."""
    from rich.table import Table

    from marsad.store import Store, copy_store

    settings = make_settings(db, lang=lang)
    try:
        with open_store(settings) as source, Store.open(to) as target:
            report = copy_store(source, target)
    except MarsadError as exc:
        fail(exc, settings.lang)
    table = Table(title=t("core.copy_done", settings.lang, rows=f"{report.rows:,}"))
    for col in ("table", "rows", "checksum"):
        table.add_column(t(f"core.{col}", settings.lang))
    for c in report.tables:
        table.add_row(c.table, f"{c.target_rows:,}", c.target_checksum + (" ✓" if c.ok else " ✗"))
    console.print(table)


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
    console.print(
        t("core.key_exists" if existed else "core.key_created", settings.lang, path=str(path))
    )


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.add_typer(db_app, name="db")
    app.add_typer(key_app, name="key")
