from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.detect import Detector, normalize, normalize_text

ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCÉÈÀÇéèàçôï.-_*'’@$!0123456789\t\n")
    + list("اأإآةىؤئءبتثجحخدذرزسشصضطظعغفقكلمنهوي ًٌٍَُِّْـ")
    + ["😂", "🔪", "\u200d", "\ufe0f", "ﻻ", "ﬁ", "𝐬", "İ", "ß", "e\u0301"]
)
TEXT = st.lists(ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_fast_and_mapped_paths_agree(text: str) -> None:
    n = normalize(text)
    assert n.text == normalize_text(text)
    assert len(n.starts) == len(n.ends) == len(n.text)
    for i in range(len(n.text)):
        assert 0 <= n.starts[i] < n.ends[i] <= len(text)
        assert n.starts[i] <= (n.starts[i + 1] if i + 1 < len(n.text) else len(text))


_DET = Detector.default()
WORDS = st.sampled_from(
    [
        "salope",
        "s.a.l.o.p.e",
        "SALOOOPE",
        "je vais te tuer",
        "9a7ba",
        "قحبة",
        "القحـــبة",
        "kill you",
        "nudes",
        "bonjour",
        "😂",
        "tu",
        "nti",
        "gg",
        "🔪",
        "i'll kill you",
        "p3d0",
        "ممممم",
        "t'es",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(WORDS, TEXT), max_size=8).map(" ".join))
def test_every_evidence_span_is_the_original_text(text: str) -> None:
    r = _DET.detect(text)
    for e in r.evidence:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start : e.end] == e.text


def test_examples_of_each_step() -> None:
    cases = {
        "S.a.l.o.p.e": "salope",
        "s a l o p e": "salope",
        "sal*ope": "salope",
        "Noooooon": "non",
        "9a7ba": "qahba",
        "p3d0": "pedo",
        "$alope": "salope",
        "أُحِبُّــــكَ": "احبك",
        "مدرسة": "مدرسه",
        "مستشفى": "مستشفي",
        "Élève": "eleve",
        "𝐬𝐚𝐥𝐨𝐩𝐞": "salope",
        "hhhhhh": "h",
        "ممممم": "م",
        "chouf": "chuf",
        "😂": "😂",
    }
    for raw, expected in cases.items():
        assert normalize_text(raw) == expected, raw


def test_offsets_point_to_the_original() -> None:
    text = "Écoute, t'es une S.A.L.O.P.E 😂"
    n = normalize(text)
    i = n.text.index("salope")
    a, b = n.span(i, i + len("salope"))
    assert text[a:b] == "S.A.L.O.P.E"
