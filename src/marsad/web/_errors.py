"""One error body for the whole API: ``{"error": {"code", "message", "details"}}``.

Validation errors, 404s of unknown routes, authorisation failures and library errors
(:class:`~marsad.errors.MarsadError`) all leave in this shape; pages get the same facts as HTML.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.errors import ConfigError, MarsadError, NotFoundError

__all__ = ["ErrorBody", "LoginRequired", "WebError", "error_body", "install_error_handlers"]

_STATUS_CODES = {
    400: "bad_request",
    401: "auth.required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "upload.too_large",
    415: "upload.bad_type",
    422: "validation_error",
    503: "unavailable",
}


class WebError(Exception):
    """An HTTP error with a stable code (also a translation key) and details."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class LoginRequired(Exception):
    """A page needs a logged-in user: redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details}}


# OpenAPI model of the error body (documented on every route).
ErrorBody: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {},
            },
        }
    },
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _respond(
    request: Request, status: int, code: str, message: str, details: Any = None
) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if _is_api(request):
        return JSONResponse(error_body(code, message, details), status_code=status, headers=headers)
    from marsad.web._render import render_error

    return render_error(request, status, code, message)


def _status_of(exc: MarsadError) -> int:
    if exc.code == "report.unavailable":
        return 503
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, ConfigError):
        return 500
    if exc.code.startswith("auth."):
        return 400
    return 422


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def _web(request: Request, exc: WebError) -> Response:
        return _respond(request, exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/?=&')}", status_code=303)

    @app.exception_handler(MarsadError)
    async def _marsad(request: Request, exc: MarsadError) -> Response:
        details = {k: v for k, v in exc.context.items() if isinstance(v, str | int | float | bool)}
        return _respond(request, _status_of(exc), exc.code, exc.message, details or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = [
            {
                "location": ".".join(str(p) for p in e.get("loc", ())),
                "message": e.get("msg", ""),
                "type": e.get("type", ""),
            }
            for e in exc.errors()
        ]
        where = "; ".join(f"{d['location']}: {d['message']}" for d in details[:5])
        return _respond(request, 422, "validation_error", f"Invalid request: {where}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.scope.get("marsad.too_large"):
            limit = request.app.state.settings.max_upload_mb
            return _respond(
                request, 413, "upload.too_large", f"The upload is larger than {limit} MiB."
            )
        code = _STATUS_CODES.get(exc.status_code, f"http_{exc.status_code}")
        message = str(exc.detail) if exc.detail else code
        if exc.status_code == 404 and message in ("Not Found", "not_found"):
            message = f"No such resource: {request.method} {request.url.path}"
        if exc.status_code == 405:
            message = f"Method {request.method} is not allowed on {request.url.path}"
        return _respond(request, exc.status_code, code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover
        return _respond(request, 500, "internal_error", "Internal error; see the server log.")
