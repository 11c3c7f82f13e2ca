from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from sklearn.exceptions import NotFittedError
from typer.testing import CliRunner

from marsad.cli import app
from marsad.detect import CharNgramModel, Detector, train_model
from marsad.errors import DetectError

DATA = Path(__file__).parent / "data"
runner = CliRunner()


def _subset(path: Path, out: Path, every: int) -> Path:
    """Every n-th row of a labelled CSV (keeps the tests fast on a shared 2-core machine)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out.write_text(lines[0] + "".join(lines[1::every]), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("model")
    train_model(_subset(DATA / "dev.csv", tmp / "train.csv", 3), tmp / "m", validation_share=0.25)
    return tmp / "m"


def test_unfitted_model_is_refused() -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        CharNgramModel().predict_proba(["x"])


def test_fit_returns_self_and_learns() -> None:
    texts = ["je vais te tuer"] * 4 + ["bonjour les amis"] * 4 + ["I will kill you"] * 4
    labels = [{"threats"}] * 4 + [set()] * 4 + [{"threats"}] * 4
    m = CharNgramModel(min_df=1, cv=2)
    assert m.fit(texts, labels) is m
    assert "threats" in m.classifiers_ and "ncii" in m.skipped_
    p = m.predict_scores(["je vais te tuer demain", "bonjour tout le monde"])
    assert p[0]["threats"] > p[1]["threats"]
    with pytest.raises(DetectError, match="C must be positive"):
        CharNgramModel(C=0).fit(texts, labels)


def test_train_evaluate_round_trip(model_dir: Path, tmp_path: Path) -> None:
    meta = json.loads((model_dir / "metadata.json").read_text())
    assert meta["format"] == "marsad-charngram-v1" and len(meta["model_sha256"]) == 64
    assert (
        meta["taxonomy_version"]
        and meta["data_sha256"]
        and meta["metrics"]["validation"]["macro_f1"] > 0.6
    )
    d = Detector.default(model=model_dir, blend="model")
    assert "model-" in d.version
    r = d.detect("je vais te buter, je sais où tu habites")
    assert "threats" in r.categories
    assert all(
        e.text == "je vais te buter, je sais où tu habites"[e.start : e.end] for e in r.evidence
    )
    errors = tmp_path / "errors.csv"
    res = runner.invoke(
        app,
        [
            "detect",
            "evaluate",
            str(DATA / "heldout.csv"),
            "--model",
            str(model_dir),
            "--errors",
            str(errors),
            "--json",
            "--lang",
            "en",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["macro_f1"] > 0.5 and set(data["per_language"]) == {
        "fr",
        "en",
        "ar",
        "ary",
        "ary-Latn",
    }
    assert errors.exists()


def test_model_evidence_comes_from_features(model_dir: Path) -> None:
    m = CharNgramModel.load(model_dir)
    text = "sifti liya 2000 dh wla nnchr tsawr dyalk"
    ev = m.explain(text, "sextortion")
    assert ev and all(e.rule.startswith("model:") and text[e.start : e.end] == e.text for e in ev)


def test_tampered_or_stale_model_is_refused(model_dir: Path, tmp_path: Path) -> None:
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(model_dir, bad)
    with (bad / "model.joblib").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(DetectError, match="does not match") as exc:
        Detector.default(model=bad)
    assert exc.value.code == "detect.model_tampered"
    stale = tmp_path / "stale"
    shutil.copytree(model_dir, stale)
    meta = json.loads((stale / "metadata.json").read_text())
    meta["taxonomy_version"] = "1999.01"
    (stale / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(DetectError, match=r"taxonomy 1999\.01"):
        CharNgramModel.load(stale)
    res = runner.invoke(app, ["detect", "x", "--model", str(bad), "--lang", "en"])
    assert res.exit_code == 2 and "Refusing" in res.output


def test_cli_train(tmp_path: Path) -> None:
    out = tmp_path / "m"
    small = _subset(DATA / "dev.csv", tmp_path / "small.csv", 10)
    res = runner.invoke(
        app, ["detect", "train", str(small), "--out", str(out), "--validation", "0", "--lang", "en"]
    )
    assert res.exit_code == 0, res.output
    assert "Model saved" in res.output and (out / "model.joblib").exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("text,categories\nhello,not_a_category\n", encoding="utf-8")
    res = runner.invoke(app, ["detect", "train", str(bad), "--out", str(out), "--lang", "en"])
    assert res.exit_code == 2 and "row 2" in res.output and "not_a_category" in res.output


def test_cli_train_on_several_files(tmp_path: Path) -> None:
    one = _subset(DATA / "dev.csv", tmp_path / "one.csv", 10)
    two = _subset(DATA / "darija_dev.csv", tmp_path / "two.csv", 6)
    out = tmp_path / "m2"
    args = ["train", str(one), str(two), "--out", str(out), "--validation", "0"]
    res = runner.invoke(app, ["detect", *args, "--lang", "en"])
    assert res.exit_code == 0, res.output
    meta = json.loads((out / "metadata.json").read_text())
    single = hashlib.sha256(one.read_bytes()).hexdigest()
    assert meta["data_sha256"] not in {single, ""}  # both files' rows, not the first file's
    n_rows = sum(len(list(csv.DictReader(p.open(encoding="utf-8")))) for p in (one, two))
    assert f"({n_rows} labelled texts)" in " ".join(res.output.split())
    res = runner.invoke(
        app, ["detect", "train", str(one), str(tmp_path / "missing.csv"), "--out", str(out)]
    )
    assert res.exit_code == 2 and "missing.csv" in res.output


def test_probabilities_equal_the_calibrated_classifiers(model_dir: Path) -> None:
    import numpy as np

    m = CharNgramModel.load(model_dir)
    texts = [
        "je vais te tuer",
        "send me nudes or else",
        "nta 7mar",
        "سير تقود",
        "bonne journée",
        "",
    ]
    got = m.predict_proba(texts)
    X = m.vectorizer_.transform(texts)
    want = np.zeros_like(got)
    for j, c in enumerate(m.categories_):
        clf = m.classifiers_.get(c)
        if clf is not None:
            want[:, j] = clf.predict_proba(X)[:, 1]
    assert np.abs(got - want).max() < 1e-9
    assert (want > 0).any()
    # the matrix built for prediction is not written with the model
    m.save(model_dir.parent / "again", data_sha256="x")
    assert "_stack" not in CharNgramModel.load(model_dir.parent / "again").__dict__
