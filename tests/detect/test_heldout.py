"""Held-out metrics must not regress. Floors are set slightly below what was measured when the
held-out split was first scored (see docs/detect.md, "Measured quality")."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from marsad.detect import Detector, evaluate_conversations, evaluate_file, read_conversations

DATA = Path(__file__).parent / "data"
LANGS = {"fr", "en", "ar", "ary", "ary-Latn"}


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.default()


def test_heldout_text_metrics(det: Detector, tmp_path: Path) -> None:
    rep = evaluate_file(det, DATA / "heldout.csv", errors_path=tmp_path / "errors.csv")
    assert rep.n >= 700
    assert rep.macro_f1 >= 0.93, rep.macro_f1
    assert set(rep.per_language) == LANGS
    f1s = {lang: s.f1 for lang, s in rep.per_language.items()}
    for lang, s in rep.per_language.items():
        assert s.precision >= 0.95, (lang, s)
        assert s.recall >= 0.92, (lang, s)
    assert max(f1s.values()) - min(f1s.values()) <= 0.10, f1s


def test_heldout_conversations(det: Detector) -> None:
    rep = evaluate_conversations(det, read_conversations(DATA / "conversations_heldout.jsonl"))
    assert rep.n >= 24 and rep.accuracy >= 0.9
    assert rep.per_label["grooming"].recall >= 0.8 and rep.per_label["sextortion"].recall >= 0.8
    assert rep.order_sensitive == rep.harmful


def test_dev_set_size_and_coverage() -> None:
    rows = []
    for name in ("dev.csv", "heldout.csv"):
        with (DATA / name).open(encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    assert len(rows) >= 1500
    assert {r["language"] for r in rows} == LANGS
    from marsad.taxonomy import load_taxonomy

    cats = {c for r in rows for c in r["categories"].split(";") if c}
    assert cats == set(load_taxonomy().categories) - {"other"}
    kinds = {r["kind"] for r in rows}
    assert {"news", "education", "banter", "lyrics", "gaming", "parent"} <= kinds
    convs = read_conversations(DATA / "conversations_dev.jsonl") + read_conversations(
        DATA / "conversations_heldout.jsonl"
    )
    assert len(convs) >= 60
    assert {c["label"] for c in convs} == {"grooming", "sextortion", "benign_adult", "benign_child"}


def test_committed_files_match_the_generator(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen", DATA / "generate.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.write_csv(tmp_path / "dev.csv", gen.texts(gen.templates_dev, "dev", 5))
    gen.write_csv(tmp_path / "heldout.csv", gen.texts(gen.templates_heldout, "heldout", 3))
    for name in ("dev.csv", "heldout.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"regenerate {name}"
