"""Robustness of ``marsad detect evaluate`` and ``train`` on bad files and paths (issue 3 review)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import app
from marsad.detect import read_conversations, train_model
from marsad.detect._labelled import read_labelled
from marsad.errors import DetectError

runner = CliRunner()

SMALL = (
    "id,language,categories,text\n"
    "1,fr,threats,je vais te tuer\n"
    "2,fr,,bonjour les amis\n"
    "3,en,threats,I will kill you\n"
)
CONV_OK = {
    "id": "c1",
    "label": "grooming",
    "turns": [{"speaker": "A", "text": "how old are you?"}, {"speaker": "B", "text": "12"}],
}


def _invoke(*args: str, lang: str = "en") -> object:
    return runner.invoke(app, ["detect", *args, "--lang", lang])


@pytest.fixture
def small(tmp_path: Path) -> Path:
    p = tmp_path / "small.csv"
    p.write_text(SMALL, encoding="utf-8")
    return p


# -- 2. clean errors for bad --errors / --out / input paths -----------------------------------
def test_evaluate_errors_path_that_is_a_directory(tmp_path: Path, small: Path) -> None:
    r = _invoke("evaluate", str(small), "--errors", str(tmp_path))
    assert r.exit_code == 2 and "is a directory" in r.output and str(tmp_path) in r.output
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    r = _invoke("evaluate", str(small), "--errors", str(tmp_path / "afile" / "e.csv"))
    assert r.exit_code == 2 and "is a file, not a folder" in r.output, r.output
    r = _invoke("evaluate", str(tmp_path), "--errors", str(tmp_path / "e.csv"))
    assert r.exit_code == 2 and "is a directory" in r.output, r.output


def test_train_out_that_is_a_file(tmp_path: Path, small: Path) -> None:
    f = tmp_path / "existing"
    f.write_text("keep me", encoding="utf-8")
    r = _invoke("train", str(small), "--out", str(f))
    assert r.exit_code == 2 and "is an existing file" in r.output and str(f) in r.output
    assert f.read_text(encoding="utf-8") == "keep me"
    r = _invoke("train", str(small), "--out", str(f), lang="fr")
    assert r.exit_code == 2 and "est un fichier existant" in r.output
    r = _invoke("train", str(small), "--out", str(f / "sub"))
    assert r.exit_code == 2 and "is a file, not a folder" in r.output


# -- 3. labelled conversations: file, line and reason -----------------------------------------
@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"label": "grooming", "turns": [{"speaker": "A", "text": "caf\xe9"}]}', "invalid UTF-8"),
        (json.dumps({**CONV_OK, "label": "groomin"}).encode(), "label 'groomin'"),
        (json.dumps({"turns": CONV_OK["turns"]}).encode(), "no 'label'"),
        (json.dumps({**CONV_OK, "turns": [{"speaker": "A"}]}).encode(), "lacks field 'text'"),
        (json.dumps({**CONV_OK, "turns": []}).encode(), "non-empty list"),
        (json.dumps({**CONV_OK, "turns": [{"text": "hi"}]}).encode(), "lacks field 'speaker'"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"label": ', "invalid JSON"),
    ],
)
def test_bad_conversation_lines_are_named(
    tmp_path: Path, small: Path, line: bytes, reason: str
) -> None:
    conv = tmp_path / "conv.jsonl"
    conv.write_bytes(json.dumps(CONV_OK).encode() + b"\n\n" + line + b"\n")
    errors = tmp_path / "errors.csv"
    r = _invoke("evaluate", str(small), "--conversations", str(conv), "--errors", str(errors))
    assert r.exit_code == 2, r.output
    assert "conv.jsonl, line 3:" in r.output and reason in r.output, r.output
    if "label" in reason:
        assert "allowed: grooming, sextortion, benign" in r.output
    assert not errors.exists()  # checked before any work or file is written


def test_good_conversations_with_benign_suffixes(tmp_path: Path, small: Path) -> None:
    conv = tmp_path / "conv.jsonl"
    rows = [CONV_OK, {**CONV_OK, "label": "benign_child"}, {**CONV_OK, "label": "benign"}]
    conv.write_text("\ufeff" + "\n".join(json.dumps(x) for x in rows) + "\n", encoding="utf-8")
    assert len(read_conversations(conv)) == 3
    r = _invoke(
        "evaluate",
        str(small),
        "--conversations",
        str(conv),
        "--errors",
        str(tmp_path / "e.csv"),
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["conversations"]["n"] == 3


# -- 6. CSV errors name the real cause; , ; and tab separators are accepted --------------------
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            'id,language,categories,text\n1,fr,threats,je vais te tuer\n2,fr,"unterminated,x\n3,fr,,ok\n',
            "row 3 (starting on line 3): unterminated quote",
        ),
        (
            "id,language,categories,text\n1,fr,threats,je vais te tuer\n2,fr\n",
            "row 3: 2 fields, but the header has 4",
        ),
        (
            "id,language,categories,text\n1,fr,,bonjour, ça va\n",
            "row 2: 5 fields, but the header has 4 (quote a text that contains a comma)",
        ),
        (
            'id,language,categories,text\n1,fr,,"two\nlines"\n2,fr\n',
            "row 3 (line 4): 2 fields",
        ),
        ("message|label\nhello|threats\n", "lacks column(s) categories, text"),
        ("id,language,categories,text\n1,fr,,  \n", "row 2, column 'text': empty text"),
    ],
)
def test_csv_errors_name_the_real_cause(
    tmp_path: Path, small: Path, content: str, expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(DetectError, match=r"bad\.csv") as info:
        read_labelled(bad)
    assert expected in info.value.message, info.value.message
    r = _invoke("evaluate", str(bad), "--errors", str(tmp_path / "e.csv"))
    assert r.exit_code == 2 and expected in r.output.replace("\n", ""), r.output


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separators_are_sniffed_from_the_header(tmp_path: Path, sep: str) -> None:
    p = tmp_path / "labelled.csv"
    p.write_text(
        sep.join(["id", "language", "categories", "text"])
        + "\n"
        + sep.join(["1", "fr", '"threats;cyberharassment"', "je vais te tuer, salope"])
        + "\n"
        + sep.join(["2", "fr", "", "bonjour"])
        + "\n\n",
        encoding="utf-8",
    )
    if sep == ",":  # the comma inside the text must be quoted in a comma file
        p.write_text(
            p.read_text(encoding="utf-8")
            .replace("je vais", '"je vais')
            .replace("salope", 'salope"'),
            encoding="utf-8",
        )
    items, _ = read_labelled(p)
    assert [i.text for i in items] == ["je vais te tuer, salope", "bonjour"]
    assert items[0].categories == {"threats", "cyberharassment"} and items[1].row == 3


# -- 7. --validation 0 measures nothing and says so --------------------------------------------
def test_train_without_validation_prints_no_scores(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data" / "dev.csv"
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    train = tmp_path / "train.csv"
    train.write_text(lines[0] + "".join(lines[1::6]), encoding="utf-8")
    out = tmp_path / "m"
    r = _invoke("train", str(train), "--out", str(out), "--validation", "0")
    assert r.exit_code == 0, r.output
    assert "No validation" in r.output and "Per category" not in r.output
    assert "macro F1" not in r.output
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["metrics"]["validation"] is None and meta["metrics"]["validation_share"] == 0
    assert "no validation" in meta["metrics"]["note"]
    rep = train_model(train, tmp_path / "m2", validation_share=0.0)
    assert rep.validation is None
