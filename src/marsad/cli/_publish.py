"""Publish commands: report, serve, user, audit (thin shells over marsad.report and marsad.web)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
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
from marsad.config import Settings
from marsad.errors import ConfigError, MarsadError
from marsad.i18n import t


def _settings(db: str | None, data_dir: Path | None = None, lang: str | None = None) -> Settings:
    """Settings from options and environment; a bad value exits with status 2 and a message."""
    try:
        return make_settings(db, data_dir, lang)
    except MarsadError as exc:
        fail(exc, "en")
        raise  # not reached: fail() exits


user_app = typer.Typer(
    help="Manage dashboard and API users (roles: admin, analyst, viewer).", no_args_is_help=True
)


def report(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for report.html and report.pdf.")
    ] = Path("marsad-report"),
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Also write report.pdf (WeasyPrint).")
    ] = True,
    db: DbOption = None,
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    """Write the evidence report (self-contained HTML and PDF) in French, Arabic or English."""
    from marsad.report import build_report

    settings = _settings(db, data_dir, lang)
    try:
        with open_store(settings) as store:
            result = build_report(store, settings, out, lang=settings.lang, pdf=pdf)
    except MarsadError as exc:
        fail(exc, settings.lang)
    console.print(
        t("report.written", settings.lang, html=str(result.html), pdf=str(result.pdf or "-"))
    )
    for name in result.unavailable:
        console.print(t("report.section_missing", settings.lang, section=name))


def _session_secret(settings_dir: Path, lang: str) -> str:
    path = settings_dir / "session.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
        path.chmod(0o600)
        console.print(t("web.serve.secret_created", lang, path=str(path)))
    return path.read_text(encoding="ascii").strip()


def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: DbOption = None,
    data_dir: DataDirOption = None,
    lang: LangOption = None,
) -> None:
    """Run the dashboard and the REST API (/api/v1) with uvicorn."""
    import uvicorn

    from marsad.web import create_app, list_users

    settings = _settings(db, data_dir, lang)
    try:
        if not settings.session_secret:
            settings = settings.replace(
                session_secret=_session_secret(settings.data_dir, settings.lang)
            )
        app = create_app(settings)
        if not list_users(app.state.store):
            console.print(t("web.serve.no_users", settings.lang))
    except MarsadError as exc:
        fail(exc, settings.lang)
    console.print(t("web.serve.listening", settings.lang, host=host, port=port))
    uvicorn.run(app, host=host, port=port, log_level="warning")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Option("--role", help="admin, analyst or viewer.")] = "viewer",
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", help="Read the password from this file (first line)."),
    ] = None,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Add a user; the password is prompted for (hidden) unless --password-file is given."""
    from marsad.web import add_user

    settings = _settings(db, lang=lang)
    try:
        if password_file is not None:
            try:
                lines = password_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise ConfigError(
                    f"Cannot read the password file {password_file}: {exc.strerror}.",
                    code="auth.password_file",
                    path=str(password_file),
                ) from None
            password = lines[0] if lines else ""
        else:
            password = typer.prompt(
                t("web.user.password_prompt", settings.lang),
                hide_input=True,
                confirmation_prompt=True,
            )
        with open_store(settings) as store:
            user = add_user(store, name, password, role)
    except MarsadError as exc:
        fail(exc, settings.lang)
    console.print(t("web.user.added", settings.lang, username=user.username, role=user.role))


@user_app.command("token")
def user_token(
    name: Annotated[str, typer.Argument(help="User name.")],
    label: Annotated[
        str, typer.Option("--name", help="A label for the token (e.g. the machine).")
    ] = "api",
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Create an API token for a user; it is printed once (only its hash is stored)."""
    from marsad.web import create_token

    settings = _settings(db, lang=lang)
    try:
        with open_store(settings) as store:
            token = create_token(store, name, label)
    except MarsadError as exc:
        fail(exc, settings.lang)
    console.print(t("web.user.token", settings.lang, username=name))
    typer.echo(token)


@user_app.command("list")
def user_list(db: DbOption = None, lang: LangOption = None) -> None:
    """List users and their roles."""
    from marsad.web import list_users

    settings = _settings(db, lang=lang)
    try:
        with open_store(settings) as store:
            users = list_users(store)
    except MarsadError as exc:
        fail(exc, settings.lang)
    if not users:
        console.print(t("web.user.list_empty", settings.lang))
    for u in users:
        console.print(f"{u.username}\t{u.role}\t{'active' if u.active else 'inactive'}")


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    v = value.strip()
    units = {"m": "minutes", "h": "hours", "d": "days"}
    if v[:-1].isdigit() and v[-1] in units:
        from marsad.store import utcnow

        return utcnow() - timedelta(**{units[v[-1]]: int(v[:-1])})
    try:
        return datetime.fromisoformat(v)
    except ValueError:
        raise ConfigError(
            f"--since must be an ISO date or time (2026-01-31, 2026-01-31T08:00) or a duration "
            f"such as 30m, 12h, 7d; got {value!r}.",
            code="audit.bad_since",
            value=value,
        ) from None


def audit(
    since: Annotated[
        str | None, typer.Option("--since", help="ISO date/time or a duration (30m, 12h, 7d).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this user.")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="read, export, import, login, admin...")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="At most this many entries.")] = 100,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Show the audit log: who read, exported or imported what, and when."""
    from marsad.web import audit_entries

    settings = _settings(db, lang=lang)
    try:
        start = _since(since)
        with open_store(settings) as store:
            total, entries = audit_entries(
                store, since=start, actor=actor, action=action, limit=limit
            )
    except MarsadError as exc:
        fail(exc, settings.lang)
    if not entries:
        console.print(t("web.audit.none", settings.lang))
        return
    console.print(t("web.audit.header", settings.lang, n=total))
    for e in entries:
        detail = "" if not e.detail else " " + ", ".join(f"{k}={v}" for k, v in e.detail.items())
        console.print(
            f"{e.at.isoformat(timespec='seconds')}\t{e.actor}\t{e.action}\t{e.resource}{detail}",
            markup=False,
        )


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the root ``marsad`` app."""
    app.command("report")(report)
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.command("audit")(audit)
