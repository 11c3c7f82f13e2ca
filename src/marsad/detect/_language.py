"""Language identification for fr, ar (MSA), ary (Darija, Arabic script), ary-Latn (Darija in
Latin letters, "Arabizi"), en and zgh (Tamazight in Tifinagh), with code-switching.

Method: the script of the letters (Arabic, Latin, Tifinagh) decides the family; inside a family,
counts of marker words (``data/languages.yaml``, function words and very frequent words) decide
the language, and Arabizi digits inside Latin words (3, 7, 9...) count for Darija. A text gets
several languages when two of them each have enough evidence (code-switching). This is a
marker-word classifier in the spirit of Cavnar & Trenkle (1994) stop-word profiles, chosen
because it is fast, explainable and handles very short messages.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml

from marsad.detect._normalize import normalize_term

__all__ = ["detect_language"]

_TOKEN = re.compile(r"[^\W_]+")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_LATIN = re.compile(r"[a-z]")
_TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
_ARABIZI = re.compile(r"(?<![^\W_])(?=[a-z]*[2379][a-z])[a-z2379]*[a-z][a-z2379]*", re.IGNORECASE)


@cache
def _markers() -> dict[str, frozenset[str]]:
    raw = yaml.safe_load(
        resources.files("marsad.detect")
        .joinpath("data", "languages.yaml")
        .read_text(encoding="utf-8")
    )
    out: dict[str, frozenset[str]] = {}
    for lang, words in raw.items():
        out[lang] = frozenset(normalize_term(str(w)) for w in words)
    return out


def detect_language(original: str, normalized: str) -> tuple[str, ...]:
    """Languages of a text, main one first; ``("und",)`` when nothing is recognised."""
    markers = _markers()
    tokens = _TOKEN.findall(normalized)
    n_ar = len(_ARABIC.findall(normalized))
    n_lat = len(_LATIN.findall(normalized))
    n_tif = len(_TIFINAGH.findall(normalized))
    found: list[tuple[float, str]] = []
    if n_ar >= 2:
        ary = sum(1 for t in tokens if t in markers["ary"])
        ar = sum(1 for t in tokens if t in markers["ar"])
        lang = "ary" if ary > 0 and 2 * ary >= ar else "ar"
        found.append((n_ar, lang))
    if n_lat >= 2:
        hits = {
            lang: sum(1 for t in tokens if t in markers[lang]) for lang in ("fr", "en", "ary-Latn")
        }
        hits["ary-Latn"] += 2 * len(_ARABIZI.findall(original))
        ranked = sorted(
            hits.items(), key=lambda kv: (-kv[1], ("fr", "en", "ary-Latn").index(kv[0]))
        )
        best, best_hits = ranked[0]
        if best_hits > 0:
            found.append((n_lat, best))
            second, second_hits = ranked[1]
            if second_hits >= 2 and second_hits * 2 >= best_hits:
                found.append((n_lat * second_hits / (best_hits + 1), second))
        elif n_ar < 2:
            found.append((n_lat, "und"))
    if n_tif >= 2:
        found.append((n_tif, "zgh"))
    if not found:
        return ("und",)
    found.sort(key=lambda x: -x[0])
    langs = [lang for _, lang in found if lang != "und"] or ["und"]
    return tuple(dict.fromkeys(langs))
