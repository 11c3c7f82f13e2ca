"""Batch detection over JSON Lines: one output line per input line, errors included.

Input lines are ``{"id": ..., "text": ...}`` or ``{"id": ..., "turns": [{"speaker": ...,
"text": ..., "time": ..., "age": ...}, ...]}``. Every input line gives exactly one output line:
the result, or ``{"id": ..., "line": N, "error": "..."}`` naming the line and the reason
(invalid UTF-8, invalid JSON, missing field, bad id, empty or too long text...). Nothing is lost.

The text limit (``Detector.max_chars``) applies to each text and to each turn's text. The raw
line has its own, larger bound (:data:`LINE_LIMIT_FACTOR` times the text limit, in bytes) that
only protects memory: a text at the limit written with ``\\uXXXX`` escapes (up to 12 bytes per
character for a surrogate pair) fits in it. A longer line is skipped without being read into
memory whole, and gets its error line.

The output file is written to a temporary file beside it and renamed at the end, so a failed
run leaves a previous output intact; an output that is the input file itself is refused.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from marsad.detect._detector import Detector
from marsad.detect._labelled import file_error
from marsad.detect._results import Turn
from marsad.errors import DetectError

__all__ = ["LINE_LIMIT_FACTOR", "BatchReport", "detect_jsonl", "parse_line", "parse_turns"]

LINE_LIMIT_FACTOR = 16
"""The raw JSON line may hold up to this many bytes per character of the text limit."""


@dataclass(frozen=True)
class BatchReport:
    """Counts of a batch run: lines read, results written, error lines, harmful results."""

    input: str
    output: str
    lines: int
    ok: int
    errors: int
    harmful: int


def parse_line(
    raw: bytes, lineno: int, max_chars: int
) -> tuple[Any, str | list[Turn] | None, str | None]:
    """``(id, text or turns, error)`` for one raw input line.

    ``max_chars`` bounds each text; the raw line may be up to ``LINE_LIMIT_FACTOR * max_chars``
    bytes."""
    line_limit = LINE_LIMIT_FACTOR * max_chars
    if len(raw) > line_limit:
        return None, None, _line_too_long(lineno, len(raw), line_limit)
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, f"line {lineno}: invalid UTF-8 at byte {exc.start}"
    decoded = decoded.removeprefix("\ufeff").rstrip("\r")
    if not decoded.strip():
        return None, None, f"line {lineno}: empty line"
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return None, None, f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return None, None, f"line {lineno}: expected a JSON object, got {type(obj).__name__}"
    ident = obj.get("id")
    id_error = _id_error(ident)
    if id_error:
        return None, None, f"line {lineno}: {id_error}"
    if "turns" in obj:
        turns, error = parse_turns(obj["turns"], max_chars)
        if error:
            return ident, None, f"line {lineno}: {error}"
        return ident, turns, None
    if "text" not in obj:
        return ident, None, f"line {lineno}: missing field 'text' (or 'turns')"
    text = obj["text"]
    if not isinstance(text, str):
        return ident, None, f"line {lineno}: field 'text' must be a string"
    if not text.strip():
        return ident, None, f"line {lineno}: empty text"
    if len(text) > max_chars:
        return (
            ident,
            None,
            f"line {lineno}: text too long ({len(text):,} characters; limit {max_chars:,})",
        )
    return ident, text, None


def _id_error(ident: Any) -> str | None:
    """Why ``ident`` cannot be an id (a string, an integer, a finite number or null)."""
    if ident is None or isinstance(ident, str):
        return None
    if isinstance(ident, bool) or not isinstance(ident, int | float):
        return (
            f"field 'id' must be a string, a number or null; got {_json_type(ident)} "
            "(the id is not repeated here)"
        )
    if isinstance(ident, float) and not math.isfinite(ident):
        return (
            f"field 'id' must be a finite number; got {ident} (NaN, Infinity or a number too "
            "large for a double such as 1e400 cannot be written as strict JSON)"
        )
    return None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    names: dict[type, str] = {dict: "an object", list: "a list"}
    return names.get(type(value), type(value).__name__)


def parse_turns(turns: Any, max_chars: int) -> tuple[list[Turn], str | None]:
    """``(turns, error)`` for the ``turns`` field of a conversation: a non-empty list of objects
    with ``speaker`` (string or integer) and ``text`` (a string of at most ``max_chars``
    characters), optional ``time`` and ``age`` (a whole number from 0 to 120). ``error`` names
    the turn (counted from 0) and the reason."""
    if not isinstance(turns, list) or not turns:
        return [], "field 'turns' must be a non-empty list"
    out: list[Turn] = []
    for i, t in enumerate(turns):
        if not isinstance(t, dict):
            return [], f"turn {i} must be an object"
        speaker, text = t.get("speaker"), t.get("text")
        if speaker is None or isinstance(speaker, bool) or not isinstance(speaker, str | int):
            return [], f"turn {i} lacks field 'speaker' (a string or an integer)"
        if not isinstance(text, str):
            return [], f"turn {i} lacks field 'text' (a string)"
        if len(text) > max_chars:
            return [], (f"turn {i} text too long ({len(text):,} characters; limit {max_chars:,})")
        age = t.get("age")
        if age is not None and (
            not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120
        ):
            return [], f"turn {i} field 'age' must be a whole number from 0 to 120"
        time = t.get("time")
        out.append(Turn(str(speaker), text, None if time is None else str(time), age))
    return out, None


def _line_too_long(lineno: int, size: int, limit: int) -> str:
    return (
        f"line {lineno}: line too long ({size:,} bytes; a raw line may hold up to {limit:,} "
        f"bytes, {LINE_LIMIT_FACTOR} times the text limit)"
    )


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[bytes, int | None]]:
    """``(line, None)`` for each line of at most ``limit`` bytes (without its newline), and
    ``(b"", size)`` for a longer line, which is skipped in 1 MiB blocks, never held whole."""
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            size = len(raw)
            del raw
            while True:
                block = stream.readline(1 << 20)
                if not block:
                    break
                if block.endswith(b"\n"):
                    size += len(block) - 1
                    break
                size += len(block)
            yield b"", size
            continue
        yield raw.removesuffix(b"\n"), None


def _open_input(input: str | Path) -> IO[bytes]:
    if str(input) == "-":
        return sys.stdin.buffer
    p = Path(input)
    if p.is_dir():
        raise DetectError(
            f"Input {p} is a directory; give a JSON Lines file.",
            code="detect.input_is_dir",
            path=str(p),
        )
    if not p.exists():
        raise DetectError(f"Input file {p} does not exist.", code="detect.no_input", path=str(p))
    try:
        return p.open("rb")
    except OSError as exc:
        raise file_error(exc, p, f"Cannot read input file {p}", "detect.cannot_read") from None


def _check_output(output: Path, input: str | Path) -> Path:
    """The file to replace at the end (the target of a symlink), after refusing an output that
    is a directory, lies in a missing folder, or is the input file itself."""
    if output.is_dir():
        raise DetectError(
            f"Output {output} is a directory; give a file name (e.g. {output / 'out.jsonl'}).",
            code="detect.output_is_dir",
            path=str(output),
        )
    target = Path(os.path.realpath(output))
    folder = target.parent
    if not folder.is_dir():
        raise DetectError(
            f"Cannot write output {output}: folder {output.parent} does not exist.",
            code="detect.output_no_dir",
            path=str(output),
            folder=str(output.parent),
        )
    if str(input) != "-":
        same = target == Path(os.path.realpath(input))
        if not same and output.exists():
            try:
                same = os.path.samefile(input, output)
            except OSError:
                same = False
        if same:
            raise DetectError(
                f"Output {output} is the input file {input}; writing it would destroy the input. "
                "Choose another output file.",
                code="detect.same_file",
                path=str(output),
                input=str(input),
            )
    return target


def _temporary_beside(target: Path, output: Path) -> tuple[IO[str], Path]:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise file_error(
            exc, output, f"Cannot write output {output}", "detect.cannot_write"
        ) from None
    tmp = Path(name)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:  # a new file: the usual permissions (0666 minus the umask)
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    return os.fdopen(fd, "w", encoding="utf-8"), tmp


def detect_jsonl(detector: Detector, input: str | Path, output: str | Path = "-") -> BatchReport:
    """Run ``detector`` on every line of ``input`` and write one JSON line each to ``output``
    (``-`` = standard output).

    A file output is written to a temporary file in the same folder and renamed over
    ``output`` only when every line is written: a run that fails leaves a previous output as
    it was. An output that is the input file (also through a symbolic or hard link), a
    directory or a file in a missing folder is refused (:class:`DetectError`) before anything
    is written."""
    src = _open_input(input)
    n = ok = errors = harmful = 0
    tmp: Path | None = None
    dst: IO[str]
    try:
        target = None if str(output) == "-" else _check_output(Path(output), input)
        if target is None:
            dst = sys.stdout
        else:
            dst, tmp = _temporary_beside(target, Path(output))
        line_limit = LINE_LIMIT_FACTOR * detector.max_chars
        try:
            for raw, skipped in _lines(src, line_limit):
                n += 1
                record = _record(detector, raw, skipped, n, line_limit)
                if "error" in record:
                    errors += 1
                else:
                    ok += 1
                    harmful += bool(record.get("harmful"))
                dst.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
            dst.flush()
        finally:
            if dst is not sys.stdout:
                dst.close()
        if tmp is not None and target is not None:
            os.replace(tmp, target)
            tmp = None
    except OSError as exc:
        raise file_error(
            exc, output, f"Cannot write output {output}", "detect.cannot_write"
        ) from None
    finally:
        if src is not sys.stdin.buffer:
            src.close()
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return BatchReport(str(input), str(output), n, ok, errors, harmful)


def _record(
    detector: Detector, raw: bytes, skipped: int | None, n: int, line_limit: int
) -> dict[str, Any]:
    """The output record of input line ``n``: its result or its error."""
    if skipped is not None:
        return {"id": None, "line": n, "error": _line_too_long(n, skipped, line_limit)}
    ident, payload, error = parse_line(raw, n, detector.max_chars)
    if error is not None:
        return {"id": ident, "line": n, "error": error}
    try:
        if isinstance(payload, list):
            c = detector.detect_conversation(payload)
            record = {"id": ident, "line": n, **c.to_dict()}
            record["stages"] = [s.to_dict() for s in c.stages]
            return record
        assert isinstance(payload, str)
        return {"id": ident, "line": n, **detector.detect(payload).to_dict()}
    except DetectError as exc:
        return {"id": ident, "line": n, "error": f"line {n}: {exc.message}"}
