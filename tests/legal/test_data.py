"""The shipped provision data: every fact has a source and a status; key facts as sourced."""

from __future__ import annotations

import pytest

from marsad.legal import STATUSES, check_files, load_provisions, shipped_files
from marsad.taxonomy import load_taxonomy


def test_shipped_files_check_clean() -> None:
    report = check_files()
    assert report.ok, "\n".join(map(str, report.issues))
    assert report.instruments == len(shipped_files()) >= 14
    assert report.provisions >= 50


def test_every_provision_has_source_and_statuses() -> None:
    corpus = load_provisions()
    cats = set(load_taxonomy().categories)
    for p in corpus.provisions:
        assert p.sources and all(s.strip() for s in p.sources), p.key
        assert p.article_status in STATUSES and p.content_status in STATUSES, p.key
        if p.penalty is not None:
            assert p.penalty_status in STATUSES, p.key
        if p.in_force is not None:
            assert p.in_force_status in STATUSES, p.key
        assert p.text("summary", "fr") and p.text("summary", "en"), p.key
        for c in p.covers:
            assert c.category in cats and c.status in STATUSES, p.key
    for inst in corpus.instruments.values():
        assert inst.sources and inst.morocco.sources, inst.id
        assert inst.morocco.verification in STATUSES


@pytest.mark.parametrize(
    ("key", "article_status"),
    [
        ("ma_penal_code:503-1-1", "VERIFIED-SECONDARY"),  # addendum
        ("ma_penal_code:503-1-2", "VERIFIED-SECONDARY"),  # addendum
        ("ma_penal_code:503-2", "UNVERIFIED"),
        ("ma_penal_code:444-1/444-2", "UNVERIFIED"),
        ("ma_penal_code:88-1", "UNVERIFIED"),
        ("ma_penal_code:447-1", "VERIFIED"),
        ("eu_2024_1385:7", "UNVERIFIED"),
        ("eu_2024_1385:8", "UNVERIFIED"),
        ("coe_lanzarote:22", "UNVERIFIED"),
    ],
)
def test_article_statuses_follow_the_reference_material(key: str, article_status: str) -> None:
    assert load_provisions().provision(key).article_status == article_status


def test_penalty_of_503_2_is_unverified_and_447_3_minor_limb_too() -> None:
    corpus = load_provisions()
    assert corpus.provision("ma_penal_code:503-2").penalty_status == "UNVERIFIED"
    aggs = {a.code: a.status for a in corpus.provision("ma_penal_code:447-3").aggravations}
    assert aggs["minor_victim"] == "UNVERIFIED" and aggs["female_victim"] == "UNVERIFIED"
    assert aggs["relationship"] == "VERIFIED"


def test_morocco_treaty_status() -> None:
    inst = load_provisions().instruments
    assert inst["coe_budapest"].morocco.status == "party"
    assert inst["coe_budapest"].morocco.dates == {
        "deposited": "2018-06-29",
        "in_force": "2018-10-01",
    }
    assert inst["coe_budapest_p2"].morocco.status == "signed"
    assert inst["coe_budapest_p2"].morocco.dates["signed"] == "2022-05-12"
    lanz = inst["coe_lanzarote"].morocco
    assert lanz.status == "invited_not_party"
    assert not {"deposited", "acceded", "ratified"} & set(lanz.dates)  # no accession date exists
    assert inst["coe_istanbul"].morocco.status == "not_party"
    assert inst["un_cybercrime"].morocco.status == "signed"
    assert inst["un_cybercrime"].morocco.dates["signed"] == "2025-10-25"
    assert inst["un_crc_opsc"].morocco.dates["ratified"] == "2001-10-02"
    assert inst["eu_2024_1385"].morocco.status == "not_applicable"
    assert inst["uk_online_safety_act"].role == "comparator"
