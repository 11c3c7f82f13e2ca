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

_ORDER = {"fr": 0, "en": 1, "ary-Latn": 2}
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


# Tokens are runs of letters and digits (``[^\W_]+``), sorted by the script of their first
# character. Each expression starts with its script's characters, so the engine skips ahead
# to them; the look-behinds keep only the first character of a run.
_LATIN_TOKEN = re.compile(r"[a-z](?<![^\W_].)[^\W_]*")
_ARABIC_TOKEN = re.compile(r"[\u0600-\u06ff\u0750-\u077f](?<=[^\W_])(?<![^\W_].)[^\W_]*")
_TIFINAGH_TOKEN = re.compile(r"[\u2d30-\u2d7f](?<=[^\W_])(?<![^\W_].)[^\W_]*")


@cache
def _marker_sets() -> tuple[frozenset[str], ...]:
    markers = _markers()
    return tuple(markers[k] for k in ("ary", "ar", "fr", "en", "ary-Latn"))


def detect_language(original: str, normalized: str) -> tuple[str, ...]:
    """Languages of a text, main one first; ``("und",)`` when nothing is recognised."""
    ary_m, ar_m, fr_m, en_m, az_m = _marker_sets()
    arabic = _ARABIC_TOKEN.findall(normalized)
    latin = _LATIN_TOKEN.findall(normalized)
    n_ar = sum(map(len, arabic))
    n_lat = sum(map(len, latin))
    found: list[tuple[float, str]] = []
    if n_ar >= 2:
        ary = sum(map(ary_m.__contains__, arabic))
        ar = sum(map(ar_m.__contains__, arabic))
        found.append((n_ar, "ary" if ary > 0 and 2 * ary >= ar else "ar"))
    if n_lat >= 2:
        fr = sum(map(fr_m.__contains__, latin))
        en = sum(map(en_m.__contains__, latin))
        az = sum(map(az_m.__contains__, latin))
        if any(ch in original for ch in "2379"):
            az += 2 * len(_ARABIZI.findall(original))
        hits = {"fr": fr, "en": en, "ary-Latn": az}
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1], _ORDER[kv[0]]))
        best, best_hits = ranked[0]
        if best_hits > 0:
            found.append((n_lat, best))
            second, second_hits = ranked[1]
            if second_hits >= 2 and second_hits * 2 >= best_hits:
                found.append((n_lat * second_hits / (best_hits + 1), second))
        elif n_ar < 2:
            found.append((n_lat, "und"))
    n_tif = sum(map(len, _TIFINAGH_TOKEN.findall(normalized)))
    if n_tif >= 2:
        found.append((n_tif, "zgh"))
    if not found:
        return ("und",)
    found.sort(key=lambda x: -x[0])
    langs = [lang for _, lang in found if lang != "und"] or ["und"]
    return tuple(dict.fromkeys(langs))
