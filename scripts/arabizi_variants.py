"""Generate ``src/marsad/detect/lexicons/ary-Latn/variants.yaml``: spelling variants of the
abuse terms of the Moroccan Darija lexicons written in Latin letters (Arabizi, ``ary-Latn``).

Arabizi has no fixed spelling: the same insult is written ``hmar``, ``hmer``, ``7mar`` or
``hmr``; ``mkelekh``, ``mklkh`` or ``m9lekh``; ``3mrek``, ``3mrak`` or ``3mrk``. The normaliser
(``marsad.detect.normalize_term``) already folds the Arabizi digits, ``sh``/``ch``, ``ou``/``u``
and doubled letters, but not vowels, endings or k/q/g/j. This script reads every shipped
``ary-Latn`` lexicon file (except its own output) and, for each term of an abuse group
(``GROUPS``: insults, slurs, curses, threats, sexual harassment and its signals and image
requests, gendered hate), writes the spellings one change away (with ``--two-changes``, also
two vowel changes for single words of ``TWO_CHANGES_FROM`` letters or more), in normalised
form, with the group and weight of the source term. In a multi-word term only words of four letters or more that are not function words change. The changes, per
word of three letters or more:

- ``vowel_swap``: an inner vowel (not the first or last letter) replaced by one Arabizi
  writers use for it (a/e, e/i, o/u: ``SWAPS``);
- ``vowel_drop``: an inner vowel dropped (``hmar`` -> ``hmr``);
- ``vowel_insert``: ``e`` put between two inner consonants (``mklkh`` -> ``mkelkh``);
- ``ending``: the final ``-ek``/``-ak``/``-ik``/``-k`` (second person) exchanged;
- ``qk_gj``: ``q`` <-> ``k`` and ``g`` <-> ``j`` (``k`` and ``g`` not part of ``kh``/``gh``);
- no change may make or break a ``kh``, ``gh`` or ``ch`` (``qhab`` -> ``khab``);
- consonant doubling needs no variant: the normaliser collapses doubled letters.

A variant is dropped (and counted under its reason, first reason wins) when it is:

- ``short``: shorter than 4 characters, or of 4 made by dropping or adding a vowel (short
  words have many neighbours: ``dara`` from ``daira``);
- ``listed``: already a term anywhere in the shipped lexicons (any group, any language);
- ``function_word``: a Darija function word (the ``ary-Latn`` markers of
  ``data/languages.yaml``), or a multi-word variant whose words are all such words, French or
  English words, or one or two letters;
- ``fr_en_word``: a French or English word, also with the plural or feminine ending the
  matcher allows on Latin terms (``s``, ``x``, ``es``, ``e``). The vocabulary: every word of the
  ``fr``/``en`` lexicon files, the ``fr``/``en`` markers of ``data/languages.yaml``, the
  ``fr``/``en`` texts of ``tests/detect/data/dev.csv``, the English stop words of scikit-learn
  and the English and French stop word lists shipped in the pyspark MLlib jar (when installed;
  nothing is downloaded);
- ``benign_darija``: a word of the non-harmful ``ary-Latn`` texts of
  ``tests/detect/data/darija_dev.csv``, ``darija_dev2.csv`` and ``darija_dev3.csv`` (the
  development sets; held-out files and ``darija_dev4.csv``, the measurement set for this list,
  are not read), or of ``BENIGN`` below (everyday words a change would produce);
- ``not_stable``: not its own normal form (it would match something else once loaded).

The same variant reached from several terms of one group is kept once, with the highest
weight (the loader refuses a term listed twice with different weights). Run from the
repository root::

    .venv/bin/python scripts/arabizi_variants.py          # writes the file, prints counts
    .venv/bin/python scripts/arabizi_variants.py --check  # fails if the file is out of date
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import yaml

from marsad.detect import normalize_term

ROOT = Path(__file__).resolve().parent.parent
LEXICONS = ROOT / "src" / "marsad" / "detect" / "lexicons"
OUT = LEXICONS / "ary-Latn" / "variants.yaml"
LANGUAGES = ROOT / "src" / "marsad" / "detect" / "data" / "languages.yaml"
DATA = ROOT / "tests" / "detect" / "data"
DEV_FILES = ("darija_dev.csv", "darija_dev2.csv", "darija_dev3.csv")

GROUPS = (
    "cyberharassment",
    "threats",
    "sexual_harassment",
    "gendered_hate",
    "signal.insult",
    "signal.gender_slur",
    "signal.women_group",
    "signal.sexual",
    "stage.age_probing",
    "stage.image_request",
    "stage.sexualisation",
)
# letters in a one-word term before two vowel changes are allowed (``--two-changes``; off by
# default: it adds about 2,700 variants, 20 % more, to a list the loader parses at every start)
TWO_CHANGES_FROM = 7
VOWELS = "aeiou"
# the vowel swaps Arabizi writers make (a/e for the short a, e/i, o/u); a -> o and the like
# are rare and only add noise
SWAPS = {"a": "e", "e": "aio", "i": "e", "o": "u", "u": "o"}
DIGRAPHS = frozenset({"kh", "gh", "ch"})
LATIN_WORD = re.compile(r"^[a-z]+$")
# Everyday Darija words one change away from an abuse term (qalb "heart" from kalb "dog"...).
BENIGN = frozenset(
    {
        "qalb",
        "qalbi",
        "galb",
        "galbi",
        "kalam",
        "klam",
        "hmam",
        "hamam",
        "bent",
        "bnat",
        "mra",
        "mrat",
        "khti",
        "khuya",
        "khoya",
        "dyal",
        "dial",
        "hbib",
        "hbiba",
        "zwin",
        "zwina",
        "mzyan",
        "mzyana",
        "bzaf",
        "bezaf",
        "kbir",
        "kbira",
        "sghir",
        "sghira",
        "rajel",
        "rajl",
        "ragel",
        # read in the output and left out: everyday Darija, names, French or English words
        # the vocabulary above lacks
        "kora",
        "dira",
        "dara",
        "anas",
        "anis",
        "sala",
        "sila",
        "sola",
        "toba",
        "kira",
        "bhali",
        "half",
        "hotela",
        "hotla",
        "hotlat",
        "kats",
        "ktas",
        "pote",
        "slope",
        "salpe",
        "sakti",
        "lans",
        "laza",
        "jeni",
        "lmara",
        "lmira",
        "lmora",
        "msti",
        "smak",
        "smik",
        "smok",
        "semna",
        "sketi",
        "sikti",
        "arbi",
        "nmas",
        "nmis",
        "nmos",
        "lmos",
        "kird",
        "kerd",
        "fule",
        "chine",
        "chene",
        "cnard",
    }
)
REASONS = ("short", "listed", "function_word", "fr_en_word", "benign_darija", "not_stable")
WORD = re.compile(r"[^\W\d_]+")


def _words(text: str) -> set[str]:
    return set(WORD.findall(normalize_term(text)))


def _lexicon_files() -> list[tuple[str, Path]]:
    return [(p.parent.name, p) for p in sorted(LEXICONS.glob("*/*.yaml")) if p != OUT]


def _terms(data: dict) -> list[tuple[str, float, str]]:
    out = []
    for group, tiers in data.items():
        if group in {"language", "patterns", "description", "spaces"} or not isinstance(
            tiers, dict
        ):
            continue
        for weight, terms in tiers.items():
            for term in terms or []:
                out.append((str(group), float(weight), str(term)))
    return out


def _stopwords_from_pyspark() -> set[str]:
    try:
        import pyspark
    except ImportError:
        return set()
    words: set[str] = set()
    for jar in (Path(pyspark.__file__).parent / "jars").glob("spark-mllib_*.jar"):
        with zipfile.ZipFile(jar) as z:
            for lang in ("english", "french"):
                name = f"org/apache/spark/ml/feature/stopwords/{lang}.txt"
                if name in z.namelist():
                    words |= _words(z.read(name).decode("utf-8"))
    return words


def fr_en_vocabulary() -> set[str]:
    """Normalised French and English words (see the module docstring for the sources)."""
    words: set[str] = set()
    for lang, path in _lexicon_files():
        if lang in {"fr", "en"}:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for _g, _w, term in _terms(data):
                words |= _words(term)
    langs = yaml.safe_load(LANGUAGES.read_text(encoding="utf-8"))
    for lang in ("fr", "en"):
        for w in langs.get(lang, []):
            words |= _words(str(w))
    with (DATA / "dev.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["language"] in {"fr", "en"}:
                words |= _words(row["text"])
    try:
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        for w in ENGLISH_STOP_WORDS:
            words |= _words(w)
    except ImportError:
        pass
    words |= _stopwords_from_pyspark()
    return words


def function_words() -> set[str]:
    langs = yaml.safe_load(LANGUAGES.read_text(encoding="utf-8"))
    return {normalize_term(str(w)) for w in langs.get("ary-Latn", [])}


def benign_darija() -> set[str]:
    words = {normalize_term(w) for w in BENIGN}
    for name in DEV_FILES:
        with (DATA / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["language"] == "ary-Latn" and row["kind"] != "harmful":
                    words |= _words(row["text"])
    return words


def word_changes(w: str) -> list[tuple[str, str]]:
    """(rule, changed word) for every single change of ``w`` (see the module docstring)."""
    out: list[tuple[str, str]] = []
    if len(w) < 3 or not LATIN_WORD.match(w):
        return out
    for i in range(1, len(w) - 1):
        c = w[i]
        if c in VOWELS:
            for v in SWAPS[c]:
                out.append(("vowel_swap", w[:i] + v + w[i + 1 :]))
            out.append(("vowel_drop", w[:i] + w[i + 1 :]))
    for i in range(1, len(w) - 2):  # between two inner consonants i and i + 1
        if w[i] not in VOWELS and w[i + 1] not in VOWELS and w[i : i + 2] not in DIGRAPHS:
            out.append(("vowel_insert", w[: i + 1] + "e" + w[i + 1 :]))
    endings = ("ek", "ak", "ik")
    if len(w) >= 4:
        stem = None
        if w.endswith(endings):
            stem = w[:-2]
        elif w.endswith("k") and w[-2] not in VOWELS and not w.endswith("kh"):
            stem = w[:-1]
        if stem is not None:
            for e in (*endings, "k"):
                out.append(("ending", stem + e))
    for i, c in enumerate(w):
        nxt = w[i + 1 : i + 2]
        if c == "q":
            out.append(("qk_gj", w[:i] + "k" + w[i + 1 :]))
        elif c == "k" and nxt != "h":
            out.append(("qk_gj", w[:i] + "q" + w[i + 1 :]))
        elif c == "g" and nxt != "h" and w[i - 1 : i] != "g":
            out.append(("qk_gj", w[:i] + "j" + w[i + 1 :]))
        elif c == "j":
            out.append(("qk_gj", w[:i] + "g" + w[i + 1 :]))
    digraphs = _digraphs(w)
    return [(r, x) for r, x in out if x != w and _digraphs(x) == digraphs]


def _digraphs(w: str) -> tuple[int, ...]:
    """How many kh, gh, ch ``w`` holds: a change must not make or break one (``qhab`` ->
    ``khab`` "it failed" is another word)."""
    return tuple(w.count(d) for d in sorted(DIGRAPHS))


def term_variants(
    norm: str, keep: frozenset[str] = frozenset(), two_changes: bool = False
) -> dict[str, str]:
    """Variant -> rule of its (first) change, for a normalised term; in a multi-word term
    only words of four letters or more not in ``keep`` (function words) change."""
    words = norm.split(" ")
    out: dict[str, str] = {}
    for i, w in enumerate(words):
        if len(words) > 1 and (len(w) < 4 or w in keep):
            continue
        for rule, x in word_changes(w):
            v = " ".join([*words[:i], x, *words[i + 1 :]])
            out.setdefault(v, rule)
    if two_changes and len(words) == 1 and len(norm) >= TWO_CHANGES_FROM:
        for first, rule in list(out.items()):
            if rule not in {"vowel_swap", "vowel_drop"}:
                continue
            for r2, x in word_changes(first):
                if r2 in {"vowel_swap", "vowel_drop"}:
                    out.setdefault(x, rule)
    out.pop(norm, None)
    return out


def generate(
    two_changes: bool = False,
) -> tuple[dict[str, dict[float, list[str]]], Counter[str], Counter[str]]:
    listed: set[str] = set()
    sources: list[tuple[str, float, str]] = []
    for lang, path in _lexicon_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for group, weight, term in _terms(data):
            listed.add(normalize_term(term.rstrip("*")))
            if lang == "ary-Latn" and group in GROUPS and not term.endswith("*"):
                sources.append((group, weight, term))
    fr_en = fr_en_vocabulary()
    func = function_words()
    benign = benign_darija()
    plain = func | fr_en

    def reason(v: str, rule: str) -> str | None:
        if len(v) < 4 or (len(v) == 4 and rule in {"vowel_drop", "vowel_insert"}):
            return "short"
        if v in listed:
            return "listed"
        ws = v.split(" ")
        if len(ws) == 1 and v in func:
            return "function_word"
        if len(ws) > 1 and all(len(x) <= 2 or x in plain for x in ws):
            return "function_word"
        if len(ws) == 1 and any(v + s in fr_en for s in ("", "s", "x", "es", "e")):
            return "fr_en_word"
        if len(ws) == 1 and v in benign:
            return "benign_darija"
        if normalize_term(v) != v:
            return "not_stable"
        return None

    best: dict[tuple[str, str], float] = {}
    made: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for group, weight, term in sources:
        norm = normalize_term(term)
        if not LATIN_WORD.match(norm.replace(" ", "")):
            continue
        for v, rule in term_variants(norm, frozenset(func), two_changes).items():
            key = (group, v)
            if key in seen:
                if key in best:
                    best[key] = max(best[key], weight)
                continue
            seen.add(key)
            made[rule] += 1
            why = reason(v, rule)
            if why is not None:
                dropped[why] += 1
                continue
            best[key] = weight
    out: dict[str, dict[float, list[str]]] = {}
    for (group, v), w in best.items():
        out.setdefault(group, {}).setdefault(w, []).append(v)
    return out, made, dropped


def _quote(term: str) -> str:
    plain = yaml.safe_load(f"[{term}]")
    return term if plain == [term] else '"' + term + '"'


def render(groups: dict[str, dict[float, list[str]]]) -> str:
    lines = [
        "# GENERATED by scripts/arabizi_variants.py from the other ary-Latn lexicon files: do not",
        "# edit by hand; change the sources or the script and run it again. Spelling variants",
        "# (vowels, -ek/-ak/-k endings, q/k and g/j) of the abuse terms, in normalised form, with",
        "# the group and weight of their source term; French, English, function and everyday",
        "# Darija words are left out (see the script's docstring).",
        "language: ary-Latn",
    ]
    for group in GROUPS:
        if group not in groups:
            continue
        lines.append(f"{group}:")
        for w in sorted(groups[group], reverse=True):
            terms = sorted(groups[group][w])
            lines.append(f"  {w:g}: [")
            row = "    "
            for t in terms:
                item = _quote(t) + ", "
                if len(row) + len(item) > 99:
                    lines.append(row.rstrip())
                    row = "    "
                row += item
            lines.append(row.rstrip().rstrip(",") + "]")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is out of date")
    parser.add_argument(
        "--two-changes", action="store_true", help="also two vowel changes in long single words"
    )
    args = parser.parse_args(argv)
    groups, made, dropped = generate(args.two_changes)
    text = render(groups)
    kept = sum(len(ts) for tiers in groups.values() for ts in tiers.values())
    print(f"generated {sum(made.values())} (group, variant) pairs: {dict(made)}")
    print(
        f"dropped {sum(dropped.values())}: {{{', '.join(f'{r}: {dropped[r]}' for r in REASONS)}}}"
    )
    print(f"kept {kept} in {OUT.relative_to(ROOT)}")
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("variants.yaml is out of date: run scripts/arabizi_variants.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
