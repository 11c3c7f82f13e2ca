"""Batch detection over JSON Lines: one output line per input line, errors included.

Input lines are ``{"id": ..., "text": ...}`` or ``{"id": ..., "turns": [{"speaker": ...,
"text": ..., "time": ..., "age": ...}, ...]}``. Every input line gives exactly one output line:
the result, or ``{"id": ..., "line": N, "error": "..."}`` naming the line and the reason
(invalid UTF-8, invalid JSON, missing field, empty or too long text...). Nothing is lost.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from marsad.detect._detector import Detector
from marsad.detect._results import Turn
from marsad.errors import DetectError

__all__ = ["BatchReport", "detect_jsonl", "parse_line"]


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
    """``(id, text or turns, error)`` for one raw input line."""
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, None, f"line {lineno}: invalid UTF-8 at byte {exc.start}"
    decoded = decoded.removeprefix("\ufeff").rstrip("\r")
    if not decoded.strip():
        return None, None, f"line {lineno}: empty line"
    if len(decoded) > max_chars + 10_000:
        return (
            _peek_id(decoded),
            None,
            (f"line {lineno}: line too long ({len(decoded):,} characters; limit {max_chars:,})"),
        )
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as exc:
        return None, None, f"line {lineno}: invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(obj, dict):
        return None, None, f"line {lineno}: expected a JSON object, got {type(obj).__name__}"
    ident = obj.get("id")
    if isinstance(ident, dict | list):
        return None, None, f"line {lineno}: field 'id' must be a string or a number"
    if "turns" in obj:
        turns = obj["turns"]
        if not isinstance(turns, list) or not turns:
            return ident, None, f"line {lineno}: field 'turns' must be a non-empty list"
        out: list[Turn] = []
        for i, t in enumerate(turns):
            if not isinstance(t, dict):
                return ident, None, f"line {lineno}: turn {i} must be an object"
            speaker, text = t.get("speaker"), t.get("text")
            if speaker is None or not isinstance(speaker, str | int):
                return ident, None, f"line {lineno}: turn {i} lacks field 'speaker'"
            if not isinstance(text, str):
                return ident, None, f"line {lineno}: turn {i} lacks field 'text' (a string)"
            if len(text) > max_chars:
                return (
                    ident,
                    None,
                    f"line {lineno}: turn {i} text too long ({len(text):,} characters)",
                )
            age = t.get("age")
            if age is not None and (
                not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120
            ):
                return (
                    ident,
                    None,
                    f"line {lineno}: turn {i} field 'age' must be a whole number from 0 to 120",
                )
            time = t.get("time")
            out.append(Turn(str(speaker), text, None if time is None else str(time), age))
        return ident, out, None
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


def _peek_id(decoded: str) -> Any:
    head = decoded[:200]
    if head.startswith('{"id":'):
        try:
            return json.loads(head[6 : head.index(",")])
        except (ValueError, json.JSONDecodeError):
            return None
    return None


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    for raw in stream:
        yield raw.rstrip(b"\n")


def detect_jsonl(detector: Detector, input: str | Path, output: str | Path = "-") -> BatchReport:
    """Run ``detector`` on every line of ``input`` and write one JSON line each to ``output``
    (``-`` = standard output)."""
    in_path = Path(input)
    if str(input) != "-" and not in_path.is_file():
        raise DetectError(
            f"Input file {in_path} does not exist.", code="detect.no_input", path=str(in_path)
        )
    n = ok = errors = harmful = 0
    src: IO[bytes] = sys.stdin.buffer if str(input) == "-" else in_path.open("rb")
    dst: IO[str] = sys.stdout if str(output) == "-" else Path(output).open("w", encoding="utf-8")  # noqa: SIM115
    try:
        for raw in _lines(src):
            n += 1
            ident, payload, error = parse_line(raw, n, detector.max_chars)
            record: dict[str, Any]
            if error is None:
                try:
                    if isinstance(payload, list):
                        c = detector.detect_conversation(payload)
                        record = {"id": ident, "line": n, **c.to_dict()}
                        record["stages"] = [s.to_dict() for s in c.stages]
                        harmful += c.harmful
                    else:
                        assert isinstance(payload, str)
                        r = detector.detect(payload)
                        record = {"id": ident, "line": n, **r.to_dict()}
                        harmful += r.harmful
                    ok += 1
                except DetectError as exc:
                    record = {"id": ident, "line": n, "error": f"line {n}: {exc.message}"}
                    errors += 1
            else:
                record = {"id": ident, "line": n, "error": error}
                errors += 1
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if src is not sys.stdin.buffer:
            src.close()
        if dst is not sys.stdout:
            dst.close()
        else:
            dst.flush()
    return BatchReport(str(input), str(output), n, ok, errors, harmful)
