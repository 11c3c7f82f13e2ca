"""What a reader sees is words in the report's language, not codes; numbers stay in order in Arabic."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from marsad import synth
from marsad.config import Settings
from marsad.report import build_report
from marsad.store import Store

from ..conftest import TEST_KEY

SECTIONS = [
    "marsad.report._sections:age_gender",
    "marsad.report._sections:comparison",
    "marsad.report._sections:estimates",
    "marsad.report._sections:annex",
]
# codes a reviewer found in the report; none may reach a reader
CODES = re.compile(
    r"\b(child_sexual|identity_other|rate_per_100k|per_100k|all_persons|platform_users|"
    r"dropped_list|few_overlaps|empty_overlap|small_stratum|incidents_recorded|victims_rate|"
    r"social_network|virtual_sexual_assault|sexual_deepfakes|unknown)\b"
)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A small synthetic national dataset ingested into an embedded store (once per module)."""
    from marsad.demo import DemoContext
    from marsad.ingest import demo_step

    base = tmp_path_factory.mktemp("labels")
    settings = Settings.from_env({}, data_dir=str(base / "data"), pseudonym_key=TEST_KEY)
    with Store.open(settings.db_url) as store:
        ctx = DemoContext(settings=settings, store=store, console=Console(quiet=True), size=1500)
        ctx.outputs["synth"] = synth.generate(base / "synth", size=1500, seed=7)
        demo_step(ctx)
    yield settings


def _visible(page: str) -> str:
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    page = re.sub(r"<(?:img|svg)[^>]*>", "", page)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_report_shows_words_not_codes(synthetic: Settings, tmp_path: Path, lang: str) -> None:
    with Store.open(synthetic.db_url) as store:
        res = build_report(
            store, synthetic, tmp_path / lang, lang=lang, pdf=False, sections=SECTIONS
        )
    page = res.html.read_text(encoding="utf-8")
    text = _visible(page)
    assert not CODES.findall(text), sorted(set(CODES.findall(text)))
    # the age chart is titled and labelled in the report's language
    labels = [
        htmllib.unescape(a) for a in re.findall(r'<svg role="img" aria-label="([^"]*)"', page)
    ]
    title = {"fr": "Victimes pour 100 000 habitants", "ar": "الضحايا لكل 100000 نسمة"}[lang]
    assert any(a.startswith(title) for a in labels), labels
    assert not any("Victims per 100,000" in a for a in labels)
    # strata and warnings in words
    stratum = {"fr": "Exploitation sexuelle des enfants", "ar": "الاستغلال الجنسي للأطفال"}[lang]
    assert stratum in text
    # intervals are isolated left-to-right runs, so Arabic does not reverse them
    iso = htmllib.unescape(page)
    assert re.search(r'<bdi dir="ltr">\u2066[\d,.]+ – [\d,.]+\u2069</bdi>', iso)


def test_comparison_names_the_category(synthetic: Settings, tmp_path: Path) -> None:
    with Store.open(synthetic.db_url) as store:
        res = build_report(
            store,
            synthetic,
            tmp_path / "fr",
            lang="fr",
            pdf=False,
            sections=["marsad.report._sections:comparison"],
        )
    text = _visible(res.html.read_text(encoding="utf-8"))
    assert "Incidents enregistrés — Sextorsion" in text
