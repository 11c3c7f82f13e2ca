"""Detect: a multilingual, explainable, conversation-aware detector of technology-facilitated
violence (French, Arabic, Darija in Arabic script and Arabizi, English).

>>> from marsad.detect import Detector
>>> d = Detector.default()
>>> r = d.detect("je vais te tuer")
>>> r.harmful, r.categories
(True, ('threats',))
"""

from marsad.detect._batch import BatchReport, detect_jsonl
from marsad.detect._demo import demo_step
from marsad.detect._detector import BLENDS, MAX_CHARS, Detector, ScoreModel, load_model
from marsad.detect._evaluate import (
    ConversationEvaluation,
    EvaluationReport,
    Scores,
    TrainReport,
    evaluate,
    evaluate_conversations,
    evaluate_file,
    read_conversations,
    train_model,
)
from marsad.detect._labelled import LabelledText, read_labelled
from marsad.detect._language import detect_language
from marsad.detect._lexicon import Entry, Lexicon, load_lexicon
from marsad.detect._model import CharNgramModel
from marsad.detect._normalize import Normalized, normalize, normalize_term, normalize_text
from marsad.detect._results import ConversationResult, Evidence, StageHit, TextResult, Turn
from marsad.detect._rules import RuleEngine
from marsad.detect._store import StoreDetectReport, detect_store

__all__ = [
    "BLENDS",
    "MAX_CHARS",
    "BatchReport",
    "CharNgramModel",
    "ConversationEvaluation",
    "ConversationResult",
    "Detector",
    "Entry",
    "EvaluationReport",
    "Evidence",
    "LabelledText",
    "Lexicon",
    "Normalized",
    "RuleEngine",
    "ScoreModel",
    "Scores",
    "StageHit",
    "StoreDetectReport",
    "TextResult",
    "TrainReport",
    "Turn",
    "demo_step",
    "detect_jsonl",
    "detect_language",
    "detect_store",
    "evaluate",
    "evaluate_conversations",
    "evaluate_file",
    "load_lexicon",
    "load_model",
    "normalize",
    "normalize_term",
    "normalize_text",
    "read_conversations",
    "read_labelled",
    "train_model",
]
