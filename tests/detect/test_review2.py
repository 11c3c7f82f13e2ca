"""Regression tests for the second user review of ``marsad detect`` (issue 3): wrong decisions
the review found, each checked through the public API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.detect import Detector, Turn, detect_jsonl


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.default()


# -- conversations: time order, and categories that follow the risk --------------------------

GROOMING = [
    ("A", "Salut, t'es nouvelle ici ?"),
    ("B", "oui"),
    ("A", "T'as quel âge ?"),
    ("B", "12 ans"),
    ("A", "T'es trop mature pour ton âge"),
    ("A", "Ne dis rien à tes parents, c'est notre secret"),
    ("A", "Viens sur Snapchat c'est plus tranquille"),
    ("A", "Envoie une photo de toi"),
    ("A", "On pourrait se voir samedi"),
]


def _timed(turns: list[tuple[str, str]]) -> list[Turn]:
    return [Turn(s, t, f"2026-03-01T10:{i:02d}:00") for i, (s, t) in enumerate(turns)]


def test_newest_first_export_is_analysed_in_time_order(det: Detector) -> None:
    forward = det.detect_conversation(_timed(GROOMING))
    newest_first = det.detect_conversation(_timed(GROOMING)[::-1])
    assert forward.order_basis == newest_first.order_basis == "time"
    assert newest_first.order_note is None
    assert newest_first.grooming_risk == forward.grooming_risk >= 0.7
    assert "grooming" in newest_first.categories
    # indices are positions in the list given: "T'as quel âge ?" is turn 6 of the reversed list
    stages = {s.stage: s for s in newest_first.stages}
    assert stages["age_probing"].turns == (len(GROOMING) - 1 - 2,)
    assert [s.stage for s in newest_first.stages] == [s.stage for s in forward.stages]
    reversed_turns = _timed(GROOMING)[::-1]
    for e in newest_first.evidence:
        assert e.turn is not None
        assert reversed_turns[e.turn].text[e.start : e.end] == e.text
    # turn results stay in the caller's order too
    assert newest_first.turn_results[0] == det.detect(reversed_turns[0].text)


def test_equal_times_keep_the_given_order(det: Detector) -> None:
    same = [Turn(s, t, "2026-03-01T10:00:00Z") for s, t in GROOMING]
    r = det.detect_conversation(same)
    assert r.order_basis == "time"
    assert (
        r.grooming_risk == det.detect_conversation([Turn(s, t) for s, t in GROOMING]).grooming_risk
    )


@pytest.mark.parametrize(
    ("times", "note"),
    [
        (["2026-03-01T10:00:00"] * 3 + [None] * 6, "6 of 9 turns have no time"),
        (["2026-03-01T10:00:00"] * 8 + ["hier soir"], "turn 8: time 'hier soir' is not ISO 8601"),
        (
            ["2026-03-01T10:00:00+01:00"] + ["2026-03-01T10:00:00"] * 8,
            "some times have a UTC offset and some do not",
        ),
    ],
)
def test_partial_or_bad_times_keep_the_given_order_and_say_so(
    det: Detector, times: list[str | None], note: str
) -> None:
    turns = [Turn(s, t, when) for (s, t), when in zip(GROOMING[::-1], times, strict=True)]
    r = det.detect_conversation(turns)
    assert r.order_basis == "given"
    assert r.order_note is not None and r.order_note.startswith(note)
    assert r.grooming_risk < 0.5  # analysed as given: newest first, so out of order


def test_no_times_is_the_given_order_without_a_note(det: Detector) -> None:
    r = det.detect_conversation([Turn(s, t) for s, t in GROOMING])
    assert (r.order_basis, r.order_note) == ("given", None)


def test_reversed_grooming_chat_is_not_called_grooming(det: Detector) -> None:
    """A turn's own secrecy cue ("c'est notre secret") made the reversed chat harmful with a
    grooming risk far below the threshold; the category now follows the risk."""
    r = det.detect_conversation([Turn(s, t) for s, t in GROOMING[::-1]])
    assert r.grooming_risk < det.threshold
    assert "grooming" not in r.categories
    assert r.scores["grooming"] == r.grooming_risk
    assert r.harmful == bool(r.categories)
    # the turn on its own still says what it says
    assert any("grooming" in t.categories for t in r.turn_results)
    for cat in ("grooming", "sextortion"):
        assert (cat in r.categories) == (r.risk[cat] >= det.threshold)


def test_batch_json_only_adds_the_order_keys(det: Detector, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    line = {
        "id": "c1",
        "turns": [
            {"speaker": s, "text": t, "time": f"2026-03-01T10:{i:02d}:00"}
            for i, (s, t) in enumerate(GROOMING)
        ][::-1],
    }
    src.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    detect_jsonl(det, src, tmp_path / "out.jsonl")
    out = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    for key in (
        "harmful",
        "risk",
        "stages",
        "driver",
        "categories",
        "scores",
        "language",
        "languages",
        "evidence",
        "detector_version",
    ):
        assert key in out
    assert out["order_basis"] == "time" and out["order_note"] is None
    assert "grooming" in out["categories"]


# -- the generator keeps the hand-written conversations ---------------------------------------

DATA = Path(__file__).parent / "data"


def test_generator_keeps_hand_written_conversations() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_review2", DATA / "generate.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for name, rows in (
        ("conversations_dev.jsonl", gen.dev_conversations()),
        ("conversations_heldout.jsonl", gen.heldout_conversations()),
    ):
        want = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        assert (DATA / name).read_text(encoding="utf-8") == want, f"regenerate {name}"
    ids = {c["id"] for c in gen.dev_conversations()}
    hand = {c[0] for c in gen.templates_dev.CONVERSATIONS}
    assert len(hand) >= 20 and hand <= ids
    assert {"dev-conv-fr-market-0", "dev-conv-en-trade-0", "dev-conv-ary-Latn-sextpay-0"} <= hand


# -- 1. an audience alone is no threat to expose -----------------------------------------------

WEDDING = {
    "fr": [
        ("A", "j'ai tes photos du mariage"),
        ("B", "génial"),
        ("A", "je les envoie à ta famille ce soir"),
        ("B", "merci"),
        ("A", "tu me dois 20 euros, paie quand tu peux"),
    ],
    "en": [
        ("A", "i have your pics from the wedding"),
        ("B", "great"),
        ("A", "i'll send them to your family tonight"),
        ("B", "thanks"),
    ],
    "ar": [
        ("A", "عندي صورك من العرس"),
        ("B", "رائع"),
        ("A", "سأرسلها لعائلتك الليلة"),
        ("B", "شكرا"),
    ],
    "ary": [
        ("A", "عندي التصاور ديالك ديال العرس"),
        ("B", "زوين"),
        ("A", "غادي نصيفطهم للعائلة ديالك اليوم"),
        ("B", "شكرا"),
    ],
    "ary-Latn": [
        ("A", "3ndi tsawr dyalk dyal l3ers"),
        ("B", "zwin"),
        ("A", "ghadi nsifthom l la famille dyalk lyoum"),
        ("B", "chokran"),
    ],
}

EXPOSURE = {
    "fr": [
        "je vais tout montrer à tes parents",
        "sinon je les envoie à ta famille",
        "tout le monde verra",
    ],
    "en": [
        "or i'll send them to your parents",
        "i will send the video to your family",
        "everyone will see",
    ],
    "ar": ["سأنشر صورك", "وإلا سأرسلها لعائلتك", "الجميع سيرى"],
    "ary": ["غادي ننشر كلشي", "ولا نصيفطهم للعائلة ديالك", "نفضحك"],
    "ary-Latn": ["ghadi nnchr kolchi", "wla nsifthom l la famille dyalk", "nfd7k"],
}


def _conv(det: Detector, turns: list[tuple[str, str]]):
    return det.detect_conversation([Turn(s, t) for s, t in turns])


@pytest.mark.parametrize("lang", sorted(WEDDING))
def test_sending_wedding_photos_to_the_family_is_no_sextortion(det: Detector, lang: str) -> None:
    r = _conv(det, WEDDING[lang])
    stages = {s.stage for s in r.stages}
    assert "threat_expose" not in stages and "image_possession" not in stages, stages
    assert r.sextortion_risk < det.threshold and "sextortion" not in r.categories, r.risk


@pytest.mark.parametrize("lang", sorted(EXPOSURE))
def test_exposure_wording_is_a_threat_to_expose(det: Detector, lang: str) -> None:
    for text in EXPOSURE[lang]:
        r = _conv(det, [("A", text)])
        assert "threat_expose" in {s.stage for s in r.stages}, text


@pytest.mark.parametrize(
    "text", ["ne dis rien à tes parents", "don't tell your parents", "لا تخبري والديك"]
)
def test_secrecy_about_the_parents_is_no_threat_to_expose(det: Detector, text: str) -> None:
    stages = {s.stage for s in _conv(det, [("A", text)]).stages}
    assert "secrecy" in stages and "threat_expose" not in stages, stages


def test_a_real_sextortion_chat_still_scores(det: Detector) -> None:
    r = _conv(
        det,
        [
            ("A", "j'ai tes nudes"),
            ("A", "envoie 500 euros sinon je les envoie à ta famille"),
        ],
    )
    assert "sextortion" in r.categories
    assert {"image_possession", "threat_expose", "payment_demand"} <= {s.stage for s in r.stages}


# -- 3. plain photos are not intimate images ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("Un faux profil m'insulte et publie des commentaires sous mes photos", "sexual_deepfakes"),
        ("Il publie des commentaires moqueurs sous mes photos", "ncii"),
        ("حساب مجهول يسبني وينشر تعليقات ساخرة تحت صوري", "sextortion"),
        ("He posts mocking comments under my pictures", "ncii"),
        ("A fake profile insults me under my photos", "sexual_deepfakes"),
    ],
)
def test_comments_under_my_photos_are_harassment_not_image_abuse(
    det: Detector, text: str, wrong: str
) -> None:
    r = det.detect(text)
    assert wrong not in r.categories, r.categories
    assert "cyberharassment" in r.categories, r.categories
    assert "signal.intimate_image" not in r.signals


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Il a publié mes photos intimes sur Instagram sans mon accord", "ncii"),
        ("Des photos de moi nue circulent dans un groupe", "ncii"),
        ("He posted pictures of me naked in a group chat", "ncii"),
        ("نشر صوري العارية في مجموعة", "ncii"),
        ("Un faux profil publie des photos intimes truquées de moi", "sexual_deepfakes"),
        ("envoie 500 dh ou je publie tes photos", "sextortion"),
    ],
)
def test_intimate_wording_still_makes_an_intimate_image(
    det: Detector, text: str, category: str
) -> None:
    assert category in det.detect(text).categories


# -- 4. news about a category, and idioms ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "La police a arrêté un suspect de sextorsion à Rabat",
        "The report documents sextortion cases reported to the hotline",
        "Le suspect, soupçonné de cyberharcèlement, a été placé en garde à vue",
        "Police arrested a suspect in a sextortion case in Tangier",
    ],
)
def test_news_about_a_category_is_damped(det: Detector, text: str) -> None:
    r = det.detect(text)
    assert not r.harmful, (text, r.categories)


@pytest.mark.parametrize(
    "text",
    [
        "Tu vas mourir de rire",
        "t'es morte de fatigue ce soir",
        "tu vas crever de faim si tu manges pas",
        "tu me tues 😂",
        "you're killing it",
        "I'm dead 😂",
    ],
)
def test_idioms_are_not_threats(det: Detector, text: str) -> None:
    assert "threats" not in det.detect(text).categories


@pytest.mark.parametrize(
    "text", ["tu vas mourir sale pute", "t'es morte ce soir", "tu vas crever", "I'll kill you"]
)
def test_real_death_threats_stay_threats(det: Detector, text: str) -> None:
    assert "threats" in det.detect(text).categories


# -- 5. victims' narratives (the synthetic store's wording) ------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Je souhaite signaler des faits qui durent depuis deux semaines. Après un appel vidéo "
            "sur Instagram, un inconnu a enregistré l'appel et exige de l'argent, sinon il envoie "
            "la vidéo à mes contacts.",
            "sextortion",
        ),
        (
            "Après un appel vidéo, il exige de l'argent, sinon il envoie la vidéo à mes contacts.",
            "sextortion",
        ),
        (
            "After a video call on Instagram, a stranger recorded the call and demands money, "
            "otherwise he sends the video to my contacts.",
            "sextortion",
        ),
        (
            "بعد مكالمة فيديو على إنستغرام، سجل المكالمة ويطلب مالا وإلا سيرسل الفيديو لأصدقائي.",
            "sextortion",
        ),
        (
            "Un faux profil a publié sur Instagram des photos intimes de moi sans mon accord.",
            "ncii",
        ),
        (
            "Intimate videos taken without my consent are circulating on Instagram; a fake profile "
            "shared them.",
            "ncii",
        ),
        ("نشر حساب مزيف صورا حميمة لي على إنستغرام دون موافقتي.", "ncii"),
        (
            "Je souhaite signaler des faits. J'ai reçu sans le demander des photos obscènes d'un "
            "joueur inconnu sur Instagram.",
            "sexual_harassment",
        ),
        (
            "Un faux profil m'envoie des messages à caractère sexuel sur Instagram alors que je lui "
            "ai dit d'arrêter.",
            "sexual_harassment",
        ),
        ("تلقيت صورا فاحشة من زميل في العمل على إنستغرام دون أن أطلبها.", "sexual_harassment"),
        (
            "A fake profile sends me messages of a sexual nature on Instagram although I told him "
            "to stop.",
            "sexual_harassment",
        ),
    ],
)
def test_victims_narratives(det: Detector, text: str, category: str) -> None:
    r = det.detect(text)
    assert category in r.categories, r.categories
    if category != "ncii":  # (a fake profile sharing real images is still also a "fake" cue)
        assert "sexual_deepfakes" not in r.categories


def test_synthetic_narratives_of_three_categories_are_found(det: Detector) -> None:
    """Every core sentence of the synthetic store (fr, en, ar) for sextortion, ncii and sexual
    harassment, with each opening, is found."""
    from marsad.synth._text import CORES, OPENINGS

    missed = []
    for lang in ("fr", "en", "ar"):
        for cat in ("sextortion", "ncii", "sexual_harassment"):
            for core in CORES[lang][cat]:
                for opening in ("", *OPENINGS[lang]):
                    text = (opening + " " + core).format_map(
                        {
                            "perp": "un faux profil"
                            if lang == "fr"
                            else "a fake profile"
                            if lang == "en"
                            else "حساب مزيف",
                            "platform": "Instagram",
                            "amount": 2000,
                            "name": "Sara",
                            "cin": "AB123456",
                            "when": "deux semaines",
                            "age": 12,
                        }
                    )
                    if cat not in det.detect(text).categories:
                        missed.append((lang, cat, text))
    assert not missed, missed
