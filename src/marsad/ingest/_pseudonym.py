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
        self._cache: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, value: str) -> str:
        """The hex pseudonym of ``value`` (an identifier of ``kind``)."""
        k = (kind, value)
        hit = self._cache.get(k)
        if hit is not None:
            return hit
        out = self._hmac(f"{kind}:{normalise_identifier(kind, value)}".encode())
        if len(self._cache) > 200_000:
            self._cache.clear()
        self._cache[k] = out
        return out

    def _hmac(self, message: bytes) -> str:
        """HMAC-SHA-256 of ``message`` under the key, in hex (equal to ``hmac.digest``)."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def record_key(self, source_code: str, record_id: str) -> str:
        """Pseudonym of a source's own record id; scoped to the source, so unlinkable across."""
        return self("id", f"{source_code}:{record_id}")

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(key=***)"
