"""The :class:`Detector`: rules always, plus an optional trained or transformer model."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from marsad.detect._conversation import analyse_turns, time_order
from marsad.detect._lexicon import load_lexicon
from marsad.detect._results import ConversationResult, Evidence, TextResult, Turn
from marsad.detect._rules import RuleEngine
from marsad.errors import DetectError

__all__ = ["BLENDS", "MAX_CHARS", "Detector", "ScoreModel"]

MAX_CHARS = 1_000_000
BLENDS = ("max", "mean", "rules", "model")


class ScoreModel(Protocol):
    """What a model backend gives the detector (see ``CharNgramModel``, ``TransformerModel``)."""

    @property
    def version(self) -> str: ...

    def predict_scores(self, texts: Sequence[str]) -> list[dict[str, float]]: ...

    def explain(self, text: str, category: str, limit: int = 3) -> list[Evidence]: ...


class Detector:
    """Multilingual, explainable detector of technology-facilitated violence.

    Parameters
    ----------
    engine : RuleEngine
        The rule and lexicon engine (always used: it gives evidence spans, language, space).
    model : ScoreModel, optional
        A trained model (:class:`CharNgramModel`) or a local transformer (:class:`TransformerModel`).
    blend : {"max", "mean", "rules", "model"}
        How rule and model scores combine per category: the maximum (default: a category
        fires when either backend is confident), the weighted mean with ``model_weight``,
        or one backend alone.
    """

    def __init__(
        self,
        engine: RuleEngine,
        model: ScoreModel | None = None,
        *,
        blend: str = "max",
        model_weight: float = 0.5,
        max_chars: int = MAX_CHARS,
    ) -> None:
        if blend not in BLENDS:
            raise DetectError(
                f"blend must be one of {', '.join(BLENDS)}; got {blend!r}.", code="detect.bad_blend"
            )
        if not 0.0 <= model_weight <= 1.0:
            raise DetectError(
                f"model_weight must be from 0 to 1; got {model_weight}.", code="detect.bad_blend"
            )
        if blend == "model" and model is None:
            raise DetectError("blend='model' needs a model (--model DIR).", code="detect.bad_blend")
        self.engine = engine
        self.model = model
        self.blend = blend
        self.model_weight = model_weight
        self.max_chars = max_chars

    @classmethod
    def default(
        cls,
        extra_lexicons: str | Path | Sequence[str | Path] | None = None,
        *,
        model: str | Path | ScoreModel | None = None,
        blend: str = "max",
        model_weight: float = 0.5,
    ) -> Detector:
        """The shipped rules (plus your lexicon files) and, optionally, a model directory."""
        engine = RuleEngine(load_lexicon(extra_lexicons))
        loaded: ScoreModel | None
        if model is None or not isinstance(model, str | Path):
            loaded = model
        else:
            loaded = load_model(Path(model))
        return cls(engine, loaded, blend=blend, model_weight=model_weight)

    @property
    def threshold(self) -> float:
        return self.engine.config.threshold

    @property
    def version(self) -> str:
        """Identifies the exact rules (lexicon digest) and model used; stored with results."""
        v = self.engine.version
        if self.model is not None:
            v += f"+{self.model.version}"
            if self.blend != "max":
                v += f"+{self.blend}"
        return v[:64]

    # -- single texts -----------------------------------------------------------------------
    def _check(self, text: object) -> str:
        if not isinstance(text, str):
            raise DetectError(
                f"text must be a string; got {type(text).__name__}.", code="detect.bad_text"
            )
        if len(text) > self.max_chars:
            raise DetectError(
                f"text is too long: {len(text):,} characters (limit {self.max_chars:,}). Split it "
                "into paragraphs or raise the limit (Detector(max_chars=...)).",
                code="detect.too_long",
            )
        return text

    def detect(self, text: str) -> TextResult:
        """Scores, categories, language(s), evidence, space and platform of one text."""
        if self.model is None or self.blend == "rules":
            return self.engine.result(self._check(text))
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str]) -> list[TextResult]:
        """:meth:`detect` for many texts (the model, if any, is run once on the batch)."""
        checked = [self._check(t) for t in texts]
        rule_results = [self.engine.result(t) for t in checked]
        if self.model is None or self.blend == "rules":
            return rule_results
        model_scores = self.model.predict_scores(checked)
        return [
            self._blend(t, r, m)
            for t, r, m in zip(checked, rule_results, model_scores, strict=True)
        ]

    def _blend(self, text: str, r: TextResult, m: dict[str, float]) -> TextResult:
        scores: dict[str, float] = {}
        for c, rs in r.scores.items():
            ms = m.get(c, 0.0)
            if self.blend == "max":
                scores[c] = max(rs, ms)
            elif self.blend == "mean":
                scores[c] = (1 - self.model_weight) * rs + self.model_weight * ms
            else:
                scores[c] = ms
            scores[c] = round(scores[c], 6)
        positive = tuple(c for c in scores if scores[c] >= self.threshold)
        evidence = [e for e in r.evidence if e.category in positive]
        have = {e.category for e in evidence}
        for c in positive:
            if c not in have:
                evidence.extend(self.model.explain(text, c) if self.model else [])
        return TextResult(
            harmful=bool(positive),
            categories=positive,
            scores=scores,
            language=r.language,
            languages=r.languages,
            evidence=tuple(evidence),
            space=r.space,
            platform=r.platform,
            signals=r.signals,
            detector_version=self.version,
        )

    # -- conversations ----------------------------------------------------------------------
    def detect_conversation(self, turns: Sequence[Turn]) -> ConversationResult:
        """Grooming and sextortion risk, stages with their turns, driver, and turn results.

        When every turn has an ISO 8601 ``time`` the turns are analysed in time order (exports
        often list the newest message first), else in the order given; ``order_basis`` on the
        result says which. Turn indices (stages, evidence, ``turn_results``) are always the
        positions in ``turns``. The grooming and sextortion scores and categories of the
        conversation are its ``risk``: a single turn's own score for them is in ``turn_results``.
        """
        if not turns:
            raise DetectError("a conversation needs at least one turn.", code="detect.no_turns")
        for i, turn in enumerate(turns):
            if not isinstance(turn, Turn):
                raise DetectError(f"turn {i} is not a Turn.", code="detect.bad_turn")
            self._check(turn.text)
        analyses = [self.engine.analyse(t.text) for t in turns]
        results = [self.engine.result(t.text, a) for t, a in zip(turns, analyses, strict=True)]
        if self.model is not None and self.blend != "rules":
            ms = self.model.predict_scores([t.text for t in turns])
            results = [
                self._blend(t.text, r, m) for t, r, m in zip(turns, results, ms, strict=True)
            ]
        seq, order_basis, order_note = time_order(turns)
        risk, order, stages, driver, stage_ev = analyse_turns(
            self.engine, turns, analyses, results, seq
        )
        cats = list(self.engine.categories)
        scores = {c: max((r.scores[c] for r in results), default=0.0) for c in cats}
        # the conversation's grooming and sextortion are its risk (stages, their order, the
        # minor factor), not one turn's score: a turn's own secrecy or threat cue is a stage
        scores["grooming"] = risk["grooming"]
        scores["sextortion"] = risk["sextortion"]
        positive = tuple(c for c in cats if scores[c] >= self.threshold)
        evidence: list[Evidence] = []
        for i in seq:
            for e in results[i].evidence:
                if e.category in positive:
                    evidence.append(
                        Evidence(e.category, e.start, e.end, e.text, e.rule, e.weight, turn=i)
                    )
        for cat in ("grooming", "sextortion"):
            if cat in positive and not any(e.category == cat for e in evidence):
                names = set(
                    self.engine.config.grooming_stages
                    if cat == "grooming"
                    else self.engine.config.sextortion_stages
                )
                evidence.extend(
                    Evidence(
                        cat,
                        e.start,
                        e.end,
                        e.text,
                        f"stage.{e.category}:{e.rule}",
                        e.weight,
                        e.turn,
                    )
                    for e in stage_ev
                    if e.category in names
                )
        evidence = _strongest_per_span(evidence)
        langs: dict[str, int] = {}
        for r in results:
            for lang in r.languages:
                if lang != "und":
                    langs[lang] = langs.get(lang, 0) + 1
        languages = tuple(sorted(langs, key=lambda k: -langs[k])) or ("und",)
        return ConversationResult(
            harmful=bool(positive),
            risk=risk,
            stages=stages,
            driver=driver,
            categories=positive,
            scores=scores,
            language=languages[0],
            languages=languages,
            evidence=tuple(evidence + [e for e in stage_ev if e.category not in positive]),
            order=order,
            turn_results=tuple(results),
            detector_version=self.version,
            order_basis=order_basis,
            order_note=order_note,
        )


def _strongest_per_span(evidence: list[Evidence]) -> list[Evidence]:
    """One row per (category, turn, start, end): the first of highest weight, in first-seen order."""
    best: dict[tuple[str, int | None, int, int], int] = {}
    out: list[Evidence] = []
    for e in evidence:
        k = (e.category, e.turn, e.start, e.end)
        i = best.get(k)
        if i is None:
            best[k] = len(out)
            out.append(e)
        elif e.weight > out[i].weight:
            out[i] = e
    return out


def load_model(path: Path) -> ScoreModel:
    """Load a model directory: a Marsad char n-gram model or a transformer checkpoint."""
    from marsad.detect._model import CharNgramModel, is_marsad_model

    if not path.is_dir():
        raise DetectError(
            f"Model directory {path} does not exist. Train one with `marsad detect train "
            "LABELLED.csv --out DIR`.",
            code="detect.model_missing",
            path=str(path),
        )
    if is_marsad_model(path):
        return CharNgramModel.load(path)
    if (path / "config.json").exists():
        from marsad.detect._transformer import TransformerModel

        return TransformerModel.load(path)
    raise DetectError(
        f"{path} is neither a Marsad model (metadata.json) nor a transformer checkpoint (config.json).",
        code="detect.model_unknown",
        path=str(path),
    )
