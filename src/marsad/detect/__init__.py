"""Detect: a multilingual, explainable, conversation-aware detector of technology-facilitated
violence (French, Arabic, Darija in Arabic script and Arabizi, English).

>>> from marsad.detect import Detector
>>> d = Detector.default()
>>> r = d.detect("je vais te tuer")
>>> r.harmful, r.categories
(True, ('threats',))
"""

from marsad.detect._detector import BLENDS, MAX_CHARS, Detector, ScoreModel, load_model
from marsad.detect._language import detect_language
from marsad.detect._lexicon import Entry, Lexicon, load_lexicon
from marsad.detect._normalize import Normalized, normalize, normalize_term, normalize_text
from marsad.detect._results import ConversationResult, Evidence, StageHit, TextResult, Turn
from marsad.detect._rules import RuleEngine

__all__ = [
    "BLENDS",
    "MAX_CHARS",
    "ConversationResult",
    "Detector",
    "Entry",
    "Evidence",
    "Lexicon",
    "Normalized",
    "RuleEngine",
    "ScoreModel",
    "StageHit",
    "TextResult",
    "Turn",
    "detect_language",
    "load_lexicon",
    "load_model",
    "normalize",
    "normalize_term",
    "normalize_text",
]
