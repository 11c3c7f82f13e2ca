"""Streaming readers for CSV, XLSX, JSON Lines and Parquet.

Every reader yields ``(row_number, values)`` one row at a time with ``values`` aligned to the
header, so memory stays bounded by one chunk of rows whatever the file size. Row numbers are
what the user sees: the spreadsheet row for CSV and XLSX (the header is row 1, so the first data
row is row 2), the line number for JSON Lines, the 1-based record number for Parquet.

Text files are decoded as UTF-8 (with or without BOM) when the whole file is valid UTF-8;
otherwise the encoding is detected with charset-normalizer among the single-byte code pages
used in Morocco (cp1252 for French, windows-1256 for Arabic), unless the profile names one.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from marsad.errors import IngestError
from marsad.ingest._profile import FormatSpec, norm_key

__all__ = ["FileInfo", "RowReader", "inspect_file", "open_rows"]

_CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
_FALLBACK_ENCODINGS = ["cp1252", "cp1256"]
_EXTENSIONS = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

_NON_ASCII = re.compile(rb"[\x80-\xff]")
csv.field_size_limit(64 * 1024 * 1024)


@dataclass(frozen=True)
class FileInfo:
    """What the first pass over a file learnt: its SHA-256, size, format and encoding."""

    sha256: str
    size: int
    type: str
    encoding: str | None


def file_type(path: Path, fmt: FormatSpec) -> str:
    if fmt.type:
        return fmt.type
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            f"Cannot tell the format of {path.name} from its extension; set format.type in the "
            "profile to csv, xlsx, jsonl or parquet.",
            code="ingest.unknown_format",
            file=path.name,
        )
    return kind


def inspect_file(path: Path, fmt: FormatSpec) -> FileInfo:
    """One streaming pass: SHA-256 of the bytes and, for text files, the encoding."""
    if not path.is_file():
        raise IngestError(f"File {path} does not exist.", code="ingest.no_file", file=str(path))
    kind = file_type(path, fmt)
    text = kind in ("csv", "jsonl")
    sha = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    valid_utf8 = text
    sample = bytearray()
    size = 0
    first = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            if not first:
                first = chunk[:4]
            size += len(chunk)
            sha.update(chunk)
            if text and valid_utf8 and fmt.encoding == "auto":
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    valid_utf8 = False
            if (
                text
                and len(sample) < 256_000
                and fmt.encoding == "auto"
                and _NON_ASCII.search(chunk)
            ):
                for line in chunk.splitlines():
                    if _NON_ASCII.search(line):
                        sample += line[:4000] + b"\n"
    encoding: str | None = None
    if text:
        if fmt.encoding != "auto":
            encoding = fmt.encoding
        elif first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif valid_utf8:
            try:
                utf8.decode(b"", final=True)
                encoding = "utf-8-sig"
            except UnicodeDecodeError:
                encoding = _detect(bytes(sample))
        else:
            encoding = _detect(bytes(sample))
    return FileInfo(sha.hexdigest(), size, kind, encoding)


def _detect(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=_FALLBACK_ENCODINGS).best() if sample else None
    return best.encoding if best is not None else "cp1252"


class _CountingReader(io.RawIOBase):
    """A binary file that counts the bytes read, for the progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self.raw.readinto(b)  # type: ignore[attr-defined]
        self.count += n or 0
        return n or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


@dataclass
class RowReader:
    """Rows of one file. Iterate :attr:`rows`; :meth:`position` feeds the progress bar."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None
    position: Callable[[], int]
    delimiter: str | None = None
    encoding: str | None = None
    available: list[str] | None = None
    _closers: list[Callable[[], None]] = field(default_factory=list)
    raw_header: bytes | None = None
    quotechar: str = '"'

    def has(self, column: str) -> bool:
        """Whether the file has ``column`` (exact, else case-insensitive)."""
        if column in self.header:
            return True
        wanted = norm_key(column)
        return any(norm_key(h) == wanted for h in self.header)

    def index(self, column: str, profile_name: str, file_name: str, why: str) -> int:
        """Position of ``column`` in the header (exact, else case-insensitive), or a clear error."""
        if column in self.header:
            return self.header.index(column)
        wanted = norm_key(column)
        for i, h in enumerate(self.header):
            if norm_key(h) == wanted:
                return i
        hint = self._encoding_hint(column)
        if hint is not None:
            looks, header = hint
            # the names that the wrong encoding garbles, as they were read
            shown = ", ".join(
                repr(h) for h, good in zip(self.header, header, strict=False) if h != good
            )
            raise IngestError(
                f"Column {column!r} ({why} in profile {profile_name}) is not in {file_name}: "
                f"the file looks {looks} but profile {profile_name} reads it as "
                f"{self.encoding}, which reads its columns as {shown}. Set 'encoding: {looks}' under "
                f"format: in the profile (for a shipped profile, in a copy of it given to "
                "--profile as a path), or save the file as "
                f"{self.encoding}.",
                code="ingest.wrong_encoding",
                file=file_name,
                column=column,
                profile=profile_name,
                looks=looks,
                read_as=self.encoding,
                header=shown,
            )
        found = ", ".join(repr(h) for h in (self.available or self.header)[:40]) or "none"
        raise IngestError(
            f"Column {column!r} ({why} in profile {profile_name}) is not in {file_name}; "
            f"its columns are: {found}. Fix the profile or the file's header.",
            code="ingest.missing_column",
            file=file_name,
            column=column,
        )

    def _encoding_hint(self, column: str) -> tuple[str, list[str]] | None:
        """The common encoding in which the header has ``column``, when the file was read
        with another one (a UTF-8 file read as cp1252 shows 'NÂ° plainte')."""
        if self.raw_header is None or self.encoding is None or self.delimiter is None:
            return None
        current = codecs.lookup(self.encoding).name
        wanted = norm_key(column)
        for candidate in _HINT_ENCODINGS:
            if codecs.lookup(candidate).name == current:
                continue
            try:
                line = self.raw_header.decode(candidate)
            except UnicodeDecodeError:
                continue
            row = next(csv.reader([line], delimiter=self.delimiter, quotechar=self.quotechar), [])
            header = [c.strip().lstrip("\ufeff") for c in row]
            if header != self.header and any(norm_key(h) == wanted for h in header):
                return candidate, header
        return None

    def close(self) -> None:
        for c in self._closers:
            c()


def open_rows(path: Path, info: FileInfo, fmt: FormatSpec, columns: list[str]) -> RowReader:
    """Open ``path`` for streaming. ``columns``: what the profile reads (JSONL and Parquet)."""
    if info.type == "csv":
        return _csv(path, info, fmt)
    if info.type == "xlsx":
        return _xlsx(path, fmt)
    if info.type == "jsonl":
        return _jsonl(path, info, columns)
    return _parquet(path, columns)


# -- CSV ---------------------------------------------------------------------------------------
def _sniff(sample: str, quotechar: str) -> str:
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line
    best, best_fields = ",", 1
    for d in _CANDIDATE_DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=d, quotechar=quotechar) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        consistent = sum(1 for c in counts if c == counts[0]) / len(counts)
        if consistent >= 0.9 and counts[0] > best_fields:
            best, best_fields = d, counts[0]
    return best


def _csv(path: Path, info: FileInfo, fmt: FormatSpec) -> RowReader:
    encoding = info.encoding or "utf-8-sig"
    delimiter = fmt.delimiter
    if delimiter == "auto":
        with path.open(encoding=encoding, errors="replace", newline="") as f:
            delimiter = _sniff(f.read(64 * 1024), fmt.quotechar)
    counter = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 20), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter, quotechar=fmt.quotechar)
    header: list[str] = []
    number = 0
    try:
        for row in reader:
            number += 1
            if any(c.strip() for c in row):
                header = [c.strip().lstrip("\ufeff") for c in row]
                break
    except UnicodeDecodeError as exc:
        text.close()
        raise _decode_error(path, encoding, exc) from None
    if not header:
        text.close()
        raise IngestError(
            f"{path.name} is empty: no header row.", code="ingest.empty", file=path.name
        )

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = number
        try:
            for row in reader:
                n += 1
                if row and any(row):
                    yield n, row
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc, n + 1) from None
        except csv.Error as exc:
            raise IngestError(
                f"{path.name} is not a well-formed CSV file near row {n + 1}: {exc}.",
                code="ingest.bad_csv",
                file=path.name,
                row=n + 1,
            ) from None

    return RowReader(
        header,
        rows(),
        info.size,
        lambda: counter.count,
        delimiter,
        encoding,
        None,
        [text.close],
        _raw_first_line(path, number),
        fmt.quotechar,
    )


# tried, in this order, to explain a missing column by a wrong encoding
_HINT_ENCODINGS = ("utf-8", "cp1252", "cp1256")


def _raw_first_line(path: Path, number: int) -> bytes | None:
    """The bytes of line ``number`` (the header), BOM removed, when it is in the first 64 KiB."""
    with path.open("rb") as f:
        sample = f.read(64 * 1024)
    if sample.startswith(codecs.BOM_UTF8):
        sample = sample[len(codecs.BOM_UTF8) :]
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    lines = sample.split(b"\n")
    if number < 1 or len(lines) <= number - 1 or len(lines) == number:
        return None  # not a whole line inside the sample
    return lines[number - 1].rstrip(b"\r")


def _decode_error(
    path: Path, encoding: str, exc: UnicodeDecodeError, row: int | None = None
) -> IngestError:
    where = f" near row {row}" if row else ""
    return IngestError(
        f"{path.name} cannot be decoded as {encoding}{where} ({exc.reason}); set "
        "format.encoding in the profile (e.g. utf-8, cp1252 or cp1256).",
        code="ingest.encoding",
        file=path.name,
    )


# -- XLSX --------------------------------------------------------------------------------------
def _xlsx(path: Path, fmt: FormatSpec) -> RowReader:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise IngestError(
            f"{path.name} is not a readable XLSX workbook: {exc}.",
            code="ingest.bad_xlsx",
            file=path.name,
        ) from None
    try:
        if fmt.sheet is None:
            ws = wb.worksheets[0]
        elif isinstance(fmt.sheet, int):
            ws = wb.worksheets[fmt.sheet]
        else:
            ws = wb[fmt.sheet]
    except (IndexError, KeyError):
        wb.close()
        raise IngestError(
            f"{path.name} has no sheet {fmt.sheet!r}; sheets: {', '.join(wb.sheetnames)}.",
            code="ingest.no_sheet",
            file=path.name,
        ) from None
    it = ws.iter_rows(values_only=True)
    header: list[str] = []
    number = 0
    for row in it:
        number += 1
        if any(v not in (None, "") for v in row):
            header = ["" if v is None else str(v).strip() for v in row]
            break
    if not header:
        wb.close()
        raise IngestError(
            f"{path.name} is empty: no header row.", code="ingest.empty", file=path.name
        )
    state = {"n": number}

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = number
        for row in it:
            n += 1
            state["n"] = n
            if any(v not in (None, "") for v in row):
                yield n, ["" if v is None else v for v in row]

    return RowReader(header, rows(), ws.max_row, lambda: state["n"], None, None, None, [wb.close])


# -- JSON Lines ----------------------------------------------------------------------------------
def _jsonl(path: Path, info: FileInfo, columns: list[str]) -> RowReader:
    encoding = info.encoding or "utf-8-sig"
    counter = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(io.BufferedReader(counter, 1 << 20), encoding=encoding)
    header = list(columns)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = 0
        try:
            for line in text:
                n += 1
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield n, [_BadLine(f"line {n} of {path.name} is not valid JSON ({exc.msg})")]
                    continue
                if not isinstance(obj, dict):
                    yield n, [_BadLine(f"line {n} of {path.name} is not a JSON object")]
                    continue
                yield n, [_json_value(obj.get(c, "")) for c in header]
        except UnicodeDecodeError as exc:
            raise _decode_error(path, encoding, exc, n + 1) from None

    return RowReader(
        header, rows(), info.size, lambda: counter.count, None, encoding, None, [text.close]
    )


class _BadLine(str):
    """A JSON Lines line that could not be parsed; the pipeline quarantines it."""


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False)
    return v


# -- Parquet -----------------------------------------------------------------------------------
def _parquet(path: Path, columns: list[str]) -> RowReader:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise IngestError(
            f"{path.name} is not a readable Parquet file: {exc}.",
            code="ingest.bad_parquet",
            file=path.name,
        ) from None
    names = list(pf.schema_arrow.names)
    lookup = {norm_key(n): n for n in names}
    wanted = [c if c in names else lookup.get(norm_key(c), c) for c in columns]
    present = [c for c in dict.fromkeys(wanted) if c in names]
    state = {"n": 0}

    def rows() -> Iterator[tuple[int, list[Any]]]:
        n = 0
        for batch in pf.iter_batches(batch_size=8192, columns=present):
            cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for values in zip(*cols, strict=True):
                n += 1
                state["n"] = n
                yield n, ["" if v is None else v for v in values]

    # header = the columns we read (missing ones stay out so index() reports them clearly)
    header = present if present else names
    return RowReader(
        header, rows(), pf.metadata.num_rows, lambda: state["n"], None, None, names, [pf.close]
    )
