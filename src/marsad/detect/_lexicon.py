"""Lexicons and patterns as data files, compiled once into fast matchers.

A lexicon file is YAML. Every top-level key except ``language``, ``patterns`` and
``description`` is a *group* (a taxonomy category such as ``threats``, a signal such as
``signal.minor``, a context cue such as ``context.news``, a conversation stage such as
``stage.age_probing``, or ``negation``) mapping weights to lists of terms::

    language: fr
    threats:
      0.9: [je vais te tuer, je vais te buter]
      0.6: [tu vas le regretter]
    patterns:
      - {id: fr.threats.age, group: signal.minor, weight: 0.8, regex: "\\bj ai 1[0-7] ans\\b"}

Terms are normalised with :func:`marsad.detect.normalize_term`, so one entry matches every
spelling that normalises to it (accents, Arabizi digits, elongations, leetspeak...). A term
ending in ``*`` matches any word that starts with it. Arabic-script terms also match with
the clitics و ف ب ل ك and ال before them and the pronoun suffixes after them; Latin terms
with a plural ``s``/``x``/``es`` or a feminine ``e``; terms of one or two characters match
only as whole words. Patterns are Python regular
expressions run on the normalised text (lower case, no accents, Arabizi digits folded).
"""

from __future__ import annotations

import hashlib
import re
import re._constants as _sre_c
import re._parser as _sre
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from marsad.detect._normalize import CACHE_SIZE, MAX_MISSES, PIECE_MAX, normalize_term
from marsad.errors import DetectError

__all__ = ["Entry", "Lexicon", "Match", "load_lexicon"]

_RESERVED = {"language", "patterns", "description", "spaces"}
# libyaml's safe loader when PyYAML was built with it (the lexicons are large), else Python's
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@dataclass(frozen=True)
class Entry:
    """One lexicon term or pattern: its rule id, group, weight, language and file."""

    id: str
    group: str
    weight: float
    language: str
    source: str


class Match(NamedTuple):
    """A lexicon hit on the normalised text: ``[start, end)`` in normalised characters."""

    entry: Entry
    start: int
    end: int


_match = tuple.__new__  # Match(e, s, t) without the Python-level __new__ of a named tuple


def _trie_regex(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words``, shaped as a trie (linear-time)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        if len(branches) == 1 and not end:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if end else body

    return build(trie)


_PREFIX = r"(?:[وفبلك]?ال|[وفبلك])?"
_SUFFIX = r"(?:s|x|es|e|ها|هم|هن|كم|كن|ني|نا|ك|ه|ي|ات|ين|ون|و|ا)?"
_WORD = r"[^\W_]"


_WORD_CHAR = re.compile(_WORD)
_CLITICS = "وفبلك"


def _clitic_cuts(rest: str) -> list[int]:
    """How many leading characters ``_PREFIX`` can take from ``rest`` (besides none)."""
    cuts = []
    if rest[:1] in _CLITICS:
        cuts.append(1)
        if rest[1:3] == "ال":
            cuts.append(3)
    if rest[:2] == "ال":
        cuts.append(2)
    return cuts


# a piece's term hits (entry, start, end) and where a term holding a space may start in it,
# with the second words such terms go on with
_PieceTerms = tuple[list[tuple[Entry, int, int]], tuple[tuple[int, tuple[str, ...]], ...]]


def _by_start(m: Match) -> int:
    return m.start


def _is_modifier(group: str) -> bool:
    return group == "negation" or group.startswith(("target.", "context."))


@dataclass
class _Index:
    """One compiled matcher: a trie regex over terms, with their entries, and patterns."""

    regex: re.Pattern[str]
    terms: dict[str, list[Entry]]
    prefixes: dict[str, list[Entry]]
    subterms: dict[str, list[str]]
    patterns: list[tuple[Entry, re.Pattern[str]]]
    combined: re.Pattern[str] | None = None
    gates: list[frozenset[str] | None] | None = None
    # every gate string found at a position (the longest there; the shorter ones it starts
    # with are in _gate_prefixes), the patterns each gate string opens, the ungated ones
    _gate_finder: re.Pattern[str] | None = None  # gate strings without a space, per piece
    _piece_gates: dict[str, frozenset[str]] = field(default_factory=dict)
    _spaced_gates: dict[str, list[str]] = field(default_factory=dict)  # by their longest piece
    _always_check: list[str] = field(default_factory=list)  # spaced gates of spaces only
    _gate_prefixes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _gate_patterns: dict[str, frozenset[int]] = field(default_factory=dict)
    _ungated: frozenset[int] = frozenset()
    _subsets: dict[tuple[int, ...], re.Pattern[str]] = field(default_factory=dict)
    _solo: bool = False  # gated, and no pattern matches the empty string: _pattern_hits
    _first_max: int = 0  # the length of the longest first word of a term holding a space
    # second words of the terms holding a space, by their first word
    _seconds: dict[str, frozenset[str]] = field(default_factory=dict)
    _piece_terms: dict[str, _PieceTerms] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        terms: dict[str, list[Entry]],
        prefixes: dict[str, list[Entry]],
        patterns: list[tuple[Entry, re.Pattern[str]]],
    ) -> _Index:
        terms = {k: v for k, v in terms.items() if v}
        prefixes = {k: v for k, v in prefixes.items() if v}
        long_terms = [t for t in terms if len(t) > 2]
        short_terms = [t for t in terms if len(t) <= 2]
        exact = _trie_regex(long_terms) or r"(?!x)x"
        pref = _trie_regex(prefixes) or r"(?!x)x"
        short = _trie_regex(short_terms) or r"(?!x)x"
        # A lookahead finds overlapping hits (one per word start, the longest term there).
        # Terms of one or two characters take no clitic or suffix ("ه" is laughter, "هو" is not).
        regex = re.compile(
            rf"(?<!{_WORD})(?=({_PREFIX}(?:({exact}){_SUFFIX}|({pref}){_WORD}*)(?!{_WORD})"
            rf"|({short})(?!{_WORD})))"
        )
        combined = None
        gates: list[frozenset[str] | None] | None = None
        if patterns:
            # one pass over the text for all patterns (falls back to one pass each when a
            # user pattern cannot be nested, e.g. it names its own groups p0, p1...)
            try:
                combined = _alternation(patterns, range(len(patterns)))
            except re.error:
                combined = None
            gates = _gates([rx.pattern for _e, rx in patterns]) if combined else None
        index = cls(regex, terms, prefixes, _subterms(terms), patterns, combined, gates)
        seconds: dict[str, set[str]] = {}
        for t in [*terms, *prefixes]:
            if " " in t:
                words = t.split(" ")
                seconds.setdefault(words[0], set()).add(words[1])
        index._seconds = {k: frozenset(v) for k, v in seconds.items()}
        index._first_max = max(map(len, seconds), default=0)
        if gates is not None:
            strings = sorted({x for g in gates if g is not None for x in g})
            # A gate string without a space occurs in a text if and only if it occurs in one of
            # the text's pieces between spaces, and pieces recur: the gate strings of a piece
            # are kept. A gate string with a space is looked for (``in``) only in texts where
            # its longest piece occurs.
            spaced = [x for x in strings if " " in x]
            for x in spaced:
                key = max(x.split(" "), key=len)
                if key:
                    index._spaced_gates.setdefault(key, []).append(x)
                else:
                    index._always_check.append(x)
            probes = sorted({x for x in strings if " " not in x} | set(index._spaced_gates))
            if probes:
                index._gate_finder = re.compile(f"(?=({_trie_regex(probes)}))")
            index._gate_prefixes = {x: tuple(y for y in probes if x.startswith(y)) for x in probes}
            opens: dict[str, set[int]] = {}
            for i, g in enumerate(gates):
                for x in g or ():
                    opens.setdefault(x, set()).add(i)
            index._gate_patterns = {x: frozenset(v) for x, v in opens.items()}
            index._ungated = frozenset(i for i, g in enumerate(gates) if g is None)
            index._solo = all(_sre.parse(rx.pattern).getwidth()[0] > 0 for _e, rx in patterns)
        return index

    def _term_hits(self, m: re.Match[str], base: int, add: Callable[[Match], None]) -> None:
        """The term hits of one match of ``regex`` (offsets shifted by ``base``)."""
        terms = self.terms
        start, end = m.span(1)
        start += base
        end += base
        core = m[2]
        if core is not None:
            for e in terms[core]:
                add(_match(Match, (e, start, end)))
            subs = self.subterms.get(core)
            if subs:
                core_start = m.start(2) + base
                for sub in subs:
                    sub_end = core_start + len(sub)
                    for e in terms[sub]:
                        add(_match(Match, (e, start, sub_end)))
        elif m[3] is not None:
            for e in self.prefixes[m[3]]:
                add(_match(Match, (e, start, end)))
        else:
            for e in terms[m[4]]:
                add(_match(Match, (e, start, end)))

    def _piece_scan(self, piece: str) -> _PieceTerms:
        """The term hits of ``piece`` alone, and the positions in it where a term holding a
        space (its first word ending the piece) could start, with the second words such terms
        go on with; kept per piece.

        A hit of a term without a space never reaches past the piece: the characters around
        a piece are spaces, which the expression's word boundaries treat like the ends of
        the text. Only where a multi-word term may start must the whole text be read."""
        hits: list[tuple[Entry, int, int]] = []
        for m in self.regex.finditer(piece):
            self._term_hits(m, 0, lambda x: hits.append((x.entry, x.start, x.end)))
        starts: list[tuple[int, tuple[str, ...]]] = []
        seconds = self._seconds
        if seconds:
            # the rest of the piece must be a first word, after at most 3 clitic letters
            for i in range(max(0, len(piece) - self._first_max - 3), len(piece)):
                if i and _WORD_CHAR.match(piece, i - 1):
                    continue
                rest = piece[i:]
                found = [rest[k:] for k in (0, *_clitic_cuts(rest)) if rest[k:] in seconds]
                if found:
                    starts.append((i, tuple(sorted(set().union(*(seconds[f] for f in found))))))
        out = (hits, tuple(starts))
        if len(piece) <= PIECE_MAX:
            if len(self._piece_terms) >= CACHE_SIZE:
                self._piece_terms.clear()
            self._piece_terms[piece] = out
        return out

    def _gates_of(self, piece: str, keep: bool = True) -> frozenset[str]:
        """The gate strings (and the shorter ones they start with) found in ``piece``."""
        assert self._gate_finder is not None
        prefixes = self._gate_prefixes
        hit = frozenset(y for x in self._gate_finder.findall(piece) for y in prefixes[x])
        if keep and len(piece) <= PIECE_MAX:
            cache = self._piece_gates
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            cache[piece] = hit
        return hit

    def _open(self, text: str) -> list[int]:
        """Indices of the patterns that can match ``text``, in order (``gates`` is set).

        A pattern whose gate (strings of which every match holds one) is absent from
        ``text`` cannot match anywhere, so leaving it out of the alternation changes no
        match of the others: at every position the rest are still tried in the same order."""
        found: set[str] = set()
        finder = self._gate_finder
        if finder is not None:
            get = self._piece_gates.get
            pieces = text.split(" ")
            hits = [get(piece) for piece in pieces]
            if hits.count(None) > MAX_MISSES:
                # mostly unseen pieces: the whole text at once (its gate strings hold no space)
                for piece in [p for p, h in zip(pieces, hits, strict=True) if h is None][
                    :MAX_MISSES
                ]:
                    self._gates_of(piece)
                found.update(self._gates_of(text, keep=False))
            else:
                for piece, hit in zip(pieces, hits, strict=True):
                    if hit is None:
                        hit = self._gates_of(piece)
                    if hit:
                        found.update(hit)
        spaced = self._spaced_gates
        if spaced and found:
            for key in found.intersection(spaced):
                found.update(x for x in spaced[key] if x in text)
        for x in self._always_check:
            if x in text:
                found.add(x)
        open_: set[int] = set(self._ungated)
        opens = self._gate_patterns
        for x in found:
            ids = opens.get(x)
            if ids:
                open_.update(ids)
        return sorted(open_)

    def _patterns_for(self, text: str) -> re.Pattern[str] | None:
        """The alternation of the patterns that can match ``text`` (None: none can)."""
        if self.gates is None:
            return self.combined
        key = tuple(self._open(text))
        if not key:
            return None
        if len(key) == len(self.gates):
            return self.combined
        rx = self._subsets.get(key)
        if rx is None:
            if len(self._subsets) >= _MAX_SUBSETS:
                self._subsets.clear()
            rx = self._subsets[key] = _alternation(self.patterns, key)
        return rx

    def _pattern_hits(self, text: str, add: Callable[[Match], None]) -> None:
        """The hits of the alternation of the open patterns, found with each pattern alone.

        The alternation's next match is at the leftmost position where some pattern matches,
        by the first such pattern in order, and the search goes on from its end. Each
        pattern's own leftmost match from there (kept until a hit passes its start) gives the
        same matches without compiling an alternation per set of open patterns. Only used
        when no pattern can match the empty string (``_solo``)."""
        patterns = self.patterns
        todo = [(i, patterns[i][1]) for i in self._open(text)]
        if not todo:
            return
        nxt = [rx.search(text) for _, rx in todo]
        pos = 0
        while True:
            best = -1
            best_start = len(text) + 1
            for k, m in enumerate(nxt):
                if m is None:
                    continue
                start = m.start()
                if start < pos:
                    m = nxt[k] = todo[k][1].search(text, pos)
                    if m is None:
                        continue
                    start = m.start()
                if start < best_start:
                    best, best_start = k, start
            if best < 0:
                return
            m = nxt[best]
            assert m is not None
            end = m.end()
            add(Match(patterns[todo[best][0]][0], best_start, end))
            pos = end

    def matches(self, text: str) -> list[Match]:
        """Every hit in ``text``: terms (in order of their word start), then patterns."""
        out: list[Match] = []
        add = out.append
        get = self._piece_terms.get
        pieces = text.split(" ")
        infos = [get(piece) for piece in pieces]
        if infos.count(None) > MAX_MISSES:
            # mostly unseen pieces: one pass over the whole text (a few pieces are kept)
            for piece in [p for p, i in zip(pieces, infos, strict=True) if i is None][:MAX_MISSES]:
                self._piece_scan(piece)
            for m in self.regex.finditer(text):
                self._term_hits(m, 0, add)
            self._patterns(text, add)
            return out
        unsorted = False
        pos = 0
        for i, (piece, info) in enumerate(zip(pieces, infos, strict=True)):
            if info is None:
                info = self._piece_scan(piece)
            hits, starts = info
            whole: list[int] = []
            if starts and i + 1 < len(pieces):
                # a term holding a space may start here if the next piece begins with one of
                # its second words: there the whole text decides (the longest term)
                nxt = pieces[i + 1]
                for offset, nexts in starts:
                    if nxt.startswith(nexts):
                        whole.append(offset)
            if whole:
                for e, a, b in hits:
                    if a not in whole:
                        add(_match(Match, (e, pos + a, pos + b)))
                for offset in whole:
                    at = self.regex.match(text, pos + offset)
                    if at is not None:
                        self._term_hits(at, 0, add)
                        unsorted = True
            else:
                for e, a, b in hits:
                    add(_match(Match, (e, pos + a, pos + b)))
            pos += len(piece) + 1
        if unsorted:
            out.sort(key=_by_start)  # in order of word start, as one pass over the text gives
        self._patterns(text, add)
        return out

    def _patterns(self, text: str, add: Callable[[Match], None]) -> None:
        """The pattern hits: one alternation of the patterns, leftmost first."""
        if self._solo:
            self._pattern_hits(text, add)
        elif self.combined is not None:
            rx = self._patterns_for(text)
            for m in rx.finditer(text) if rx is not None else ():
                if m.end() > m.start() and m.lastgroup is not None:
                    add(Match(self.patterns[int(m.lastgroup[1:])][0], m.start(), m.end()))
        else:
            for e, prx in self.patterns:
                for m in prx.finditer(text):
                    if m.end() > m.start():
                        add(Match(e, m.start(), m.end()))


_MAX_SUBSETS = 256


def _alternation(
    patterns: list[tuple[Entry, re.Pattern[str]]], which: Iterable[int]
) -> re.Pattern[str]:
    """One expression trying ``patterns[i]`` (for ``i`` in ``which``) in order at each position."""
    return re.compile("|".join(f"(?P<p{i}>{patterns[i][1].pattern})" for i in which))


def _gates(patterns: Sequence[str]) -> list[frozenset[str] | None] | None:
    """For each pattern, strings of which every match holds one (None for a pattern without
    such strings); None when a pattern refers to groups (the alternation of a subset could
    number them differently)."""
    trees = []
    for pattern in patterns:
        try:
            tree = _sre.parse(pattern)
        except Exception:  # any parser trouble: no gates, the same results
            return None
        if _refers_to_groups(tree.data):
            return None
        trees.append(tree)
    return [None if t.state.flags & re.IGNORECASE else _required(t.data) for t in trees]


def _refers_to_groups(items: Any) -> bool:
    for op, av in items:
        if op in (_sre_c.GROUPREF, _sre_c.GROUPREF_EXISTS):
            return True
        for sub in _children(op, av):
            if _refers_to_groups(sub):
                return True
    return False


def _children(op: Any, av: Any) -> list[Any]:
    if op is _sre_c.BRANCH:
        return list(av[1])
    if op is _sre_c.SUBPATTERN:
        return [av[3]]
    if op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, _sre_c.POSSESSIVE_REPEAT):
        return [av[2]]
    if op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
        return [av[1]]
    if op is _sre_c.ATOMIC_GROUP:
        return [av]
    return []


def _rarity(x: str) -> int:
    """How rare a required string is in text (a space is not rare; a digit is rarer than a
    short word)."""
    return sum(0 if c.isspace() else 1 if c.isalpha() else 4 if c.isdigit() else 2 for c in x)


def _required(items: Any) -> frozenset[str] | None:
    """Strings of which every match of the parsed sequence ``items`` contains one (the
    rarest such set found), or None. Conservative: an element it does not understand only
    stops a run of literals."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is _sre_c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        found: frozenset[str] | None = None
        if op is _sre_c.BRANCH:
            alts = [_required(alt) for alt in av[1]]
            if all(a is not None for a in alts):
                found = frozenset().union(*(a for a in alts if a is not None))
        elif op is _sre_c.SUBPATTERN:
            if not av[1] & re.IGNORECASE:
                found = _required(av[3])
        elif op is _sre_c.ATOMIC_GROUP:
            found = _required(av)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT, _sre_c.POSSESSIVE_REPEAT):
            if av[0] >= 1:
                found = _required(av[2])
        elif op is _sre_c.IN:
            found = _charset(av)
        if found:
            candidates.append(found)
    flush()
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(map(_rarity, c)), -len(c)))


def _charset(items: Any) -> frozenset[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre_c.LITERAL:
            chars.add(chr(av))
        elif op is _sre_c.RANGE and av[1] - av[0] < 32:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
        if len(chars) > 32:
            return None
    return frozenset(chars) or None


@dataclass
class Lexicon:
    """All entries of one detector, compiled into one trie regex plus the patterns."""

    terms: dict[str, list[Entry]] = field(default_factory=dict)
    prefixes: dict[str, list[Entry]] = field(default_factory=dict)
    patterns: list[tuple[Entry, re.Pattern[str]]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    platform_spaces: dict[str, str] = field(default_factory=dict)
    digest: str = ""
    _regex: re.Pattern[str] | None = None
    _layers: dict[str, _Index] = field(default_factory=dict)
    # (language, group, normalised term) -> (file, weight, term as written): duplicate check
    _listed: dict[tuple[str, str, str], tuple[str, float, str]] = field(default_factory=dict)
    _sources: dict[str, str] = field(default_factory=dict)

    def add_file(self, name: str, raw: str) -> None:
        """Parse one lexicon file's text; ``name`` is used in error messages and rule ids."""
        try:
            data = yaml.load(raw, Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            raise DetectError(
                f"Lexicon file {name} is not valid YAML: {exc}", code="detect.lexicon"
            ) from None
        if data is None:
            return
        if not isinstance(data, dict):
            raise DetectError(
                f"Lexicon file {name} must hold a mapping (language, groups of terms).",
                code="detect.lexicon",
            )
        lang = str(data.get("language") or "any")
        spaces = data.get("spaces") or {}
        if not isinstance(spaces, dict):
            raise DetectError(
                f"Lexicon file {name}: 'spaces' must map platform -> space.", code="detect.lexicon"
            )
        self.platform_spaces.update({str(k): str(v) for k, v in spaces.items()})
        stem = Path(name).stem
        for group, tiers in data.items():
            if group in _RESERVED:
                continue
            if not isinstance(tiers, dict):
                raise DetectError(
                    f"Lexicon file {name}, group {group!r}: expected a mapping weight -> list "
                    f"of terms, got {type(tiers).__name__}.",
                    code="detect.lexicon",
                )
            for weight, terms in tiers.items():
                w = _weight(weight, name, group)
                if not isinstance(terms, list):
                    raise DetectError(
                        f"Lexicon file {name}, group {group!r}, weight {weight}: expected a "
                        "list of terms.",
                        code="detect.lexicon",
                    )
                for term in terms:
                    self._add_term(str(term), group, w, lang, name, stem)
        for i, p in enumerate(data.get("patterns") or []):
            where = f"Lexicon file {name}, pattern {i + 1}"
            if not isinstance(p, dict) or not {"id", "group", "regex"} <= set(p):
                raise DetectError(
                    f"{where}: needs id, group, regex (and weight).", code="detect.lexicon"
                )
            try:
                rx = re.compile(str(p["regex"]))
            except re.error as exc:
                raise DetectError(
                    f"{where} ({p['id']}): bad regular expression: {exc}", code="detect.lexicon"
                ) from None
            entry = Entry(
                str(p["id"]),
                str(p["group"]),
                _weight(p.get("weight", 0.8), name, p["group"]),
                lang,
                name,
            )
            self.patterns.append((entry, rx))
        self.files.append(name)
        self._sources[name] = raw
        self._regex = None
        self._check_duplicates(name, data, lang)

    def _check_duplicates(self, name: str, data: dict[Any, Any], lang: str) -> None:
        """Refuse a term listed twice in one language and group with different weights: only
        the first entry's weight would ever apply. (Spelling variants that normalise to the
        same term with the same weight, like أنت/انت, are allowed.)"""
        problems: list[str] = []
        for group, tiers in data.items():
            if group in _RESERVED:
                continue
            for weight, terms in tiers.items():
                w = float(weight)
                for term in terms:
                    key = (lang, str(group), _listing_key(str(term)))
                    first = self._listed.get(key)
                    if first is None:
                        self._listed[key] = (name, w, str(term))
                    elif first[1] != w:
                        f_name, f_w, f_term = first
                        problems.append(
                            f"Lexicon file {name}, line {_line_of(self._sources[name], group, weight, term)}: "
                            f"{term!r} ({group}, weight {w:g}) is already listed in {f_name}, line "
                            f"{_line_of(self._sources[f_name], group, None, f_term)} with weight "
                            f"{f_w:g}; only the first weight would apply. Keep the term in one tier."
                        )
        if problems:
            raise DetectError("\n".join(problems), code="detect.lexicon")

    def _add_term(
        self, term: str, group: str, weight: float, lang: str, name: str, stem: str
    ) -> None:
        prefix = term.endswith("*")
        norm = normalize_term(term.rstrip("*"))
        if _ARABIC.match(norm) and norm.startswith("ال") and len(norm) > 3:
            norm = norm[2:].lstrip()  # the article is matched as a clitic (_PREFIX)
        if not norm:
            return
        entry = Entry(f"{lang}.{group}:{norm}{'*' if prefix else ''}", group, weight, lang, name)
        target = self.prefixes if prefix else self.terms
        target.setdefault(norm, []).append(entry)

    def compile(self) -> re.Pattern[str]:
        """Build the matchers once (then cached) and return the trigger layer's expression.

        Two layers: *modifier* groups (``target.*``, ``context.*``, ``negation``: frequent
        function words) and *trigger* groups (everything else). The modifier layer is only
        scanned when the trigger layer found something, so ordinary messages stay cheap.
        """
        if self._regex is None:
            self._layers = {
                name: _Index.build(
                    {
                        k: [e for e in es if _is_modifier(e.group) == (name == "modifier")]
                        for k, es in self.terms.items()
                    },
                    {
                        k: [e for e in es if _is_modifier(e.group) == (name == "modifier")]
                        for k, es in self.prefixes.items()
                    },
                    [
                        (e, rx)
                        for e, rx in self.patterns
                        if _is_modifier(e.group) == (name == "modifier")
                    ],
                )
                for name in ("trigger", "modifier")
            }
            self._regex = self._layers["trigger"].regex
            h = hashlib.sha256()
            for k in sorted(self.terms):
                h.update(repr((k, [(e.group, e.weight) for e in self.terms[k]])).encode())
            for k in sorted(self.prefixes):
                h.update(repr((k, [(e.group, e.weight) for e in self.prefixes[k]])).encode())
            for e, rx in self.patterns:
                h.update(repr((e.id, e.group, e.weight, rx.pattern)).encode())
            self.digest = h.hexdigest()[:12]
        return self._regex

    def matches(self, text: str, layer: str | None = None) -> Iterator[Match]:
        """Every hit in the normalised ``text`` (of one layer, or both): at each word start
        the longest term and the shorter terms it begins with, then the patterns."""
        for name in ("trigger", "modifier") if layer is None else (layer,):
            yield from self.match_list(text, name)

    def match_list(self, text: str, layer: str) -> list[Match]:
        """The hits of one layer (``"trigger"`` or ``"modifier"``) as a list, in the order
        of :meth:`matches`."""
        if self._regex is None:
            self.compile()
        return self._layers[layer].matches(text)

    @property
    def groups(self) -> set[str]:
        out = {e.group for es in self.terms.values() for e in es}
        out |= {e.group for es in self.prefixes.values() for e in es}
        return out | {e.group for e, _ in self.patterns}


def _subterms(terms: dict[str, list[Entry]]) -> dict[str, list[str]]:
    """For each multi-word term, the shorter terms it starts with (whole words only), so a
    hit on "ta video intime" also counts "ta video"."""
    out: dict[str, list[str]] = {}
    for t in terms:
        if " " not in t:
            continue
        words = t.split(" ")
        subs = [" ".join(words[:k]) for k in range(1, len(words))]
        found = [x for x in subs if x in terms]
        if found:
            out[t] = found
    return out


def _listing_key(term: str) -> str:
    """The term as the matcher sees it (see :meth:`Lexicon._add_term`)."""
    norm = normalize_term(term.rstrip("*"))
    if _ARABIC.match(norm) and norm.startswith("ال") and len(norm) > 3:
        norm = norm[2:].lstrip()
    return norm + ("*" if term.endswith("*") else "")


def _line_of(raw: str, group: Any, weight: Any, term: Any) -> int | str:
    """Line (1-based) of ``term`` under ``group`` (and tier ``weight`` if given) in ``raw``."""
    root = yaml.compose(raw)
    for key, tiers in getattr(root, "value", ()):
        if key.value != str(group) or not isinstance(tiers, yaml.MappingNode):
            continue
        for w, seq in tiers.value:
            if weight is not None and float(w.value) != float(weight):
                continue
            for item in getattr(seq, "value", ()):
                if item.value == str(term):
                    return int(item.start_mark.line) + 1
    return "?"


def _weight(value: Any, name: str, group: Any) -> float:
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise DetectError(
            f"Lexicon file {name}, group {group!r}: weight {value!r} is not a number from 0 to 1.",
            code="detect.lexicon",
        ) from None
    if not 0.0 <= w <= 1.0:
        raise DetectError(
            f"Lexicon file {name}, group {group!r}: weight {w} must be from 0 to 1.",
            code="detect.lexicon",
        )
    return w


def _shipped_files() -> list[tuple[str, str]]:
    root = resources.files("marsad.detect").joinpath("lexicons")
    out: list[tuple[str, str]] = []
    for lang_dir in sorted(root.iterdir(), key=lambda p: p.name):
        if not lang_dir.is_dir():
            continue
        for f in sorted(lang_dir.iterdir(), key=lambda p: p.name):
            if f.name.endswith((".yaml", ".yml")):
                out.append((f"{lang_dir.name}/{f.name}", f.read_text(encoding="utf-8")))
    return out


@cache
def _shipped_lexicon() -> Lexicon:
    lex = Lexicon()
    for name, raw in _shipped_files():
        lex.add_file(name, raw)
    lex.compile()
    return lex


def load_lexicon(
    extra: str | Path | Sequence[str | Path] | None = None, *, shipped: bool = True
) -> Lexicon:
    """The shipped lexicons plus every ``*.yaml`` file under the ``extra`` directories/files.

    Without ``extra``, the shipped lexicon is compiled once per process and shared (treat it
    as read-only)."""
    if extra is None and shipped:
        return _shipped_lexicon()
    lex = Lexicon()
    if shipped:
        for name, raw in _shipped_files():
            lex.add_file(name, raw)
    paths: list[Path] = []
    if extra is not None:
        items = [extra] if isinstance(extra, str | Path) else list(extra)
        for item in items:
            p = Path(item)
            if p.is_dir():
                paths.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml")))
            elif p.is_file():
                paths.append(p)
            else:
                raise DetectError(
                    f"Lexicon path {p} does not exist; give a directory of .yaml lexicon files.",
                    code="detect.lexicon_path",
                    path=str(p),
                )
    for p in paths:
        try:
            raw = p.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise DetectError(
                f"Lexicon file {p} is not UTF-8 text.", code="detect.lexicon"
            ) from None
        lex.add_file(str(p), raw)
    lex.compile()
    return lex
