from __future__ import annotations

import pytest

from marsad.detect import Detector, Turn
from marsad.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.default()


@pytest.mark.parametrize(
    ("text", "category", "language"),
    [
        ("je vais te tuer espèce de conne", "threats", "fr"),
        ("I'm going to kill you, I know where you live", "threats", "en"),
        ("سأقتلك يا حقيرة", "threats", "ar"),
        ("والله حتى نقتلك ديالك", "threats", "ary"),
        ("ghadi n9tlk a 9a7ba", "threats", "ary-Latn"),
        ("Il a publié mes photos intimes sur Instagram sans mon accord", "ncii", "fr"),
        ("Pay me 500 dollars or I send your nudes to your family", "sextortion", "en"),
    ],
)
def test_each_language(det: Detector, text: str, category: str, language: str) -> None:
    r = det.detect(text)
    assert r.harmful
    assert category in r.categories
    assert r.language == language
    assert {e.category for e in r.evidence} >= set(r.categories)
    assert set(r.scores) == set(load_taxonomy().categories)


@pytest.mark.parametrize(
    "text",
    [
        "Un homme a été condamné à deux ans de prison pour avoir harcelé une femme sur Facebook",
        "Sex education workshop: how to talk about consent with teenagers",
        "mdr t'es trop con toi, viens on va manger 😂",
        "I'm gonna destroy you next round, gg noob",
        "Ma chérie envoie-moi une photo quand tu arrives chez mamie, bisous de maman",
        "♪ je t'aime à mourir ♪",
        "",
        "\x00\x01\x02 garbage \xff",
    ],
)
def test_hard_negatives(det: Detector, text: str) -> None:
    r = det.detect(text)
    assert not r.harmful, (text, r.categories, [e.rule for e in r.evidence])


def test_strong_threat_survives_gaming_context(det: Detector) -> None:
    r = det.detect("gg noob, I know where you live and I will kill you")
    assert "threats" in r.categories


def test_negation_lowers_score(det: Detector) -> None:
    pos = det.detect("je vais te frapper")
    neg = det.detect("je ne vais jamais te frapper")
    assert neg.scores["threats"] < pos.scores["threats"]


def test_space_and_platform(det: Detector) -> None:
    r = det.detect("Dans Free Fire un joueur m'insulte tous les jours")
    assert r.platform == "Free Fire" and r.space == "video_game"
    r = det.detect("Il m'a harcelée dans le métavers avec son casque VR")
    assert r.space == "virtual_world" and r.platform is None


def test_code_switching(det: Detector) -> None:
    r = det.detect("wach nta mzyan? je suis à la maison avec ma sœur, on se voit demain")
    assert set(r.languages) == {"fr", "ary-Latn"}


GROOMING = [
    Turn("A", "Salut, t'es nouvelle sur le serveur ?"),
    Turn("B", "oui", age=12),
    Turn("A", "Tu as quel âge ?"),
    Turn("B", "12 ans", age=12),
    Turn("A", "T'es super mignonne"),
    Turn("A", "efface nos messages, personne doit savoir"),
    Turn("A", "Viens sur Snapchat c'est plus tranquille"),
    Turn("A", "Envoie-moi une photo de toi en culotte"),
    Turn("A", "On pourrait se voir samedi"),
]


def test_conversation_order_matters(det: Detector) -> None:
    forward = det.detect_conversation(GROOMING)
    backward = det.detect_conversation(GROOMING[::-1])
    assert forward.grooming_risk >= 0.7
    assert "grooming" in forward.categories
    assert backward.grooming_risk < forward.grooming_risk - 0.3
    assert forward.driver == "A"
    stages = {s.stage: s for s in forward.stages}
    assert stages["age_probing"].turns == (2,)
    assert stages["image_request"].driver == "A"


def test_single_cue_scores_low(det: Detector) -> None:
    single = det.detect_conversation([Turn("A", "Tu as quel âge ?"), Turn("B", "30 ans")])
    assert single.grooming_risk < 0.3
    assert not single.harmful


def test_sextortion_conversation(det: Detector) -> None:
    conv = [
        Turn("A", "hi gorgeous, wanna video chat?"),
        Turn("B", "sure"),
        Turn("A", "take your clothes off for me"),
        Turn("A", "I recorded everything lol"),
        Turn("A", "I will send the video to your family"),
        Turn("A", "unless you pay me 400 dollars"),
    ]
    r = det.detect_conversation(conv)
    assert r.sextortion_risk >= 0.6 and "sextortion" in r.categories
    assert r.driver == "A"
    assert all(e.turn is not None for e in r.evidence)


def test_targeted_insult_needs_the_second_person(det: Detector) -> None:
    targeted = det.detect("t'es qu'une grosse vache")
    untargeted = det.detect("quelle grosse vache ce camion")
    assert "cyberharassment" in targeted.categories
    assert any("target.second_person" in e.rule for e in targeted.evidence)
    assert not untargeted.harmful
