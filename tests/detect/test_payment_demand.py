"""A bare price is not a payment demand (conversation stage ``payment_demand``).

Marketplace and gaming-trade chats name prices all the time ("it's 200 dh", "je te le fais à
150€"); only demand wording (pay, send the money, transfer, recharge, khless, ادفعي, صيفط
الفلوس...) or a price tied to a threat ("... or everyone sees", "... ولا نفضحك") is a payment
demand. Checked in every language through the public API.
"""

from __future__ import annotations

import pytest

from marsad.detect import Detector, Turn

LANGS = ("fr", "en", "ar", "ary", "ary-Latn")

BARE_PRICES = {
    "fr": [
        "200 dh",
        "je te le fais à 150€",
        "c'est combien ? 200 euros",
        "je te paie 150 euros",
        "je vous envoie 150€ par virement ce soir",
        "200 dh ou 180, dernier prix",
        "le vélo est à 1500 dirhams, négociable",
    ],
    "en": [
        "it's 200 dh",
        "would you take 150 bucks?",
        "I can do 120 dollars cash",
        "selling my account, 40 bucks",
        "I'll pay you 150 when I pick it up",
        "200 dollars or 180 if you pick it up today",
        "pay attention to the price, it's 50 bucks",
    ],
    "ar": [
        "ألفا درهم",
        "بكم؟ 200 درهم",
        "أعطيك ثلاثمائة درهم",
        "سأدفع لك 200 درهم غدا",
        "أرسل لك المبلغ غدا",
        "دفعت 200 درهم ثمن اللعبة",
    ],
    "ary": [
        "3000 درهم",
        "نعطيك 2500 درهم؟",
        "2800 درهم ولا 2700 آخر كلمة",
        "اه ب 100 درهم",
        "نصيفط ليك الفلوس غدا",
    ],
    "ary-Latn": [
        "200 dh",
        "n3tik 150 dh?",
        "180 dh wla 170 akhir kelma",
        "ah b 100 dh",
        "nsift lik lflous ghda",
        "b ch7al? 200dh",
    ],
}

DEMANDS = {
    "fr": [
        "paie 1000 dirhams",
        "envoie 500 dh ce soir",
        "virement de 2000 dh ou rien",
        "envoie-moi 200 euros",
        "tu dois payer 300 euros",
        "recharge-moi 100 dh",
        "500 euros ou je publie tout",
        "si tu ne m'envoies pas 2000 dirhams, je publie tout",
    ],
    "en": [
        "pay 200 dollars",
        "send 500 bucks tonight",
        "gift cards or else",
        "unless you pay me 400 dollars in gift cards",
        "you have to pay 300 dollars",
        "send me the money",
        "$500 or I post them",
    ],
    "ar": [
        "ادفعي ألف درهم",
        "أرسلي خمسمائة دولار الليلة",
        "بطاقة هدايا وإلا",
        "إلا إذا دفعت ثلاثة آلاف درهم",
        "عليك أن تدفعي ألف درهم",
        "اشحني لي رصيد 100 درهم",
    ],
    "ary": [
        "خلصي ألف درهم",
        "صيفط الفلوس",
        "ألفين درهم ولا",
        "إلا ما خلصتيش ألفين درهم",
        "صيفطي ليا 500 درهم",
        "الفلوس ولا ننشر كلشي",
        "إلا ما صيفطتيش ليا ألف درهم",
    ],
    "ary-Latn": [
        "khless 1000 dh",
        "khelsi 1000 dh",
        "sifti lflous lil",
        "2000 dh wla",
        "ila ma khlstich 2000 dh",
        "sift liya 500dh",
        "lflous wla nfd7k",
        "ila ma siftich liya alf dh",
    ],
}

# A marketplace chat where the same speaker asks for a photo of the item and names prices.
MARKET = {
    "fr": [
        ("A", "salut, ta robe est encore en vente ?"),
        ("B", "oui, portée une fois"),
        ("A", "envoie-moi une photo de l'étiquette stp"),
        ("B", "[photo]"),
        ("A", "je te la prends à 150 dh"),
        ("B", "200 dh c'est mon prix"),
        ("A", "175 dh et je viens la chercher"),
    ],
    "en": [
        ("A", "hi, still selling the phone?"),
        ("B", "yes"),
        ("A", "send me a pic of the screen"),
        ("B", "[photo]"),
        ("A", "I can do 120 dollars cash"),
        ("B", "150 is the lowest"),
        ("A", "ok 150, see you tomorrow"),
    ],
    "ar": [
        ("A", "مرحبا، هل الفستان ما زال للبيع؟"),
        ("B", "نعم"),
        ("A", "أرسلي لي صورة للفستان من فضلك"),
        ("B", "[صورة]"),
        ("A", "أعطيك ثلاثمائة درهم"),
        ("B", "أربعمائة درهم آخر سعر"),
    ],
    "ary": [
        ("A", "سلام، التيليفون مازال عندك؟"),
        ("B", "اه"),
        ("A", "صيفطي ليا تصويرة ديالو"),
        ("B", "[تصويرة]"),
        ("A", "نعطيك 800 درهم"),
        ("B", "1000 درهم"),
        ("A", "900 درهم وصافي"),
    ],
    "ary-Latn": [
        ("A", "slm, telephone mazal 3ndk?"),
        ("B", "ah"),
        ("A", "sifti liya tswira dyalo"),
        ("B", "[tswira]"),
        ("A", "n3tik 800 dh"),
        ("B", "1000 dh"),
        ("A", "900 dh w safi"),
    ],
}

# "I have your pictures" (image possession): below the threshold on its own. A bare price
# after it adds nothing; a demand completes the sextortion. Neither last turn is a
# single-text sextortion on its own, so only the stage lexicon can count it.
SEXTORTION_OPENING = {
    "fr": [("B", "[photo]"), ("A", "j'ai tes photos maintenant")],
    "en": [("B", "[photo]"), ("A", "I have your pics now")],
    "ar": [("B", "[صورة]"), ("A", "عندي صورك الآن")],
    "ary": [("B", "[تصويرة]"), ("A", "دابا عندي التصاور ديالك")],
    "ary-Latn": [("B", "[tswira]"), ("A", "daba 3ndi tsawr dyalk")],
}
LAST_PRICE = {
    "fr": "1000 dirhams",
    "en": "1000 dollars",
    "ar": "ألف درهم",
    "ary": "ألف درهم",
    "ary-Latn": "1000 dh",
}
LAST_DEMAND = {
    "fr": "paie 1000 dirhams",
    "en": "pay 1000 dollars",
    "ar": "ادفعي ألف درهم",
    "ary": "خلصي ألف درهم",
    "ary-Latn": "khless 1000 dh",
}


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector.default()


def _conv(det: Detector, turns: list[tuple[str, str]]):
    return det.detect_conversation([Turn(s, t) for s, t in turns])


def test_every_language_is_covered() -> None:
    for table in (BARE_PRICES, DEMANDS, MARKET, SEXTORTION_OPENING, LAST_PRICE, LAST_DEMAND):
        assert set(table) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_bare_price_is_not_a_payment_demand(det: Detector, lang: str) -> None:
    for text in BARE_PRICES[lang]:
        r = det.detect(text)
        assert "stage.payment_demand" not in r.signals, text
        assert not r.harmful, (text, r.categories)


@pytest.mark.parametrize("lang", LANGS)
def test_demand_wording_is_a_payment_demand(det: Detector, lang: str) -> None:
    for text in DEMANDS[lang]:
        assert "stage.payment_demand" in det.detect(text).signals, text


@pytest.mark.parametrize("lang", LANGS)
def test_marketplace_chat_with_prices_stays_benign(det: Detector, lang: str) -> None:
    r = _conv(det, MARKET[lang])
    assert "payment_demand" not in {s.stage for s in r.stages}
    assert r.risk["sextortion"] < det.threshold, r.risk
    assert r.risk["grooming"] < det.threshold, r.risk
    assert "sextortion" not in r.categories


@pytest.mark.parametrize("lang", LANGS)
def test_price_adds_nothing_but_a_demand_completes_sextortion(det: Detector, lang: str) -> None:
    opening = SEXTORTION_OPENING[lang]
    base = _conv(det, opening)
    with_price = _conv(det, [*opening, ("A", LAST_PRICE[lang])])
    with_demand = _conv(det, [*opening, ("A", LAST_DEMAND[lang])])
    assert with_price.risk["sextortion"] == base.risk["sextortion"]
    assert "payment_demand" not in {s.stage for s in with_price.stages}
    stages = {s.stage: s for s in with_demand.stages}
    assert stages["payment_demand"].turns == (len(opening),)
    assert stages["payment_demand"].driver == "A"
    assert base.risk["sextortion"] < det.threshold <= with_demand.risk["sextortion"]
    assert "sextortion" in with_demand.categories
