"""Result objects of the detector (small frozen dataclasses, JSON-ready)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ConversationResult", "Evidence", "StageHit", "TextResult", "Turn"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a category (or stage) was scored: a span of the *original* text and the rule.

    ``start``/``end`` are character offsets in the original text (``text == original[start:end]``);
    ``rule`` is the lexicon rule id (``lang.group:term``), pattern id, combination id
    (``combo.*``) or model feature id (``model:<ngram>``); ``turn`` is the turn index in a
    conversation (None for a single text).
    """

    category: str
    start: int
    end: int
    text: str
    rule: str
    weight: float
    turn: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "category": self.category,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "weight": round(self.weight, 4),
        }
        if self.turn is not None:
            d["turn"] = self.turn
        return d


@dataclass(frozen=True, slots=True)
class TextResult:
    """Detection on one text (message, post or narrative).

    ``scores`` holds a score in [0, 1] for every taxonomy category (rules: noisy-OR of the
    weights of the matched terms, damped by context cues; see docs/detect.md); a category is
    positive when its score reaches ``threshold``. ``language`` is the main language
    (fr, ar, ary, ary-Latn, en, zgh or und) and ``languages`` all languages seen
    (several = code-switching). ``space``/``platform`` are set when the text names them.
    """

    harmful: bool
    categories: tuple[str, ...]
    scores: dict[str, float]
    language: str
    languages: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    space: str | None = None
    platform: str | None = None
    signals: tuple[str, ...] = ()
    detector_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "harmful": self.harmful,
            "categories": list(self.categories),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "language": self.language,
            "languages": list(self.languages),
            "evidence": [e.to_dict() for e in self.evidence],
            "space": self.space,
            "platform": self.platform,
            "detector_version": self.detector_version,
        }


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a conversation: speaker pseudonym, text, time (ISO string or None) and
    the speaker's declared age when the platform knows it."""

    speaker: str
    text: str
    time: str | None = None
    age: int | None = None


@dataclass(frozen=True, slots=True)
class StageHit:
    """A grooming or sextortion stage seen in a conversation: the turns (0-based) where it
    appears, the speakers who voiced it and the one who drives it (most cues)."""

    stage: str
    turns: tuple[int, ...]
    speakers: tuple[str, ...]
    driver: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "turns": list(self.turns),
            "speakers": list(self.speakers),
            "driver": self.driver,
        }


@dataclass(frozen=True, slots=True)
class ConversationResult:
    """Detection on a whole conversation.

    ``risk`` holds the grooming and sextortion risks in [0, 1]: the stages present (weighted),
    times an order factor measuring how far their first appearances follow the escalation
    order (pair concordance, as in Kendall's tau), times a minor factor for grooming
    (O'Connell 2003's stages of online grooming; Kloess et al. 2019). ``driver`` is the speaker
    who voices most stage cues. ``turn_results`` are the single-text results of every turn.
    ``order_basis`` is ``"time"`` when the turns were analysed in the order of their times
    (every turn had an ISO 8601 time), else ``"given"`` (list order); ``order_note`` says why
    the times were not used when only some turns had a parseable one. Turn indices are always
    positions in the list given.
    """

    harmful: bool
    risk: dict[str, float]
    stages: tuple[StageHit, ...]
    driver: str | None
    categories: tuple[str, ...]
    scores: dict[str, float]
    language: str
    languages: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    order: dict[str, float] = field(default_factory=dict)
    turn_results: tuple[TextResult, ...] = ()
    detector_version: str = ""
    order_basis: str = "given"
    order_note: str | None = None

    @property
    def grooming_risk(self) -> float:
        return self.risk.get("grooming", 0.0)

    @property
    def sextortion_risk(self) -> float:
        return self.risk.get("sextortion", 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "harmful": self.harmful,
            "risk": {k: round(v, 4) for k, v in self.risk.items()},
            "stages": [s.to_dict() for s in self.stages],
            "driver": self.driver,
            "categories": list(self.categories),
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "language": self.language,
            "languages": list(self.languages),
            "evidence": [e.to_dict() for e in self.evidence],
            "detector_version": self.detector_version,
            "order_basis": self.order_basis,
            "order_note": self.order_note,
        }
