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

import operator
import re
from functools import cache
from importlib import resources

import yaml

from marsad.detect._normalize import PieceCache, normalize_term, normalize_whole

__all__ = ["detect_language", "prepare"]

_ARABIZI_DIGIT = re.compile(r"[2379]")
_first = operator.itemgetter(0)
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
    return _decide(*_counts(original, normalized))


def prepare(text: str) -> tuple[str, tuple[str, ...]]:
    """The normalised text and its languages (``normalize_text`` and ``detect_language``).

    Token counts add up over the pieces of a text split at its spaces (no token holds a
    space), so a piece's counts are kept with its normal form (:class:`PieceCache`)."""
    split = _PIECES.split(text)
    if split is None:
        norm = normalize_whole(text)
        return norm, _decide(*_counts(text, norm))
    norms, rows = split
    if len(rows) == 1:
        return norms[0], _decide(*rows[0])
    return " ".join(norms), _decide(*[sum(c) for c in zip(*rows, strict=True)])


def _counts(original: str, normalized: str) -> tuple[int, ...]:
    """Letters of Arabic-script tokens and their ary and ar marker hits; letters of Latin
    tokens and their fr, en and ary-Latn marker hits; Arabizi words (with 2, 3, 7 or 9) in the
    original; letters of Tifinagh tokens."""
    ary_m, ar_m, fr_m, en_m, az_m = _marker_sets()
    arabic = _ARABIC_TOKEN.findall(normalized)
    latin = _LATIN_TOKEN.findall(normalized)
    arabizi = len(_ARABIZI.findall(original)) if _ARABIZI_DIGIT.search(original) else 0
    return (
        sum(map(len, arabic)),
        sum(map(ary_m.__contains__, arabic)),
        sum(map(ar_m.__contains__, arabic)),
        sum(map(len, latin)),
        sum(map(fr_m.__contains__, latin)),
        sum(map(en_m.__contains__, latin)),
        sum(map(az_m.__contains__, latin)),
        arabizi,
        sum(map(len, _TIFINAGH_TOKEN.findall(normalized))),
    )


_PIECES = PieceCache(_counts)


def _decide(
    n_ar: int, ary: int, ar: int, n_lat: int, fr: int, en: int, az: int, arabizi: int, n_tif: int
) -> tuple[str, ...]:
    found: list[tuple[float, str]] = []
    if n_ar >= 2:
        found.append((n_ar, "ary" if ary > 0 and 2 * ary >= ar else "ar"))
    if n_lat >= 2:
        az += 2 * arabizi
        # most hits first; ties in the order fr, en, ary-Latn (a stable sort)
        ranked = sorted(((fr, "fr"), (en, "en"), (az, "ary-Latn")), key=_first, reverse=True)
        best_hits, best = ranked[0]
        if best_hits > 0:
            found.append((n_lat, best))
            second_hits, second = ranked[1]
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
