"""Labelled texts for training and evaluation (CSV), with row-level validation."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from marsad.errors import DetectError
from marsad.taxonomy import load_taxonomy

__all__ = ["SEPARATORS", "LabelledText", "read_input_bytes", "read_labelled"]


@dataclass(frozen=True)
class LabelledText:
    """One labelled text: its id, text, gold categories (empty = not harmful) and language."""

    id: str
    text: str
    categories: frozenset[str]
    language: str
    row: int


SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
"""Field separators a labelled CSV may use; the header line decides (see :func:`read_labelled`)."""


def file_error(exc: OSError, path: str | Path, message: str, code: str) -> DetectError:
    """``message``, then the operating system's reason, as the error a user sees (``code``:
    ``detect.cannot_read`` or ``detect.cannot_write``)."""
    reason = exc.strerror or str(exc)
    return DetectError(f"{message}: {reason}.", code=code, path=str(path), reason=reason)


def read_input_bytes(p: Path, what: str = "Input file") -> bytes:
    """The bytes of an input file, or a :class:`DetectError` saying it is missing, a directory
    or unreadable."""
    if p.is_dir():
        raise DetectError(
            f"{what} {p} is a directory; give a file.", code="detect.input_is_dir", path=str(p)
        )
    if not p.exists():
        raise DetectError(f"{what} {p} does not exist.", code="detect.no_input", path=str(p))
    try:
        return p.read_bytes()
    except OSError as exc:
        raise file_error(exc, p, f"Cannot read {p}", "detect.cannot_read") from None


def _header(first_line: str) -> tuple[str, list[str]]:
    """The separator whose header has the columns ``text`` and ``categories`` (comma first),
    and the header's column names (stripped, lower case); comma when none fits."""
    for sep in SEPARATORS:
        names = [c.strip().lower() for c in next(csv.reader([first_line], delimiter=sep), [])]
        if {"text", "categories"} <= set(names):
            return sep, names
    return ",", [c.strip().lower() for c in next(csv.reader([first_line]), [])]


def read_labelled(path: str | Path) -> tuple[list[LabelledText], str]:
    """Rows of a labelled CSV (columns ``text``, ``categories``; optional ``id``, ``language``)
    and the SHA-256 of the file. ``categories`` holds taxonomy ids separated by ``;`` (empty
    for a text that is not harmful).

    The separator is a comma, a semicolon or a tab: the one whose header line names both
    ``text`` and ``categories``. Fields holding the separator, a quote or a line break are
    quoted (``"..."``, quotes inside doubled). Every row must have as many fields as the header;
    an unclosed quote, a short or long row, an empty text or an unknown category raises a
    :class:`DetectError` naming the row (the header is row 1; the file line is given when a
    quoted line break makes it differ)."""
    p = Path(path)
    raw = read_input_bytes(p, "Labelled file")
    digest = hashlib.sha256(raw).hexdigest()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DetectError(
            f"{p.name} is not UTF-8 (byte {exc.start}); save it as UTF-8.", code="detect.labelled"
        ) from None
    first = content.split("\n", 1)[0].rstrip("\r")
    sep, names = _header(first)
    missing = {"text", "categories"} - set(names)
    if missing:
        found = ", ".join(n for n in names if n) or "none"
        raise DetectError(
            f"{p.name} lacks column(s) {', '.join(sorted(missing))}; it needs text, categories "
            f"(and optionally id, language) in its first line, separated by commas, semicolons "
            f"or tabs. Found: {found}.",
            code="detect.labelled",
        )
    col = {n: k for k, n in reversed(list(enumerate(names)))}
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=sep, strict=True)
    known = set(load_taxonomy().categories)
    out: list[LabelledText] = []
    where_sep = SEPARATORS[sep]
    i = 1  # row number: the header is row 1
    rows = iter(reader)
    next(rows, None)
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            fields = next(rows, None)
        except csv.Error as exc:
            i += 1
            if "unexpected end of data" in str(exc):
                raise DetectError(
                    f"{p.name}, row {i} (starting on line {start}): unterminated quote: a field "
                    'opens a quote (") that is never closed; close it, and double any quote '
                    'inside a quoted text ("").',
                    code="detect.labelled",
                ) from None
            raise DetectError(
                f"{p.name}, row {i} (line {reader.line_num}): malformed CSV ({exc}); a field "
                "that holds a quote must be quoted as a whole, with the inner quotes doubled.",
                code="detect.labelled",
            ) from None
        if fields is None:
            break
        last_line = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip() and len(names) > 1):
            continue  # a blank line
        i += 1
        at = f"row {i}" if start == i else f"row {i} (line {start})"
        if len(fields) != len(names):
            hint = (
                f"quote a text that contains a {where_sep}"
                if len(fields) > len(names)
                else "a field or a separator is missing"
            )
            raise DetectError(
                f"{p.name}, {at}: {len(fields)} field{'s' if len(fields) != 1 else ''}, but the "
                f"header has {len(names)} ({hint}).",
                code="detect.labelled",
            )
        row = {n: fields[k] for n, k in col.items()}
        text = row.get("text") or ""
        if not text.strip():
            raise DetectError(f"{p.name}, {at}, column 'text': empty text.", code="detect.labelled")
        cats = frozenset(
            c.strip()
            for c in (row.get("categories") or "").replace(",", ";").split(";")
            if c.strip()
        )
        bad = cats - known
        if bad:
            raise DetectError(
                f"{p.name}, {at}, column 'categories': unknown categor{'ies' if len(bad) > 1 else 'y'} "
                f"{', '.join(sorted(bad))}; known: {', '.join(sorted(known))}.",
                code="detect.labelled",
            )
        out.append(
            LabelledText(
                id=row.get("id") or str(i - 1),
                text=text,
                categories=cats,
                language=(row.get("language") or "und").strip(),
                row=i,
            )
        )
    if not out:
        raise DetectError(f"{p.name} has no rows.", code="detect.labelled")
    return out, digest
