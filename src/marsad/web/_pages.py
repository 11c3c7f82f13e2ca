"""Server-rendered pages. Thin: each calls the same library functions as the API and the CLI."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from marsad.report import _data as data
from marsad.report import _views as views
from marsad.taxonomy import load_taxonomy
from marsad.web import _records as records
from marsad.web._deps import audit, get_settings, get_store, require_page
from marsad.web._errors import WebError
from marsad.web._highlight import highlight
from marsad.web._render import page_lang, render
from marsad.web._upload import check_upload, safe_name
from marsad.web._users import User, authenticate

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
ViewerPage = Annotated[User, Depends(require_page("viewer"))]
AnalystPage = Annotated[User, Depends(require_page("analyst"))]


def _csrf(request: Request, token: str | None) -> None:
    session = request.state.session
    if session is None or not session.csrf_ok(token):
        raise WebError(
            403,
            "auth.csrf",
            "The form has expired or was not sent by this site; reload the page and try again.",
        )


def _try(fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run a library call; a missing stage gives (None, its message) instead of an error page."""
    try:
        return fn(), None
    except data.Unavailable as exc:
        return None, exc.message


def _safe_next(url: str | None) -> str:
    if not url:
        return "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//"):
        return "/"
    return url


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", next=_safe_next(next), failed=False)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    _csrf(request, csrf)
    store = get_store(request)
    user = authenticate(store, username, password)
    if user is None:
        store.audit(username[:64] or "?", "login", "web", {"ok": False})
        return render(request, "login.html", status_code=401, next=_safe_next(next), failed=True)
    store.audit(user.username, "login", "web", {"ok": True})
    # a new session (new CSRF token) at login, against session fixation
    request.state.session = data_session(request).with_(user_id=user.id)
    return RedirectResponse(_safe_next(next), status_code=303)


def data_session(request: Request) -> Any:
    from marsad.web._session import Session

    return Session(lang=page_lang(request))


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    _csrf(request, csrf)
    request.state.session = data_session(request)
    return RedirectResponse("/login", status_code=303)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: ViewerPage) -> Response:
    return RedirectResponse(
        "/indicators" + (f"?{request.url.query}" if request.url.query else ""), status_code=303
    )


@router.get("/indicators", response_class=HTMLResponse)
def indicators_page(request: Request, user: ViewerPage) -> Response:
    lang = page_lang(request)
    tax = load_taxonomy()
    q = request.query_params
    filters = {k: (q.get(k) or None) for k in data.FILTERS}
    for dim, codes in (
        ("region", tax.regions),
        ("space", tax.spaces),
        ("category", tax.categories),
        ("gender", tax.genders),
    ):
        if filters[dim] is not None and filters[dim] not in codes:
            raise WebError(422, "validation_error", f"Unknown {dim} code {filters[dim]!r}.")
    indicator = q.get("indicator") or None
    settings, store = get_settings(request), get_store(request)
    defs, _ = _try(lambda: data.indicator_definitions(settings, lang))
    rows, unavailable = _try(
        lambda: data.indicator_cells(
            store, settings, indicator=indicator, filters=filters, publish=True, lang=lang
        )
    )
    chart = views.indicator_chart(rows, lang, indicator=indicator) if rows else None
    audit(
        request,
        user,
        "read",
        "page/indicators",
        indicator=indicator,
        **{k: v for k, v in filters.items() if v},
    )
    options = {
        "region": tax.regions,
        "space": tax.spaces,
        "category": tax.categories,
        "gender": tax.genders,
    }
    shown = [
        dict(r, cell=views.cell_label(r, lang), unit_label=views.unit_label(r.get("unit"), lang))
        for r in (rows or [])[:500]
    ]
    return render(
        request,
        "indicators.html",
        defs=defs or [],
        rows=shown,
        total=len(rows or []),
        chart=chart,
        unavailable=unavailable,
        filters=filters,
        indicator=indicator,
        options=options,
        query=str(request.url.query),
    )


@router.get("/threats", response_class=HTMLResponse)
def threats_page(request: Request, user: ViewerPage) -> Response:
    lang = page_lang(request)
    rows, unavailable = _try(
        lambda: data.emerging_threats(get_store(request), get_settings(request), publish=True)
    )
    view = views.threat_view(rows, lang)
    charts = views.threat_charts(view.flagged, lang)
    watch_charts = [] if view.flagged else views.threat_charts(view.watch, lang, top=2)
    audit(request, user, "read", "page/threats")
    return render(
        request,
        "threats.html",
        view=view,
        charts=charts,
        watch_charts=watch_charts,
        unavailable=unavailable,
    )


@router.get("/legal", response_class=HTMLResponse)
def legal_page(request: Request, user: ViewerPage) -> Response:
    lang = page_lang(request)
    store, settings = get_store(request), get_settings(request)
    matrix, unavailable = _try(lambda: data.legal_matrix(store, settings, lang))
    gaps, gaps_unavailable = _try(lambda: data.legal_gaps(store, settings, lang))
    recs, _ = _try(lambda: data.recommendations(store, settings, lang))
    chart = views.legal_heatmap(matrix, lang) if matrix else None
    audit(request, user, "read", "page/legal")
    return render(
        request,
        "legal.html",
        chart=chart,
        gaps=gaps or [],
        recs=recs or [],
        unavailable=unavailable,
        gaps_unavailable=gaps_unavailable,
    )


@router.get("/comparison", response_class=HTMLResponse)
def comparison_page(request: Request, user: ViewerPage) -> Response:
    lang = page_lang(request)
    rows, unavailable = _try(
        lambda: data.comparison(get_store(request), get_settings(request), lang)
    )
    chart = views.comparison_chart(rows, lang) if rows else None
    audit(request, user, "read", "page/comparison")
    return render(request, "comparison.html", rows=rows or [], chart=chart, unavailable=unavailable)


@router.get("/estimates", response_class=HTMLResponse)
def estimates_page(request: Request, user: ViewerPage) -> Response:
    lang = page_lang(request)
    rows, unavailable = _try(
        lambda: data.estimates(get_store(request), get_settings(request), publish=True, lang=lang)
    )
    chart = views.estimate_chart(rows, lang) if rows else None
    audit(request, user, "read", "page/estimates")
    return render(request, "estimates.html", rows=rows or [], chart=chart, unavailable=unavailable)


@router.get("/detect", response_class=HTMLResponse)
def detect_form(request: Request, user: ViewerPage) -> Response:
    return render(request, "detect.html", text="", result=None, marked=None, unavailable=None)


@router.post("/detect", response_class=HTMLResponse)
def detect_page(
    request: Request,
    user: ViewerPage,
    text: Annotated[str, Form(min_length=1, max_length=100_000)],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _csrf(request, csrf)
    result, unavailable = _try(lambda: data.detect_text(text))
    marked = highlight(text, result.get("evidence", [])) if result else None
    audit(request, user, "detect", "page/detect", chars=len(text))
    return render(
        request, "detect.html", text=text, result=result, marked=marked, unavailable=unavailable
    )


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, user: AnalystPage) -> Response:
    total, items = records.batches(get_store(request), limit=200)
    audit(request, user, "read", "page/imports")
    return render(
        request,
        "imports.html",
        batches=items,
        total=total,
        profiles=data.profiles(),
        report=None,
        error=None,
    )


@router.post("/imports", response_class=HTMLResponse)
async def imports_upload(request: Request, user: AnalystPage) -> Response:
    form = await request.form(max_files=1, max_fields=4)
    _csrf(request, form.get("csrf") if isinstance(form.get("csrf"), str) else None)  # type: ignore[arg-type]
    settings, store = get_settings(request), get_store(request)
    upload, profile = form.get("file"), form.get("profile")
    report, error = None, None
    try:
        if (
            upload is None
            or isinstance(upload, str)
            or not upload.filename
            or not isinstance(profile, str)
            or not profile
        ):
            raise WebError(422, "validation_error", "Choose a file and a profile.")
        name = safe_name(upload.filename)
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix="upload-") as tmp:
            path = Path(tmp) / name
            size, limit = 0, settings.max_upload_mb * 1024 * 1024
            with path.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    size += len(chunk)
                    if size > limit:
                        raise WebError(
                            413,
                            "upload.too_large",
                            f"File {name!r} is larger than {settings.max_upload_mb} MiB.",
                        )
                    out.write(chunk)
            check_upload(path, name)
            report = data.import_file(store, settings, path, profile)
        audit(request, user, "import", f"page/imports/{name}", profile=profile)
    except WebError as exc:
        error = exc.message
    except data.Unavailable as exc:
        error = exc.message
    total, items = records.batches(store, limit=200)
    return render(
        request,
        "imports.html",
        status_code=200 if error is None else 400,
        batches=items,
        total=total,
        profiles=data.profiles(),
        report=report,
        error=error,
    )


@router.get("/quarantine", response_class=HTMLResponse)
def quarantine_page(
    request: Request, user: AnalystPage, status: str = "open", offset: int = 0
) -> Response:
    if status not in records.QUARANTINE_STATUSES:
        status = "open"
    page = records.quarantine_rows(
        get_store(request), status=status, limit=50, offset=max(0, offset)
    )
    audit(request, user, "read", "page/quarantine", status=status)
    return render(request, "quarantine.html", page=page, status=status)


@router.post("/quarantine/{row_id}")
def quarantine_mark(
    request: Request,
    user: AnalystPage,
    row_id: int,
    status: Annotated[str, Form(pattern="^(open|fixed|dismissed)$")],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    _csrf(request, csrf)
    records.set_quarantine_status(get_store(request), row_id, status)
    audit(request, user, "update", f"quarantine/{row_id}", status=status)
    return RedirectResponse("/quarantine", status_code=303)
