"""Findings of a user review of ``marsad detect`` (each test failed before its fix)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.detect import Detector, Turn, detect_jsonl
from marsad.errors import DetectError


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
    # every span the combinations found is still there, with the strongest rule behind it,
    # except "photos" (31-37), inside "tes photos" (27-37) of the same category and weight
    assert {(s, e) for _, _, s, e in spans} == {(11, 13), (17, 26), (27, 37)}
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


# -- 4. a term listed twice with two weights --------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "gg noob, je sais où tu habites",
        "gg noob, i know where you live",
        "lol je plaisante, mais je vais te retrouver",
    ],
)
def test_explicit_real_world_threats_are_strong(det: Detector, text: str) -> None:
    r = det.detect(text)
    assert "threats" in r.categories, r
    assert max(e.weight for e in r.evidence if e.category == "threats") >= 0.95


def test_a_term_listed_twice_with_two_weights_is_refused(tmp_path: Path) -> None:
    lex = tmp_path / "mine.yaml"
    lex.write_text(
        "language: fr\nthreats:\n  0.9: [je vais te zigouiller,\n    je vais te retrouver]\n",
        encoding="utf-8",
    )
    with pytest.raises(DetectError) as err:
        Detector.default(extra_lexicons=lex)
    msg = str(err.value)
    assert f"{lex}, line 4" in msg and "fr/abuse.yaml, line" in msg and "0.97" in msg

    twice = tmp_path / "twice.yaml"
    twice.write_text(
        "language: en\nsignal.insult:\n  0.6: [gobshite]\n  0.4: [nincompoop,\n    gobshite]\n",
        encoding="utf-8",
    )
    with pytest.raises(DetectError, match=r"twice.yaml, line 5: 'gobshite'.*twice.yaml, line 3"):
        Detector.default(extra_lexicons=twice)


def test_spelling_variants_of_one_weight_are_allowed(tmp_path: Path) -> None:
    lex = tmp_path / "mine.yaml"
    lex.write_text("language: fr\nsignal.insult:\n  0.6: [zigoto, zigotô]\n", encoding="utf-8")
    assert Detector.default(extra_lexicons=lex).detect("t'es qu'un zigoto").harmful


def test_overlapping_hits_of_a_group_count_once() -> None:
    d = Detector.default()
    # a phrase and the word inside it are one piece of evidence: in a game chat the damped
    # threat stays under the threshold instead of adding up with itself
    r = d.detect("غادي نقتلك فالبلايستيشن هههه")
    assert "threats" not in r.categories
    assert r.scores["threats"] < 0.5
    r = d.detect("je vais te tuer")
    assert r.categories == ("threats",)
    assert [(e.start, e.end) for e in r.evidence] == [(0, 15)]  # "tuer" inside is not repeated


def test_evidence_keeps_the_diacritics_of_its_last_letter() -> None:
    text = "سَأَقْتُلُكَ يا قَحْبَة"
    r = Detector.default().detect(text)
    spans = {(e.start, e.end) for e in r.evidence}
    assert (0, 12) in spans
    assert text[0:12].endswith("\u064e")  # the fatha


def test_hits_count_once_per_characters_not_per_chain(tmp_path: Path) -> None:
    # three hits in a chain: the first and the last share no character, so both count
    (tmp_path / "chain.yaml").write_text(
        "language: en\nthreats:\n  0.4: [qqa qqb, qqb qqc, qqc qqd]\n", encoding="utf-8"
    )
    d = Detector.default(extra_lexicons=tmp_path)
    score = d.detect("qqa qqb qqc qqd").scores["threats"]
    assert abs(score - (1 - 0.6 * 0.6)) < 1e-9


def test_a_user_term_written_with_a_separate_article_matches_the_word(tmp_path: Path) -> None:
    (tmp_path / "article.yaml").write_text(
        "language: ary\nthreats:\n  0.9: [ال قنبلة]\n", encoding="utf-8"
    )
    d = Detector.default(extra_lexicons=tmp_path)
    r = d.detect("عندي القنبلة")
    assert "threats" in r.categories
    assert any(e.text == "القنبلة" for e in r.evidence)
