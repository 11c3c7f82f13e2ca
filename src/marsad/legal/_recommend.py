"""Recommendations: one per priority gap, in French, Arabic or English, every claim sourced.

Each recommendation names the gap, gives the evidence (indicator values with their 95 %
intervals, after disclosure control), cites the international provisions it draws on and
the national provisions to amend (or says a provision must be created), and footnotes every
unverified element it relies on.
"""

from __future__ import annotations

from dataclasses import dataclass

from marsad.i18n import t
from marsad.legal._model import LegalCorpus, Provision, is_verified
from marsad.legal._priority import Priority
from marsad.taxonomy import load_taxonomy

__all__ = ["CitedProvision", "Recommendation", "cite", "recommend"]


@dataclass(frozen=True)
class CitedProvision:
    """A provision as cited in a recommendation: key, label, status and sources."""

    key: str
    label: str
    status: str
    verified: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation:
    """One recommendation (one priority gap) in one language.

    ``text`` is the full paragraph; ``footnotes`` list each unverified element it uses;
    ``verified`` is False whenever any of them exists.
    """

    rank: int
    category: str
    lang: str
    title: str
    gap: str
    evidence: str
    draws_on: tuple[CitedProvision, ...]
    national: tuple[CitedProvision, ...]
    action: str
    footnotes: tuple[str, ...]
    verified: bool
    score: float

    @property
    def text(self) -> str:
        parts = [self.title, self.gap, self.evidence]
        if self.draws_on:
            parts.append(_draws_on_line(self))
        parts.append(self.action)
        text = "\n".join(parts)
        if self.footnotes:
            text += "\n" + "\n".join(self.footnotes)
        return text


def _draws_on_line(rec: Recommendation) -> str:
    return t(
        "legal.rec.draws_on",
        rec.lang,
        provisions="; ".join(_cite_text(c, rec.lang) for c in rec.draws_on),
    )


def _cite_text(c: CitedProvision, lang: str) -> str:
    mark = "" if c.verified else " † " + t("legal.marker.unverified", lang)
    src = c.sources[0] if c.sources else ""
    return f"{c.label}{mark} ({t('legal.rec.source', lang)}: {src})"


def cite(corpus: LegalCorpus, key: str, lang: str = "en") -> CitedProvision:
    """How a provision is cited: ``Short name art. N — title``, with its weakest status."""
    p: Provision = corpus.provision(key)
    inst = corpus.instruments[p.instrument]
    art = p.article if p.article != "—" else t("legal.no_article", lang)
    label = f"{inst.short} {t('legal.art', lang)} {art} — {p.text('title', lang)}"
    return CitedProvision(key, label, p.status, is_verified(p.status), p.sources)


def _fmt(v: float | None, pct: bool = False) -> str:
    if v is None:
        return "—"
    return f"{v * 100:+.0f} %" if pct else f"{v:.1f}"


def _evidence(p: Priority, lang: str, min_cell: int) -> str:
    if p.burden_status == "suppressed":
        return t("legal.rec.evidence_suppressed", lang, min_cell=min_cell, severity=p.severity)
    if p.burden_status != "measured":
        return t("legal.rec.evidence_unavailable", lang, severity=p.severity)
    return t(
        "legal.rec.evidence",
        lang,
        incidents=p.incidents,
        rate=_fmt(p.rate_per_100k),
        rate_lower=_fmt(p.rate_lower),
        rate_upper=_fmt(p.rate_upper),
        growth=_fmt(p.growth, True),
        growth_lower=_fmt(p.growth_lower, True),
        growth_upper=_fmt(p.growth_upper, True),
        minors=_fmt(p.share_minors, True).lstrip("+"),
        minors_lower=_fmt(p.share_minors_lower, True).lstrip("+"),
        minors_upper=_fmt(p.share_minors_upper, True).lstrip("+"),
        period=p.period or "—",
        severity=p.severity,
    )


def _reason_text(code: str, lang: str, corpus: LegalCorpus) -> str:
    base, _, detail = code.partition(":")
    label = t(f"legal.reason.{base}", lang)
    if detail:
        names = [
            t(f"legal.element.{d}", lang)
            if base == "conduct_missing"
            else t(f"legal.limit.{d}", lang)
            for d in detail.split(",")
        ]
        label += " (" + ", ".join(names) + ")"
    return label


def _other_footnote(item: str, category: str, lang: str) -> str:
    """Footnote for an unverified element that is not a cited provision."""
    if "finding 'not_found'" in item:
        return t("legal.rec.footnote_negative", lang, category=category)
    if "finding 'unknown'" in item:
        return t("legal.rec.footnote_unknown", lang, category=category)
    if "aggravation for minors" in item:
        return t("legal.rec.footnote_aggravation", lang, category=category)
    return t("legal.rec.footnote_other", lang, item=item)


def recommend(
    priorities: list[Priority],
    corpus: LegalCorpus,
    *,
    lang: str = "fr",
    top: int | None = None,
    min_cell: int = 5,
) -> list[Recommendation]:
    """One recommendation per priority (the ``top`` first), in ``lang`` (fr, ar or en)."""
    tax = load_taxonomy()
    out: list[Recommendation] = []
    for p in priorities[: top or None]:
        cat = tax.categories[p.category].label(lang)
        std_names = ", ".join(t(f"legal.framework.{s}", lang) for s in p.standards)
        title = t("legal.rec.title", lang, rank=p.rank, category=cat, score=f"{p.score:.2f}")
        missing = p.national_level in ("none", "unknown")
        reasons = [r for g in p.gaps for r in g.national_reasons]
        reasons = [r for r in dict.fromkeys(reasons) if not r.startswith(("unverified", "absence"))]
        if missing:
            gap = t("legal.rec.gap_missing", lang, category=cat, standards=std_names)
        else:
            gap = t(
                "legal.rec.gap_partial",
                lang,
                category=cat,
                standards=std_names,
                reasons="; ".join(_reason_text(r, lang, corpus) for r in reasons) or "—",
            )
        intl_keys = list(dict.fromkeys(k for g in p.gaps for k in g.standard_articles))
        nat_keys = list(dict.fromkeys(k for g in p.gaps for k in g.national_articles))
        draws = tuple(cite(corpus, k, lang) for k in intl_keys)
        national = tuple(cite(corpus, k, lang) for k in nat_keys)
        elements = corpus.elements.get(p.category, {}).get("required", ())
        el_text = ", ".join(t(f"legal.element.{e}", lang) for e in elements)
        if national and not missing:
            action = t(
                "legal.rec.amend",
                lang,
                provisions="; ".join(_cite_text(c, lang) for c in national),
                elements=el_text,
            )
        else:
            action = t("legal.rec.create", lang, category=cat, elements=el_text)
        foot = [
            "† " + t("legal.rec.footnote", lang, item=c.label, status=c.status)
            for c in (*draws, *national)
            if not c.verified
        ]
        foot += [
            "† " + _other_footnote(u, cat, lang)
            for u in p.unverified
            if not any(u.startswith(c.key) for c in (*draws, *national))
        ]
        if p.burden_status == "measured":
            foot.append(t("legal.rec.evidence_source", lang, period=p.period or "—"))
        out.append(
            Recommendation(
                rank=p.rank,
                category=p.category,
                lang=lang,
                title=title,
                gap=gap,
                evidence=_evidence(p, lang, min_cell),
                draws_on=draws,
                national=national,
                action=action,
                footnotes=tuple(dict.fromkeys(foot)),
                verified=p.verified and all(c.verified for c in (*draws, *national)),
                score=p.score,
            )
        )
    return out
