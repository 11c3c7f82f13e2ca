"""Fixtures of the scale tests: ONE local Spark session for every Spark test of the run.

The JVM takes from tens of seconds to minutes to start on a loaded machine, so every Spark test
shares this session-scoped fixture (and ``xdist_group("spark")`` keeps them on one worker).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from marsad.detect import Detector


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (apt-get install default-jre-headless)")
    from marsad.detect.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=2, app_name="marsad-tests")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector.default()
