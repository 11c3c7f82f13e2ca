"""The transformer backend on a tiny BERT the test builds itself (nothing is downloaded).

torch and transformers are optional and not in the development environment; the test skips
with the install command when they are absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.detect import Detector
from marsad.errors import DetectError


def test_checkpoint_without_transformers_gives_a_clear_error(tmp_path: Path) -> None:
    try:
        import transformers  # noqa: F401

        pytest.skip("transformers is installed; the missing-package message cannot be shown")
    except ImportError:
        pass
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DetectError, match="transformers and torch are not installed"):
        Detector.default(model=tmp_path)


def test_tiny_bert_round_trip(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="torch not installed (optional: pip install torch)")
    transformers = pytest.importorskip(
        "transformers", reason="transformers not installed (optional)"
    )
    torch.manual_seed(0)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "je", "vais", "te", "tuer", "bonjour"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = transformers.BertTokenizer(str(tmp_path / "vocab.txt"))
    labels = ["threats", "cyberharassment", "not_a_category"]
    cfg = transformers.BertConfig(
        vocab_size=len(vocab),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=16,
        max_position_embeddings=32,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={v: i for i, v in enumerate(labels)},
        problem_type="multi_label_classification",
    )
    model = transformers.BertForSequenceClassification(cfg)
    out = tmp_path / "tiny"
    model.save_pretrained(out)
    tok.save_pretrained(out)
    d = Detector.default(model=out, blend="model")
    r = d.detect("je vais te tuer")
    assert set(r.scores) >= {"threats", "cyberharassment"}
    assert 0.0 <= r.scores["threats"] <= 1.0
    assert "transformer-" in d.version
    for e in r.evidence:
        assert "je vais te tuer"[e.start : e.end] == e.text
