from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import app
from marsad.detect import Detector, detect_jsonl

runner = CliRunner()


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_bad_input_gives_one_error_line_each(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    big = "a" * 10_500_000
    lines = [
        json.dumps({"id": 1, "text": "je vais te tuer"}).encode(),
        b'{"id": 2, "text": "unterminated',
        b"\xff\xfe\x00garbage\x80",
        json.dumps({"id": 4}).encode(),
        json.dumps({"id": 5, "text": ""}).encode(),
        json.dumps({"id": 6, "text": big}).encode(),
        json.dumps({"id": 7, "turns": [{"speaker": "A"}]}).encode(),
        json.dumps(
            {
                "id": 8,
                "turns": [
                    {"speaker": "A", "text": "hey how old are you?"},
                    {"speaker": "B", "text": "12", "age": 12},
                ],
            }
        ).encode(),
        b"[1, 2, 3]",
        b"",
        json.dumps({"id": 11, "text": 42}).encode(),
        json.dumps({"id": 12, "turns": [{"speaker": "A", "text": "hi", "age": "old"}]}).encode(),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    report = detect_jsonl(Detector.default(), src, out)
    rows = _lines(out)
    assert report.lines == len(lines) == len(rows)
    assert [r["line"] for r in rows] == list(range(1, len(lines) + 1))
    assert rows[0]["harmful"] and rows[0]["categories"] == ["threats"] and rows[0]["id"] == 1
    for r in rows[0:1] + rows[7:8]:
        assert {"id", "harmful", "categories", "scores", "language", "evidence"} <= set(r)
    assert {"stages", "risk"} <= set(rows[7])
    expected = {
        2: "invalid JSON",
        3: "invalid UTF-8",
        4: "missing field 'text'",
        5: "empty text",
        6: "too long",
        7: "lacks field 'text'",
        9: "expected a JSON object",
        10: "empty line",
        11: "must be a string",
        12: "'age'",
    }
    for line, reason in expected.items():
        err = rows[line - 1]["error"]
        assert err.startswith(f"line {line}:") and reason in err, err
    assert report.errors == len(expected)
    assert rows[5]["id"] == 6


def test_cli_single_text_json_and_rich() -> None:
    r = runner.invoke(
        app, ["detect", "I will kill you, I know where you live", "--json", "--lang", "en"]
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["harmful"] is True and data["categories"] == ["threats"]
    ev = data["evidence"][0]
    assert "I will kill you, I know where you live"[ev["start"] : ev["end"]] == ev["text"]
    r = runner.invoke(app, ["detect", "bonjour, on se voit demain ?", "--lang", "fr"])
    assert r.exit_code == 0 and "Aucune violence" in r.output


def test_cli_batch_and_usage_errors(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": "a", "text": "Pay me 500 dollars or I send your nudes to your family"}\nnot json\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    r = runner.invoke(app, ["detect", "--input", str(src), "--output", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "2 lines read" in r.output and "1 error" in r.output
    rows = _lines(out)
    assert rows[0]["categories"] == ["sextortion"] and "error" in rows[1]
    r = runner.invoke(app, ["detect", "--input", str(tmp_path / "missing.jsonl"), "--lang", "en"])
    assert r.exit_code == 2 and "does not exist" in r.output
    r = runner.invoke(app, ["detect", "--lang", "en"])
    assert r.exit_code == 2 and "exactly one" in r.output


def test_user_lexicon_directory(tmp_path: Path) -> None:
    lex = tmp_path / "lex"
    lex.mkdir()
    (lex / "local.yaml").write_text(
        "language: fr\nthreats:\n  0.9: [je vais te zigouiller]\n", encoding="utf-8"
    )
    assert not Detector.default().detect("je vais te zigouiller").harmful
    d = Detector.default(extra_lexicons=lex)
    r = d.detect("Je vais te ZIGOUIIIILLER")
    assert r.categories == ("threats",)
    assert r.evidence[0].text == "Je vais te ZIGOUIIIILLER"
    assert d.version != Detector.default().version
    (lex / "bad.yaml").write_text("language: fr\nthreats:\n  2.0: [x]\n", encoding="utf-8")
    r2 = runner.invoke(app, ["detect", "x", "--lexicons", str(lex), "--lang", "en"])
    assert r2.exit_code == 2 and "bad.yaml" in r2.output and "weight 2.0" in r2.output


@pytest.mark.parametrize("bad", ["{\n", "- a list\n", "language: fr\nthreats: [x]\n"])
def test_bad_lexicon_files_are_named(tmp_path: Path, bad: str) -> None:
    from marsad.errors import DetectError

    (tmp_path / "broken.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(DetectError, match=r"broken\.yaml"):
        Detector.default(extra_lexicons=tmp_path)
