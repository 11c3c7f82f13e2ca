"""Findings of a user review of ``marsad detect`` (each test failed before its fix)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.detect import Detector, Turn, detect_jsonl


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.default()


# -- 1. selling one's own photos is not sextortion ---------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Je vends mes photos de vacances 200 dh",
        "I'm selling my holiday photos, 20 dollars each",
        "أبيع صور العطلة بسعر 200 درهم",
        "كنبيع التصاور ديال العطلة ب 200 درهم",
        "kanbi3 tsawer dyal l3otla b 200 dh",
    ],
)
def test_a_sale_with_a_price_is_not_sextortion(det: Detector, text: str) -> None:
    r = det.detect(text)
    assert "sextortion" not in r.categories, r


@pytest.mark.parametrize(
    "text",
    [
        "envoie 500 dh ou je publie tes photos",
        "Paye 300 euros sinon j'envoie tes photos à ta famille",
        "Pay me 500 dollars or I send your nudes to your family",
        "خلصي 1000 درهم ولا نشر التصاور ديالك",
    ],
)
def test_real_sextortion_is_still_sextortion(det: Detector, text: str) -> None:
    assert "sextortion" in det.detect(text).categories


# -- 2. a parent's report of grooming, in every language -----------------------------------------
GROOMING_REPORTS = [
    "Un homme demande à ma fille de 12 ans sur Roblox de garder leurs conversations secrètes "
    "et de lui envoyer des photos",
    "A man asks my 12-year-old daughter on Roblox to keep their conversations secret and to "
    "send him photos",
    "رجل يطلب من ابنتي البالغة 12 سنة على روبلوكس أن تبقي محادثاتهما سرية وأن ترسل له صورا",
    "واحد الراجل كيطلب من بنتي اللي عندها 12 عام فروبلوكس تخلي الهضرة اللي بيناتهم سر "
    "وتصيفط ليه التصاور",
    "wa7d rajel kaytlb mn binti li 3ndha 12 3am f Roblox tkhli lhadra li binathom ser "
    "w tsifet lih tsawer",
]


@pytest.mark.parametrize("text", GROOMING_REPORTS)
def test_a_parents_report_of_grooming_is_grooming(det: Detector, text: str) -> None:
    r = det.detect(text)
    assert "grooming" in r.categories, r
    assert r.platform == "Roblox"
    assert any(e.category == "grooming" for e in r.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Ma fille de 12 ans adore Roblox, elle y joue avec ses copines",
        "My son, send me a pic when you get there",
        "Ma fille, envoie-moi une photo de ton bulletin",
        "بنتي، صيفطي ليا تصويرة ملي توصلي",
        "wldi, sift liya tswira",
    ],
)
def test_a_parent_about_or_to_the_child_is_not_grooming(det: Detector, text: str) -> None:
    assert not det.detect(text).harmful


# -- 3. one evidence row per span of a category -------------------------------------------------
SEXTORTION = "envoie 500 dh ou je publie tes photos"


def _spans(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(e["category"], e.get("turn"), e["start"], e["end"]) for e in rows]


def test_evidence_lists_each_span_once(det: Detector) -> None:
    r = det.detect(SEXTORTION)
    spans = _spans([e.to_dict() for e in r.evidence])
    assert spans and len(spans) == len(set(spans)), spans
    # every span the combinations found is still there, with the strongest rule behind it
    assert {(s, e) for _, _, s, e in spans} == {(11, 13), (17, 26), (27, 37), (31, 37)}
    rules = {(e.start, e.end): e.rule for e in r.evidence}
    assert rules[(17, 26)].startswith("combo.image_expose<")  # 0.9 beats expose_money's 0.8
    assert rules[(11, 13)].startswith("combo.image_money<")  # 0.85 beats expose_money's 0.8


def test_batch_evidence_lists_each_span_once(det: Detector, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "text": SEXTORTION},
        {"id": 2, "turns": [{"speaker": "A", "text": SEXTORTION}, {"speaker": "A", "text": "ok"}]},
    ]
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    detect_jsonl(det, src, tmp_path / "out.jsonl")
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [o["harmful"] for o in out] == [True, True]
    for o in out:
        spans = _spans(o["evidence"])
        assert spans and len(spans) == len(set(spans)), spans


def test_conversation_evidence_lists_each_span_once(det: Detector) -> None:
    c = det.detect_conversation([Turn("A", SEXTORTION), Turn("B", "non"), Turn("A", SEXTORTION)])
    spans = _spans([e.to_dict() for e in c.evidence])
    assert len(spans) == len(set(spans)) and {s[1] for s in spans} == {0, 2}
