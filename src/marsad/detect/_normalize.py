"""Normalisation for French, Arabic (MSA), Darija (Arabic script and Arabizi) and English,
with a map from every normalised character back to the original text.

The steps, in order (each keeps, for every output character, the ``[start, end)`` span of the
original characters it came from):

1. per character: Unicode NFKC, lower case, Latin accents and Arabic diacritics (harakat,
   shadda, superscript alef) removed, tatweel and invisible format characters removed,
   Arabic letter variants folded (alef/hamza forms → ا, ta marbuta ة → ه, alef maqsura ى → ي,
   ؤ → و, ئ → ي, Persian kaf/yeh → ك/ي); emoji are kept unchanged as signals;
2. words mixing letters with digits or symbols: leetspeak (``p3d0`` → ``pedo``, ``$alope``)
   when the word holds 0, 1, 4, @, $ or €; otherwise Arabizi digits (2, 3 → a; 5 → kh;
   7 → h; 8 → gh; 9 → q; 6 → t);
3. obfuscation: letters separated by spaces or dots (``s.a.l.o.p.e``, ``s a l o p e``: four or
   more single letters) are joined, and symbols inside a word (``sa-l*ope``) are removed;
4. elongations: a run of the same Latin letter collapses to one (``noooon`` → ``non``,
   ``hhhhh`` → ``h``), and a run of three or more of the same Arabic letter too
   (``ممممم`` → ``م``; two are kept: ``ننشر`` "I publish" is not ``نشر`` "he published");
5. Latin spellings of Darija and French: ``sh`` → ``ch``, ``ou`` → ``u``;
6. runs of white space → one space.

Lexicon entries go through the same function, so a lexicon term matches every spelling that
normalises to the same string.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

__all__ = [
    "CACHE_SIZE",
    "MAX_MISSES",
    "PIECE_MAX",
    "Normalized",
    "PieceCache",
    "PieceSpans",
    "normalize",
    "normalize_term",
    "normalize_text",
    "normalize_whole",
    "offset_map",
]

_ARABIC_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ة": "ه",
    "ى": "ي",
    "ؤ": "و",
    "ئ": "ي",
    "ی": "ي",
    "ې": "ي",
    "ک": "ك",
    "ڭ": "گ",
    "ڨ": "ق",
    "ڤ": "ف",
    "ء": "",
    "ـ": "",  # tatweel
}
_EXTRA_DELETE = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"}


def _fold_char(ch: str) -> str:
    if ch in _ARABIC_FOLD:
        return _ARABIC_FOLD[ch]
    if ch in _EXTRA_DELETE:
        return ""
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me", "Cf"):
        return ""
    if cat == "So" or cat == "Sk":  # emoji and symbols kept as they are
        return ch
    out = unicodedata.normalize("NFKC", ch).lower()
    out = unicodedata.normalize("NFD", out)
    out = "".join(
        _ARABIC_FOLD.get(c, c) for c in out if unicodedata.category(c) not in ("Mn", "Me", "Cf")
    )
    return unicodedata.normalize("NFC", out)


class _FoldTable(dict[int, str]):
    """``str.translate`` table computed on demand and cached."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


_TABLE = _FoldTable()


@cache
def _special_re() -> re.Pattern[str]:
    """Characters whose fold is not exactly one character (deleted or expanded)."""
    ranges: list[str] = []
    start = None
    prev = -2
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        special = len(_TABLE[cp]) != 1
        if special:
            if start is None or cp != prev + 1:
                if start is not None:
                    ranges.append(_range(start, prev))
                start = cp
            prev = cp
    if start is not None:
        ranges.append(_range(start, prev))
    ranges.append(r"\U000e0000-\U000e007f\U000e0100-\U000e01ef\U0001d400-\U0001d7ff")
    return re.compile("[" + "".join(ranges) + "]")


def _range(a: int, b: int) -> str:
    return re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"


@dataclass(frozen=True)
class Normalized:
    """A normalised text with, for every character, its ``[start, end)`` span in the original."""

    original: str
    text: str
    starts: Sequence[int]
    ends: Sequence[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]


_Piece = tuple[str, int, int]  # replacement text, source start, source end (relative to match)


def _apply(
    text: str,
    starts: list[int],
    ends: list[int],
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], list[_Piece] | None],
) -> tuple[str, list[int], list[int]]:
    out: list[str] = []
    s: list[int] = []
    e: list[int] = []
    pos = 0
    changed = False
    for m in pattern.finditer(text):
        pieces = repl(m)
        if pieces is None:
            continue
        changed = True
        a = m.start()
        out.append(text[pos:a])
        s.extend(starts[pos:a])
        e.extend(ends[pos:a])
        for piece, ra, rb in pieces:
            if not piece:
                continue
            out.append(piece)
            src_s = starts[a + ra]
            src_e = ends[a + rb - 1]
            s.extend([src_s] * len(piece))
            e.extend([src_e] * len(piece))
        pos = m.end()
    if not changed:
        return text, starts, ends
    out.append(text[pos:])
    s.extend(starts[pos:])
    e.extend(ends[pos:])
    return "".join(out), s, e


def _apply_whole(
    text: str,
    starts: list[int],
    ends: list[int],
    pattern: re.Pattern[str],
    repl: Callable[[re.Match[str]], str | None],
) -> tuple[str, list[int], list[int]]:
    """:func:`_apply` for replacements that stand for the whole match (one piece from the
    match's first to its last character; None leaves the match as it is)."""
    out: list[str] = []
    s: list[int] = []
    e: list[int] = []
    pos = 0
    for m in pattern.finditer(text):
        r = repl(m)
        if r is None:
            continue
        a, b = m.span()
        out.append(text[pos:a])
        s += starts[pos:a]
        e += ends[pos:a]
        if r:
            out.append(r)
            k = len(r)
            s += [starts[a]] * k
            e += [ends[b - 1]] * k
        pos = b
    if not out:
        return text, starts, ends
    out.append(text[pos:])
    s += starts[pos:]
    e += ends[pos:]
    return "".join(out), s, e


# Step 2: words mixing letters and digits/symbols.
_MIXED_HINT = re.compile(r"[^\W\d_][\d@$€]|[\d@$€][^\W\d_]")
_DIGITISH = re.compile(r"[\d@$€]")  # cheap gate: no such character, no mixed word
# A word (run of letters, digits and @$€|!) holding a hint; only such words change, so the
# others are skipped by the regular expression engine instead of a Python callback.
_MIXED_WORD = re.compile(
    r"(?<![^\W_])(?<![@$€|!])(?=(?:[^\W_]|[@$€|!])*?(?:[^\W\d_][\d@$€]|[\d@$€][^\W\d_]))"
    r"(?:[^\W_]|[@$€|!])+"
)
_LEET = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "@": "a",
    "$": "s",
    "€": "e",
    "|": "l",
    "!": "i",
}
_ARABIZI = {"2": "a", "3": "a", "5": "kh", "6": "t", "7": "h", "8": "gh", "9": "q"}
_LEET_TRIGGERS = frozenset("014@$€")


def _mixed(m: re.Match[str]) -> list[_Piece] | None:
    word = m.group()
    if _MIXED_HINT.search(word) is None:
        return None
    table = _LEET if _LEET_TRIGGERS.intersection(word) else _ARABIZI
    pieces: list[_Piece] = []
    for i, c in enumerate(word):
        pieces.append((table.get(c, c), i, i + 1))
    return pieces


# Step 3: obfuscation.
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_]([ .\-_*·,/]{1,2})(?:[^\W\d_]\1){2,}[^\W\d_](?![^\W_])")
# A run of symbols between two letters. Written to start with the symbol class (not with
# the look-behind) so that the regular expression engine skips ahead to candidate symbols;
# it matches exactly what ``(?<=[^\W\d_])[.\-_*·'’`^~+]+(?=[^\W\d_])`` matches.
_INNER_SYMBOL = re.compile(r"[.\-_*·'’`^~+](?<=[^\W\d_].)[.\-_*·'’`^~+]*(?=[^\W\d_])")


def _spaced(m: re.Match[str]) -> list[_Piece]:
    return [(c, i, i + 1) for i, c in enumerate(m.group()) if c.isalpha()]


# Step 4: elongation.


_RUN_LATIN = re.compile(r"([^\W\d_\u0600-\u06ff])\1+")
_RUN_ARABIC = re.compile(r"([\u0600-\u06ff])\1{2,}")


# Step 5: Latin spellings.
_DIGRAPH = re.compile(r"sh|ou")
_DIGRAPHS = {"sh": "ch", "ou": "u"}


def _digraph_text(m: re.Match[str]) -> str:
    return _DIGRAPHS[m[0]]


def _nothing(_m: re.Match[str]) -> str:
    return ""


_SPACE = re.compile(r"\s{2,}|[^\S ]")
_OTHER_SPACE = re.compile(r"[^\S ]")
_first_group = operator.itemgetter(1)


def _spacing_to_fold(t: str) -> bool:
    """Whether ``_SPACE`` finds anything in ``t`` (a run of two white space characters holds
    two spaces or a white space character other than the space)."""
    return "  " in t or _OTHER_SPACE.search(t) is not None


def _space_text(m: re.Match[str]) -> str | None:
    return None if m[0] == " " else " "


def normalize(text: str) -> Normalized:
    """Normalise ``text`` for matching; see the module docstring for the steps."""
    n = len(text)
    if _special_re().search(text) is None:
        folded = text.translate(_TABLE)
        starts: list[int] = list(range(n))
        ends: list[int] = list(range(1, n + 1))
    else:
        parts: list[str] = []
        starts = []
        ends = []
        for i, ch in enumerate(text):
            f = _TABLE[ord(ch)]
            if f:
                parts.append(f)
                starts.extend([i] * len(f))
                ends.extend([i + 1] * len(f))
        folded = "".join(parts)
    t = folded
    if _DIGITISH.search(t) and _MIXED_HINT.search(t):
        t, starts, ends = _apply(t, starts, ends, _MIXED_WORD, _mixed)
    t, starts, ends = _apply(t, starts, ends, _SPACED, _spaced)
    t, starts, ends = _apply_whole(t, starts, ends, _INNER_SYMBOL, _nothing)
    # Latin runs, then Arabic runs (squeezing one kind never makes or breaks a run of the other)
    t, starts, ends = _apply_whole(t, starts, ends, _RUN_LATIN, _first_group)
    t, starts, ends = _apply_whole(t, starts, ends, _RUN_ARABIC, _first_group)
    if "sh" in t or "ou" in t:
        t, starts, ends = _apply_whole(t, starts, ends, _DIGRAPH, _digraph_text)
    if _spacing_to_fold(t):
        t, starts, ends = _apply_whole(t, starts, ends, _SPACE, _space_text)
    return Normalized(original=text, text=t, starts=starts, ends=ends)


def normalize_whole(text: str) -> str:
    """The normalised text alone, without the offset map (same result as
    ``normalize(text).text``), computed on the whole text at once."""
    if _special_re().search(text) is None:
        t = text.translate(_TABLE)
    else:
        t = "".join(_TABLE[ord(ch)] for ch in text)
    if _DIGITISH.search(t) and _MIXED_HINT.search(t):
        t = _MIXED_WORD.sub(_mixed_text, t)
    t = _SPACED.sub(_spaced_text, t)
    t = _INNER_SYMBOL.sub("", t)
    t = _RUN_LATIN.sub(_first_group, t)
    t = _RUN_ARABIC.sub(_first_group, t)
    t = t.replace("sh", "ch").replace("ou", "u")
    return _SPACE.sub(" ", t) if _spacing_to_fold(t) else t


def normalize_text(text: str) -> str:
    """The normalised text alone, without the offset map (same result as
    ``normalize(text).text``).

    Fast path: the text is split at its spaces and each piece is normalised once per process
    (:class:`PieceCache`); see there for when the whole text is normalised at once instead."""
    split = _PIECES.split(text)
    return normalize_whole(text) if split is None else " ".join(split[0])


# -- Normalising piece by piece ---------------------------------------------------------------
# Every step but two only ever looks inside a run of characters without a space: folding is per
# character; mixed words, symbols inside words and elongations are runs of letters, digits and
# symbols; "sh"/"ou" hold no space. The two exceptions are spaced-out letters ("s a l o p e")
# and runs of white space. A text where neither can occur (no white space but single spaces, no
# character folding to white space, no two neighbouring pieces of at most one letter, no piece
# that folds away entirely) therefore normalises to its pieces' normal forms joined by single
# spaces, and a piece ("salut", "ça", "نتي"...) recurs across messages, so its normal form is
# computed once and kept.

_T = TypeVar("_T")


@cache
def _crossing_re() -> re.Pattern[str]:
    """White space other than single spaces, and characters whose fold holds white space."""
    _special_re()  # fills _TABLE for the Basic Multilingual Plane
    folds_to_space = "".join(
        re.escape(chr(cp))
        for cp, f in sorted(_TABLE.items())
        if cp != 0x20 and any(c.isspace() for c in f)
    )
    return re.compile(r"[^\S ]|  " + (f"|[{folds_to_space}]" if folds_to_space else ""))


# Above this many pieces not seen before, a text is read whole (a piece first seen costs more
# than its share of a whole-text pass). Caches keep at most CACHE_SIZE pieces of at most
# PIECE_MAX characters (and are emptied when full).
MAX_MISSES = 3
CACHE_SIZE = 50_000
PIECE_MAX = 64


class PieceCache(Generic[_T]):
    """Normal forms of the pieces of texts split at their spaces, each computed once, with
    ``extra(piece, normal_form)`` kept beside it (see the comment above).

    At most ``size`` pieces of at most ``max_len`` characters are kept (the cache is emptied
    when full); dictionary operations are atomic, so threads may share one."""

    def __init__(
        self, extra: Callable[[str, str], _T], size: int = CACHE_SIZE, max_len: int = PIECE_MAX
    ) -> None:
        self.extra = extra
        self.size = size
        self.max_len = max_len
        self._pieces: dict[str, tuple[str, bool, _T]] = {}

    def _piece(self, piece: str) -> tuple[str, bool, _T] | None:
        norm = normalize_whole(piece)
        if not norm and piece:
            return None  # the piece folds away: its two spaces would have been joined
        letters = 0
        for ch in norm:
            if ch.isalpha():
                letters += 1
                if letters > 1:
                    break
        single = bool(piece) and letters <= 1 and len(norm) <= 3
        out = (norm, single, self.extra(piece, norm))
        if len(piece) <= self.max_len:
            if len(self._pieces) >= self.size:
                self._pieces.clear()
            self._pieces[piece] = out
        return out

    def split(self, text: str) -> tuple[list[str], list[_T]] | None:
        """The normal forms of the pieces of ``text`` and their extras; None when the text
        must be normalised whole."""
        if _crossing_re().search(text) is not None:
            return None
        get = self._pieces.get
        pieces = text.split(" ")
        infos = [get(piece) for piece in pieces]
        if infos.count(None) > MAX_MISSES:
            # mostly unseen pieces (names, typos, links): the whole text at once is cheaper;
            # a few of them are kept so that the pieces that recur get known
            warmed = 0
            for piece, info in zip(pieces, infos, strict=True):
                if info is None and warmed < MAX_MISSES:
                    self._piece(piece)
                    warmed += 1
            return None
        norms = []
        extras = []
        prev_single = False
        for piece, info in zip(pieces, infos, strict=True):
            if info is None:
                info = self._piece(piece)
                if info is None:
                    return None
            if info[1]:
                if prev_single:
                    return None  # possibly spaced-out letters
                prev_single = True
            else:
                prev_single = False
            norms.append(info[0])
            extras.append(info[2])
        return norms, extras


def _no_extra(_piece: str, _norm: str) -> None:
    return None


_PIECES: PieceCache[None] = PieceCache(_no_extra)


class PieceSpans:
    """The offset map of a text normalised piece by piece: the same spans as
    ``normalize(text).span``, computed only for the pieces a span touches."""

    __slots__ = ("_norm_starts", "_norms", "_orig_starts", "_pieces", "original")

    def __init__(self, original: str, pieces: list[str], norms: list[str]) -> None:
        self.original = original
        self._pieces = pieces
        self._norms = norms
        self._norm_starts: list[int] = []
        self._orig_starts: list[int] = []
        n = o = 0
        for piece, norm in zip(pieces, norms, strict=True):
            self._norm_starts.append(n)
            self._orig_starts.append(o)
            n += len(norm) + 1
            o += len(piece) + 1

    def _char(self, pos: int) -> tuple[int, int]:
        """The original span of normalised character ``pos`` (a piece's character, or the
        space after a piece, which is the space after it in the original)."""
        i = bisect_right(self._norm_starts, pos) - 1
        k = pos - self._norm_starts[i]
        at = self._orig_starts[i]
        if k == len(self._norms[i]):
            at += len(self._pieces[i])
            return at, at + 1
        piece = self._pieces[i]
        m = _piece_maps.get(piece)
        if m is None:
            m = normalize(piece)
            if len(piece) <= PIECE_MAX:
                if len(_piece_maps) >= CACHE_SIZE:
                    _piece_maps.clear()
                _piece_maps[piece] = m
        return at + m.starts[k], at + m.ends[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that produced ``text[start:end]`` (``end > start``)."""
        return self._char(start)[0], self._char(end - 1)[1]


# offset maps of the pieces evidence was found in (insults and threats recur across messages)
_piece_maps: dict[str, Normalized] = {}


def offset_map(text: str, normalized: str | None = None) -> Normalized | PieceSpans:
    """What maps spans of ``normalized`` (``normalize_text(text)``, computed if not given)
    back to ``text``: piece by piece when the text normalises so, else :func:`normalize` of
    the whole text.

    A text normalises piece by piece when no step reaches across a space (see
    :class:`PieceCache`); then it has as many spaces as its normal form (joining spaced-out
    letters or dropping a piece that folds away would remove some), and each piece's normal
    form is the piece of the normal form between the same spaces."""
    if normalized is None:
        normalized = normalize_text(text)
    if _crossing_re().search(text) is None:
        pieces = text.split(" ")
        norms = normalized.split(" ")
        if len(pieces) == len(norms):
            return PieceSpans(text, pieces, norms)
    return normalize(text)


_LEET_TABLE = str.maketrans(_LEET)
_ARABIZI_TABLE = str.maketrans(_ARABIZI)


def _mixed_text(m: re.Match[str]) -> str:
    """:func:`_mixed` without the offsets (one ``str.translate``)."""
    word = m[0]
    if _MIXED_HINT.search(word) is None:
        return word
    return word.translate(_LEET_TABLE if _LEET_TRIGGERS.intersection(word) else _ARABIZI_TABLE)


def _spaced_text(m: re.Match[str]) -> str:
    return "".join(c for c in m.group() if c.isalpha())


def normalize_term(term: str) -> str:
    """The normalised form of a lexicon term (same steps as the texts)."""
    return normalize_whole(term).strip()
