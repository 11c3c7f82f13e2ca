"""Robustness of ``marsad detect`` batch mode and single-text mode (issue 3 review)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import app
from marsad.detect import Detector, detect_jsonl
from marsad.errors import DetectError

runner = CliRunner()

GOOD = '{"id": 1, "text": "je vais te tuer"}\n{"id": 2, "text": "bonjour"}\n'


def _strict_lines(path: Path) -> list[dict]:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-strict JSON constant {name}")

    return [
        json.loads(x, parse_constant=refuse) for x in path.read_text(encoding="utf-8").splitlines()
    ]


def _detect(*args: str) -> object:
    return runner.invoke(app, ["detect", *args, "--lang", "en"])


# -- 1. the output never destroys the input or a previous output --------------------------------
def test_output_that_is_the_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "same.jsonl"
    src.write_text(GOOD, encoding="utf-8")
    r = _detect("--input", str(src), "--output", str(src))
    assert r.exit_code == 2, r.output
    assert "is the input file" in r.output and "same.jsonl" in r.output
    assert src.read_text(encoding="utf-8") == GOOD


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "dotted"])
def test_output_that_is_the_input_through_a_link_is_refused(tmp_path: Path, kind: str) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    if kind == "symlink":
        out = tmp_path / "link.jsonl"
        out.symlink_to(src)
    elif kind == "hardlink":
        out = tmp_path / "hard.jsonl"
        os.link(src, out)
    else:
        out = tmp_path / "sub" / ".." / "in.jsonl"
    r = _detect("--input", str(src), "--output", str(out))
    assert r.exit_code == 2 and "is the input file" in r.output, r.output
    assert src.read_text(encoding="utf-8") == GOOD


def test_failed_run_leaves_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    det = Detector.default()
    calls = []

    def crash(text: str) -> object:
        calls.append(text)
        if len(calls) == 2:
            raise RuntimeError("simulated crash")
        return Detector.detect(det, text)

    monkeypatch.setattr(det, "detect", crash)
    with pytest.raises(RuntimeError):
        detect_jsonl(det, src, out)
    assert out.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]
    # a missing input does not touch the output either
    r = _detect("--input", str(tmp_path / "missing.jsonl"), "--output", str(out))
    assert r.exit_code == 2 and "does not exist" in r.output
    assert out.read_text(encoding="utf-8") == "previous results\n"
    # a successful run replaces it, through a symlink to another file too
    link = tmp_path / "link.jsonl"
    link.symlink_to(out)
    r = _detect("--input", str(src), "--output", str(link))
    assert r.exit_code == 0, r.output
    assert link.is_symlink() and len(_strict_lines(out)) == 2


# -- 2. clean errors instead of tracebacks ----------------------------------------------------
def test_bad_paths_give_clean_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(GOOD, encoding="utf-8")
    r = _detect("--input", str(src), "--output", "/nonexistent/dir/out.jsonl")
    assert r.exit_code == 2, r.output  # an uncaught exception would give 1
    assert "/nonexistent/dir" in r.output and "does not exist" in r.output, r.output
    r = _detect("--input", str(src), "--output", str(tmp_path))
    assert r.exit_code == 2 and "is a directory" in r.output and str(tmp_path) in r.output
    r = _detect("--input", str(tmp_path), "--output", str(tmp_path / "o.jsonl"))
    assert r.exit_code == 2 and "is a directory" in r.output, r.output
    assert not (tmp_path / "o.jsonl").exists()
    r = runner.invoke(
        app, ["detect", "--input", str(src), "--output", str(tmp_path), "--lang", "fr"]
    )
    assert r.exit_code == 2 and "est un dossier" in r.output


# -- 4. the text limit applies to the text, not to the escaped JSON line ----------------------
def test_text_limit_applies_to_text_not_to_escaped_line(tmp_path: Path) -> None:
    text = "ابتزاز " * 58_000  # 406,000 characters; about 2.1 million with \\uXXXX escapes
    src = tmp_path / "ar.jsonl"
    src.write_text(
        json.dumps({"id": "ar", "text": text})
        + "\n"
        + json.dumps({"id": "conv", "turns": [{"speaker": "A", "text": text}]})
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    r = _detect("--input", str(src), "--output", str(out))
    assert r.exit_code == 0, r.output
    rows = _strict_lines(out)
    assert [("error" in x) for x in rows] == [False, False], [x.get("error") for x in rows]


def test_raw_line_bound_protects_memory_and_keeps_lines(tmp_path: Path) -> None:
    det = Detector.default()
    det.max_chars = 1_000  # raw line bound: 16,000 bytes
    escaped = json.dumps({"id": 1, "text": "ب" * 1_000})  # 6,000+ bytes, text at the limit
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        "\n".join(
            [
                escaped,
                json.dumps({"id": 2, "text": "x" * 1_001}),
                json.dumps({"id": 3, "text": "a " * 10_000}),
                json.dumps({"id": 4, "turns": [{"speaker": "A", "text": "y" * 1_001}]}),
                json.dumps({"id": 5, "text": "je vais te tuer"}),
            ]
        ).encode()
    )
    out = tmp_path / "out.jsonl"
    rep = detect_jsonl(det, src, out)
    rows = _strict_lines(out)
    assert rep.lines == 5 and [x["line"] for x in rows] == [1, 2, 3, 4, 5]
    assert "error" not in rows[0] and rows[4]["harmful"]
    assert "text too long (1,001 characters; limit 1,000)" in rows[1]["error"]
    assert "line too long (20," in rows[2]["error"] and "16,000 bytes" in rows[2]["error"]
    assert "turn 0 text too long" in rows[3]["error"]


# -- 5. strict JSON output ----------------------------------------------------------------------
def test_non_finite_and_boolean_ids_give_error_lines(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": NaN, "text": "je vais te tuer"}\n'
        '{"id": 1e400, "text": "je vais te tuer"}\n'
        '{"id": -Infinity, "text": "je vais te tuer"}\n'
        '{"id": true, "text": "je vais te tuer"}\n'
        '{"id": 1.5, "text": "je vais te tuer"}\n'
        '{"id": null, "text": "je vais te tuer"}\n'
        '{"id": "x", "text": "je vais te tuer"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    r = _detect("--input", str(src), "--output", str(out))
    assert r.exit_code == 0 and "7 lines read: 3 results, 4 error lines" in r.output, r.output
    rows = _strict_lines(out)
    assert len(rows) == 7
    for row in rows[:3]:
        assert row["id"] is None and "must be a finite number" in row["error"]
    assert "must be a string, a number or null; got true" in rows[3]["error"]
    assert [x["id"] for x in rows[4:]] == [1.5, None, "x"]


# -- 8. single-text mode agrees with batch mode on empty texts ---------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_single_text_is_an_error(text: str) -> None:
    r = _detect(text)
    assert r.exit_code == 2 and "empty text" in r.output, r.output
    r = runner.invoke(app, ["detect", text, "--json", "--lang", "fr"])
    assert r.exit_code == 2 and "texte vide" in r.output


def test_detect_error_api_for_same_file(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(GOOD, encoding="utf-8")
    with pytest.raises(DetectError) as info:
        detect_jsonl(Detector.default(), src, src)
    assert info.value.code == "detect.same_file"
