"""The default backend: a transparent rule and lexicon engine.

Scoring (per text): every lexicon hit of group ``g`` carries a weight ``w``; context cues in
the same text (news report, sex education, gaming, banter, song lyrics, parent and child) and
a negation just before the hit multiply ``w`` by damping factors from ``data/rules.yaml``;
the score of a group is the noisy-OR ``1 - prod(1 - w_i)`` of its hits (Pearl 1988, ch. 4),
overlapping hits of a group counting once with the strongest weight.
Combination rules then raise a category when all of its signals are present (e.g. an
intimate image plus a threat to expose → sextortion). A category is positive at
``score >= threshold``; every positive category carries the spans that made it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import yaml

from marsad.detect._language import prepare
from marsad.detect._lexicon import Lexicon, Match
from marsad.detect._normalize import Normalized, PieceSpans, offset_map
from marsad.detect._results import Evidence, TextResult
from marsad.taxonomy import load_taxonomy

__all__ = ["RuleConfig", "RuleEngine", "TextAnalysis"]

_PLAIN = ("platform.", "space.", "stage.contact")
_NO_CONTEXTS: frozenset[str] = frozenset()


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


class TextAnalysis:
    """Everything the engine found in one text: group scores and the hits behind them.

    Offsets are mapped back to the original text only when evidence is asked for
    (:meth:`evidence`), so texts with nothing positive never pay for the offset map.
    """

    __slots__ = (
        "_norm",
        "combo_parts",
        "contexts",
        "group_scores",
        "hits",
        "languages",
        "norm_text",
        "text",
    )

    def __init__(
        self,
        text: str,
        norm_text: str,
        group_scores: dict[str, float],
        hits: dict[str, list[tuple[Match, float]]],
        combo_parts: dict[str, list[tuple[str, str, float]]],
        languages: tuple[str, ...],
        contexts: frozenset[str],
    ) -> None:
        self.text = text
        self.norm_text = norm_text
        self.group_scores = group_scores
        self.hits = hits
        self.combo_parts = combo_parts
        self.languages = languages
        self.contexts = contexts
        self._norm: Normalized | PieceSpans | None = None

    @property
    def normalized(self) -> Normalized | PieceSpans:
        if self._norm is None:
            self._norm = offset_map(self.text, self.norm_text)
        return self._norm

    def evidence(self, group: str) -> list[Evidence]:
        """Evidence of ``group``: its own hits, then the hits of the combinations that raised it
        (the strongest combination first, then in rules.yaml order)."""
        out: list[Evidence] = []
        if group not in self.hits and group not in self.combo_parts:
            return out
        norm = self.normalized
        for m, w in self.hits.get(group, ()):
            out.append(_evidence(norm, group, m, w, m.entry.id))
        parts = self.combo_parts.get(group, ())
        for combo_id, part, _ in sorted(parts, key=lambda c: -c[2]) if len(parts) > 1 else parts:
            for m, w in self.hits.get(part, ()):
                out.append(_evidence(norm, group, m, w, f"{combo_id}<{m.entry.id}>"))
        return out


class RuleEngine:
    """Rule and lexicon scoring over one compiled :class:`Lexicon`."""

    def __init__(self, lexicon: Lexicon, config: RuleConfig | None = None) -> None:
        self.lexicon = lexicon
        self.config = config or load_rule_config()
        self.categories = tuple(load_taxonomy().categories)
        self._zeros = dict.fromkeys(self.categories, 0.0)
        self._category_rank = {c: i for i, c in enumerate(self.categories)}
        self.lexicon.compile()
        cfg = self.config
        # combinations as tuples: (id, parts, then, weight), in rules.yaml order
        self._combos = tuple(
            (str(c["id"]), tuple(c["all"]), str(c["then"]), float(c["weight"])) for c in cfg.combos
        )
        # a combination can only fire when its first part has a score; when no combination
        # makes the first part of another, the ones to try follow from the groups found
        firsts = {parts[0] for _, parts, _, _ in self._combos}
        self._combos_by_first: dict[str, list[int]] | None = None
        if not firsts & {then for _, _, then, _ in self._combos}:
            self._combos_by_first = {}
            for i, (_, parts, _, _) in enumerate(self._combos):
                self._combos_by_first.setdefault(parts[0], []).append(i)
        self._damping: dict[frozenset[str], dict[str, tuple[tuple[float, bool], ...]]] = {}

    @property
    def version(self) -> str:
        return f"rules-{self.lexicon.digest}"

    # -- analysis ---------------------------------------------------------------------------
    def analyse(self, text: str) -> TextAnalysis:
        norm_text, languages = prepare(text)
        lexicon = self.lexicon
        triggers = lexicon.match_list(norm_text, "trigger")
        if not triggers:
            return TextAnalysis(text, norm_text, {}, {}, {}, languages, _NO_CONTEXTS)
        cfg = self.config
        contexts: set[str] = set()
        negations: list[Match] = []
        # Only hits that context, negation or a combination can change need the modifier scan.
        needs_modifiers = False
        for m in triggers:
            if not m.entry.group.startswith(_PLAIN):
                needs_modifiers = True
                break
        if needs_modifiers:
            for m in lexicon.match_list(norm_text, "modifier"):
                g = m.entry.group
                if g.startswith("context."):
                    contexts.add(g[8:])
                elif g == "negation":
                    negations.append(m)
                else:
                    triggers.append(m)
        frozen = frozenset(contexts)
        damping = self._damping_for(frozen) if contexts else None
        negation_groups = cfg.negation_groups
        hits: dict[str, list[tuple[Match, float]]] = {}
        seen: set[tuple[str, int, int]] = set()
        seen_add = seen.add
        for m in triggers:
            e, start, end = m
            g = e.group
            key = (g, start, end)
            if key in seen:
                continue
            seen_add(key)
            w = e.weight
            if damping is not None:
                factors = damping.get(g)
                if factors is None:
                    factors = damping[g] = self._factors(frozen, g)
                if factors:
                    strong = w >= cfg.strong  # a strong hit is not damped by soft contexts
                    for keep, soft in factors:
                        if not (strong and soft):
                            w *= keep
            if (
                negations
                and g in negation_groups
                and _negated(norm_text, m, negations, cfg.negation_window)
            ):
                w *= cfg.negation_factor
            items = hits.get(g)
            if items is None:
                hits[g] = [(m, w)]
            else:
                items.append((m, w))
        scores: dict[str, float] = {}
        for g, items in hits.items():
            p = 1.0
            if len(items) > 1 and _overlapping(items):
                for w in _strongest_per_overlap(items):
                    p *= 1.0 - w
            else:
                for _, w in items:
                    p *= 1.0 - w
            scores[g] = 1.0 - p
        combo_parts: dict[str, list[tuple[str, str, float]]] = {}
        if needs_modifiers:
            threshold = cfg.threshold
            for i in self._combos_to_try(scores):
                combo_id, parts, target, weight = self._combos[i]
                if parts[0] in scores and all(scores.get(p, 0.0) >= threshold for p in parts):
                    value = weight * min(scores[p] for p in parts)
                    if value > scores.get(target, 0.0):
                        scores[target] = 1.0 - (1.0 - scores.get(target, 0.0)) * (1.0 - value)
                    combo_parts.setdefault(target, []).extend((combo_id, p, weight) for p in parts)
        return TextAnalysis(text, norm_text, scores, hits, combo_parts, languages, frozen)

    def _combos_to_try(self, scores: dict[str, float]) -> Iterable[int]:
        """Indices of the combinations that can fire, in rules.yaml order."""
        by_first = self._combos_by_first
        if by_first is None:
            return range(len(self._combos))
        found = [i for g in scores for i in by_first.get(g, ())]
        if len(found) > 1:
            found.sort()
        return found

    def _damping_for(self, contexts: frozenset[str]) -> dict[str, tuple[tuple[float, bool], ...]]:
        """Per group, its damping factors under ``contexts`` (filled as groups are met)."""
        table = self._damping.get(contexts)
        if table is None:
            if len(self._damping) > 4096:
                self._damping.clear()
            table = self._damping[contexts] = {}
        return table

    def _factors(self, contexts: frozenset[str], group: str) -> tuple[tuple[float, bool], ...]:
        """``(1 - f, soft)`` for each context cue that damps ``group`` by ``f``, in the
        order of rules.yaml (not of a set: the result must not depend on hashing)."""
        cfg = self.config
        out = []
        for ctx in _context_order(cfg, contexts):
            damp = cfg.contexts.get(ctx, {})
            f = damp.get(group, damp.get("all", 0.0))
            if f:
                out.append((1.0 - f, ctx in cfg.soft_contexts))
        return tuple(out)

    def result(self, text: str, analysis: TextAnalysis | None = None) -> TextResult:
        """The :class:`TextResult` of ``text`` from the rules alone."""
        a = analysis or self.analyse(text)
        gs = a.group_scores
        if not gs:
            return TextResult(
                False,
                (),
                dict(self._zeros),
                a.languages[0],
                a.languages,
                (),
                detector_version=self.version,
            )
        threshold = self.config.threshold
        scores = dict(self._zeros)  # every category, in taxonomy order
        found: list[str] = []
        others: list[str] = []
        for g, s in gs.items():
            if g in scores:
                scores[g] = s
                if s >= threshold:
                    found.append(g)
            elif s >= threshold:
                others.append(g)
        if len(found) > 1:
            found.sort(key=self._category_rank.__getitem__)
        positive = self._subsume(tuple(found), a) if found else ()
        ev = tuple(e for c in positive for e in _dedupe(a.evidence(c)))
        space, platform = self.space_of(a)
        signals = tuple(sorted(others))
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
                    direct = [w for _m, w in a.hits.get(sub, ()) if w >= cfg.strong]
                    if not direct:
                        dropped.add(sub)
        return tuple(c for c in positive if c not in dropped)

    def space_of(self, a: TextAnalysis) -> tuple[str | None, str | None]:
        """The platform named first in the text and its space, else the best generic space."""
        first: tuple[int, str] | None = None
        for g, hs in a.hits.items():
            if g.startswith("platform."):
                for m, _ in hs:
                    if first is None or (m.start, g) < first:
                        first = (m.start, g)
        if first is not None:
            name = first[1].split(".", 1)[1]
            return self.lexicon.platform_spaces.get(name), name
        spaces = [(s, g) for g, s in a.group_scores.items() if g.startswith("space.")]
        if spaces:
            return max(spaces)[1].split(".", 1)[1], None
        return None, None


def _context_order(cfg: RuleConfig, contexts: frozenset[str]) -> list[str]:
    """The context cues found, in the order of ``contexts:`` in rules.yaml, then by name."""
    known = [c for c in cfg.contexts if c in contexts]
    return known + sorted(contexts.difference(known))


def _overlapping(items: list[tuple[Match, float]]) -> bool:
    spans = sorted((m.start, m.end) for m, _ in items)
    return any(b[0] < a[1] for a, b in pairwise(spans))


def _strongest_per_overlap(items: list[tuple[Match, float]]) -> list[float]:
    """The weights that count when hits overlap: the strongest hit first, then every hit that
    overlaps none already counted (the same characters count once: "je vais te tuer" holds
    "tuer", "غادي نقتلك" holds "نقتلك"; two hits that share no character both count)."""
    kept: list[tuple[int, int]] = []
    out: list[float] = []
    for m, w in sorted(items, key=lambda mw: (-mw[1], mw[0].start, -mw[0].end)):
        if all(m.end <= a or b <= m.start for a, b in kept):
            kept.append((m.start, m.end))
            out.append(w)
    return out


def _negated(text: str, m: Match, negations: list[Match], window: int) -> bool:
    """Whether a negation ends at most ``window`` words before ``m``. ``text`` is normalised,
    so its white space is single spaces: the words between are counted by the spaces."""
    start = m.start
    return any(n.end <= start and text.count(" ", n.end, start) <= window for n in negations)


def _evidence(
    norm: Normalized | PieceSpans, group: str, m: Match, weight: float, rule: str
) -> Evidence:
    start, end = norm.span(m.start, m.end)
    original = norm.original
    # diacritics (harakat, accents written as combining marks) and tatweel after the last
    # letter belong to it: "سَأَقْتُلُكَ" ends with its fatha
    while end < len(original) and (
        original[end] == "\u0640" or unicodedata.category(original[end]) in ("Mn", "Me")
    ):
        end += 1
    return Evidence(group, start, end, original[start:end], rule, weight)


def _dedupe(items: list[Evidence]) -> list[Evidence]:
    """One row per span of a category, in text order: of the rules behind the same span, the
    one of highest weight (on ties the first: a direct hit before a combination, a stronger
    combination before a weaker one); a span inside another of the same category that weighs
    at least as much is left out ("tuer" inside "je vais te tuer")."""
    seen: set[tuple[str, int, int]] = set()
    out: list[Evidence] = []
    for e in sorted(items, key=lambda e: (e.start, -e.weight)):  # stable: ties keep their order
        k = (e.category, e.start, e.end)
        if k not in seen:
            seen.add(k)
            out.append(e)
    if len(out) > 1:
        out = [
            e
            for e in out
            if not any(
                o is not e
                and o.category == e.category
                and o.start <= e.start
                and e.end <= o.end
                and (o.start, o.end) != (e.start, e.end)
                and o.weight >= e.weight
                for o in out
            )
        ]
    return out
