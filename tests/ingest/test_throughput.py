"""The fast paths of bulk ingest give what the plain definitions give."""

from __future__ import annotations

import gc
import hmac
from pathlib import Path
from typing import Any

import pytest

from marsad.config import Settings
from marsad.ingest import Pseudonymiser, ingest_file, normalise_identifier
from marsad.ingest._convert import RowPlan
from marsad.store import Store
from tests.ingest.conftest import police_row, write_csv


@pytest.mark.parametrize("size", [16, 40, 63, 64, 65, 200])
def test_precomputed_hmac_states_equal_rfc_2104_hmac(size: int) -> None:
    key = bytes((7 * i + 3) % 256 for i in range(size))  # longer than a block: hashed first
    p = Pseudonymiser(key)
    for kind, value in [
        ("phone", "06 12 34 56 78"),
        ("cin", "be 123456"),
        ("email", "Salma@Example.ma"),
        ("id", "police:PL-00000001"),
        ("handle", "@قمر_٢٠"),
        ("id", ""),
    ]:
        message = f"{kind}:{normalise_identifier(kind, value)}".encode()
        assert p(kind, value) == hmac.digest(key, message, "sha256").hex()


def test_the_collector_is_paused_per_chunk_and_left_as_it_was(
    tmp_path: Path, store: Store, settings: Settings, police_profile: Path
) -> None:
    path = write_csv(tmp_path / "police.csv", [police_row(i) for i in range(1_200)])
    seen: list[bool] = []
    convert = RowPlan.convert_many

    def spy(self: RowPlan, chunk: Any) -> Any:
        seen.append(gc.isenabled())
        return convert(self, chunk)

    RowPlan.convert_many = spy  # type: ignore[method-assign]
    try:
        assert gc.isenabled()
        ingest_file(store, settings, path, police_profile, progress=False, chunk_size=500)
        assert seen == [False, False, False] and gc.isenabled()
        gc.disable()  # a caller that turned it off keeps it off
        try:
            again = write_csv(tmp_path / "again.csv", [police_row(i) for i in range(1_200, 1_300)])
            ingest_file(store, settings, again, police_profile, progress=False)
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        RowPlan.convert_many = convert  # type: ignore[method-assign]


def test_a_binary_copy_is_used_only_for_aware_timestamps() -> None:
    from datetime import UTC, datetime

    from marsad.ingest._writer import _naive_times

    aware, naive = datetime(2024, 3, 1, 14, 5, tzinfo=UTC), datetime(2024, 3, 1, 14, 5)
    types = ["int4", "timestamptz"]
    assert not _naive_times([[1, 2], [aware, None]], types)
    assert _naive_times([[1, 2], [aware, naive]], types)
    assert not _naive_times([[naive], [aware]], ["timestamp", "timestamptz"])
