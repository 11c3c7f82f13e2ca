"""The rule engine gives the same result in every process (no dependence on set order)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from marsad.detect import Detector

# A strong threat (weight 0.97 in fr/abuse.yaml) quoted in a news report about a game chat:
# two context cues, one of them soft (gaming).
TEXT = "Selon le journal, pendant la partie il a écrit: je t'attends devant chez toi."


def test_strong_hit_is_damped_by_news_but_not_by_the_soft_gaming_context() -> None:
    d = Detector.default()
    cfg = d.engine.config
    a = d.engine.analyse(TEXT)
    assert {"news", "gaming"} <= a.contexts
    assert "gaming" in cfg.soft_contexts and "news" not in cfg.soft_contexts
    [(m, w)] = a.hits["threats"]
    assert m.entry.weight >= cfg.strong
    assert w == pytest.approx(m.entry.weight * (1.0 - cfg.contexts["news"]["all"]))


_SCRIPT = """
import json, sys
from marsad.detect import Detector
r = Detector.default().detect(sys.argv[1])
print(json.dumps([r.to_dict(), r.scores, [(e.rule, e.start, e.end, e.weight) for e in r.evidence]]))
"""


def test_same_result_under_any_hash_seed() -> None:
    outputs = set()
    for seed in ("0", "1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", _SCRIPT, TEXT],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        json.loads(out)
        outputs.add(out)
    assert len(outputs) == 1
