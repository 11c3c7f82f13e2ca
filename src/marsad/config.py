"""Settings, declared once.

One table of :class:`Setting` feeds the CLI options, the ``MARSAD_*`` environment variables and
the documentation. :class:`Settings` is an explicit object passed to whatever needs it; nothing
reads the environment at import time.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from marsad.errors import ConfigError

__all__ = ["SETTINGS", "Setting", "Settings", "load_secret"]


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default, help text, and the environment variable that sets it."""

    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "MARSAD_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "marsad-data", "Folder for the embedded store, key file and outputs."),
    Setting(
        "database_url",
        None,
        "SQLAlchemy URL of the store; default: the embedded SQLite file DATA_DIR/marsad.db. "
        "PostgreSQL: postgresql+psycopg://user@host:5432/dbname",
    ),
    Setting(
        "pseudonym_key",
        None,
        "Secret key for keyed pseudonyms (HMAC-SHA-256). Never stored in the database.",
    ),
    Setting(
        "pseudonym_key_file",
        None,
        "File holding the pseudonymisation key; default DATA_DIR/pseudonym.key.",
    ),
    Setting("session_secret", None, "Secret that signs web sessions (marsad serve)."),
    Setting("lang", "fr", "Language of messages and reports: fr, ar or en."),
    Setting(
        "min_cell",
        5,
        "Disclosure control: counts below this threshold are suppressed in anything published.",
    ),
    Setting("max_upload_mb", 50, "Largest file the web API accepts for import, in MiB."),
)

_KNOWN_BAD_SECRETS = frozenset({"", "changeme", "changethis", "secret", "marsad", "password"})


@dataclass(frozen=True)
class Settings:
    """Resolved settings. Build with :meth:`from_env`; change with :meth:`replace`."""

    data_dir: Path = Path("marsad-data")
    database_url: str | None = None
    pseudonym_key: str | None = field(default=None, repr=False)
    pseudonym_key_file: Path | None = None
    session_secret: str | None = field(default=None, repr=False)
    lang: str = "fr"
    min_cell: int = 5
    max_upload_mb: int = 50

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``MARSAD_*`` variables, then explicit ``overrides`` (None = unset)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for s in SETTINGS:
            raw: Any = s.default
            if s.env in env and env[s.env] != "":
                raw = env[s.env]
            if overrides.get(s.name) is not None:
                raw = overrides[s.name]
            values[s.name] = _coerce(s, raw, str(types[s.name]))
        if values["lang"] not in ("fr", "ar", "en"):
            raise ConfigError(
                f"Setting 'lang' ({SETTINGS[5].env}) must be one of fr, ar, en; "
                f"got {values['lang']!r}.",
                code="config.lang",
            )
        if values["min_cell"] < 1:
            raise ConfigError("Setting 'min_cell' must be a whole number of 1 or more.")
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @property
    def db_url(self) -> str:
        """The store URL: the explicit one, or the embedded SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'marsad.db').as_posix()}"

    @property
    def key_file(self) -> Path:
        return self.pseudonym_key_file or self.data_dir / "pseudonym.key"

    def get_pseudonym_key(self, *, create: bool = False) -> bytes:
        """The pseudonymisation key from ``MARSAD_PSEUDONYM_KEY`` or the key file.

        With ``create=True`` a missing key file is created with a fresh random key (used by
        the demo, which says so). Known default values are refused.
        """
        if self.pseudonym_key:
            return load_secret("pseudonym_key", self.pseudonym_key).encode()
        path = self.key_file
        if not path.exists():
            if not create:
                raise ConfigError(
                    "No pseudonymisation key: set MARSAD_PSEUDONYM_KEY or MARSAD_PSEUDONYM_KEY_FILE, "
                    f"or create the key file {path} (e.g. with `marsad key create`).",
                    code="config.no_key",
                    path=str(path),
                )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32) + "\n", encoding="ascii")
            path.chmod(0o600)
        return load_secret("pseudonym_key_file", path.read_text(encoding="ascii").strip()).encode()


def load_secret(name: str, value: str) -> str:
    """Refuse empty, short or well-known secrets, naming the variable that holds them."""
    if value.strip().lower() in _KNOWN_BAD_SECRETS or len(value.strip()) < 16:
        raise ConfigError(
            f"The secret in MARSAD_{name.upper()} is empty, too short (under 16 characters) or a "
            "known default; generate one with: python -c 'import secrets; print(secrets.token_hex(32))'",
            code="config.weak_secret",
            setting=name,
        )
    return value.strip()


def _coerce(setting: Setting, raw: Any, type_name: str) -> Any:
    if raw is None:
        return None
    try:
        if "int" in type_name:
            return int(raw)
        if "Path" in type_name:
            return Path(raw)
    except (TypeError, ValueError):
        raise ConfigError(
            f"Setting '{setting.name}' ({setting.env}) must be a whole number; got {raw!r}.",
            code="config.invalid",
        ) from None
    return str(raw)
