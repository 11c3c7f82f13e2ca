"""The fast paths of the rule engine against plain reference implementations kept here.

Each reference is the straightforward method the docs describe (one alternation of all
patterns; a token loop for language identification), written independently of the
library's shortcuts (pattern gates, script-specific token expressions, space counting)."""

from __future__ import annotations

import re
from importlib import resources

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from marsad.detect import (
    Detector,
    Lexicon,
    detect_language,
    normalize,
    normalize_term,
    normalize_text,
)

ALPHABET = st.sampled_from(
    list("abcdeilmnorstuyz 0123456789 .,'/-@$\t\n")
    + list("اأةىبتسعلمنهوي ـ")
    + ["ⵣ", "ⴰ", "😂", "\u200d", "ﻻ", "ﬁ", "É", "e\u0301"]
)
WORDS = st.sampled_from(
    [
        "i'm 12",
        "im 9",
        "15 yo",
        "13 ans",
        "dans",
        "abc",
        "ABC",
        "aBc",
        "xyxy",
        "الله يعطيك",
        "لله",
        "عليك",
        "12 سنه",
        "mabghitch",
        "majich",
        "ma",
        "2024",
        "a1b2",
    ]
)
TEXT = st.lists(st.one_of(WORDS, st.lists(ALPHABET, max_size=12).map("".join)), max_size=8).map(
    " ".join
)

PATTERNS = [
    ("age", r"\b(?:i'?m|i am|im) (?:[5-9]|1[0-7])\b|(?<![\w.])(?:[5-9]|1[0-7]) ?(?:yo|ans)\b"),
    ("god", r"(?:الله|لله) ?(?:ي)?(?:عطي)(?:ك|ها)?"),
    ("on_you", r"(?:عليك|عليها) ?"),
    ("years", r"(?<![\w.])1[0-7] ?سنه"),
    ("scoped_case", r"(?i:abc)"),
    ("digits", r"[0-9]{2,}"),
    ("overlap", r"\d b|a\d"),
    ("xy", r"(?:xy){2}"),
    ("maybe", r"z?q?"),
    ("ma_ch", r"\bma[a-z]{2,}ch\b"),
    ("spaced_gate", r"(?:dans l|i am) [a-z]"),  # gates holding a space
    ("space_gate", r"(?<=[0-9]) (?=[a-z])"),  # a gate of spaces only
]


def _lexicon(patterns: list[tuple[str, str]]) -> Lexicon:
    lex = Lexicon()
    data = {
        "language": "any",
        "patterns": [
            {"id": pid, "group": "signal.test", "weight": 0.5, "regex": rx} for pid, rx in patterns
        ],
    }
    lex.add_file("patterns.yaml", yaml.safe_dump(data, allow_unicode=True))
    lex.compile()
    return lex


def _reference_patterns(patterns: list[tuple[str, str]], text: str) -> list[tuple[str, int, int]]:
    """One alternation of every pattern, leftmost first, as docs/detect.md describes."""
    rx = re.compile("|".join(f"(?P<p{i}>{p})" for i, (_id, p) in enumerate(patterns)))
    return [
        (patterns[int(m.lastgroup[1:])][0], m.start(), m.end())
        for m in rx.finditer(text)
        if m.end() > m.start() and m.lastgroup is not None
    ]


_LEX = _lexicon(PATTERNS)
_BACKREF = [("twice", r"(?P<c>\w)(?P=c)"), ("ab", r"ab")]
_LEX_BACKREF = _lexicon(_BACKREF)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_gated_patterns_find_what_one_alternation_finds(text: str) -> None:
    got = [(m.entry.id, m.start, m.end) for m in _LEX.matches(text)]
    assert got == _reference_patterns(PATTERNS, text)


_NON_EMPTY = [(pid, rx) for pid, rx in PATTERNS if pid != "maybe"]
_LEX_SOLO = _lexicon(_NON_EMPTY)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_patterns_run_alone_find_what_one_alternation_finds(text: str) -> None:
    # no pattern matches the empty string: each open pattern is searched alone
    got = [(m.entry.id, m.start, m.end) for m in _LEX_SOLO.matches(text)]
    assert got == _reference_patterns(_NON_EMPTY, text)


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_patterns_with_back_references_are_not_gated(text: str) -> None:
    got = [(m.entry.id, m.start, m.end) for m in _LEX_BACKREF.matches(text)]
    assert got == _reference_patterns(_BACKREF, text)


def test_a_gate_skips_only_patterns_that_cannot_match() -> None:
    text = "i'm 12 and she is 15 yo"
    got = [(m.entry.id, m.start, m.end) for m in _LEX.matches(text)]
    assert got == _reference_patterns(PATTERNS, text)
    assert ("age", 0, 6) in got
    assert [g for g in got if g[0] == "god"] == []


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalised_white_space_is_single_spaces(text: str) -> None:
    # the negation window counts words by the spaces of the normalised text
    t = normalize_text(text)
    assert "  " not in t
    assert all(c == " " or not c.isspace() for c in t)


def _markers() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load(
        resources.files("marsad.detect")
        .joinpath("data", "languages.yaml")
        .read_text(encoding="utf-8")
    )
    return {k: frozenset(normalize_term(str(w)) for w in v) for k, v in raw.items()}


_MARKERS = _markers()
_ARABIZI = re.compile(r"(?<![^\W_])(?=[a-z]*[2379][a-z])[a-z2379]*[a-z][a-z2379]*", re.I)


def _reference_language(original: str, normalized: str) -> tuple[str, ...]:
    """The marker-word method of docs/detect.md, one token at a time."""
    m = _MARKERS
    n_ar = n_lat = n_tif = ary = ar = fr = en = az = 0
    for tok in re.findall(r"[^\W_]+", normalized):
        c = tok[0]
        if "\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f":
            n_ar += len(tok)
            ary += tok in m["ary"]
            ar += tok in m["ar"]
        elif "a" <= c <= "z":
            n_lat += len(tok)
            fr += tok in m["fr"]
            en += tok in m["en"]
            az += tok in m["ary-Latn"]
        elif "\u2d30" <= c <= "\u2d7f":
            n_tif += len(tok)
    found: list[tuple[float, str]] = []
    if n_ar >= 2:
        found.append((n_ar, "ary" if ary > 0 and 2 * ary >= ar else "ar"))
    if n_lat >= 2:
        if any(ch in original for ch in "2379"):
            az += 2 * len(_ARABIZI.findall(original))
        order = {"fr": 0, "en": 1, "ary-Latn": 2}
        ranked = sorted(
            {"fr": fr, "en": en, "ary-Latn": az}.items(), key=lambda kv: (-kv[1], order[kv[0]])
        )
        (best, best_hits), (second, second_hits) = ranked[0], ranked[1]
        if best_hits > 0:
            found.append((n_lat, best))
            if second_hits >= 2 and second_hits * 2 >= best_hits:
                found.append((n_lat * second_hits / (best_hits + 1), second))
        elif n_ar < 2:
            found.append((n_lat, "und"))
    if n_tif >= 2:
        found.append((n_tif, "zgh"))
    if not found:
        return ("und",)
    found.sort(key=lambda x: -x[0])
    return tuple(dict.fromkeys([lang for _, lang in found if lang != "und"] or ["und"]))


LANGUAGE_WORDS = st.sampled_from(
    ["the", "you", "je", "tu", "est", "wach", "nta", "dyal", "راك", "ديال", "هذا", "في", "3lach"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(LANGUAGE_WORDS, TEXT), max_size=10).map(" ".join))
def test_language_matches_the_token_loop(text: str) -> None:
    for normalized in (normalize_text(text), text):  # also on text that is not normalised
        assert detect_language(text, normalized) == _reference_language(text, normalized)


# Texts that stress the piece-by-piece normalisation: single letters and separators around
# spaces (spaced-out words), pieces that fold away (tatweel, zero-width), white space other
# than the space and characters that fold to white space.
PIECES = st.sampled_from(
    [
        *["s", "a", "l", "o", "p", "e", "y", "s.", ".a", "l-", "ـ", "\u200b", "ـــ", "x\u200b"],
        *["\u00a0", "\u203e", "\t", "", "ça", "va", "nta", "7mar", "سير", "ب", "نتي", "p3d0"],
        *["hhhh", "ممممم", "sh", "o u", "s*a*l", "ﬁ", "e\u0301", "2", "la", "l3ba", "@", "😂"],
    ]
)
SPACED_TEXT = st.lists(st.one_of(PIECES, TEXT), max_size=12).map(" ".join)


@settings(max_examples=600, deadline=None)
@given(SPACED_TEXT)
@example("ça ـ va")  # a piece that folds away: the spaces around it become one
@example("salut \u200b va")
@example("vas y s a l o p e")  # spaced-out letters across pieces
@example("s. a. l. o")
@example("a\u00a0 b")  # white space other than the space
@example("a \u203e b")  # folds to a space
@example("salla 3la nnabi ﷺ daba")  # folds to words with spaces
def test_piece_by_piece_normalisation_equals_the_whole_text_one(text: str) -> None:
    whole = normalize(text).text  # the offset-mapping implementation, on the whole text
    assert normalize_text(text) == whole
    assert normalize_text(text) == whole  # again, from the pieces' cache
    result = _DETECTOR.detect(text)
    assert result.languages == _reference_language(text, whole)


_DETECTOR = Detector.default()


@settings(max_examples=300, deadline=None)
@given(SPACED_TEXT, st.data())
@example("salut ça va 7mar", None)
def test_piece_by_piece_offsets_equal_the_whole_text_ones(text: str, data: st.DataObject) -> None:
    from marsad.detect._normalize import offset_map

    whole = normalize(text)
    pieces = offset_map(text)
    n = len(whole.text)
    spans = [(s, e) for s in range(n) for e in range(s + 1, n + 1)]
    if data is not None and len(spans) > 200:
        spans = data.draw(st.lists(st.sampled_from(spans), min_size=50, max_size=200))
    for s, e in spans:
        assert pieces.span(s, e) == whole.span(s, e), (s, e)


# Terms are matched piece by piece (pieces between spaces, kept per piece) except where a term
# holding a space may start; the reference is one pass of the term expression over the text.
TERMS = {
    "threats": {0.9: ["je vais te tuer", "te tuer", "tuer", "kill you", "نقتلك", "غادي نقتلك"]},
    "signal.insult": {
        0.6: ["7mar", "حمار", "sale pute*", "sale", "pute", "ta video intime", "ta video"]
    },
    "target.second_person": {0.5: ["nta", "tu", "you", "ta"]},
    "platform.tiktok": {0.6: ["تيك توك", "#metoo maroc", "metoo"]},  # article; a mid-word start
}
TERM_WORDS = st.sampled_from(
    [
        *["je", "vais", "te", "tuer", "kill", "you", "نقتلك", "غادي", "وغادي", "والحمار", "7mar"],
        *["sale", "putes", "pute", "ta", "video", "intime", "nta", "tu", "l'7mar", "x", "بالحمار"],
        *["التيك", "والتيك", "تيك", "توك", "#metoo", "metoo", "maroc"],
    ]
)
TERM_TEXT = st.lists(st.one_of(TERM_WORDS, TEXT), max_size=12).map(" ".join)


def _term_lexicon() -> Lexicon:
    lex = Lexicon()
    data = {"language": "any", **TERMS}
    lex.add_file("terms.yaml", yaml.safe_dump(data, allow_unicode=True))
    lex.compile()
    return lex


_TERM_LEX = _term_lexicon()


def _reference_terms(lex: Lexicon, layer: str, text: str) -> list[tuple[str, int, int]]:
    """The hits of one pass of the layer's term expression over the whole text."""
    index = lex._layers[layer]
    out = []
    for m in index.regex.finditer(text):
        start, end = m.span(1)
        if m[2] is not None:
            out += [(e.id, start, end) for e in index.terms[m[2]]]
            for sub in index.subterms.get(m[2], ()):
                out += [(e.id, start, m.start(2) + len(sub)) for e in index.terms[sub]]
        elif m[3] is not None:
            out += [(e.id, start, end) for e in index.prefixes[m[3]]]
        else:
            out += [(e.id, start, end) for e in index.terms[m[4]]]
    return out


@settings(max_examples=500, deadline=None)
@given(TERM_TEXT)
@example("je vais te tuer")
@example("والحمار وغادي نقتلك ta video intime")
@example("sale")
@example("شفت التيك توك")
@example("#metoo maroc")
def test_terms_piece_by_piece_equal_one_pass(text: str) -> None:
    norm = normalize_text(text)
    for layer in ("trigger", "modifier"):
        for _ in range(2):  # the second time from the pieces' cache
            got = [(m.entry.id, m.start, m.end) for m in _TERM_LEX.match_list(norm, layer)]
            assert got == _reference_terms(_TERM_LEX, layer, norm)
