"""Upload limits and file-type checks (by extension AND by content)."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.web._errors import WebError, error_body

__all__ = ["ALLOWED", "UploadLimit", "check_upload", "safe_name"]

ALLOWED = ("csv", "xlsx", "jsonl", "parquet")
_ENVELOPE = 64 * 1024  # multipart boundaries and headers around the file


class UploadLimit:
    """ASGI middleware: refuse POST bodies to upload routes above ``max_upload_mb`` MiB.

    A declared Content-Length over the limit is refused at once (413); a chunked body is cut
    when it passes the limit and the request is answered 413.
    """

    def __init__(self, app: ASGIApp, max_mb: int, paths: tuple[str, ...]) -> None:
        self.app = app
        self.limit = max_mb * 1024 * 1024 + _ENVELOPE
        self.max_mb = max_mb
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    scope["marsad.too_large"] = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        await self.app(scope, limited, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        msg = f"The upload is larger than {self.max_mb} MiB (MARSAD_MAX_UPLOAD_MB)."
        if scope["path"].startswith("/api/"):
            body = json.dumps(error_body("upload.too_large", msg, {"max_mb": self.max_mb})).encode()
            ctype = b"application/json"
        else:
            body = msg.encode()
            ctype = b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})


def safe_name(name: str) -> str:
    """A file name without folders or odd characters (kept readable for provenance)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base, flags=re.UNICODE).strip(" .")
    return base[:200] or "upload"


def _sniff(path: Path) -> str:
    """What the bytes are: xlsx, parquet, jsonl, csv, or something else."""
    with path.open("rb") as f:
        head = f.read(65536)
        f.seek(0, 2)
        size = f.tell()
        tail = b""
        if size >= 8:
            f.seek(-4, 2)
            tail = f.read(4)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            return "broken zip"
        return (
            "xlsx"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
            else "zip"
        )
    if head.startswith(b"PAR1"):
        return "parquet" if tail == b"PAR1" else "truncated parquet"
    for magic, kind in (
        (b"%PDF", "pdf"),
        (b"MZ", "executable"),
        (b"\x7fELF", "executable"),
        (b"\x89PNG", "png"),
        (b"\xff\xd8\xff", "jpeg"),
        (b"GIF8", "gif"),
        (b"\x1f\x8b", "gzip"),
        (b"\xd0\xcf\x11\xe0", "ole (xls/doc)"),
    ):
        if head.startswith(magic):
            return kind
    if b"\x00" in head:
        return "binary"
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \r\n\t")
    if text.startswith("{"):
        first = text.splitlines()[0] if text else ""
        try:
            json.loads(first)
            return "jsonl"
        except ValueError:
            return "jsonl" if len(head) == 65536 else "text"
    return "csv" if text else "empty"


def check_upload(path: Path, filename: str) -> str:
    """The file's format, after checking its extension and its content agree.

    Raises
    ------
    WebError
        415 when the extension is not one of :data:`ALLOWED` or the content is something else.
    """
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    details: dict[str, Any] = {"file": filename, "extension": ext, "allowed": list(ALLOWED)}
    if ext not in ALLOWED:
        raise WebError(
            415,
            "upload.bad_type",
            f"File {filename!r}: extension '.{ext}' is not accepted; use one of "
            + ", ".join("." + a for a in ALLOWED)
            + ".",
            details,
        )
    found = _sniff(path)
    details["detected"] = found
    if found == "empty":
        raise WebError(415, "upload.empty", f"File {filename!r} is empty.", details)
    if found != ext:
        raise WebError(
            415,
            "upload.bad_type",
            f"File {filename!r} is named .{ext} but its content looks like {found}.",
            details,
        )
    return ext
