"""Coverage rules on hand-built provision sets (real files through the real loader)."""

from __future__ import annotations

from typing import Any

from marsad.legal import coverage_matrix, find_gaps, load_provisions

from .conftest import WriteFn, instrument, provision


def _matrix(
    write: WriteFn,
    national: list[dict[str, Any]],
    standard: list[dict[str, Any]] | None = None,
    nat_over: dict[str, Any] | None = None,
) -> Any:
    paths = [
        write("nat.yaml", instrument("nat", "national", "national", national, **(nat_over or {})))
    ]
    if standard is not None:
        paths.append(write("std.yaml", instrument("std", "stdfw", "standard", standard)))
    return coverage_matrix(load_provisions(paths, include_shipped=False))


THREAT = [{"category": "threats", "elements": ["threat_of_violence"]}]


def test_explicit_when_conduct_electronic_and_verified(write: WriteFn) -> None:
    m = _matrix(
        write,
        [provision("1", THREAT, aggravations=[{"code": "minor_victim", "status": "VERIFIED"}])],
    )
    for g in ("women", "girls", "boys", "men"):
        c = m.cell("national", "threats", "messaging", g)
        assert (c.level, c.verified, c.articles) == ("explicit", True, ("nat:1",))
    assert m.aggregate("national", "threats", "messaging").level == "explicit"


def test_electronic_not_named_makes_partial(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT, electronic="implied")])
    c = m.cell("national", "threats", "social_network", "women")
    assert c.level == "partial" and "electronic_not_named" in c.reasons and c.verified


def test_missing_conduct_element_makes_partial(write: WriteFn) -> None:
    covers = [{"category": "sextortion", "elements": ["coercion"]}]
    m = _matrix(write, [provision("1", covers)])
    c = m.cell("national", "sextortion", "messaging", "men")
    assert c.level == "partial" and "conduct_missing:threat_to_distribute" in c.reasons


def test_minors_only_provision(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT, victims={"sex": "any", "max_age": 18})])
    assert m.cell("national", "threats", "video_game", "girls").level == "explicit"
    assert m.cell("national", "threats", "video_game", "women").level == "none"
    agg = m.aggregate("national", "threats", "video_game")
    assert agg.level == "partial" and "minors_only" in agg.reasons


def test_under_16_provision_reaches_minors_only_in_part(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT, victims={"sex": "any", "max_age": 16})])
    c = m.cell("national", "threats", "video_game", "boys")
    assert c.level == "partial" and "age_limited" in c.reasons


def test_women_only_provision(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT, victims={"sex": "female"})])
    assert m.cell("national", "threats", "forum", "men").level == "none"
    assert "women_only" in m.aggregate("national", "threats", "forum").reasons


def test_no_aggravation_for_minors_in_national_law(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT)])
    girls = m.cell("national", "threats", "messaging", "girls")
    assert girls.level == "partial" and "no_minor_aggravation" in girls.reasons
    assert m.cell("national", "threats", "messaging", "women").level == "explicit"


def test_unverified_minor_aggravation_is_flagged(write: WriteFn) -> None:
    aggr = provision(
        "2",
        [],
        kind="aggravation",
        aggravates=["1"],
        aggravations=[{"code": "minor_victim", "status": "UNVERIFIED"}],
    )
    m = _matrix(write, [provision("1", THREAT), aggr])
    c = m.cell("national", "threats", "messaging", "boys")
    assert "minor_aggravation_unverified" in c.reasons and not c.verified


def test_unverified_article_is_partial_and_not_verified(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT, article_status="UNVERIFIED")])
    c = m.cell("national", "threats", "messaging", "women")
    assert c.level == "partial" and "unverified_article" in c.reasons and not c.verified
    assert "nat:1: article number" in c.unverified


def test_interpretive_and_unknown_readings(write: WriteFn) -> None:
    covers = [
        {"category": "threats", "elements": ["threat_of_violence"], "reading": "interpretive"},
        {"category": "ncii", "elements": ["intimate_image_distribution"], "reading": "unknown"},
    ]
    m = _matrix(write, [provision("1", covers)])
    assert "only_by_interpretation" in m.cell("national", "threats", "forum", "men").reasons
    c = m.cell("national", "ncii", "forum", "men")
    assert c.level == "unknown" and not c.verified


def test_limit_restricted_to_some_spaces(write: WriteFn) -> None:
    covers = [
        {
            "category": "ncii",
            "elements": ["intimate_image_distribution"],
            "limits": ["public_only"],
            "limit_spaces": {"public_only": ["messaging"]},
        }
    ]
    m = _matrix(write, [provision("1", covers)])
    assert m.cell("national", "ncii", "social_network", "men").level == "explicit"
    c = m.cell("national", "ncii", "messaging", "men")
    assert c.level == "partial" and "limited_scope:public_only" in c.reasons


def test_none_with_unverified_negative_finding(write: WriteFn) -> None:
    finding = {
        "category": "virtual_sexual_assault",
        "finding": "not_found",
        "status": "UNVERIFIED",
        "note": {"en": "not found"},
        "sources": ["search"],
    }
    m = _matrix(write, [provision("1", THREAT)], nat_over={"findings": [finding]})
    c = m.cell("national", "virtual_sexual_assault", "virtual_world", "girls")
    assert (c.level, c.verified) == ("none", False) and "not_found_unverified" in c.reasons


def test_none_is_unverified_when_search_incomplete(write: WriteFn) -> None:
    m = _matrix(write, [provision("1", THREAT)], nat_over={"coverage_complete": False})
    c = m.cell("national", "doxxing", "forum", "women")
    assert c.level == "none" and not c.verified and "absence_not_proven" in c.reasons


def test_children_only_category_is_not_applicable_for_adults(write: WriteFn) -> None:
    covers = [{"category": "grooming", "elements": ["solicitation_of_child"]}]
    m = _matrix(write, [provision("1", covers)])
    assert m.cell("national", "grooming", "video_game", "women").level == "not_applicable"
    assert m.cell("national", "grooming", "video_game", "girls").level == "explicit"
    assert m.aggregate("national", "grooming", "video_game").level == "explicit"


def test_gap_rules(write: WriteFn) -> None:
    nat = [
        provision(
            "1", [{"category": "threats", "elements": ["threat_of_violence"]}], electronic="implied"
        )
    ]
    std = [
        provision("A", [{"category": "threats", "elements": ["threat_of_violence"]}]),
        provision("B", [{"category": "doxxing", "elements": ["personal_data_disclosure"]}]),
        provision("C", [{"category": "cyberstalking", "elements": ["stalking"]}]),
    ]
    gaps = {g.category: g for g in find_gaps(_matrix(write, nat, std))}
    assert gaps["doxxing"].kind == "missing" and gaps["doxxing"].weight == 1.0
    assert gaps["threats"].kind == "partial" and gaps["threats"].weight == 0.5
    assert gaps["cyberstalking"].weight == 0.75  # national none, standard partial
    assert gaps["doxxing"].standard_articles == ("std:B",)
    assert gaps["threats"].national_articles == ("nat:1",)
    assert "sexual_harassment" not in gaps  # neither covers it: no gap


def test_no_gap_when_national_explicit(write: WriteFn) -> None:
    aggr = [{"code": "minor_victim", "status": "VERIFIED"}]
    nat = [provision("1", THREAT, aggravations=aggr)]
    std = [provision("A", THREAT)]
    assert find_gaps(_matrix(write, nat, std)) == []


def test_comparator_never_makes_gaps(write: WriteFn) -> None:
    paths = [
        write("nat.yaml", instrument("nat", "national", "national", [provision("1", THREAT)])),
        write(
            "cmp.yaml",
            instrument(
                "cmp",
                "cmpfw",
                "comparator",
                [
                    provision(
                        "A", [{"category": "doxxing", "elements": ["personal_data_disclosure"]}]
                    )
                ],
            ),
        ),
    ]
    m = coverage_matrix(load_provisions(paths, include_shipped=False))
    assert m.cell("cmpfw", "doxxing", "forum", "men").level == "explicit"
    assert all(g.standard != "cmpfw" for g in find_gaps(m))


def test_shipped_matrix_key_cells() -> None:
    m = coverage_matrix()
    vw = m.cell("national", "virtual_sexual_assault", "virtual_world", "girls")
    assert vw.level == "none" and not vw.verified and "not_found_unverified" in vw.reasons
    sh = m.cell("national", "sexual_harassment", "messaging", "girls")
    assert sh.level == "explicit" and sh.verified  # 503-1-1 + 503-1-2 (VERIFIED-SECONDARY)
    csam = m.cell("national", "csam", "messaging", "girls")
    assert csam.level == "partial" and not csam.verified and "unverified_article" in csam.reasons
    assert m.cell("lanzarote", "grooming", "video_game", "boys").level == "explicit"
    assert m.cell("eu_vaw", "ncii", "messaging", "women").level == "partial"  # public only
    assert m.cell("eu_vaw", "ncii", "social_network", "women").level == "explicit"
    gaps = {(g.category, g.standard) for g in find_gaps(m)}
    assert ("grooming", "lanzarote") in gaps and ("virtual_sexual_assault", "istanbul") in gaps
