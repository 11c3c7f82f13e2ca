"""No output ever shows an unverified provision as verified: tables, CSV, JSON, and
recommendation text in all three languages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rich.console import Console

from marsad.i18n import t
from marsad.legal import (
    MARK,
    coverage_matrix,
    find_gaps,
    gaps_rows,
    load_provisions,
    matrix_rows,
    prioritise,
    recommend,
    recommendations_json,
    to_csv,
    to_json,
)
from marsad.legal._export import gaps_table, matrix_table


def _unverified_keys() -> set[str]:
    return {p.key for p in load_provisions().provisions if not p.verified}


def test_there_are_unverified_provisions_to_guard() -> None:
    assert {
        "ma_penal_code:503-2",
        "ma_penal_code:444-1/444-2",
        "eu_2024_1385:7",
    } <= _unverified_keys()


def test_matrix_csv_and_json_mark_unverified() -> None:
    m = coverage_matrix()
    corpus = m.corpus
    rows = list(csv.DictReader(io.StringIO(to_csv(matrix_rows(m)))))
    js = json.loads(to_json(matrix_rows(m)))
    assert len(rows) == len(js) == len(m.cells)
    unv = _unverified_keys()
    for row in js:
        keys = row["article_keys"].split(";") if row["article_keys"] else []
        labels = row["articles"].split(";") if row["articles"] else []
        for k, label in zip(keys, labels, strict=True):
            assert label.endswith(MARK) == (k in unv), (k, label)
        # a verified covered cell rests on at least one verified provision
        if row["level"] in ("explicit", "partial") and row["verified"]:
            assert any(corpus.provision(k).key not in unv for k in keys), row
        if row["level"] in ("none", "unknown") and row["unverified"]:
            assert row["verified"] is False
    for row in rows:
        assert row["verified"] in ("True", "False")


def test_cells_resting_only_on_unverified_provisions_are_not_verified() -> None:
    m = coverage_matrix()
    unv = _unverified_keys()
    for c in m.cells:
        if c.articles and all(k in unv for k in c.articles):
            assert not c.verified, c


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_tables_carry_the_marker(lang: str) -> None:
    m = coverage_matrix()
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(matrix_table(m, group="girls", lang=lang, space="messaging"))
    text = console.export_text()
    assert "503-2" + MARK in text
    assert t("legal.legend", lang, mark=MARK) in text.replace("\n", " ") or MARK in text
    console = Console(width=400, record=True, file=io.StringIO())
    console.print(gaps_table(find_gaps(m), lang))
    assert MARK in console.export_text()


def test_gap_rows_flag_unverified() -> None:
    rows = gaps_rows(find_gaps(coverage_matrix()))
    vw = [r for r in rows if r["category"] == "virtual_sexual_assault"]
    assert vw and all(r["verified"] is False and "not_found" in r["unverified"] for r in vw)


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_recommendations_flag_every_unverified_citation(lang: str) -> None:
    m = coverage_matrix()
    recs = recommend(prioritise(find_gaps(m)), m.corpus, lang=lang)
    assert recs
    unv = _unverified_keys()
    marker = t("legal.marker.unverified", lang)
    seen_unverified = False
    for r in recs:
        for c in (*r.draws_on, *r.national):
            assert c.verified == (c.key not in unv)
            if not c.verified:
                seen_unverified = True
                assert f"{c.label} † {marker}" in r.text
                assert any(c.label in f for f in r.footnotes)
                assert r.verified is False
            assert c.sources and c.sources[0] in r.text  # no claim without its source
    assert seen_unverified
    data = recommendations_json(recs)
    assert all("text" in d and "footnotes" in d and "verified" in d for d in data)


def test_recommendation_text_is_in_the_language() -> None:
    m = coverage_matrix()
    prios = prioritise(find_gaps(m))
    ar = recommend(prios, m.corpus, lang="ar", top=1)[0]
    fr = recommend(prios, m.corpus, lang="fr", top=1)[0]
    assert "الثغرة" in ar.text and "Lacune" in fr.text
    assert ar.text != fr.text
