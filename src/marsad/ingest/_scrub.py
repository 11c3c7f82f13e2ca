"""Free-text scrubbing: personal data replaced by typed placeholders, the rest kept intact.

Regular expressions applied in this order find URLs, e-mail addresses, then in one pass
IBANs, Moroccan RIBs (24 digits), phone numbers (Moroccan ``06``/``07``/``05``
forms, ``+212``/``00212`` forms, with spaces, dots or dashes, and other ``+`` international
numbers) and CIN numbers (1-2 letters then digits), and last ``@handles``. Names given in the profile's
name columns are removed as whole words. Arabic-Indic digits are matched like ASCII digits (the
text is matched on a digit-folded copy of itself, which keeps every offset).

This is pattern-based de-identification in the sense of NIST IR 8053 ("De-Identification of
Personal Information", 2015, section 4.2): it removes direct identifiers with known shapes; it
cannot remove every quasi-identifier a narrative may hold. See docs/ingest.md, "Known limits".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from marsad.ingest._pseudonym import DIGITS

__all__ = ["PLACEHOLDERS", "Scrubber", "scrub"]

PLACEHOLDERS = {
    "url": "[URL]",
    "email": "[EMAIL]",
    "iban": "[IBAN]",
    "rib": "[RIB]",
    "phone": "[PHONE]",
    "cin": "[CIN]",
    "handle": "[HANDLE]",
    "name": "[NAME]",
}

_SEP = r"[ .\-]?"
_TLDS = r"(?:com|net|org|ma|fr|me|ly|io|gg|tv|co|info|app|be|uk|de|es|link|site|xyz)"
_END = r"""[^\s<>"'.,;:!?)\]]"""
# Applied in this order, each only when a cheap test says it may match; a placeholder put
# by an earlier pattern ("[URL]") never matches a later one.
_URL = re.compile(
    r"""(?:https?://|www\.)[^\s<>"']*"""
    + _END
    + r"""|(?<![\w.\-])(?:[a-z0-9\-]+\.)+"""
    + _TLDS
    + r"""/[^\s<>"']*"""
    + _END,
    re.IGNORECASE,
)
_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
_NUMBERS = re.compile(
    r"""
    (?P<iban>\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b)
  | (?P<rib>(?<!\d)\d(?:"""
    + _SEP
    + r"""\d){23}(?!\d))
  | (?P<phone>
        (?<![\w+])(?:\+|00)[ ]?212[ .\-]?(?:\(0\)[ .\-]?|0[ .\-]?)?[5-8](?:"""
    + _SEP
    + r"""\d){8}(?!\d)
      | (?<![\w+])0[5-8](?:"""
    + _SEP
    + r"""\d){8}(?!\d)
      | (?<![\w+])\+[1-9]\d{0,2}(?:[ .\-]?\(?\d{1,4}\)?){2,6}(?!\d)
    )
  | (?P<cin>\b(?i:[a-z]{1,2})\d{4,7}\b|\b[A-Z]{1,2}[ \-]\d{5,7}\b)
    """,
    re.VERBOSE,
)
_HANDLE = re.compile(r"(?<![\w@.])@\w[\w.]{1,29}(?<!\.)")
_CANDIDATE = re.compile(r"\d(?:[ .\-()]{0,2}\d){3,}")
_INDIC = re.compile(r"[\u0660-\u0669\u06f0-\u06f9]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# Arabic proclitics written attached to the next word: the conjunctions wa/fa, the prepositions
# bi/li/ka and the article al, alone or combined ("وسلمى", "لسلمى", "بالعلوي", "ولسلمى").
_AR_PREFIX = r"(?:(?:و|ف)?(?:ب|ل|ك)?(?:ال)?|لل)"
_NAME_SUB = r"\g<p>" + PLACEHOLDERS["name"]


class Scrubber:
    """Replace personal data in free text by ``[PHONE]``, ``[EMAIL]``, ``[URL]``, ``[CIN]``,
    ``[RIB]``, ``[IBAN]``, ``[HANDLE]`` and ``[NAME]``.

    Parameters
    ----------
    min_name_length
        Name parts shorter than this are not removed on their own (``El``, ``Ben``); the whole
        name still is.
    """

    def __init__(self, min_name_length: int = 3) -> None:
        self.min_name_length = min_name_length
        self._names: dict[str, tuple[tuple[str, ...], re.Pattern[str] | None, str]] = {}

    def __call__(self, text: str, names: Iterable[str] = ()) -> str:
        """Scrub ``text``; ``names`` are this record's values of the profile's name columns."""
        if not text:
            return text
        if "/" in text or "www." in text or "WWW." in text:
            text = _URL.sub(PLACEHOLDERS["url"], text)
        if "@" in text:
            text = _EMAIL.sub(PLACEHOLDERS["email"], text)
        # a text without a run of digits is returned as it is by _splice; Arabic-Indic digits
        # are all above U+065F, which max() rules out for Latin text in one C loop
        if text.isascii() or max(text) < "\u0660" or not _INDIC.search(text):
            text = _splice(text, text, 0)
        else:
            text = _splice(text, text.translate(DIGITS), 0)
        if "@" in text:
            text = _HANDLE.sub(PLACEHOLDERS["handle"], text)
        for name in names:
            text = self._scrub_name(text, name)
        return text

    def _pattern(self, name: str) -> tuple[tuple[str, ...], re.Pattern[str] | None, str]:
        found = self._names.get(name)
        if found is None:
            clean = " ".join(name.split())
            parts = [clean] if len(clean) >= 2 else []
            parts += [p for p in clean.split(" ") if len(p) >= self.min_name_length and p != clean]
            # the whole name first: at one position the alternation takes the longest form
            body = "|".join(r"\s+".join(map(re.escape, p.split(" "))) for p in parts)
            # an attached Arabic proclitic is kept ("وسلمى" -> "و[NAME]"); without one the
            # replacement is a plain string, which re substitutes without a Python call
            arabic = _ARABIC.search(clean) is not None
            head = r"(?<!\w)(?P<p>" + _AR_PREFIX + r")" if arabic else r"(?<!\w)"
            pattern = (
                re.compile(head + r"(?:" + body + r")(?!\w)", re.IGNORECASE) if parts else None
            )
            sub = _NAME_SUB if arabic else PLACEHOLDERS["name"]
            found = (tuple(p.casefold() for p in parts), pattern, sub)
            if len(self._names) > 50_000:
                self._names.clear()
            self._names[name] = found
        return found

    def _scrub_name(self, text: str, name: str) -> str:
        folded, pattern, sub = self._pattern(name)
        if pattern is None:
            return text
        low = text.casefold()
        if any(f in low for f in folded):
            text = pattern.sub(sub, text)
        return text


def _splice(text: str, folded: str, start: int) -> str:
    # Every number-like identifier holds a run of at least 4 digits (with single separators).
    # Find those runs with a cheap pattern, then run the full pattern only around each run: the
    # identifier may start up to 12 characters before its run ("+212 (0)", "CIN AB ") and the
    # look-behinds still see the whole text.
    out: list[str] = []
    last = 0
    size = len(folded)
    numbers = _NUMBERS.finditer
    for cand in _CANDIDATE.finditer(folded, start):
        lo, hi = cand.span()
        if hi <= last:
            continue
        for m in numbers(folded, max(last, lo - 12), min(size, hi + 40)):
            begin, end = m.span()
            if begin >= hi:
                break
            if begin < last:
                continue
            out.append(text[last:begin])
            out.append(PLACEHOLDERS[m.lastgroup or "phone"])
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


_DEFAULT = Scrubber()


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """Scrub ``text`` with the default :class:`Scrubber`."""
    return _DEFAULT(text, names)
