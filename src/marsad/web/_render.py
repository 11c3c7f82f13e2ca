"""Server-rendered pages: the Jinja2 environment, language choice and the page context."""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from marsad.i18n import LANGUAGES, direction, t
from marsad.report._views import ltr, number

__all__ = ["make_env", "page_lang", "render", "render_error"]


def make_env() -> Environment:
    folder = str(resources.files("marsad.web").joinpath("templates"))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ltr"] = ltr
    env.globals["number"] = number
    return env


def page_lang(request: Request) -> str:
    """``?lang=`` if given, else the session's language, else the configured default (fr)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    session = getattr(request.state, "session", None)
    if session is not None and session.lang in LANGUAGES:
        return str(session.lang)
    return str(request.app.state.settings.lang)


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = page_lang(request)
    session = getattr(request.state, "session", None)
    if session is not None and session.lang != lang:
        request.state.session = session.with_(lang=lang)
        session = request.state.session
    env: Environment = request.app.state.jinja

    def tr(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    base = {
        "request": request,
        "lang": lang,
        "dir": direction(lang),
        "t": tr,
        "languages": LANGUAGES,
        "user": getattr(request.state, "user", None),
        "csrf": session.csrf if session is not None else "",
        "path": request.url.path,
    }
    base.update(context)
    html = env.get_template(template).render(**base)
    return HTMLResponse(html, status_code=status_code)


def render_error(request: Request, status: int, code: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status_code=status, code=code, message=message)
