from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from marsad.errors import ProfileError
from marsad.ingest import list_profiles, load_profile
from tests.ingest.conftest import POLICE_PROFILE, write_profile


def _bad(tmp_path: Path, change: Any) -> str:
    data = copy.deepcopy(POLICE_PROFILE)
    change(data)
    path = write_profile(tmp_path / "bad.yaml", data)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    msg = str(info.value)
    assert "bad.yaml" in msg
    return msg


def test_valid_profile_loads(police_profile: Path) -> None:
    p = load_profile(police_profile)
    assert p.key == "test_police@v1"
    assert p.field_type("region") == "code" and p.dimension_of("region") == "regions"
    assert "num_plainte" in p.columns and "nom_victime" in p.columns


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d.update(target="victims"), "target", "incidents"),
        (lambda d: d["fields"].update(colour={"column": "x"}), "fields.colour", "not a field"),
        (
            lambda d: d["fields"]["region"].update(dimension="regionz"),
            "fields.region.dimension",
            "unknown dimension",
        ),
        (
            lambda d: d["fields"]["gender"]["map"].update(X="femme"),
            "fields.gender.map.X",
            "not a code of genders",
        ),
        (
            lambda d: d["fields"]["incident_date"].update(formats=["dd/mm/yyyy"]),
            "fields.incident_date.formats.0",
            "strftime",
        ),
        (lambda d: d.pop("record_id"), "record_id", "record id"),
        (lambda d: d["fields"]["victim_key"].pop("kind"), "fields.victim_key.kind", "phone"),
        (
            lambda d: d["fields"]["region"].update(colour="red"),
            "fields.region.colour",
            "unknown key",
        ),
        (
            lambda d: d["defaults"].update(space="metaverse"),
            "defaults.space",
            "not a code of spaces",
        ),
        (
            lambda d: d["fields"].update(age_band={"column": "tranche", "type": "age_band"}),
            "fields.age_band.scheme",
            "scheme",
        ),
        (
            lambda d: d["fields"]["victim_age"].update(type="date"),
            "fields.victim_age.type",
            "cannot have type",
        ),
        (
            lambda d: d["format"] if False else d.update(format={"encoding": "klingon"}),
            "format.encoding",
            "unknown text encoding",
        ),
        (lambda d: d["source"].update(kind="blog"), "source.kind", "police"),
    ],
)
def test_bad_profiles_name_the_file_and_the_key(
    tmp_path: Path, change: Any, key: str, words: str
) -> None:
    msg = _bad(tmp_path, change)
    assert f"'{key}'" in msg, msg
    assert words in msg, msg


def test_invalid_yaml_and_unknown_profile(tmp_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"broken\.yaml is not valid YAML"):
        load_profile(p)
    with pytest.raises(ProfileError, match="No shipped profile 'no_such_profile'") as info:
        load_profile("no_such_profile")
    assert "population" in str(info.value)  # lists what is shipped


def test_shipped_profiles_all_load() -> None:
    ids = list_profiles()
    assert "population" in ids
    for pid in ids:
        assert load_profile(pid).id == pid
