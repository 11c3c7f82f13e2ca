"""One exception tree for the whole library.

Every error carries a stable ``code``. The code is also the key of the message in the
translation catalogues (``marsad/locales/<lang>/*.yaml``), so the CLI, the web layer and the
documentation all speak of the same error with the same words.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "DetectError",
    "DisclosureError",
    "IngestError",
    "LegalDataError",
    "MarsadError",
    "NotFoundError",
    "ProfileError",
    "ReferenceDataError",
    "StoreError",
    "TaxonomyError",
]


class MarsadError(Exception):
    """Base of every error Marsad raises on purpose.

    ``code`` is stable (tests, docs and translations use it); ``message`` is the English text;
    ``context`` holds the values the message names (file, row, column, value...).
    """

    code = "marsad.error"

    def __init__(self, message: str, *, code: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.context = context

    def __str__(self) -> str:
        return self.message


class ConfigError(MarsadError):
    """A setting is missing, malformed or refused (e.g. a known default secret)."""

    code = "config.invalid"


class TaxonomyError(MarsadError):
    """A taxonomy data file is malformed or a code is not in the taxonomy."""

    code = "taxonomy.invalid"


class StoreError(MarsadError):
    """The store cannot be opened, migrated or written."""

    code = "store.error"


class NotFoundError(MarsadError):
    """A named thing (indicator, user, batch...) does not exist."""

    code = "not_found"


class ProfileError(MarsadError):
    """A source profile is malformed; raised before any row is read."""

    code = "profile.invalid"


class IngestError(MarsadError):
    """A source file cannot be read at all (rows with errors are quarantined instead)."""

    code = "ingest.error"


class DetectError(MarsadError):
    """The detector received input it cannot use, or a model cannot be loaded."""

    code = "detect.error"


class DisclosureError(MarsadError):
    """Publishing would break statistical disclosure control."""

    code = "disclosure.violation"


class LegalDataError(MarsadError):
    """A legal provision file is malformed (unknown category, missing source, ...)."""

    code = "legal.invalid"


class ReferenceDataError(MarsadError):
    """An international reference figure file is malformed."""

    code = "reference.invalid"
