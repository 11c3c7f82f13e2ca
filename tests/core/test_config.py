from __future__ import annotations

from pathlib import Path

import pytest

from marsad.config import SETTINGS, Settings
from marsad.errors import ConfigError


def test_env_then_overrides() -> None:
    s = Settings.from_env({"MARSAD_LANG": "ar", "MARSAD_MIN_CELL": "10"}, lang=None)
    assert s.lang == "ar" and s.min_cell == 10
    assert Settings.from_env({"MARSAD_LANG": "ar"}, lang="en").lang == "en"


def test_default_db_is_embedded_file_in_data_dir(tmp_path: Path) -> None:
    s = Settings.from_env({}, data_dir=str(tmp_path))
    assert s.db_url == f"sqlite:///{tmp_path.as_posix()}/marsad.db"


def test_bad_values_are_refused_with_the_variable_name() -> None:
    with pytest.raises(ConfigError, match="MARSAD_LANG"):
        Settings.from_env({"MARSAD_LANG": "de"})
    with pytest.raises(ConfigError, match="MARSAD_MIN_CELL"):
        Settings.from_env({"MARSAD_MIN_CELL": "five"})


@pytest.mark.parametrize("weak", ["changeme", "secret", "short"])
def test_known_or_short_secrets_are_refused(weak: str) -> None:
    with pytest.raises(ConfigError, match="MARSAD_PSEUDONYM_KEY"):
        Settings.from_env({"MARSAD_PSEUDONYM_KEY": weak}).get_pseudonym_key()


def test_key_file_is_created_only_on_request(tmp_path: Path) -> None:
    s = Settings.from_env({}, data_dir=str(tmp_path))
    with pytest.raises(ConfigError, match="No pseudonymisation key"):
        s.get_pseudonym_key()
    key = s.get_pseudonym_key(create=True)
    assert len(key) == 64 and s.key_file.stat().st_mode & 0o077 == 0
    assert s.get_pseudonym_key() == key


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert setting.env in doc, f"{setting.env} missing from docs/settings.md"
