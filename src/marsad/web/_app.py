"""The web application factory: ``create_app(settings)`` builds everything, no globals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

import marsad
from marsad.config import Settings, load_secret
from marsad.errors import ConfigError
from marsad.store import Store
from marsad.web._errors import install_error_handlers
from marsad.web._render import make_env
from marsad.web._session import Session, SessionCodec

__all__ = ["create_app"]

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def create_app(settings: Settings, *, store: Store | None = None) -> FastAPI:
    """Build the Marsad web application (pages and the REST API ``/api/v1``) for ``settings``.

    The session secret must be set (``MARSAD_SESSION_SECRET``) and not a known default.
    The store is opened (and migrated) here unless one is passed, and closed on shutdown.
    """
    if not settings.session_secret:
        raise ConfigError(
            "No session secret: set MARSAD_SESSION_SECRET (e.g. "
            "python -c 'import secrets; print(secrets.token_hex(32))'); "
            "`marsad serve` creates a local one in the data folder.",
            code="config.no_session_secret",
        )
    secret = load_secret("session_secret", settings.session_secret)
    own_store = store is None
    the_store = store if store is not None else Store.open(settings.db_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if own_store:
            the_store.close()

    app = FastAPI(
        title="Marsad API",
        version=marsad.__version__,
        description=(
            "Published, disclosure-controlled evidence on technology-facilitated violence, "
            "and the analysts' tools. Authenticate with `Authorization: Bearer <token>` "
            "(`marsad user token NAME`). Every error has the body "
            '`{"error": {"code": ..., "message": ..., "details": ...}}`.'
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = the_store
    app.state.codec = SessionCodec(secret)
    app.state.jinja = make_env()

    @app.middleware("http")
    async def sessions(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        codec: SessionCodec = request.app.state.codec
        loaded = codec.load(request)
        is_api = request.url.path.startswith("/api/")
        request.state.session = loaded if loaded is not None else (None if is_api else Session())
        request.state.user = None
        response = await call_next(request)
        current = request.state.session
        if current is not None and (loaded is None or current != loaded):
            codec.save(request, response, current)
        for k, v in _SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        if not is_api or loaded is not None:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    install_error_handlers(app)
    from marsad.web._api import router as api_router
    from marsad.web._pages import router as pages_router

    app.include_router(api_router)
    app.include_router(pages_router)
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files("marsad.web").joinpath("static"))),
        name="static",
    )
    return app
