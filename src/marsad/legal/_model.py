"""The legal framework as data: instruments, provisions, what each covers, and their status.

Every fact carries its own verification status, field by field (article number, content,
penalty, date in force, coverage reading), because the reference material
(``shared/reference/legal-facts.md``) often verifies the conduct but not the article number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AGGRAVATION_CODES",
    "ELECTRONIC",
    "FINDINGS",
    "GROUPS",
    "KINDS",
    "LIMIT_CODES",
    "MOROCCO_STATUSES",
    "READINGS",
    "ROLES",
    "STATUSES",
    "Aggravation",
    "Coverage",
    "Finding",
    "Instrument",
    "LegalCorpus",
    "MoroccoStatus",
    "Penalty",
    "Provision",
    "VictimScope",
    "is_verified",
    "weakest",
]

#: Verification statuses, strongest first. VERIFIED-SECONDARY: tied to the fact by a
#: secondary source that quotes the text (e.g. a press report quoting the article).
STATUSES = ("VERIFIED", "VERIFIED-SECONDARY", "UNVERIFIED")
ROLES = ("national", "standard", "comparator")
KINDS = (
    "offence",
    "aggravation",
    "measure",
    "definition",
    "institution",
    "procedure",
    "guidance",
    "obligation",
    "general",
)
ELECTRONIC = ("explicit", "implied", "absent", "unknown", "not_applicable")
READINGS = ("direct", "interpretive", "unknown")
FINDINGS = ("not_found", "unknown")
MOROCCO_STATUSES = (
    "national",
    "party",
    "signed",
    "invited_not_party",
    "not_party",
    "not_applicable",
)
AGGRAVATION_CODES = (
    "minor_victim",
    "female_victim",
    "relationship",
    "recidivism",
    "authority",
    "colleague",
    "data_damage",
)
#: Limits on what a provision reaches; each makes coverage partial (reason ``limited_scope``).
LIMIT_CODES = (
    "persistence_required",
    "public_only",
    "private_place_only",
    "not_sexual_specific",
    "property_demands_only",
    "authority_abuse_only",
    "fines_only",
    "protective_measure_only",
    "non_criminal_sanction_allowed",
    "reservation_allowed",
    "sexual_only",
    "women_only",
)
#: Victim groups of the coverage matrix: (sex, minor).
GROUPS: dict[str, tuple[str, bool]] = {
    "women": ("female", False),
    "girls": ("female", True),
    "boys": ("male", True),
    "men": ("male", False),
}
ADULT_AGE = 18  # the age of majority the groups use (taxonomy.ADULT_AGE)


def is_verified(status: str | None) -> bool:
    """True for VERIFIED and VERIFIED-SECONDARY; False for UNVERIFIED or a missing status."""
    return status in ("VERIFIED", "VERIFIED-SECONDARY")


def weakest(*statuses: str | None) -> str:
    """The weakest of some statuses (None entries are ignored; none at all -> VERIFIED)."""
    present = [s for s in statuses if s is not None]
    if not present:
        return "VERIFIED"
    return max(present, key=STATUSES.index)


@dataclass(frozen=True)
class VictimScope:
    """Who the provision protects: ``sex`` (any or female or male) and ``max_age``.

    ``max_age`` is exclusive: 18 means victims under 18 only; None means any age.
    """

    sex: str = "any"
    max_age: int | None = None

    def reach(self, group: str) -> str:
        """How the scope reaches a victim group of :data:`GROUPS`: ``full``, ``part`` or ``no``.

        ``part``: only some of the group (e.g. a provision for children under 16 and girls).
        """
        sex, minor = GROUPS[group]
        if self.sex != "any" and self.sex != sex:
            return "no"
        if self.max_age is None:
            return "full"
        if not minor:
            return "no"
        return "full" if self.max_age >= ADULT_AGE else "part"

    @property
    def label(self) -> str:
        who = {"any": "anyone", "female": "women and girls", "male": "men and boys"}[self.sex]
        return who if self.max_age is None else f"{who} under {self.max_age}"


@dataclass(frozen=True)
class Penalty:
    """A penalty range: prison in months and fine in dirhams (or another currency)."""

    prison_months: tuple[float, float] | None = None
    fine: tuple[float, float] | None = None
    currency: str = "MAD"
    either: bool = False
    note: str = ""

    @property
    def text(self) -> str:
        parts = []
        if self.prison_months:
            parts.append(f"{_months(self.prison_months[0])}–{_months(self.prison_months[1])}")
        if self.fine:
            parts.append(f"{self.fine[0]:,.0f}–{self.fine[1]:,.0f} {self.currency}")
        text = (" or " if self.either else " + ").join(parts)
        return f"{text} ({self.note})" if self.note and text else (text or self.note)


def _months(m: float) -> str:
    if m >= 12 and m % 12 == 0:
        return f"{int(m // 12)}y"
    return f"{m:g}m"


@dataclass(frozen=True)
class Aggravation:
    """An aggravating circumstance named by a provision, with its own status."""

    code: str
    status: str
    note: str = ""


@dataclass(frozen=True)
class Coverage:
    """What one provision says about one threat category.

    ``reading`` is ``direct`` when the text names the conduct, ``interpretive`` when it
    reaches it only by a reading of the text, ``unknown`` when the reach is not established.
    ``limits`` are :data:`LIMIT_CODES`, each restricted to ``limit_spaces[code]`` when given.
    """

    category: str
    elements: tuple[str, ...]
    reading: str = "direct"
    limits: tuple[str, ...] = ()
    limit_spaces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    spaces: tuple[str, ...] | None = None
    status: str = "VERIFIED"
    note: str = ""

    def limits_in(self, space: str) -> tuple[str, ...]:
        return tuple(
            c for c in self.limits if c not in self.limit_spaces or space in self.limit_spaces[c]
        )


@dataclass(frozen=True)
class Provision:
    """One article (or paragraph, or section) of an instrument, with field-level statuses."""

    instrument: str
    article: str
    article_status: str
    kind: str
    title: dict[str, str]
    summary: dict[str, str]
    content_status: str
    electronic: str
    victims: VictimScope
    covers: tuple[Coverage, ...]
    sources: tuple[str, ...]
    aggravations: tuple[Aggravation, ...] = ()
    aggravates: tuple[str, ...] = ()
    penalty: Penalty | None = None
    penalty_status: str | None = None
    in_force: str | None = None
    in_force_status: str | None = None
    amended_by: str = ""
    ref: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        """``instrument:article``, unique in a corpus."""
        return f"{self.instrument}:{self.article}"

    @property
    def status(self) -> str:
        """The weakest status of any field: the provision's overall verification status."""
        return weakest(
            self.article_status, self.content_status, self.penalty_status, self.in_force_status
        )

    @property
    def verified(self) -> bool:
        return is_verified(self.status)

    def text(self, field_: str, lang: str = "en") -> str:
        values: dict[str, str] = getattr(self, field_)
        return values.get(lang) or values.get("en") or values.get("fr") or ""


@dataclass(frozen=True)
class Finding:
    """A recorded search result for a category where no provision covers it.

    ``not_found``: no provision found (a negative, normally UNVERIFIED: absence not proven);
    ``unknown``: the reach of the instrument is not established.
    """

    category: str
    finding: str
    status: str
    note: dict[str, str]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class MoroccoStatus:
    """Morocco's status towards an instrument, with dates, sources and a status."""

    status: str
    dates: dict[str, str]
    sources: tuple[str, ...]
    verification: str
    note: str = ""


@dataclass(frozen=True)
class Instrument:
    """A law, treaty, protocol, soft-law text or comparator act; one data file each."""

    id: str
    framework: str
    role: str
    kind: str
    binding: bool
    title: dict[str, str]
    short: str
    morocco: MoroccoStatus
    sources: tuple[str, ...]
    verification: str
    coverage_complete: bool = False
    adopted: str | None = None
    in_force: str | None = None
    in_force_status: str | None = None
    findings: tuple[Finding, ...] = ()
    note: str = ""
    path: str = ""

    def label(self, lang: str = "en") -> str:
        return self.title.get(lang) or self.title.get("en") or self.short


@dataclass(frozen=True)
class LegalCorpus:
    """All loaded instruments and provisions; what every analysis function takes."""

    instruments: dict[str, Instrument]
    provisions: tuple[Provision, ...]
    elements: dict[str, dict[str, tuple[str, ...]]]

    def of(self, instrument: str) -> tuple[Provision, ...]:
        return tuple(p for p in self.provisions if p.instrument == instrument)

    def provision(self, key: str) -> Provision:
        for p in self.provisions:
            if p.key == key:
                return p
        raise KeyError(key)

    @property
    def frameworks(self) -> dict[str, str]:
        """Framework id -> role (national, standard, comparator), national first."""
        out: dict[str, str] = {}
        for inst in sorted(self.instruments.values(), key=lambda i: ROLES.index(i.role)):
            out.setdefault(inst.framework, inst.role)
        return out

    def framework_instruments(self, framework: str) -> tuple[Instrument, ...]:
        return tuple(i for i in self.instruments.values() if i.framework == framework)
