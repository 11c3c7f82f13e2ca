"""Conversation-level grooming and sextortion risk from the order of stages across turns.

Method. Every turn is matched against the stage lexicons (``stage.*`` groups). For each
pattern (grooming, sextortion) and each stage ``s`` with weight ``w_s`` and rank ``r_s``
(``data/rules.yaml``, after O'Connell's 2003 stages of online grooming and the
sextortion sequence described by Europol's IOCTA and Wolak et al. 2018):

* ``mass = sum(w_s)`` over the stages the driving speaker voices;
* ``order`` = share of concordant pairs: for every two stages of different rank, the pair is
  concordant when the lower-ranked stage first appears before the higher-ranked one (ties in
  the same turn count half), as in Kendall's tau; 0.5 when fewer than two ranks are present;
* ``risk = (1 - exp(-2 mass)) * (0.3 + 0.7 order) * minor_factor`` where, for grooming,
  ``minor_factor`` is 1 when the other party is a minor (declared age < 18 or a stated age)
  and 0.8 otherwise.

The same words in reverse order therefore score lower (``order`` near 0), and one isolated
cue scores low (small ``mass``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from marsad.detect._results import Evidence, StageHit, TextResult, Turn
from marsad.detect._rules import RuleEngine, TextAnalysis

__all__ = ["analyse_turns"]


def _order(first: dict[str, int], ranks: dict[str, int]) -> float:
    stages = [s for s in first if s in ranks]
    conc = disc = ties = 0.0
    for i, a in enumerate(stages):
        for b in stages[i + 1 :]:
            if ranks[a] == ranks[b]:
                continue
            lo, hi = (a, b) if ranks[a] < ranks[b] else (b, a)
            if first[lo] < first[hi]:
                conc += 1
            elif first[lo] > first[hi]:
                disc += 1
            else:
                ties += 1
    total = conc + disc + ties
    if total == 0:
        return 0.5
    return (conc + 0.5 * ties) / total


def analyse_turns(
    engine: RuleEngine,
    turns: Sequence[Turn],
    analyses: Sequence[TextAnalysis],
    results: Sequence[TextResult],
) -> tuple[dict[str, float], dict[str, float], tuple[StageHit, ...], str | None, list[Evidence]]:
    """Risks, order factors, stages, driver and stage evidence of a conversation."""
    cfg = engine.config
    threshold = cfg.threshold
    stage_turns: dict[str, list[int]] = defaultdict(list)
    stage_speakers: dict[str, Counter[str]] = defaultdict(Counter)
    evidence: list[Evidence] = []
    minor_speakers: set[str] = set()
    for i, (turn, a) in enumerate(zip(turns, analyses, strict=True)):
        if turn.age is not None and turn.age < 18:
            minor_speakers.add(turn.speaker)
        if (
            a.group_scores.get("signal.minor", 0.0) >= threshold
            and "stage.age_probing" not in a.group_scores
        ):
            minor_speakers.add(turn.speaker)
        for g, score in a.group_scores.items():
            if not g.startswith("stage.") or score < threshold:
                continue
            stage = g.split(".", 1)[1]
            stage_turns[stage].append(i)
            stage_speakers[stage][turn.speaker] += 1
            for e in a.evidence(g):
                evidence.append(Evidence(stage, e.start, e.end, e.text, e.rule, e.weight, turn=i))
        # single-text categories also count as stages when they name one
        r = results[i]
        if "sextortion" in r.categories:
            for stage in ("threat_expose", "payment_demand"):
                if i not in stage_turns[stage]:
                    stage_turns[stage].append(i)
                    stage_speakers[stage][turn.speaker] += 1
    driver_counts: Counter[str] = Counter()
    for stage, speakers in stage_speakers.items():
        if stage != "contact":
            driver_counts.update(speakers)
    driver = driver_counts.most_common(1)[0][0] if driver_counts else None
    risk: dict[str, float] = {}
    order: dict[str, float] = {}
    for name, table in (("grooming", cfg.grooming_stages), ("sextortion", cfg.sextortion_stages)):
        first: dict[str, int] = {}
        mass = 0.0
        for stage, spec in table.items():
            by_driver = [
                t
                for t in stage_turns.get(stage, [])
                if driver is None or turns[t].speaker == driver
            ]
            if not by_driver:
                continue
            first[stage] = min(by_driver)
            mass += float(spec["weight"])
        ranks = {s: int(spec["rank"]) for s, spec in table.items()}
        o = _order(first, ranks)
        value = (1.0 - math.exp(-2.0 * mass)) * (0.3 + 0.7 * o)
        if name == "grooming":
            others_minor = bool(minor_speakers - ({driver} if driver else set()))
            value *= 1.0 if others_minor else 0.8
        risk[name] = round(value, 6)
        order[name] = round(o, 6)
    stages = tuple(
        StageHit(
            stage=s,
            turns=tuple(sorted(set(ts))),
            speakers=tuple(sorted(stage_speakers[s])),
            driver=stage_speakers[s].most_common(1)[0][0],
        )
        for s, ts in sorted(stage_turns.items(), key=lambda kv: min(kv[1]))
        if ts
    )
    return risk, order, stages, driver, evidence
