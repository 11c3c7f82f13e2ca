"""Evaluation (precision, recall, F1 per category and per language) and training.

Definitions (Manning, Raghavan & Schütze 2008, §8.3): per category, precision = TP/(TP+FP),
recall = TP/(TP+FN), F1 their harmonic mean (0 when undefined); macro F1 = unweighted mean of
the per-category F1 over categories with at least one gold or predicted example; micro F1 =
F1 of the pooled TP/FP/FN. The binary ``harmful`` decision (any category) is scored overall
and per language.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marsad.detect._detector import MAX_CHARS, Detector
from marsad.detect._labelled import LabelledText, file_error, read_input_bytes, read_labelled
from marsad.detect._model import CharNgramModel
from marsad.detect._results import TextResult
from marsad.errors import DetectError

__all__ = [
    "CONVERSATION_LABELS",
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
        _check_errors_path(errors_path)
        try:
            _write_errors(errors_path, items, res, gold, pred, wrong)
        except OSError as exc:
            raise file_error(
                exc,
                errors_path,
                f"Cannot write the errors file {errors_path}",
                "detect.cannot_write",
            ) from None
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


def _check_errors_path(errors_path: str | Path) -> None:
    """Refuse an errors file that is a directory or lies under a file, before any work."""
    p = Path(errors_path)
    if p.is_dir():
        raise DetectError(
            f"The errors file {p} is a directory; give a file name (e.g. {p / 'errors.csv'}).",
            code="detect.output_is_dir",
            path=str(p),
        )
    _check_folder_possible(p.parent, p)


def _check_folder_possible(folder: Path, path: Path) -> None:
    """``folder`` exists as a directory or can be created (its nearest existing ancestor is a
    directory)."""
    q = folder
    while not q.exists() and q != q.parent:
        q = q.parent
    if q.exists() and not q.is_dir():
        raise DetectError(
            f"Cannot write {path}: {q} is a file, not a folder.",
            code="detect.cannot_write",
            path=str(path),
            reason=f"{q} is a file, not a folder",
        )


def _write_errors(
    errors_path: str | Path,
    items: Sequence[LabelledText],
    res: Sequence[TextResult],
    gold: Sequence[frozenset[str]],
    pred: Sequence[Sequence[str]],
    wrong: Sequence[int],
) -> None:
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


def evaluate_file(
    detector: Detector, path: str | Path, *, errors_path: str | Path | None = None
) -> EvaluationReport:
    """:func:`evaluate` on a labelled CSV file."""
    if errors_path is not None:
        _check_errors_path(errors_path)
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
    validation: EvaluationReport | None
    """Scores of the model fitted without the held-out rows; ``None`` when nothing was held
    out (``validation_share`` 0, or too few rows): no score was measured then."""
    model_version: str


def train_model(
    path: str | Path | Sequence[str | Path],
    out_dir: str | Path,
    *,
    validation_share: float = 0.2,
    seed: int = 2026,
    model: CharNgramModel | None = None,
) -> TrainReport:
    """Fit a :class:`CharNgramModel` on one or several labelled CSV files and save it with its
    metadata (``data_sha256`` is the file's SHA-256, or for several files the SHA-256 of their
    SHA-256s in the order given).

    The metrics saved with the model come from a seeded random validation split
    (``validation_share``) scored by the model alone; the saved model is then refitted on
    every row. With no validation rows (``validation_share`` 0, or too few rows) nothing is
    measured: the report's ``validation`` is ``None`` and metadata.json says so
    (``metrics.validation`` null, ``metrics.note``); scores on the training rows are not a
    measurement and are not reported.
    """
    if not 0.0 <= validation_share < 0.9:
        raise DetectError(
            f"validation_share must be from 0 to 0.9; got {validation_share}.",
            code="detect.bad_param",
        )
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise DetectError(
            f"--out {out} is an existing file; give a directory for the model.",
            code="detect.out_is_file",
            path=str(out),
        )
    _check_folder_possible(out, out)
    paths = [path] if isinstance(path, str | Path) else list(path)
    if not paths:
        raise DetectError("train needs at least one labelled CSV file.", code="detect.bad_param")
    items: list[LabelledText] = []
    digests = []
    for p in paths:
        rows, file_digest = read_labelled(p)
        items += rows
        digests.append(file_digest)
    digest = (
        digests[0] if len(digests) == 1 else hashlib.sha256("".join(digests).encode()).hexdigest()
    )
    rng = random.Random(seed)
    idx = list(range(len(items)))
    rng.shuffle(idx)
    n_val = int(len(items) * validation_share)
    val = [items[k] for k in idx[:n_val]]
    fit_on = [items[k] for k in idx[n_val:]]
    proto = model or CharNgramModel()
    params = proto.get_params()
    metrics: dict[str, Any] = {
        "validation": None,
        "validation_share": validation_share,
        "seed": seed,
        "note": (
            "no validation: every row was used for fitting and no held-out score was measured"
            + (
                f" (validation_share {validation_share} of {len(items)} rows is under one row)"
                if validation_share > 0
                else ""
            )
        ),
    }
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
    try:
        final.save(out_dir, data_sha256=digest, metrics=metrics)
    except OSError as exc:
        raise file_error(
            exc, out, f"Cannot write the model to {out}", "detect.cannot_write"
        ) from None
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


CONVERSATION_LABELS = ("grooming", "sextortion", "benign")
"""Conversation labels; ``benign`` may carry a suffix (``benign_adult``, ``benign_child``)."""


def _conversation_error(p: Path, n: int, reason: str) -> DetectError:
    return DetectError(
        f"{p}, line {n}: {reason}.", code="detect.conversations", path=str(p), line=n, reason=reason
    )


def read_conversations(path: str | Path, *, max_chars: int = MAX_CHARS) -> list[dict[str, Any]]:
    """Labelled conversations from JSON Lines, one object a line: ``label`` (``grooming``,
    ``sextortion``, ``benign`` or ``benign_<anything>`` such as ``benign_adult``), ``turns``
    (as in batch mode: ``speaker``, ``text``, optional ``time`` and ``age``), optional ``id``
    and ``language``. Blank lines are skipped; any other problem raises a :class:`DetectError`
    naming the file, the line and the reason."""
    import json

    from marsad.detect._batch import parse_turns

    p = Path(path)
    raw = read_input_bytes(p, "Conversations file")
    out = []
    allowed = "grooming, sextortion, benign or benign_<anything> (e.g. benign_adult, benign_child)"
    for n, line in enumerate(raw.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _conversation_error(
                p, n, f"invalid UTF-8 at byte {exc.start} of the line; save the file as UTF-8"
            ) from None
        text = text.removeprefix("\ufeff") if n == 1 else text
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _conversation_error(
                p, n, f"invalid JSON ({exc.msg} at column {exc.colno})"
            ) from None
        if not isinstance(obj, dict):
            raise _conversation_error(p, n, "expected a JSON object with 'label' and 'turns'")
        label = obj.get("label")
        if not isinstance(label, str) or not (
            label in CONVERSATION_LABELS or label.startswith("benign_")
        ):
            got = "no 'label'" if label is None else f"label {label!r}"
            raise _conversation_error(p, n, f"{got} is not a known label; allowed: {allowed}")
        _, error = parse_turns(obj.get("turns"), max_chars)
        if error:
            raise _conversation_error(p, n, error)
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
