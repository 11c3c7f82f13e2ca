from __future__ import annotations

from pathlib import Path

import pytest

from marsad.synth import SynthManifest, generate

SMALL = 1_500


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> SynthManifest:
    """One small synthetic dataset shared by the read-only tests."""
    return generate(tmp_path_factory.mktemp("synth_small"), size=SMALL, seed=11)


@pytest.fixture(scope="session")
def medium(tmp_path_factory: pytest.TempPathFactory) -> SynthManifest:
    """A medium dataset for distribution checks (large enough for tight tolerances)."""
    return generate(tmp_path_factory.mktemp("synth_medium"), size=12_000, seed=2026)


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()
