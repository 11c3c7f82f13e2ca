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

Turn order. When every turn has a time that parses as ISO 8601 (:func:`time_order`), the
stages are ordered by time (stable for equal times): platform exports often list the newest
message first. Otherwise the turns are taken in the order given. Either way every turn index
reported (stages, evidence) is the caller's index, the turn's position in the list given.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from marsad.detect._results import Evidence, StageHit, TextResult, Turn
from marsad.detect._rules import RuleEngine, TextAnalysis

__all__ = ["analyse_turns", "time_order"]


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


def _parse_time(value: str) -> datetime | None:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def time_order(turns: Sequence[Turn]) -> tuple[list[int], str, str | None]:
    """The order in which to analyse ``turns``: ``(indices, basis, note)``.

    ``basis`` is ``"time"`` when every turn has an ISO 8601 time (the indices then sort the
    turns by time, stable for equal times), else ``"given"`` (the indices are the list order).
    ``note`` says why the times were not used when some turns have one (None otherwise)."""
    given = list(range(len(turns)))
    timed = [i for i, t in enumerate(turns) if t.time is not None and str(t.time).strip()]
    if not timed:
        return given, "given", None
    if len(timed) < len(turns):
        return (
            given,
            "given",
            f"{len(turns) - len(timed)} of {len(turns)} turns have no time: turns taken in the "
            "order given",
        )
    parsed: list[datetime] = []
    for i, t in enumerate(turns):
        when = _parse_time(str(t.time))
        if when is None:
            return (
                given,
                "given",
                f"turn {i}: time {t.time!r} is not ISO 8601: turns taken in the order given",
            )
        parsed.append(when)
    aware = {p.tzinfo is not None and p.utcoffset() is not None for p in parsed}
    if len(aware) > 1:
        return (
            given,
            "given",
            "some times have a UTC offset and some do not: turns taken in the order given",
        )
    return sorted(given, key=parsed.__getitem__), "time", None


def analyse_turns(
    engine: RuleEngine,
    turns: Sequence[Turn],
    analyses: Sequence[TextAnalysis],
    results: Sequence[TextResult],
    sequence: Sequence[int] | None = None,
) -> tuple[dict[str, float], dict[str, float], tuple[StageHit, ...], str | None, list[Evidence]]:
    """Risks, order factors, stages, driver and stage evidence of a conversation.

    ``sequence`` lists the turn indices in the order the turns happened (default: as given);
    stages and evidence keep the caller's indices."""
    cfg = engine.config
    threshold = cfg.threshold
    if not len(turns) == len(analyses) == len(results):
        raise ValueError("turns, analyses and results must be of one length")
    seq = list(range(len(turns))) if sequence is None else list(sequence)
    if sorted(seq) != list(range(len(turns))):
        raise ValueError("sequence must list every turn index once")
    pos = {i: p for p, i in enumerate(seq)}
    stage_turns: dict[str, list[int]] = defaultdict(list)
    stage_speakers: dict[str, Counter[str]] = defaultdict(Counter)
    evidence: list[Evidence] = []
    minor_speakers: set[str] = set()
    for i in seq:
        turn, a = turns[i], analyses[i]
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
            first[stage] = min(pos[t] for t in by_driver)
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
        for s, ts in sorted(stage_turns.items(), key=lambda kv: min(pos[t] for t in kv[1]))
        if ts
    )
    return risk, order, stages, driver, evidence
