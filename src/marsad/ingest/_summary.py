"""What has been ingested: rows per source, incidents per category, space, region and year;
the rich tables the CLI and the demo print."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import Column, func, select

from marsad.i18n import t
from marsad.store import Store
from marsad.store import tables as s
from marsad.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from marsad.demo import DemoContext
    from marsad.ingest._pipeline import ImportReport

__all__ = [
    "IngestSummary",
    "SourceCounts",
    "demo_step",
    "ingest_summary",
    "print_report",
    "print_summary",
]


@dataclass(frozen=True)
class SourceCounts:
    """Rows of one source over all its import batches."""

    source: str
    name: str
    kind: str
    batches: int
    rows_read: int
    accepted: int
    quarantined: int
    duplicates_linked: int
    quarantine_open: int = 0  # entries still open (a corrected re-import closes earlier ones)


@dataclass(frozen=True)
class IngestSummary:
    """Counts of what the store holds.

    ``by_category`` ... ``by_year`` count **distinct** incidents: a report linked as a duplicate
    of an earlier one (``duplicate_of`` set) is not counted again. ``None`` keys are unknown
    values (e.g. a category not yet detected). These are internal counts for the analyst, not
    published figures: publication goes through disclosure control (``marsad.stats``).
    """

    sources: tuple[SourceCounts, ...]
    incidents: int
    distinct_incidents: int
    by_category: dict[str | None, int]
    by_space: dict[str | None, int]
    by_region: dict[str | None, int]
    by_year: dict[int | None, int]


def ingest_summary(store: Store) -> IngestSummary:
    """Rows per source and distinct incidents per category, space, region and year."""
    b, src, inc = s.import_batches, s.sources, s.incidents
    with store.connect() as conn:
        rows = conn.execute(
            select(
                src.c.code,
                src.c.name,
                src.c.kind,
                func.count(b.c.id),
                func.coalesce(func.sum(b.c.rows_read), 0),
                func.coalesce(func.sum(b.c.rows_accepted), 0),
                func.coalesce(func.sum(b.c.rows_quarantined), 0),
                func.coalesce(func.sum(b.c.rows_duplicate), 0),
            )
            .select_from(src.join(b, b.c.source_id == src.c.id))
            .group_by(src.c.code, src.c.name, src.c.kind)
            .order_by(src.c.code)
        ).all()
        q = s.quarantine
        open_by_source: dict[str, int] = dict(
            conn.execute(
                select(src.c.code, func.count(q.c.id))
                .select_from(q.join(b, b.c.id == q.c.batch_id).join(src, src.c.id == b.c.source_id))
                .where(q.c.status == "open")
                .group_by(src.c.code)
            ).all()
        )
        total = conn.execute(select(func.count()).select_from(inc)).scalar_one()
        distinct = conn.execute(
            select(func.count()).select_from(inc).where(inc.c.duplicate_of.is_(None))
        ).scalar_one()

        def by(col: Column[Any]) -> dict[Any, int]:
            q = (
                select(col, func.count())
                .where(inc.c.duplicate_of.is_(None))
                .group_by(col)
                .order_by(func.count().desc(), col)
            )
            return {k: int(v) for k, v in conn.execute(q)}

        return IngestSummary(
            sources=tuple(
                SourceCounts(
                    r[0],
                    r[1],
                    r[2],
                    int(r[3]),
                    int(r[4]),
                    int(r[5]),
                    int(r[6]),
                    int(r[7]),
                    int(open_by_source.get(r[0], 0)),
                )
                for r in rows
            ),
            incidents=int(total),
            distinct_incidents=int(distinct),
            by_category=by(inc.c.category),
            by_space=by(inc.c.space),
            by_region=by(inc.c.region),
            by_year=dict(
                sorted(by(inc.c.incident_year).items(), key=lambda kv: (kv[0] is None, kv[0] or 0))
            ),
        )


# -- printing ----------------------------------------------------------------------------------
def print_report(report: ImportReport, console: Console, lang: str = "en") -> None:
    """The import report as the CLI shows it."""
    values = {"file": report.file, "profile": report.profile, "batch": report.batch_id}
    if report.already_imported:
        console.print(t("ingest.report.already", lang, **values))
    else:
        console.print(t("ingest.report.title", lang, **values))
        if report.resumed:
            console.print(t("ingest.report.resumed", lang))
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(justify="left")
    table.add_column(justify="right")
    table.add_row(t("ingest.report.rows_read", lang), f"{report.rows_read:,}")
    table.add_row(t("ingest.report.accepted", lang), f"{report.accepted:,}")
    table.add_row(t("ingest.report.quarantined", lang), f"{report.quarantined:,}")
    if report.skipped_existing:
        table.add_row(t("ingest.report.skipped", lang), f"{report.skipped_existing:,}")
    if report.target == "incidents":
        table.add_row(t("ingest.report.duplicates", lang), f"{report.duplicates_linked:,}")
    console.print(table)
    if report.errors:
        console.print(t("ingest.report.first_errors", lang))
        for msg in report.errors:
            console.print(f"  - {msg}", soft_wrap=True, markup=False)
        console.print(t("ingest.report.quarantine_hint", lang, batch=report.batch_id))
    if report.quarantine_fixed or report.quarantine_superseded:
        console.print(
            t(
                "ingest.report.closed",
                lang,
                fixed=f"{report.quarantine_fixed:,}",
                superseded=f"{report.quarantine_superseded:,}",
                open=f"{report.quarantine_open:,}",
                source=report.source,
            )
        )


def print_summary(summary: IngestSummary, console: Console, lang: str = "en") -> None:
    """Rows per source, then distinct incidents per category, space, region and year."""
    tax = load_taxonomy()
    unknown = t("ingest.summary.unknown", lang)
    table = Table(title=t("ingest.summary.sources_title", lang))
    for key in ("source", "read", "accepted", "quarantined", "quarantine_open", "duplicates"):
        table.add_column(
            t(f"ingest.summary.{key}", lang), justify="left" if key == "source" else "right"
        )
    for c in summary.sources:
        table.add_row(
            f"{c.name} ({c.source})",
            f"{c.rows_read:,}",
            f"{c.accepted:,}",
            f"{c.quarantined:,}",
            f"{c.quarantine_open:,}",
            f"{c.duplicates_linked:,}",
        )
    console.print(table)
    console.print(
        t(
            "ingest.summary.incidents",
            lang,
            total=f"{summary.incidents:,}",
            distinct=f"{summary.distinct_incidents:,}",
        )
    )

    def label(dim: str, code: Any) -> str:
        if code is None:
            return unknown
        try:
            return tax.label(dim, code, lang)
        except Exception:
            return str(code)

    for key, dim, data in (
        ("by_category", "categories", summary.by_category),
        ("by_space", "spaces", summary.by_space),
        ("by_region", "regions", summary.by_region),
    ):
        tab = Table(title=t(f"ingest.summary.{key}", lang))
        tab.add_column(t(f"ingest.summary.{key}_col", lang))
        tab.add_column(t("ingest.summary.count", lang), justify="right")
        for code, n in data.items():
            tab.add_row(label(dim, code), f"{n:,}")
        console.print(tab)
    years = Table(title=t("ingest.summary.by_year", lang))
    years.add_column(t("ingest.summary.by_year_col", lang))
    years.add_column(t("ingest.summary.count", lang), justify="right")
    for year, n in summary.by_year.items():
        years.add_row(unknown if year is None else str(year), f"{n:,}")
    console.print(years)


# -- demo ----------------------------------------------------------------------------------------
def demo_step(ctx: DemoContext) -> None:
    """Demo step: ingest every file of the synthetic dataset, then print the summary tables.

    Reads ``ctx.outputs["synth"]`` (a manifest with ``.files``, each with ``.path`` and
    ``.profile``); leaves ``ctx.outputs["ingest"] = {"reports": [...], "summary": ...}``.
    """
    from marsad.ingest._pipeline import ingest_file

    lang = ctx.lang
    if not ctx.settings.pseudonym_key:
        ctx.settings.get_pseudonym_key(create=True)
        ctx.console.print(t("core.demo_key", lang, path=str(ctx.settings.key_file)))
    manifest = ctx.outputs.get("synth")
    files = list(getattr(manifest, "files", None) or [])
    if not files:
        ctx.console.print(t("ingest.demo.no_files", lang))
        return
    ctx.console.rule(t("ingest.demo.title", lang, n=len(files)))
    reports = []
    for f in files:
        report = ingest_file(ctx.store, ctx.settings, f.path, f.profile)
        print_report(report, ctx.console, lang)
        reports.append(report)
    summary = ingest_summary(ctx.store)
    print_summary(summary, ctx.console, lang)
    ctx.outputs["ingest"] = {"reports": reports, "summary": summary}
