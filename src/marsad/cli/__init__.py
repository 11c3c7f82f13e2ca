"""The ``marsad`` command line: a thin shell over the library.

Each pipeline stage registers its commands from its own module ``marsad.cli._<stage>``;
every command parses options, calls one library function, prints the result, and turns a
:class:`~marsad.errors.MarsadError` into a clean exit with a translated message.
"""

from __future__ import annotations

import importlib

import typer

from marsad.errors import MarsadError

__all__ = ["app", "main"]

app = typer.Typer(
    name="marsad",
    help="Marsad: observatory toolkit for technology-facilitated violence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Order is the order of `marsad --help`.
STAGE_MODULES = (
    "_core",
    "_ingest",
    "_detect",
    "_stats",
    "_estimate",
    "_legal",
    "_compare",
    "_publish",
)
for _name in STAGE_MODULES:
    importlib.import_module(f"marsad.cli.{_name}").register(app)


def main() -> None:
    """Entry point of the ``marsad`` script."""
    from marsad.cli._common import fail

    try:
        app()
    except MarsadError as exc:  # commands normally catch their own; this is the last net
        fail(exc)
