"""The default backend: a transparent rule and lexicon engine.

Scoring (per text): every lexicon hit of group ``g`` carries a weight ``w``; context cues in
the same text (news report, sex education, gaming, banter, song lyrics, parent and child) and
a negation just before the hit multiply ``w`` by damping factors from ``data/rules.yaml``;
the score of a group is the noisy-OR ``1 - prod(1 - w_i)`` of its hits (Pearl 1988, ch. 4).
Combination rules then raise a category when all of its signals are present (e.g. an
intimate image plus a threat to expose → sextortion). A category is positive at
``score >= threshold``; every positive category carries the spans that made it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from marsad.detect._language import detect_language
from marsad.detect._lexicon import Lexicon, Match
from marsad.detect._normalize import Normalized, normalize, normalize_text
from marsad.detect._results import Evidence, TextResult
from marsad.taxonomy import load_taxonomy

__all__ = ["RuleConfig", "RuleEngine", "TextAnalysis"]

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RuleConfig:
    """Parameters of the rule engine (``data/rules.yaml``)."""

    threshold: float
    strong: float
    soft_contexts: frozenset[str]
    contexts: dict[str, dict[str, float]]
    negation_window: int
    negation_factor: float
    negation_groups: frozenset[str]
    combos: tuple[dict[str, Any], ...]
    grooming_stages: dict[str, dict[str, float]]
    subsumes: dict[str, tuple[str, ...]]
    sextortion_stages: dict[str, dict[str, float]]


@cache
def load_rule_config() -> RuleConfig:
    raw = yaml.safe_load(
        resources.files("marsad.detect").joinpath("data", "rules.yaml").read_text(encoding="utf-8")
    )
    return RuleConfig(
        threshold=float(raw["threshold"]),
        strong=float(raw["strong"]),
        soft_contexts=frozenset(raw["soft_contexts"]),
        contexts={k: {g: float(f) for g, f in v.items()} for k, v in raw["contexts"].items()},
        negation_window=int(raw["negation"]["window"]),
        negation_factor=float(raw["negation"]["factor"]),
        negation_groups=frozenset(raw["negation"]["groups"]),
        combos=tuple(raw["combos"]),
        grooming_stages=raw["grooming_stages"],
        sextortion_stages=raw["sextortion_stages"],
        subsumes={k: tuple(v) for k, v in (raw.get("subsumes") or {}).items()},
    )


@dataclass(frozen=True)
class TextAnalysis:
    """Everything the engine found in one text: group scores and their evidence."""

    normalized: Normalized | None
    group_scores: dict[str, float]
    group_evidence: dict[str, list[Evidence]]
    languages: tuple[str, ...]
    contexts: frozenset[str]


class RuleEngine:
    """Rule and lexicon scoring over one compiled :class:`Lexicon`."""

    def __init__(self, lexicon: Lexicon, config: RuleConfig | None = None) -> None:
        self.lexicon = lexicon
        self.config = config or load_rule_config()
        self.categories = tuple(load_taxonomy().categories)
        self.lexicon.compile()

    @property
    def version(self) -> str:
        return f"rules-{self.lexicon.digest}"

    # -- analysis ---------------------------------------------------------------------------
    def analyse(self, text: str) -> TextAnalysis:
        norm_text = normalize_text(text)
        matches = list(self.lexicon.matches(norm_text))
        languages = detect_language(text, norm_text)
        if not matches:
            return TextAnalysis(None, {}, {}, languages, frozenset())
        norm = normalize(text)
        if norm.text != norm_text:  # pragma: no cover - the two paths are tested equal
            matches = list(self.lexicon.matches(norm.text))
        cfg = self.config
        contexts = frozenset(
            m.entry.group.split(".", 1)[1] for m in matches if m.entry.group.startswith("context.")
        )
        negations = [m for m in matches if m.entry.group == "negation"]
        hits: dict[str, list[tuple[Match, float]]] = defaultdict(list)
        seen: set[tuple[str, int, int]] = set()
        for m in matches:
            g = m.entry.group
            if g == "negation" or g.startswith("context."):
                continue
            key = (g, m.start, m.end)
            if key in seen:
                continue
            seen.add(key)
            w = m.entry.weight
            for ctx in contexts:
                damp = cfg.contexts.get(ctx, {})
                f = damp.get(g, damp.get("all", 0.0))
                if f and not (ctx in cfg.soft_contexts and w >= cfg.strong):
                    w *= 1.0 - f
            if (
                negations
                and g in cfg.negation_groups
                and _negated(norm.text, m, negations, cfg.negation_window)
            ):
                w *= cfg.negation_factor
            hits[g].append((m, w))
        scores: dict[str, float] = {}
        evidence: dict[str, list[Evidence]] = {}
        for g, items in hits.items():
            p = 1.0
            for _, w in items:
                p *= 1.0 - w
            scores[g] = 1.0 - p
            evidence[g] = [_evidence(norm, g, m, w) for m, w in items]
        for combo in cfg.combos:
            parts = combo["all"]
            if all(scores.get(p, 0.0) >= cfg.threshold for p in parts):
                value = float(combo["weight"]) * min(scores[p] for p in parts)
                target = combo["then"]
                if value > scores.get(target, 0.0):
                    scores[target] = 1.0 - (1.0 - scores.get(target, 0.0)) * (1.0 - value)
                ev = evidence.setdefault(target, [])
                for p in parts:
                    for e in evidence[p]:
                        ev.append(
                            Evidence(
                                target, e.start, e.end, e.text, f"{combo['id']}<{e.rule}>", e.weight
                            )
                        )
        return TextAnalysis(norm, scores, evidence, languages, contexts)

    def result(self, text: str, analysis: TextAnalysis | None = None) -> TextResult:
        """The :class:`TextResult` of ``text`` from the rules alone."""
        a = analysis or self.analyse(text)
        scores = {c: round(a.group_scores.get(c, 0.0), 6) for c in self.categories}
        positive = self._subsume(
            tuple(c for c in self.categories if scores[c] >= self.config.threshold), a
        )
        ev = tuple(e for c in positive for e in _dedupe(a.group_evidence.get(c, [])))
        space, platform = self.space_of(a)
        signals = tuple(
            sorted(
                g
                for g, s in a.group_scores.items()
                if s >= self.config.threshold and g not in scores
            )
        )
        return TextResult(
            harmful=bool(positive),
            categories=positive,
            scores=scores,
            language=a.languages[0],
            languages=a.languages,
            evidence=ev,
            space=space,
            platform=platform,
            signals=signals,
            detector_version=self.version,
        )

    def _subsume(self, positive: tuple[str, ...], a: TextAnalysis) -> tuple[str, ...]:
        cfg = self.config
        dropped: set[str] = set()
        for c in positive:
            for sub in cfg.subsumes.get(c, ()):
                if sub in positive and sub not in dropped:
                    direct = [
                        e
                        for e in a.group_evidence.get(sub, [])
                        if not e.rule.startswith("combo.") and e.weight >= cfg.strong
                    ]
                    if not direct:
                        dropped.add(sub)
        return tuple(c for c in positive if c not in dropped)

    def space_of(self, a: TextAnalysis) -> tuple[str | None, str | None]:
        """The platform named first in the text and its space, else the best generic space."""
        platforms = [
            e for g, es in a.group_evidence.items() if g.startswith("platform.") for e in es
        ]
        if platforms:
            first = min(platforms, key=lambda e: e.start)
            name = first.category.split(".", 1)[1]
            return self.lexicon.platform_spaces.get(name), name
        spaces = [(s, g) for g, s in a.group_scores.items() if g.startswith("space.")]
        if spaces:
            return max(spaces)[1].split(".", 1)[1], None
        return None, None


def _negated(text: str, m: Match, negations: list[Match], window: int) -> bool:
    for n in negations:
        if n.end <= m.start:
            gap = text[n.end : m.start]
            if len(_SPACE.findall(gap)) <= window:
                return True
    return False


def _evidence(norm: Normalized, group: str, m: Match, weight: float) -> Evidence:
    start, end = norm.span(m.start, m.end)
    return Evidence(group, start, end, norm.original[start:end], m.entry.id, weight)


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for e in sorted(items, key=lambda e: (e.start, -e.weight)):
        k = (e.start, e.end, e.rule)
        if k not in seen:
            seen.add(k)
            out.append(e)
    return out
