"""Emerging threats in the report: only flagged series are called emerging or rising."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from tests.report._series import add_series, demo_series

from marsad.config import Settings
from marsad.report import build_report
from marsad.store import Store
from marsad.taxonomy import load_taxonomy

SECTIONS = ["marsad.report._sections:spaces", "marsad.report._sections:threats"]


def _report(settings: Settings, tmp_path: Path, lang: str, surge: bool) -> str:
    store = Store.open(settings.db_url)
    try:
        add_series(store, demo_series(surge))
        res = build_report(
            store, settings, tmp_path / lang, lang=lang, pdf=False, sections=SECTIONS
        )
    finally:
        store.close()
    text = re.sub(r"<svg.*?</svg>", "", res.html.read_text(encoding="utf-8"), flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", text))


def _summary(text: str, lang: str) -> str:
    head = {"en": "Executive summary", "fr": "Résumé exécutif"}[lang]
    body = text.split(head)[-1]
    return body.split({"en": "Diagnosis by digital space", "fr": "Diagnostic"}[lang])[0]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_series_flagged_is_said_plainly(
    sqlite_settings: Settings, tmp_path: Path, lang: str
) -> None:
    text = _report(sqlite_settings, tmp_path, lang, surge=False)
    summary = _summary(text, lang)
    rising = {"en": "rising faster", "fr": "augmente plus vite"}[lang]
    assert rising not in text
    assert {"en": "none is rising", "fr": "aucune n'augmente"}[lang] in summary
    assert {"en": "No series is flagged", "fr": "Aucune série n'est signalée"}[lang] in text
    assert {"en": "2 series tested, 0 flagged", "fr": "2 séries testées, 0 signalées"}[lang] in text
    # the unflagged series with growth is shown only under a heading saying so
    watch = {"en": "Highest growth, not flagged", "fr": "Plus forte croissance, non signalées"}
    assert watch[lang] in text
    label = load_taxonomy().label("categories", "virtual_sexual_assault", lang)
    after = text.split(watch[lang])[1]
    assert label in after
    assert {"en": "Emerging threats flagged here", "fr": "Menaces émergentes signalées ici"}[
        lang
    ] not in text


def test_only_flagged_series_are_called_rising(sqlite_settings: Settings, tmp_path: Path) -> None:
    text = _report(sqlite_settings, tmp_path, "fr", surge=True)
    tax = load_taxonomy()
    summary = _summary(text, "fr")
    deepfakes = tax.label("categories", "sexual_deepfakes", "fr")
    assert f"{deepfakes} ({tax.label('spaces', 'messaging', 'fr')}) augmente plus vite" in summary
    assert summary.count("augmente plus vite") == 1  # "all spaces" repeats it: not listed
    for other in ("sextortion", "virtual_sexual_assault"):
        assert tax.label("categories", other, "fr") + " (" not in summary
    assert "3 séries testées, 1 signalées" in text and "Séries signalées comme émergentes" in text
    assert "Plus forte croissance, non signalées" not in text
    assert f"Menaces émergentes signalées ici : {deepfakes}" in text
