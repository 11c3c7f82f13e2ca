"""Keyed pseudonyms of person identifiers: HMAC-SHA-256 over a normalised value.

``pseudonym = HMAC-SHA-256(key, kind + ":" + normalised value)`` in hex (RFC 2104 HMAC with
SHA-256, FIPS 180-4). The key comes from ``settings.get_pseudonym_key()`` and never enters the
database; without it nobody can recompute a pseudonym from a phone number, so the store holds
no usable identifier, yet the same person gets the same pseudonym in every source, which is
what cross-source de-duplication and multiple-systems estimation rely on.

Normalisation by kind makes equal identifiers written differently meet:

- ``phone``: digits only (Arabic-Indic digits included); Moroccan numbers in ``06..``/``07..``,
  ``+212``, ``00212`` or ``+212 (0)6..`` form all become ``+2126XXXXXXXX``; other international
  numbers keep their ``+`` country code.
- ``cin``: upper case, without spaces, dashes or dots.
- ``email``: trimmed and lower case.
- ``handle``: lower case, without the leading ``@``.
- ``id``: NFKC, trimmed, inner spaces collapsed (case kept).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import partial

__all__ = ["Pseudonymiser", "normalise_identifier"]

# Arabic-Indic and Eastern Arabic-Indic digits -> ASCII
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NON_DIGIT = re.compile(r"[^0-9]")
_SPACES = re.compile(r"[\s.\-_/]+")


def normalise_phone(value: str) -> str:
    raw = value.strip().translate(DIGITS)
    plus = raw.startswith("+")
    digits = _NON_DIGIT.sub("", raw)
    if digits.startswith("00"):
        digits, plus = digits[2:], True
    if digits.startswith("212"):
        national = digits[3:]
        if national.startswith("0"):
            national = national[1:]
        return "+212" + national
    if not plus and len(digits) == 10 and digits.startswith("0"):
        return "+212" + digits[1:]
    if not plus and len(digits) == 9 and digits[0] in "5678":
        return "+212" + digits
    return ("+" if plus else "") + digits


def normalise_identifier(kind: str, value: str) -> str:
    """The canonical form of an identifier of ``kind`` (see the module docstring)."""
    if kind == "phone":
        return normalise_phone(value)
    if kind == "cin":
        return _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if kind == "email":
        return unicodedata.normalize("NFKC", value).strip().lower()
    if kind == "handle":
        return unicodedata.normalize("NFKC", value).strip().lstrip("@").lower()
    return " ".join(unicodedata.normalize("NFKC", value).split())


_CACHE_PER_KIND = 100_000


class Pseudonymiser:
    """Computes keyed pseudonyms; caches recent values (identifiers repeat within a file)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the pseudonymisation key must be at least 16 bytes")
        self._key = key
        # RFC 2104: HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)), K' the key padded to
        # the block size (hashed first when longer). The two keyed states are computed once;
        # each value then costs two copies and two updates instead of a fresh HMAC set-up.
        block = hashlib.sha256().block_size
        padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
        self._caches: dict[str, dict[str, str]] = {}  # per kind: raw value -> pseudonym

    def __call__(self, kind: str, value: str) -> str:
        """The hex pseudonym of ``value`` (an identifier of ``kind``)."""
        return self.many(kind, [value])[0]

    def many(self, kind: str, values: list[str]) -> list[str]:
        """The pseudonyms of ``values`` (identifiers of ``kind``), in order."""
        cache = self._caches.get(kind)
        if cache is None or len(cache) > _CACHE_PER_KIND:
            cache = self._caches[kind] = {}
        inner, outer = self._inner, self._outer
        prefix = kind + ":"
        normalise = normalise_phone if kind == "phone" else partial(normalise_identifier, kind)
        out: list[str] = []
        append = out.append
        for value in values:
            hit = cache.get(value)
            if hit is None:
                h = inner.copy()
                h.update((prefix + normalise(value)).encode())
                o = outer.copy()
                o.update(h.digest())
                hit = cache[value] = o.hexdigest()
            append(hit)
        return out

    def record_key(self, source_code: str, record_id: str) -> str:
        """Pseudonym of a source's own record id; scoped to the source, so unlinkable across."""
        return self("id", f"{source_code}:{record_id}")

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(key=***)"
