"""Read and validate provision files: the shipped ones (``legal/data/*.yaml``) and users' own.

A file either defines an instrument (top-level ``instrument:`` mapping and its
``provisions:``) or adds to one defined elsewhere (``extends: <instrument id>``). Every error
names the file, the provision (index and article) and the field. :func:`check_files`
collects all of them; :func:`load_provisions` raises :class:`~marsad.errors.LegalDataError`
listing them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from marsad.errors import LegalDataError
from marsad.legal._model import (
    AGGRAVATION_CODES,
    ELECTRONIC,
    FINDINGS,
    KINDS,
    LIMIT_CODES,
    MOROCCO_STATUSES,
    READINGS,
    ROLES,
    STATUSES,
    Aggravation,
    Coverage,
    Finding,
    Instrument,
    LegalCorpus,
    MoroccoStatus,
    Penalty,
    Provision,
    VictimScope,
)
from marsad.taxonomy import load_taxonomy

__all__ = ["CheckIssue", "CheckReport", "check_files", "load_provisions", "shipped_files"]

#: The C-accelerated safe loader when libyaml is present (same results, several times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class CheckIssue:
    """One problem in a provision file. ``provision`` is the 1-based index (None: file level)."""

    file: str
    code: str
    field: str
    message: str
    provision: int | None = None
    article: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.provision is not None:
            where += f": provision {self.provision}"
            if self.article:
                where += f" (article {self.article})"
        return f"{where}, field '{self.field}': {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """Result of :func:`check_files`: files read, provisions seen and every issue found."""

    files: tuple[str, ...]
    instruments: int
    provisions: int
    issues: tuple[CheckIssue, ...]

    @property
    def ok(self) -> bool:
        return not self.issues


def shipped_files() -> list[Path]:
    """The provision files shipped in the package, one per instrument."""
    folder = resources.files("marsad.legal").joinpath("data")
    return sorted(Path(str(e)) for e in folder.iterdir() if e.name.endswith(".yaml"))


@cache
def _elements() -> dict[str, dict[str, tuple[str, ...]]]:
    text = resources.files("marsad.legal").joinpath("conduct.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)["categories"]
    return {
        cat: {"required": tuple(v.get("required", ())), "related": tuple(v.get("related", ()))}
        for cat, v in raw.items()
    }


def _expand(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        else:
            out.append(path)
    return out


class _Checker:
    """Builds the corpus from raw files while collecting every issue."""

    def __init__(self) -> None:
        tax = load_taxonomy()
        self.categories = set(tax.categories)
        self.spaces = set(tax.spaces)
        self.elements = _elements()
        self.issues: list[CheckIssue] = []
        self.instruments: dict[str, Instrument] = {}
        self.provisions: list[Provision] = []
        self.seen_articles: dict[tuple[str, str], str] = {}
        self.pending: list[tuple[str, str, list[Any]]] = []  # (file, instrument id, provisions)
        self.file: str = ""

    # -- helpers -----------------------------------------------------------------------
    def issue(
        self, code: str, field: str, message: str, idx: int | None = None, art: str | None = None
    ) -> None:
        self.issues.append(CheckIssue(self.file, code, field, message, idx, art))

    def enum(
        self,
        raw: dict[str, Any],
        key: str,
        allowed: Sequence[str],
        ctx: tuple[int | None, str | None],
        *,
        required: bool = True,
        default: str | None = None,
        prefix: str = "",
    ) -> str | None:
        value = raw.get(key, default)
        if value is None:
            if required:
                code = "legal.missing_status" if key.endswith("status") else "legal.missing_field"
                self.issue(
                    code, prefix + key, f"is missing; use one of {', '.join(allowed)}.", *ctx
                )
            return None
        if value not in allowed:
            self.issue(
                "legal.bad_enum",
                prefix + key,
                f"{value!r} is not allowed; use one of {', '.join(allowed)}.",
                *ctx,
            )
            return None
        return str(value)

    def date(
        self, raw: dict[str, Any], key: str, ctx: tuple[int | None, str | None], prefix: str = ""
    ) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        text = str(value)
        ok = bool(_DATE.match(text))
        if ok:
            parts = [int(x) for x in text.split("-")] + [1, 1]
            try:
                dt.date(parts[0], parts[1], parts[2])
            except ValueError:
                ok = False
        if not ok:
            self.issue(
                "legal.bad_date",
                prefix + key,
                f"{value!r} is not a date; write YYYY-MM-DD (or YYYY-MM, or YYYY when only the "
                "year is known).",
                *ctx,
            )
            return None
        return text

    def sources(
        self, raw: dict[str, Any], ctx: tuple[int | None, str | None], prefix: str = ""
    ) -> tuple[str, ...]:
        value = raw.get("sources")
        if isinstance(value, str):
            value = [value]
        if not value or not all(isinstance(s, str) and s.strip() for s in value):
            self.issue(
                "legal.missing_source",
                prefix + "sources",
                "is missing or empty; name the official text or the source where the fact was "
                "seen.",
                *ctx,
            )
            return ()
        return tuple(s.strip() for s in value)

    def texts(
        self,
        raw: dict[str, Any],
        key: str,
        ctx: tuple[int | None, str | None],
        need: tuple[str, ...],
    ) -> dict[str, str]:
        value = raw.get(key)
        if not isinstance(value, dict):
            self.issue(
                "legal.missing_field",
                key,
                f"must map languages to text; need {', '.join(need)}.",
                *ctx,
            )
            return {}
        missing = [lang for lang in need if not value.get(lang)]
        if missing:
            self.issue("legal.missing_field", key, f"lacks the {', '.join(missing)} text.", *ctx)
        return {str(k): str(v).strip() for k, v in value.items() if v}

    # -- files ---------------------------------------------------------------------------
    def read(self, path: Path) -> None:
        self.file = str(path)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except FileNotFoundError:
            self.issue("legal.no_file", "-", "file not found.")
            return
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            self.issue("legal.yaml", "-", f"is not valid YAML: {exc}".replace("\n", " "))
            return
        if not isinstance(data, dict):
            self.issue("legal.yaml", "-", "must hold a mapping with 'instrument' or 'extends'.")
            return
        provisions = data.get("provisions") or []
        if not isinstance(provisions, list):
            self.issue("legal.missing_field", "provisions", "must be a list.")
            provisions = []
        if "instrument" in data:
            inst = self.instrument(data["instrument"], path)
            if inst is not None:
                self.pending.append((self.file, inst, provisions))
        elif "extends" in data:
            self.pending.append((self.file, str(data["extends"]), provisions))
        else:
            self.issue(
                "legal.missing_field",
                "instrument",
                "the file needs 'instrument' (a new "
                "instrument) or 'extends' (the id of an instrument to add provisions to).",
            )

    def instrument(self, raw: Any, path: Path) -> str | None:
        ctx: tuple[int | None, str | None] = (None, None)
        if not isinstance(raw, dict) or not raw.get("id"):
            self.issue("legal.missing_field", "instrument.id", "every instrument needs an id.")
            return None
        iid = str(raw["id"])
        if iid in self.instruments:
            self.issue(
                "legal.duplicate_instrument",
                "instrument.id",
                f"{iid!r} is defined twice (first in {self.instruments[iid].path}).",
            )
            return None
        p = "instrument."
        role = self.enum(raw, "role", ROLES, ctx, prefix=p)
        kind = str(raw.get("kind") or "")
        mraw: dict[str, Any] = raw["morocco"] if isinstance(raw.get("morocco"), dict) else {}
        if not mraw:
            self.issue(
                "legal.missing_field",
                p + "morocco",
                "Morocco's status towards the "
                "instrument is missing (status, dates, sources, verification).",
            )
        mstatus = self.enum(mraw, "status", MOROCCO_STATUSES, ctx, prefix=p + "morocco.")
        mdates_raw = mraw.get("dates") or {}
        mdates = {}
        for k in mdates_raw:
            d = self.date(mdates_raw, k, ctx, prefix=p + "morocco.dates.")
            if d:
                mdates[str(k)] = d
        msources = self.sources(mraw, ctx, prefix=p + "morocco.") if mraw else ()
        mverif = self.enum(mraw, "verification", STATUSES, ctx, prefix=p + "morocco.")
        findings = []
        for j, f in enumerate(raw.get("findings") or []):
            fp = f"{p}findings[{j}]."
            cat = f.get("category")
            if cat not in self.categories:
                self.issue(
                    "legal.unknown_category", fp + "category", _unknown_cat(cat, self.categories)
                )
            fnd = self.enum(f, "finding", FINDINGS, ctx, prefix=fp)
            fst = self.enum(f, "status", STATUSES, ctx, prefix=fp)
            fsrc = self.sources(f, ctx, prefix=fp)
            if cat in self.categories and fnd and fst:
                findings.append(Finding(str(cat), fnd, fst, dict(f.get("note") or {}), fsrc))
        title = self.texts(raw, "title", ctx, ("en", "fr"))
        sources = self.sources(raw, ctx, prefix=p)
        verification = self.enum(raw, "verification", STATUSES, ctx, prefix=p)
        in_force = self.date(raw, "in_force", ctx, prefix=p)
        in_force_status = self.enum(
            raw, "in_force_status", STATUSES, ctx, prefix=p, required=in_force is not None
        )
        adopted = self.date(raw, "adopted", ctx, prefix=p)
        if not raw.get("framework"):
            self.issue(
                "legal.missing_field",
                p + "framework",
                "name the framework (matrix column) "
                "the instrument belongs to, e.g. national, budapest, istanbul.",
            )
        if None in (role, mstatus, mverif, verification) or not sources or not msources:
            return None
        self.instruments[iid] = Instrument(
            id=iid,
            framework=str(raw.get("framework") or iid),
            role=str(role),
            kind=kind,
            binding=bool(raw.get("binding", True)),
            title=title,
            short=str(raw.get("short") or title.get("en") or iid),
            morocco=MoroccoStatus(
                str(mstatus), mdates, msources, str(mverif), str(mraw.get("note") or "")
            ),
            sources=sources,
            verification=str(verification),
            coverage_complete=bool(raw.get("coverage_complete", False)),
            adopted=adopted,
            in_force=in_force,
            in_force_status=in_force_status,
            findings=tuple(findings),
            note=str(raw.get("note") or ""),
            path=str(path),
        )
        return iid

    def provision(self, raw: Any, idx: int, instrument: str) -> None:
        if not isinstance(raw, dict):
            self.issue("legal.missing_field", "-", "each provision must be a mapping.", idx)
            return
        art = raw.get("article")
        art = str(art).strip() if art is not None else None
        ctx = (idx, art)
        if not art:
            self.issue(
                "legal.missing_field",
                "article",
                "is missing; give the article number as "
                "the source names it (or '—' when the source cites none).",
                *ctx,
            )
        else:
            key = (instrument, art)
            if key in self.seen_articles and not raw.get("replace"):
                self.issue(
                    "legal.duplicate_article",
                    "article",
                    f"{art!r} already appears in "
                    f"instrument {instrument!r} ({self.seen_articles[key]}); set "
                    "'replace: true' to override it on purpose.",
                    *ctx,
                )
                return
        article_status = self.enum(raw, "article_status", STATUSES, ctx)
        content_status = self.enum(raw, "content_status", STATUSES, ctx)
        kind = self.enum(raw, "kind", KINDS, ctx)
        electronic = self.enum(raw, "electronic", ELECTRONIC, ctx)
        title = self.texts(raw, "title", ctx, ("en", "fr"))
        summary = self.texts(raw, "summary", ctx, ("en", "fr"))
        sources = self.sources(raw, ctx)
        vraw = raw.get("victims") or {}
        vsex = self.enum(
            vraw, "sex", ("any", "female", "male"), ctx, default="any", prefix="victims."
        )
        vmax = vraw.get("max_age")
        if vmax is not None and (not isinstance(vmax, int) or not 1 <= vmax <= 21):
            self.issue(
                "legal.bad_value",
                "victims.max_age",
                f"must be a whole age from 1 to 21 "
                f"(exclusive upper bound, 18 = under 18); got {vmax!r}.",
                *ctx,
            )
            vmax = None
        covers = []
        for j, c in enumerate(raw.get("covers") or []):
            cov = self.coverage(c, f"covers[{j}].", ctx, content_status)
            if cov is not None:
                covers.append(cov)
        aggs = []
        for j, a in enumerate(raw.get("aggravations") or []):
            ap = f"aggravations[{j}]."
            code = self.enum(a, "code", AGGRAVATION_CODES, ctx, prefix=ap)
            st = self.enum(a, "status", STATUSES, ctx, prefix=ap)
            if code and st:
                aggs.append(Aggravation(code, st, str(a.get("note") or "")))
        penalty = None
        penalty_status = None
        if raw.get("penalty") is not None:
            penalty = self.penalty(raw["penalty"], ctx)
            penalty_status = self.enum(raw, "penalty_status", STATUSES, ctx)
        in_force = self.date(raw, "in_force", ctx)
        in_force_status = self.enum(
            raw, "in_force_status", STATUSES, ctx, required=in_force is not None
        )
        if None in (art, article_status, content_status, kind, electronic, vsex) or not sources:
            return
        assert art is not None
        self.seen_articles[(instrument, art)] = self.file
        if raw.get("replace"):
            self.provisions = [p for p in self.provisions if p.key != f"{instrument}:{art}"]
        self.provisions.append(
            Provision(
                instrument=instrument,
                article=art,
                article_status=str(article_status),
                kind=str(kind),
                title=title,
                summary=summary,
                content_status=str(content_status),
                electronic=str(electronic),
                victims=VictimScope(str(vsex), vmax),
                covers=tuple(covers),
                sources=sources,
                aggravations=tuple(aggs),
                aggravates=tuple(str(x) for x in raw.get("aggravates") or ()),
                penalty=penalty,
                penalty_status=penalty_status,
                in_force=in_force,
                in_force_status=in_force_status,
                amended_by=str(raw.get("amended_by") or ""),
                ref=str(raw.get("ref") or ""),
                note=str(raw.get("note") or ""),
            )
        )

    def coverage(
        self, c: Any, p: str, ctx: tuple[int | None, str | None], content_status: str | None
    ) -> Coverage | None:
        if not isinstance(c, dict):
            self.issue(
                "legal.missing_field", p[:-1], "must be a mapping with category and elements.", *ctx
            )
            return None
        cat = c.get("category")
        if cat not in self.categories:
            self.issue(
                "legal.unknown_category", p + "category", _unknown_cat(cat, self.categories), *ctx
            )
            return None
        vocab = self.elements.get(str(cat), {"required": (), "related": ()})
        allowed = vocab["required"] + vocab["related"]
        elements = tuple(str(e) for e in c.get("elements") or ())
        bad = [e for e in elements if e not in allowed]
        if bad or not elements:
            self.issue(
                "legal.unknown_element",
                p + "elements",
                (
                    f"{', '.join(map(repr, bad))} not conduct elements of {cat!r}"
                    if bad
                    else "is empty"
                )
                + f"; use {', '.join(allowed)} (legal/conduct.yaml).",
                *ctx,
            )
            return None
        reading = self.enum(c, "reading", READINGS, ctx, default="direct", prefix=p)
        limits = tuple(str(x) for x in c.get("limits") or ())
        for x in limits:
            if x not in LIMIT_CODES:
                self.issue(
                    "legal.bad_enum",
                    p + "limits",
                    f"{x!r} is not allowed; use one of {', '.join(LIMIT_CODES)}.",
                    *ctx,
                )
                return None
        limit_spaces = {str(k): tuple(v) for k, v in (c.get("limit_spaces") or {}).items()}
        spaces = tuple(c["spaces"]) if c.get("spaces") else None
        for sp in (spaces or ()) + tuple(s for v in limit_spaces.values() for s in v):
            if sp not in self.spaces:
                self.issue(
                    "legal.bad_enum",
                    p + "spaces",
                    f"{sp!r} is not a digital space; use {', '.join(sorted(self.spaces))}.",
                    *ctx,
                )
                return None
        status = self.enum(
            c, "status", STATUSES, ctx, default=content_status or "UNVERIFIED", prefix=p
        )
        if reading is None or status is None:
            return None
        return Coverage(
            str(cat),
            elements,
            reading,
            limits,
            limit_spaces,
            spaces,
            status,
            str(c.get("note") or ""),
        )

    def penalty(self, raw: Any, ctx: tuple[int | None, str | None]) -> Penalty | None:
        if not isinstance(raw, dict):
            self.issue(
                "legal.bad_value", "penalty", "must be a mapping (prison_months, fine, ...).", *ctx
            )
            return None
        ranges: dict[str, tuple[float, float] | None] = {}
        for key in ("prison_months", "fine"):
            v = raw.get(key)
            if v is None:
                ranges[key] = None
                continue
            ok = (
                isinstance(v, list)
                and len(v) == 2
                and all(isinstance(x, int | float) for x in v)
                and 0 <= v[0] <= v[1]
            )
            if not ok:
                self.issue(
                    "legal.bad_value",
                    f"penalty.{key}",
                    f"must be [low, high] with 0 <= low <= high; got {v!r}.",
                    *ctx,
                )
                ranges[key] = None
            else:
                ranges[key] = (float(v[0]), float(v[1]))
        return Penalty(
            ranges["prison_months"],
            ranges["fine"],
            str(raw.get("currency") or "MAD"),
            bool(raw.get("either", False)),
            str(raw.get("note") or ""),
        )

    def finish(self) -> None:
        for file, inst, provisions in self.pending:
            self.file = file
            if inst not in self.instruments:
                self.issue(
                    "legal.unknown_instrument",
                    "extends",
                    f"instrument {inst!r} is not "
                    f"defined; known: {', '.join(sorted(self.instruments)) or 'none'}.",
                )
                continue
            for i, raw in enumerate(provisions, start=1):
                self.provision(raw, i, inst)
        known = {p.key for p in self.provisions}
        for p in self.provisions:
            for a in p.aggravates:
                if f"{p.instrument}:{a}" not in known:
                    self.file = self.instruments[p.instrument].path
                    self.issue(
                        "legal.unknown_article",
                        "aggravates",
                        f"article {a!r} is not a provision of {p.instrument!r}.",
                        None,
                        p.article,
                    )


def _unknown_cat(cat: Any, known: set[str]) -> str:
    return f"unknown category {cat!r}; use a taxonomy category: {', '.join(sorted(known))}."


def _run(paths: Sequence[str | Path] | None, include_shipped: bool) -> tuple[_Checker, list[Path]]:
    files = (shipped_files() if include_shipped else []) + _expand(paths or [])
    seen: set[Path] = set()
    unique = [f for f in files if not (f.resolve() in seen or seen.add(f.resolve()))]  # type: ignore[func-returns-value]
    checker = _Checker()
    for f in unique:
        checker.read(f)
    checker.finish()
    return checker, unique


def check_files(
    paths: Sequence[str | Path] | None = None, *, include_shipped: bool = True
) -> CheckReport:
    """Validate provision files and return every issue found (never raises on bad data).

    Parameters
    ----------
    paths
        Users' files or folders (``*.yaml``) to check; with ``include_shipped`` they are
        checked together with the shipped files, so ``extends`` and duplicates resolve.
    include_shipped
        Also read the package's ``legal/data/*.yaml``.
    """
    checker, files = _run(paths, include_shipped)
    return CheckReport(
        files=tuple(str(f) for f in files),
        instruments=len(checker.instruments),
        provisions=len(checker.provisions),
        issues=tuple(checker.issues),
    )


def load_provisions(
    paths: Sequence[str | Path] | None = None, *, include_shipped: bool = True
) -> LegalCorpus:
    """Load the shipped provisions (and users' files) into a :class:`LegalCorpus`.

    Raises
    ------
    LegalDataError
        When any file has an issue; the message lists every issue (file, provision, field).
    """
    if not paths and include_shipped:
        return _shipped_corpus()
    checker, _ = _run(paths, include_shipped)
    return _corpus(checker)


@cache
def _shipped_corpus() -> LegalCorpus:
    checker, _ = _run(None, True)
    return _corpus(checker)


def _corpus(checker: _Checker) -> LegalCorpus:
    if checker.issues:
        first = checker.issues[0]
        more = len(checker.issues) - 1
        raise LegalDataError(
            "Invalid legal provision data: "
            + "; ".join(str(i) for i in checker.issues[:10])
            + (f" (and {more - 9} more; run `marsad legal check`)" if more > 9 else ""),
            code="legal.invalid",
            file=first.file,
            field=first.field,
            count=len(checker.issues),
        )
    return LegalCorpus(
        instruments=dict(checker.instruments),
        provisions=tuple(checker.provisions),
        elements=_elements(),
    )
