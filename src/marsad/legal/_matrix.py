"""The coverage matrix: category × digital space × victim group → coverage, per framework.

Every cell is derived by rules from the provision data (docs/legal.md, "Coverage rules");
nothing is typed in by hand. A cell carries the articles behind it, the reasons when
coverage is partial, and whether the facts it stands on are verified.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from marsad.legal._model import (
    GROUPS,
    Coverage,
    LegalCorpus,
    Provision,
    is_verified,
)
from marsad.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "LEVELS",
    "REASONS",
    "CoverageCell",
    "CoverageMatrix",
    "coverage_matrix",
]

#: Coverage levels, strongest first. ``not_applicable``: adults for a children-only category.
LEVELS = ("explicit", "partial", "unknown", "none", "not_applicable")
#: Reasons a cell is partial (or carries a caveat); each has an i18n label legal.reason.<code>.
REASONS = (
    "conduct_missing",
    "electronic_not_named",
    "electronic_absent",
    "electronic_unknown",
    "only_by_interpretation",
    "limited_scope",
    "age_limited",
    "no_minor_aggravation",
    "minor_aggravation_unverified",
    "unverified_article",
    "unverified_content",
    "unverified_reading",
    "minors_only",
    "women_only",
    "varies_by_group",
    "not_found_unverified",
    "absence_not_proven",
)
_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
#: Categories left out of the matrix: the residual category has no legal meaning.
EXCLUDED_CATEGORIES = frozenset({"other"})


@dataclass(frozen=True)
class CoverageCell:
    """Coverage of one category in one space for one victim group by one framework.

    Attributes
    ----------
    level
        One of :data:`LEVELS`.
    reasons
        Codes of :data:`REASONS`; a code may carry a detail after a colon
        (``conduct_missing:stalking``, ``limited_scope:public_only``).
    articles
        ``instrument:article`` keys of every provision considered for the cell.
    unverified
        The elements behind the cell that are not verified (``key: article number`` ...).
    verified
        True only when the provisions that decide the level (or, for ``none``, the
        completeness of the search) are verified.
    """

    framework: str
    role: str
    category: str
    space: str
    group: str
    level: str
    reasons: tuple[str, ...]
    articles: tuple[str, ...]
    verified: bool
    unverified: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class CoverageMatrix:
    """All cells, with lookup and the group-aggregated view."""

    cells: tuple[CoverageCell, ...]
    frameworks: dict[str, str]
    categories: tuple[str, ...]
    spaces: tuple[str, ...]
    groups: tuple[str, ...]
    corpus: LegalCorpus

    def cell(self, framework: str, category: str, space: str, group: str) -> CoverageCell:
        return self._index()[(framework, category, space, group)]

    def _index(self) -> dict[tuple[str, str, str, str], CoverageCell]:
        idx = self.__dict__.get("_idx")
        if idx is None:
            idx = {(c.framework, c.category, c.space, c.group): c for c in self.cells}
            object.__setattr__(self, "_idx", idx)
        return idx

    def select(
        self,
        *,
        framework: str | None = None,
        category: str | None = None,
        space: str | None = None,
        group: str | None = None,
    ) -> Iterator[CoverageCell]:
        for c in self.cells:
            if framework and c.framework != framework:
                continue
            if category and c.category != category:
                continue
            if space and c.space != space:
                continue
            if group and c.group != group:
                continue
            yield c

    def aggregate(self, framework: str, category: str, space: str) -> CoverageCell:
        """The cell over all victim groups (group ``all``): see :func:`combine_groups`."""
        return combine_groups([self.cell(framework, category, space, g) for g in self.groups])


def combine_groups(cells: list[CoverageCell]) -> CoverageCell:
    """Combine the cells of several victim groups into one (group ``all``).

    Same level everywhere → that level. Otherwise covered for some groups only → ``partial``
    with ``minors_only``, ``women_only`` or ``varies_by_group``; ``not_applicable`` groups
    are ignored.
    """
    first = cells[0]
    applicable = [c for c in cells if c.level != "not_applicable"] or cells
    levels = {c.level for c in applicable}
    reasons = _merge(r for c in applicable for r in c.reasons)
    articles = _merge(a for c in applicable for a in c.articles)
    unverified = _merge(u for c in applicable for u in c.unverified)
    verified = all(c.verified for c in applicable)
    if len(levels) == 1:
        level = levels.pop()
    elif levels & {"explicit", "partial"}:
        level = "partial"
        covered = {c.group for c in applicable if c.level in ("explicit", "partial")}
        minors = {g for g in covered if GROUPS[g][1]}
        female = {g for g in covered if GROUPS[g][0] == "female"}
        if covered == minors:
            extra = "minors_only"
        elif covered == female:
            extra = "women_only"
        else:
            extra = "varies_by_group"
        reasons = _merge([*reasons, extra])
    else:
        level = "unknown"
    return CoverageCell(
        first.framework,
        first.role,
        first.category,
        first.space,
        "all",
        level,
        reasons,
        articles,
        verified,
        unverified,
        first.note,
    )


def _merge(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class _Candidate:
    provision: Provision
    coverage: Coverage
    level: str
    reasons: tuple[str, ...]
    unverified: tuple[str, ...]

    @property
    def verified(self) -> bool:
        return not self.unverified


def _assess(
    p: Provision, cov: Coverage, space: str, reach: str, required: tuple[str, ...]
) -> _Candidate:
    """Rules for one provision on one cell (docs/legal.md, rules R1–R7)."""
    reasons: list[str] = []
    unverified: list[str] = []
    missing = [e for e in required if e not in cov.elements]
    if missing:  # R1
        reasons.append("conduct_missing:" + ",".join(missing))
    if p.electronic in ("implied", "absent", "unknown"):  # R2
        reasons.append(
            {
                "implied": "electronic_not_named",
                "absent": "electronic_absent",
                "unknown": "electronic_unknown",
            }[p.electronic]
        )
    if cov.reading == "interpretive":  # R3
        reasons.append("only_by_interpretation")
    reasons.extend("limited_scope:" + code for code in cov.limits_in(space))  # R4
    if reach == "part":  # R5
        reasons.append("age_limited")
    if not is_verified(p.article_status):  # R6
        reasons.append("unverified_article")
        unverified.append(f"{p.key}: article number")
    if not is_verified(p.content_status):
        reasons.append("unverified_content")
        unverified.append(f"{p.key}: content")
    if not is_verified(cov.status):
        reasons.append("unverified_reading")
        unverified.append(f"{p.key}: coverage of {cov.category}")
    level = "unknown" if cov.reading == "unknown" else "partial" if reasons else "explicit"
    return _Candidate(p, cov, level, tuple(reasons), tuple(unverified))


def _cell(
    corpus: LegalCorpus,
    framework: str,
    role: str,
    provisions: list[Provision],
    category: str,
    space: str,
    group: str,
    minors_only: bool,
) -> CoverageCell:
    if minors_only and not GROUPS[group][1]:
        return CoverageCell(framework, role, category, space, group, "not_applicable", (), (), True)
    required = corpus.elements.get(category, {}).get("required", ())
    cands: list[_Candidate] = []
    for p in provisions:
        for cov in p.covers:
            if cov.category != category or (cov.spaces is not None and space not in cov.spaces):
                continue
            reach = p.victims.reach(group)
            if reach == "no":
                continue
            cands.append(_assess(p, cov, space, reach, required))
    articles = _merge(c.provision.key for c in cands)
    if not cands:  # R7: no provision — a recorded finding, or the completeness of the data
        instruments = corpus.framework_instruments(framework)
        for inst in instruments:
            for f in inst.findings:
                if f.category == category:
                    level = "none" if f.finding == "not_found" else "unknown"
                    ok = is_verified(f.status)
                    f_reasons: tuple[str, ...] = () if ok else ("not_found_unverified",)
                    unv = () if ok else (f"{inst.id}: finding '{f.finding}' for {category}",)
                    return CoverageCell(
                        framework,
                        role,
                        category,
                        space,
                        group,
                        level,
                        f_reasons,
                        (),
                        ok,
                        unv,
                        f.note.get("en", ""),
                    )
        complete = all(i.coverage_complete for i in instruments)
        return CoverageCell(
            framework,
            role,
            category,
            space,
            group,
            "none",
            () if complete else ("absence_not_proven",),
            (),
            complete,
        )
    negatives = [
        (i.id, f)
        for i in corpus.framework_instruments(framework)
        for f in i.findings
        if f.category == category and f.finding == "not_found" and not is_verified(f.status)
    ]
    best = min(_RANK[c.level] for c in cands)
    deciding = [c for c in cands if _RANK[c.level] == best]
    level = LEVELS[best]
    reasons = list(_merge(r for c in deciding for r in c.reasons))
    unverified = list(_merge(u for c in cands for u in c.unverified))
    verified = any(c.verified for c in deciding) and level != "unknown"
    for iid, _f in negatives:  # a specific offence was searched for and not found
        reasons.append("not_found_unverified")
        unverified.append(f"{iid}: finding 'not_found' for {category}")
    # R8: national law, minor victims, a category not specific to children: is there an
    # aggravation for minors?
    if (
        role == "national"
        and GROUPS[group][1]
        and not minors_only
        and level in ("explicit", "partial")
    ):
        decided = {c.provision.article for c in deciding}
        if all(c.provision.victims.max_age is None for c in deciding):
            aggs = [
                a
                for q in provisions
                if any(cv.category == category for cv in q.covers) or decided & set(q.aggravates)
                for a in q.aggravations
                if a.code == "minor_victim"
            ]
            if not aggs:
                reasons.append("no_minor_aggravation")
                level = "partial"
            elif not any(is_verified(a.status) for a in aggs):
                reasons.append("minor_aggravation_unverified")
                unverified.append(f"{framework}: aggravation for minors ({category})")
                verified = False
    return CoverageCell(
        framework,
        role,
        category,
        space,
        group,
        level,
        tuple(reasons),
        articles,
        verified,
        tuple(unverified),
    )


def coverage_matrix(
    corpus: LegalCorpus | None = None,
    *,
    taxonomy: Taxonomy | None = None,
    frameworks: Iterable[str] | None = None,
) -> CoverageMatrix:
    """Derive the coverage matrix from provision data by rules.

    Parameters
    ----------
    corpus
        Provisions to use; default: the shipped data (:func:`load_provisions`).
    taxonomy
        Categories and spaces; default: the shipped taxonomy.
    frameworks
        Restrict to these frameworks (national law is always kept).

    Returns
    -------
    CoverageMatrix
        One :class:`CoverageCell` per framework × category × space × victim group.
    """
    if corpus is None:
        from marsad.legal._load import load_provisions

        corpus = load_provisions()
    tax = taxonomy or load_taxonomy()
    all_fw = corpus.frameworks
    wanted = set(frameworks) if frameworks is not None else set(all_fw)
    fws = {f: r for f, r in all_fw.items() if f in wanted or r == "national"}
    categories = tuple(c for c in tax.categories if c not in EXCLUDED_CATEGORIES)
    spaces = tuple(tax.spaces)
    groups = tuple(GROUPS)
    cells: list[CoverageCell] = []
    for fw, role in fws.items():
        inst_ids = {i.id for i in corpus.framework_instruments(fw)}
        provisions = [p for p in corpus.provisions if p.instrument in inst_ids]
        for cat in categories:
            minors_only = tax.categories[cat].minors_only
            for sp in spaces:
                for g in groups:
                    cells.append(_cell(corpus, fw, role, provisions, cat, sp, g, minors_only))
    return CoverageMatrix(tuple(cells), fws, categories, spaces, groups, corpus)
