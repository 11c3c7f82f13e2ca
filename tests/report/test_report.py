"""The report: HTML and PDF written, Arabic extractable from the PDF, charts on the pages."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marsad.cli import app
from marsad.config import Settings
from marsad.report import Section, bar_intervals, build_report
from marsad.report._sections import ReportContext
from marsad.store import Store

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils (pdftotext, pdftoppm) not installed; make test installs them",
)
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def chart_section(ctx: ReportContext) -> Section:
    """A user section (the extension point) with one chart whose Arabic labels we know."""
    chart = bar_intervals(
        ["الشبكات الاجتماعية", "ألعاب الفيديو"],
        [12.0, 7.5],
        [9.0, 5.0],
        [15.0, 10.0],
        title="معدل الضحايا",
        rtl=ctx.lang == "ar",
    )
    return Section("custom", "قسم مخصص", "sections/age_gender.html", {"cells": []}, (chart,))


def _text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=120
    )
    return unicodedata.normalize("NFKC", _BIDI.sub("", out.stdout.decode("utf-8")))


@needs_poppler
def test_arabic_report_pdf_has_shaped_text_and_charts(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    store = Store.open(sqlite_settings.db_url)
    try:
        result = build_report(
            store,
            sqlite_settings,
            tmp_path / "out",
            lang="ar",
            sections=["marsad.report._sections:annex", chart_section],
        )
    finally:
        store.close()
    html = result.html.read_text(encoding="utf-8")
    assert (
        '<html lang="ar" dir="rtl">' in html
        and "<svg" in html
        and "http://" not in html.split("<svg")[0]
    )
    assert result.sections == ("summary", "annex", "custom")
    text = _text(result.pdf)
    # Arabic strings are extractable from the PDF: shaping kept the logical characters
    assert "النساء والفتيات" in text
    assert "قسم مخصص" in text
    assert "المنهجية وجودة البيانات" in text
    # the chart is on a page: an embedded image, and blue bar pixels once rendered
    images = subprocess.run(
        ["pdfimages", "-list", str(result.pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len([ln for ln in images.splitlines()[2:] if " image " in ln]) >= 1
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(result.pdf), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    import numpy as np
    from PIL import Image

    blue_pages = 0
    for png in sorted(tmp_path.glob("page-*.png")):
        px = np.asarray(Image.open(png).convert("RGB")).astype(int)
        blue = ((px[..., 2] > 140) & (px[..., 0] < 80) & (px[..., 1] < 140)).sum()
        blue_pages += int(blue > 200)
    assert blue_pages >= 1
    artefacts = Path("test-artifacts")
    artefacts.mkdir(exist_ok=True)
    shutil.copy(result.pdf, artefacts / "report-ar-test.pdf")


def test_report_languages_and_unavailable_sections(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    store = Store.open(sqlite_settings.db_url)
    try:
        for lang, title in (("fr", "Résumé exécutif"), ("en", "Executive summary")):
            res = build_report(store, sqlite_settings, tmp_path / lang, lang=lang, pdf=False)
            html = res.html.read_text(encoding="utf-8")
            assert f'lang="{lang}" dir="ltr"' in html and title in html
            assert res.pdf is None and not (tmp_path / lang / "report.pdf").exists()
            # an empty store: nothing is invented, sections say why they are empty
            assert (
                "Non disponible" in html
                or "Not available" in html
                or "No published" in html
                or "Aucune" in html
            )
    finally:
        store.close()


def test_report_cli(sqlite_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "rep"
    r = CliRunner().invoke(
        app,
        [
            "report",
            "--lang",
            "en",
            "--out",
            str(out),
            "--no-pdf",
            "--data-dir",
            str(sqlite_settings.data_dir),
        ],
    )
    assert r.exit_code == 0, r.output
    assert (out / "report.html").exists() and "Report written" in r.output
    bad = CliRunner().invoke(
        app,
        ["report", "--lang", "xx", "--out", str(out), "--data-dir", str(sqlite_settings.data_dir)],
    )
    assert bad.exit_code == 2 and "lang" in bad.output
