"""Evaluation (precision, recall, F1 per category and per language) and training.

Definitions (Manning, Raghavan & Schütze 2008, §8.3): per category, precision = TP/(TP+FP),
recall = TP/(TP+FN), F1 their harmonic mean (0 when undefined); macro F1 = unweighted mean of
the per-category F1 over categories with at least one gold or predicted example; micro F1 =
F1 of the pooled TP/FP/FN. The binary ``harmful`` decision (any category) is scored overall
and per language.
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.detect._detector import Detector
from marsad.detect._labelled import LabelledText, read_labelled
from marsad.detect._model import CharNgramModel
from marsad.detect._results import TextResult
from marsad.errors import DetectError

__all__ = [
    "ConversationEvaluation",
    "EvaluationReport",
    "Scores",
    "TrainReport",
    "evaluate",
    "evaluate_conversations",
    "evaluate_file",
    "read_conversations",
    "train_model",
]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @classmethod
    def of(cls, tp: int, fp: int, fn: int) -> Scores:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return cls(round(p, 4), round(r, 4), round(f, 4), tp, fp, fn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True)
class EvaluationReport:
    """Evaluation of a detector on labelled texts (see the module docstring for definitions)."""

    n: int
    detector_version: str
    per_category: dict[str, Scores]
    per_language: dict[str, Scores]
    per_language_macro_f1: dict[str, float]
    harmful: Scores
    macro_f1: float
    micro_f1: float
    errors: int
    errors_path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "detector_version": self.detector_version,
            "macro_f1": self.macro_f1,
            "micro_f1": self.micro_f1,
            "harmful": self.harmful.to_dict(),
            "per_category": {k: v.to_dict() for k, v in self.per_category.items()},
            "per_language": {k: v.to_dict() for k, v in self.per_language.items()},
            "per_language_macro_f1": self.per_language_macro_f1,
            "errors": self.errors,
            "errors_path": self.errors_path,
        }


def _category_scores(
    gold: Sequence[frozenset[str]], pred: Sequence[Sequence[str]], categories: Sequence[str]
) -> tuple[dict[str, Scores], float, float]:
    per: dict[str, Scores] = {}
    TP = FP = FN = 0
    for c in categories:
        tp = fp = fn = 0
        for g, p in zip(gold, pred, strict=True):
            gc, pc = c in g, c in p
            tp += gc and pc
            fp += pc and not gc
            fn += gc and not pc
        if tp + fp + fn:
            per[c] = Scores.of(tp, fp, fn)
        TP, FP, FN = TP + tp, FP + fp, FN + fn
    macro = round(sum(s.f1 for s in per.values()) / len(per), 4) if per else 0.0
    micro = Scores.of(TP, FP, FN).f1
    return per, macro, micro


def evaluate(
    detector: Detector,
    items: Sequence[LabelledText],
    *,
    errors_path: str | Path | None = None,
    results: Sequence[TextResult] | None = None,
) -> EvaluationReport:
    """Score ``detector`` on labelled ``items``; write misclassified rows to ``errors_path``."""
    res = list(results) if results is not None else detector.detect_many([i.text for i in items])
    cats = list(detector.engine.categories)
    gold = [i.categories for i in items]
    pred = [r.categories for r in res]
    per_cat, macro, micro = _category_scores(gold, pred, cats)
    bylang: dict[str, list[int]] = defaultdict(list)
    for k, i in enumerate(items):
        bylang[i.language].append(k)
    per_lang: dict[str, Scores] = {}
    lang_macro: dict[str, float] = {}
    for lang, idx in sorted(bylang.items()):
        tp = sum(1 for k in idx if gold[k] and pred[k])
        fp = sum(1 for k in idx if not gold[k] and pred[k])
        fn = sum(1 for k in idx if gold[k] and not pred[k])
        per_lang[lang] = Scores.of(tp, fp, fn)
        _, lm, _ = _category_scores([gold[k] for k in idx], [pred[k] for k in idx], cats)
        lang_macro[lang] = lm
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    wrong = [k for k in range(len(items)) if set(gold[k]) != set(pred[k])]
    out_path = None
    if errors_path is not None:
        out_path = str(errors_path)
        Path(errors_path).parent.mkdir(parents=True, exist_ok=True)
        with Path(errors_path).open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "id",
                    "row",
                    "language",
                    "gold",
                    "predicted",
                    "missed",
                    "extra",
                    "evidence",
                    "text",
                ]
            )
            for k in wrong:
                it, r = items[k], res[k]
                w.writerow(
                    [
                        it.id,
                        it.row,
                        it.language,
                        ";".join(sorted(gold[k])),
                        ";".join(pred[k]),
                        ";".join(sorted(set(gold[k]) - set(pred[k]))),
                        ";".join(sorted(set(pred[k]) - set(gold[k]))),
                        " | ".join(f"{e.category}:{e.rule}" for e in r.evidence[:8]),
                        it.text,
                    ]
                )
    return EvaluationReport(
        n=len(items),
        detector_version=detector.version,
        per_category=per_cat,
        per_language=per_lang,
        per_language_macro_f1=lang_macro,
        harmful=Scores.of(tp, fp, fn),
        macro_f1=macro,
        micro_f1=micro,
        errors=len(wrong),
        errors_path=out_path,
    )


def evaluate_file(
    detector: Detector, path: str | Path, *, errors_path: str | Path | None = None
) -> EvaluationReport:
    """:func:`evaluate` on a labelled CSV file."""
    items, _ = read_labelled(path)
    return evaluate(detector, items, errors_path=errors_path)


@dataclass(frozen=True)
class TrainReport:
    """A trained model: where it is, what it learned from, and its validation metrics."""

    out_dir: str
    n: int
    data_sha256: str
    categories: tuple[str, ...]
    skipped: tuple[str, ...]
    validation: EvaluationReport
    model_version: str


def train_model(
    path: str | Path,
    out_dir: str | Path,
    *,
    validation_share: float = 0.2,
    seed: int = 2026,
    model: CharNgramModel | None = None,
) -> TrainReport:
    """Fit a :class:`CharNgramModel` on a labelled CSV and save it with its metadata.

    The metrics saved with the model come from a seeded random validation split
    (``validation_share``) scored by the model alone; the saved model is then refitted on
    every row.
    """
    if not 0.0 <= validation_share < 0.9:
        raise DetectError(
            f"validation_share must be from 0 to 0.9; got {validation_share}.",
            code="detect.bad_param",
        )
    items, digest = read_labelled(path)
    rng = random.Random(seed)
    idx = list(range(len(items)))
    rng.shuffle(idx)
    n_val = int(len(items) * validation_share)
    val = [items[k] for k in idx[:n_val]]
    fit_on = [items[k] for k in idx[n_val:]]
    proto = model or CharNgramModel()
    params = proto.get_params()
    metrics: dict[str, Any] = {}
    validation: EvaluationReport | None = None
    if val:
        m = CharNgramModel(**params).fit([i.text for i in fit_on], [i.categories for i in fit_on])
        det = Detector.default(model=m, blend="model")
        validation = evaluate(det, val)
        metrics = {
            "validation": validation.to_dict(),
            "validation_share": validation_share,
            "seed": seed,
        }
    final = CharNgramModel(**params).fit([i.text for i in items], [i.categories for i in items])
    final.save(out_dir, data_sha256=digest, metrics=metrics)
    if validation is None:
        det = Detector.default(model=final, blend="model")
        validation = evaluate(det, items)
    return TrainReport(
        out_dir=str(out_dir),
        n=len(items),
        data_sha256=digest,
        categories=tuple(c for c in final.categories_ if c not in final.skipped_),
        skipped=final.skipped_,
        validation=validation,
        model_version=final.version,
    )


@dataclass(frozen=True)
class ConversationEvaluation:
    """Conversation-level evaluation: each conversation is labelled grooming, sextortion or
    benign_*; the prediction is the pattern whose risk reaches the threshold (the larger one
    when both do), else benign. ``order_sensitive`` counts harmful conversations whose risk
    drops when their turns are reversed (and their times dropped, since turns with times are
    analysed in time order)."""

    n: int
    per_label: dict[str, Scores]
    accuracy: float
    order_sensitive: int
    harmful: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "accuracy": self.accuracy,
            "per_label": {k: v.to_dict() for k, v in self.per_label.items()},
            "order_sensitive": self.order_sensitive,
            "harmful": self.harmful,
        }


def read_conversations(path: str | Path) -> list[dict[str, Any]]:
    """Labelled conversations from JSON Lines (``id``, ``language``, ``label``, ``turns``)."""
    import json

    out = []
    p = Path(path)
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DetectError(
                f"{p.name}, line {n}: invalid JSON ({exc.msg}).", code="detect.labelled"
            ) from None
        if (
            not isinstance(obj, dict)
            or "label" not in obj
            or not isinstance(obj.get("turns"), list)
        ):
            raise DetectError(
                f"{p.name}, line {n}: needs 'label' and a list 'turns'.", code="detect.labelled"
            )
        out.append(obj)
    return out


def evaluate_conversations(
    detector: Detector, items: Sequence[dict[str, Any]]
) -> ConversationEvaluation:
    """Score grooming/sextortion detection on labelled conversations."""
    from marsad.detect._results import Turn

    th = detector.threshold
    gold: list[str] = []
    pred: list[str] = []
    sensitive = harmful = 0
    for c in items:
        turns = [
            Turn(str(t["speaker"]), str(t["text"]), t.get("time"), t.get("age")) for t in c["turns"]
        ]
        r = detector.detect_conversation(turns)
        g, s = r.grooming_risk, r.sextortion_risk
        p = "grooming" if g >= th and g >= s else "sextortion" if s >= th else "benign"
        label = "benign" if str(c["label"]).startswith("benign") else str(c["label"])
        gold.append(label)
        pred.append(p)
        if label != "benign":
            harmful += 1
            # the same turns in reverse order: without their times, which would put them back
            rev = detector.detect_conversation(
                [Turn(t.speaker, t.text, None, t.age) for t in turns[::-1]]
            )
            sensitive += rev.risk[label] < r.risk[label]
    per = {
        lab: Scores.of(
            sum(1 for a, b in zip(gold, pred, strict=True) if a == lab and b == lab),
            sum(1 for a, b in zip(gold, pred, strict=True) if a != lab and b == lab),
            sum(1 for a, b in zip(gold, pred, strict=True) if a == lab and b != lab),
        )
        for lab in ("grooming", "sextortion", "benign")
    }
    acc = (
        round(sum(a == b for a, b in zip(gold, pred, strict=True)) / len(gold), 4) if gold else 0.0
    )
    return ConversationEvaluation(len(items), per, acc, sensitive, harmful)
