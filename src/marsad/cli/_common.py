"""What every command shares: the --db/--data-dir/--lang options, settings and errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from marsad.config import SETTINGS, Settings
from marsad.errors import MarsadError
from marsad.i18n import t
from marsad.store import Store

__all__ = [
    "DataDirOption",
    "DbOption",
    "LangOption",
    "console",
    "err_console",
    "fail",
    "make_settings",
    "open_store",
]

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

_help = {s.name: f"{s.help} [env: {s.env}]" for s in SETTINGS}

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help=_help["database_url"], envvar="MARSAD_DATABASE_URL", show_envvar=False
    ),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help=_help["data_dir"], envvar="MARSAD_DATA_DIR", show_envvar=False),
]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help=_help["lang"], envvar="MARSAD_LANG", show_envvar=False),
]


def make_settings(
    db: str | None = None, data_dir: Path | None = None, lang: str | None = None, **more: Any
) -> Settings:
    """Settings from the environment, overridden by the command's own options."""
    return Settings.from_env(database_url=db, data_dir=data_dir, lang=lang, **more)


@contextmanager
def open_store(settings: Settings) -> Iterator[Store]:
    store = Store.open(settings.db_url)
    try:
        yield store
    finally:
        store.close()


def fail(error: MarsadError, lang: str = "en") -> None:
    """Print a MarsadError in the user's language and exit with status 2."""
    text = t(error.code, lang, **error.context)
    if text == error.code or lang == "en":
        text = error.message
    err_console.print(f"[bold red]{t('cli.error', lang)}[/] {text}", soft_wrap=True)
    raise typer.Exit(code=2)


F = TypeVar("F", bound=Callable[..., Any])


def lang_of(value: str | None) -> str:
    try:
        return Settings.from_env(lang=value).lang
    except MarsadError:
        return "en"


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
