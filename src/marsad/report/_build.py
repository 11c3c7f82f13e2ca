"""Build the report: sections → one self-contained HTML file and a PDF (WeasyPrint).

The HTML carries its charts as inline SVG; the PDF carries them as PNG images (data URIs), so
both files stand alone. Arabic is set right to left (``dir="rtl"``) and shaped by the browser
or by WeasyPrint (HarfBuzz) with the Noto Naskh Arabic / Amiri fonts.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

import marsad
from marsad.config import Settings
from marsad.errors import MarsadError
from marsad.i18n import LANGUAGES, direction, t
from marsad.report._sections import SECTIONS, ReportContext, Section, summary
from marsad.report._views import ltr, number
from marsad.store import Store

__all__ = ["ReportError", "ReportResult", "build_report", "render_html"]


class ReportError(MarsadError):
    """The report cannot be written (bad language, unwritable folder, PDF engine missing)."""

    code = "report.error"


@dataclass(frozen=True)
class ReportResult:
    """Paths of the written files and the sections that had no data to show."""

    html: Path
    pdf: Path | None
    sections: tuple[str, ...]
    unavailable: tuple[str, ...]


def _env() -> Environment:
    folder = str(resources.files("marsad.report").joinpath("templates"))
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ltr"] = ltr
    env.globals["number"] = number
    return env


SectionSpec = str | Callable[[ReportContext], Section]


def _resolve(spec: str) -> Callable[[ReportContext], Section]:
    module, func = spec.split(":")
    fn: Callable[[ReportContext], Section] = getattr(importlib.import_module(module), func)
    return fn


def collect(
    store: Store, settings: Settings, lang: str, sections: Sequence[SectionSpec] | None = None
) -> list[Section]:
    """Run every section (then the executive summary, which reads their findings).

    ``sections`` are ``"module:function"`` strings or callables ``(ReportContext) -> Section``.
    """
    ctx = ReportContext(store=store, settings=settings, lang=lang)
    specs = sections if sections is not None else SECTIONS
    built = [(_resolve(spec) if isinstance(spec, str) else spec)(ctx) for spec in specs]
    return [summary(ctx), *built]


def render_html(
    sections: list[Section], lang: str, settings: Settings, *, for_pdf: bool = False
) -> str:
    env = _env()

    def tr(key: str, **values: object) -> str:
        return t(key, lang, **values)

    return env.get_template("report.html").render(
        sections=sections,
        lang=lang,
        dir=direction(lang),
        t=tr,
        for_pdf=for_pdf,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=marsad.__version__,
        min_cell=settings.min_cell,
    )


def build_report(
    store: Store,
    settings: Settings,
    out_dir: Path,
    *,
    lang: str | None = None,
    pdf: bool = True,
    sections: Sequence[SectionSpec] | None = None,
) -> ReportResult:
    """Write ``report.html`` and (by default) ``report.pdf`` into ``out_dir``.

    Every number comes from the stages' library functions after disclosure control
    (``publish=True``); a section whose stage is not available says so instead of showing data.
    """
    lang = lang or settings.lang
    if lang not in LANGUAGES:
        raise ReportError(
            f"Language {lang!r} is not one of fr, ar, en.", code="report.bad_lang", lang=lang
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(
            f"Cannot create the report folder {out_dir}: {exc.strerror}.",
            code="report.out_dir",
            path=str(out_dir),
        ) from None
    built = collect(store, settings, lang, sections)
    html_path = out_dir / "report.html"
    html_path.write_text(render_html(built, lang, settings), encoding="utf-8")
    pdf_path: Path | None = None
    if pdf:
        try:
            from weasyprint import HTML
        except (ImportError, OSError) as exc:
            raise ReportError(
                f"WeasyPrint cannot run ({exc}); install Pango (`make sysdeps-demo`) or use --no-pdf.",
                code="report.no_pdf_engine",
            ) from None
        pdf_path = out_dir / "report.pdf"
        HTML(
            string=render_html(built, lang, settings, for_pdf=True), base_url=str(out_dir)
        ).write_pdf(pdf_path)
    store.audit("report", "export", f"report/{lang}", {"out": str(out_dir), "pdf": pdf})
    return ReportResult(
        html=html_path,
        pdf=pdf_path,
        sections=tuple(s.id for s in built),
        unavailable=tuple(s.title for s in built if s.unavailable),
    )
