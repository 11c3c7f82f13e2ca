"""REST API ``/api/v1``: thin routes over the library (no SQL, no statistics here).

Viewers read published, disclosure-controlled aggregates only; analysts also read narratives,
quarantine and unsuppressed cells; admins manage users and tokens. Every read and export is
written to the audit log.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FsPath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from marsad.report import _data as data
from marsad.taxonomy import load_taxonomy
from marsad.web import _records as records
from marsad.web._audit import audit_entries
from marsad.web._deps import api_user, audit, deny, get_settings, get_store, require_api
from marsad.web._errors import ErrorBody, WebError
from marsad.web._exports import to_csv, to_xlsx
from marsad.web._upload import check_upload, safe_name
from marsad.web._users import User, add_user, create_token, list_users

__all__ = ["router"]

_ERR = {"content": {"application/json": {"schema": ErrorBody}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad request", **_ERR},
    401: {"description": "Not authenticated", **_ERR},
    403: {"description": "Role not allowed", **_ERR},
    404: {"description": "Not found", **_ERR},
    422: {"description": "Invalid parameters", **_ERR},
    503: {"description": "The stage that produces this result is not available", **_ERR},
}
router = APIRouter(prefix="/api/v1", responses=_RESPONSES)

Viewer = Annotated[User, Depends(require_api("viewer"))]
Analyst = Annotated[User, Depends(require_api("analyst"))]
Admin = Annotated[User, Depends(require_api("admin"))]
Limit = Annotated[int, Query(ge=1, le=1000, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip")]
Code = Annotated[str | None, Query(max_length=64, pattern=r"^[A-Za-z0-9_+\-]+$")]


class PageOut(BaseModel):
    """A page of rows with the total number that match."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class Me(BaseModel):
    username: str
    role: str


class DetectIn(BaseModel):
    text: str = Field(min_length=1, max_length=100_000, description="Text to analyse (not stored)")


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=10, max_length=1024)
    role: Literal["viewer", "analyst", "admin"]


class TokenIn(BaseModel):
    name: str = Field(default="api", min_length=1, max_length=100)


class TokenOut(BaseModel):
    username: str
    name: str
    token: str


class StatusIn(BaseModel):
    status: Literal["open", "fixed", "dismissed"]


def _filters(
    period: Annotated[
        str | None, Query(max_length=16, pattern=r"^\d{4}(-(Q[1-4]|\d{2}))?$")
    ] = None,
    region: Code = None,
    space: Code = None,
    category: Code = None,
    age_band: Code = None,
    gender: Code = None,
) -> dict[str, str | None]:
    """Filters on the disaggregations; codes are checked against the taxonomy."""
    tax = load_taxonomy()
    given = {
        "period": period,
        "region": region,
        "space": space,
        "category": category,
        "age_band": age_band,
        "gender": gender,
    }
    dims = {
        "region": tax.regions,
        "space": tax.spaces,
        "category": tax.categories,
        "gender": tax.genders,
    }
    bad = [
        {
            "location": f"query.{k}",
            "message": f"unknown code {given[k]!r}; allowed: {', '.join(sorted(v))}",
        }
        for k, v in dims.items()
        if given[k] is not None and given[k] not in v
    ]
    if bad:
        raise WebError(
            422,
            "validation_error",
            "Invalid request: " + "; ".join(f"{b['location']}: {b['message']}" for b in bad),
            bad,
        )
    return given


Filters = Annotated[dict[str, str | None], Depends(_filters)]


def _page(rows: list[dict[str, Any]], limit: int, offset: int) -> PageOut:
    return PageOut(total=len(rows), limit=limit, offset=offset, items=rows[offset : offset + limit])


def _export(rows: list[dict[str, Any]], fmt: str, name: str) -> Response:
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["empty"]
    flat = [
        {k: (v if not isinstance(v, dict | list) else str(v)) for k, v in r.items()} for r in rows
    ]
    if fmt == "xlsx":
        return Response(
            to_xlsx(flat, columns, sheet=name),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return Response(
        to_csv(flat, columns),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


# -- who am I ---------------------------------------------------------------------------------
@router.get("/me", response_model=Me, tags=["auth"])
def me(user: Annotated[User, Depends(api_user)]) -> Me:
    """The authenticated user and role."""
    return Me(username=user.username, role=user.role)


# -- published aggregates (viewer and up) -----------------------------------------------------
@router.get("/indicators/definitions", tags=["indicators"])
def indicator_definitions(request: Request, user: Viewer) -> list[dict[str, Any]]:
    """The indicator definitions: id, labels, unit and allowed disaggregations."""
    audit(request, user, "read", "indicators/definitions")
    return data.indicator_definitions(get_settings(request))


@router.get("/indicators", response_model=PageOut, tags=["indicators"])
def indicators(
    request: Request,
    user: Viewer,
    filters: Filters,
    indicator: Code = None,
    limit: Limit = 100,
    offset: Offset = 0,
    publish: Annotated[bool, Query(description="false = raw small counts (analysts only)")] = True,
) -> PageOut:
    """Indicator values with intervals, filtered; disclosure-controlled unless an analyst asks."""
    if not publish and not user.can("analyst"):
        deny(request, user, "auth.forbidden", needs="analyst", publish=False)
        raise WebError(
            403, "auth.forbidden", "Only analysts may read cells before disclosure control."
        )
    rows = data.indicator_cells(
        get_store(request),
        get_settings(request),
        indicator=indicator,
        filters=filters,
        publish=publish,
    )
    audit(
        request,
        user,
        "read",
        "indicators",
        indicator=indicator,
        publish=publish,
        **{k: v for k, v in filters.items() if v},
    )
    return _page(rows, limit, offset)


@router.get(
    "/indicators/export",
    tags=["indicators"],
    response_class=Response,
    responses={
        200: {
            "content": {
                "text/csv": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            }
        }
    },
)
def indicators_export(
    request: Request,
    user: Viewer,
    filters: Filters,
    indicator: Code = None,
    format: Literal["csv", "xlsx"] = "csv",
) -> Response:
    """CSV or XLSX of published (disclosure-controlled) cells; formula injection neutralised."""
    rows = data.indicator_cells(
        get_store(request),
        get_settings(request),
        indicator=indicator,
        filters=filters,
        publish=True,
    )
    audit(request, user, "export", "indicators", format=format, indicator=indicator, rows=len(rows))
    return _export(rows, format, "indicators")


@router.get("/threats", response_model=PageOut, tags=["threats"])
def threats(request: Request, user: Viewer, limit: Limit = 100, offset: Offset = 0) -> PageOut:
    """Emerging threats ranked by space: observed vs expected, growth with its interval."""
    rows = data.emerging_threats(get_store(request), get_settings(request), publish=True)
    audit(request, user, "read", "threats")
    return _page(rows, limit, offset)


@router.get("/legal/matrix", tags=["legal"])
def legal_matrix(
    request: Request, user: Viewer, lang: Literal["fr", "ar", "en"] = "en"
) -> dict[str, Any]:
    """Coverage matrix: category × space × victim group → explicit / partial / none."""
    audit(request, user, "read", "legal/matrix")
    return data.legal_matrix(get_store(request), get_settings(request), lang)


@router.get("/legal/gaps", response_model=PageOut, tags=["legal"])
def legal_gaps(
    request: Request,
    user: Viewer,
    lang: Literal["fr", "ar", "en"] = "en",
    limit: Limit = 100,
    offset: Offset = 0,
) -> PageOut:
    """Gaps against international standards, ranked by measured burden."""
    audit(request, user, "read", "legal/gaps")
    return _page(data.legal_gaps(get_store(request), get_settings(request), lang), limit, offset)


@router.get("/legal/recommendations", response_model=PageOut, tags=["legal"])
def legal_recommendations(
    request: Request,
    user: Viewer,
    lang: Literal["fr", "ar", "en"] = "en",
    limit: Limit = 100,
    offset: Offset = 0,
) -> PageOut:
    """Prioritised recommendations citing the gap, the evidence and the standard."""
    audit(request, user, "read", "legal/recommendations")
    return _page(
        data.recommendations(get_store(request), get_settings(request), lang), limit, offset
    )


@router.get("/comparison", response_model=PageOut, tags=["comparison"])
def comparison(
    request: Request,
    user: Viewer,
    lang: Literal["fr", "ar", "en"] = "en",
    limit: Limit = 100,
    offset: Offset = 0,
) -> PageOut:
    """National values beside comparable international figures, with caveats and status."""
    audit(request, user, "read", "comparison")
    return _page(data.comparison(get_store(request), get_settings(request), lang), limit, offset)


@router.get("/estimates", response_model=PageOut, tags=["estimates"])
def estimates(request: Request, user: Viewer, limit: Limit = 100, offset: Offset = 0) -> PageOut:
    """What the records miss: multiple-systems estimates and the reporting gap."""
    audit(request, user, "read", "estimates")
    return _page(
        data.estimates(get_store(request), get_settings(request), publish=True), limit, offset
    )


@router.post("/detect", tags=["detection"])
def detect(request: Request, user: Viewer, body: DetectIn) -> dict[str, Any]:
    """Analyse a text: categories, scores, language and evidence spans (offsets into the text)."""
    result = data.detect_text(body.text)
    audit(request, user, "detect", "detect", chars=len(body.text))
    return result


# -- analysts ----------------------------------------------------------------------------------
@router.get("/imports", response_model=PageOut, tags=["imports"])
def imports(request: Request, user: Analyst, limit: Limit = 100, offset: Offset = 0) -> PageOut:
    """Import batches with provenance (file, SHA-256, profile) and row counts."""
    total, items = records.batches(get_store(request), limit=limit, offset=offset)
    audit(request, user, "read", "imports")
    return PageOut(total=total, limit=limit, offset=offset, items=[data.plain(b) for b in items])


@router.post(
    "/imports",
    status_code=201,
    tags=["imports"],
    responses={
        413: {"description": "Too large", **_ERR},
        415: {"description": "Wrong type", **_ERR},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", "profile"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "profile": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
)
async def upload(request: Request, user: Analyst) -> dict[str, Any]:
    """Import a file (CSV, XLSX, JSON Lines, Parquet) with a source profile.

    Limits: ``max_upload_mb``; the extension and the content must agree. Rows with errors are
    quarantined by the ingest library and counted in the answer, never dropped.
    """
    settings = get_settings(request)
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get("file")
    profile = form.get("profile")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise WebError(
            422,
            "validation_error",
            "Invalid request: body.file: a file is required",
            [{"location": "body.file", "message": "a file is required"}],
        )
    if not isinstance(profile, str) or not profile.strip():
        raise WebError(
            422,
            "validation_error",
            "Invalid request: body.profile: a profile id is required",
            [{"location": "body.profile", "message": "a profile id is required"}],
        )
    name = safe_name(upload.filename)
    limit = settings.max_upload_mb * 1024 * 1024
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix="upload-") as tmp:
        path = FsPath(tmp) / name
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise WebError(
                        413,
                        "upload.too_large",
                        f"File {name!r} is larger than {settings.max_upload_mb} MiB.",
                        {"file": name, "max_mb": settings.max_upload_mb},
                    )
                out.write(chunk)
        check_upload(path, name)
        report = data.import_file(get_store(request), settings, path, profile.strip())
    audit(
        request,
        user,
        "import",
        f"imports/{name}",
        profile=profile.strip(),
        batch_id=report.get("batch_id"),
        quarantined=report.get("quarantined"),
    )
    return report


@router.get("/quarantine", response_model=PageOut, tags=["quarantine"])
def quarantine(
    request: Request,
    user: Analyst,
    status: Literal["open", "fixed", "superseded", "dismissed"] | None = "open",
    batch_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PageOut:
    """Quarantined rows with the raw row (identifiers pseudonymised) and the errors found."""
    page = records.quarantine_rows(
        get_store(request), status=status, batch_id=batch_id, limit=limit, offset=offset
    )
    audit(request, user, "read", "quarantine", status=status, batch_id=batch_id)
    return PageOut(**data.plain(page))


@router.post("/quarantine/{row_id}", tags=["quarantine"])
def quarantine_status(
    request: Request, user: Analyst, row_id: Annotated[int, Path(ge=1, le=2**62)], body: StatusIn
) -> dict[str, Any]:
    """Mark a quarantined row fixed, dismissed or open again."""
    records.set_quarantine_status(get_store(request), row_id, body.status)
    audit(request, user, "update", f"quarantine/{row_id}", status=body.status)
    return {"id": row_id, "status": body.status}


@router.get("/incidents", response_model=PageOut, tags=["incidents"])
def incidents(
    request: Request,
    user: Analyst,
    filters: Filters,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PageOut:
    """Incidents with scrubbed narratives (analysts only; never published)."""
    period = filters.get("period")
    year = int(period[:4]) if period else None
    page = records.incidents(
        get_store(request),
        filters=filters,
        year_from=year,
        year_to=year,
        limit=limit,
        offset=offset,
    )
    audit(request, user, "read", "incidents", **{k: v for k, v in filters.items() if v})
    return PageOut(**data.plain(page))


# -- admins ------------------------------------------------------------------------------------
@router.get("/users", tags=["admin"])
def users(request: Request, user: Admin) -> list[dict[str, Any]]:
    audit(request, user, "read", "users")
    return [data.plain(u) for u in list_users(get_store(request))]


@router.post("/users", status_code=201, tags=["admin"])
def users_add(request: Request, user: Admin, body: UserIn) -> dict[str, Any]:
    created = add_user(get_store(request), body.username, body.password, body.role)
    audit(
        request, user, "admin", f"users/{created.username}", event="user_added", role=created.role
    )
    return dict(data.plain(created))


@router.post("/users/{username}/tokens", status_code=201, response_model=TokenOut, tags=["admin"])
def users_token(
    request: Request,
    user: Admin,
    username: Annotated[str, Path(min_length=2, max_length=64)],
    body: TokenIn,
) -> TokenOut:
    token = create_token(get_store(request), username, body.name)
    audit(request, user, "admin", f"users/{username}/tokens", event="token_created", name=body.name)
    return TokenOut(username=username, name=body.name, token=token)


@router.get("/audit", response_model=PageOut, tags=["admin"])
def audit_log(
    request: Request,
    user: Admin,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[
        str | None, Query(max_length=32, description="e.g. read, export, denied")
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> PageOut:
    total, entries = audit_entries(
        get_store(request), actor=actor, action=action, limit=limit, offset=offset
    )
    audit(request, user, "read", "audit")
    return PageOut(total=total, limit=limit, offset=offset, items=[data.plain(e) for e in entries])
