"""Real Darija: the detector on OMCD (Offensive Moroccan Comments Dataset, Essefar et al. 2023,
doi:10.1007/s10579-023-09663-2), read from ``../shared/data/omcd/train.csv`` when it exists
(never copied into the repository; its comments are never printed here).

Split rule (fixed before any lexicon change): a row belongs to the **held-out** half when the
first byte of ``sha256("omcd:" + original row id)`` is odd, else to the **development** half.
The Darija lexicons were studied and tuned on the development half only; the floors below are
measured on the held-out half (docs/detect.md, "Real Darija"), a little under what was measured,
and well above what the lexicons before this work reached (held-out recall 0.039).

Two readings of recall:
- raw: every comment labelled offensive;
- fair: the 150 held-out offensive comments (random sample, seed 2026) that were read by hand,
  blind to the detector's output, and judged to aim the abuse at a person (an addressee, a
  person shown or named, women as a group): ``data/omcd_heldout_targeted.csv`` (row ids and the
  judgement only). General vulgarity about a channel, society or a situation is offensive but
  not violence against a person, and the detector is not meant to catch it.

Run ``.venv/bin/python tests/detect/test_omcd.py`` to print the numbers of both halves.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pytest

from marsad.detect import Detector

OMCD = Path(__file__).resolve().parents[3] / "shared" / "data" / "omcd" / "train.csv"
TARGETED = Path(__file__).parent / "data" / "omcd_heldout_targeted.csv"


def omcd_half(row_id: str) -> str:
    """``"heldout"`` or ``"dev"``: the split rule of this file's docstring."""
    return "heldout" if hashlib.sha256(f"omcd:{row_id}".encode()).digest()[0] & 1 else "dev"


def read_omcd(half: str) -> list[tuple[str, str, bool]]:
    """(row id, comment, offensive) of one half."""
    with OMCD.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        ii, ci, li = 0, header.index("comment"), header.index("off")
        return [
            (r[ii], r[ci], r[li].strip() == "1")
            for r in reader
            if len(r) > li and omcd_half(r[ii]) == half
        ]


def binary(gold: list[bool], pred: list[bool]) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def measure(det: Detector, half: str) -> dict[str, float]:
    rows = read_omcd(half)
    pred = [x.harmful for x in det.detect_many([t for _, t, _ in rows])]
    p, r, f = binary([g for _, _, g in rows], pred)
    out = {"n": len(rows), "offensive": sum(g for _, _, g in rows), "P": p, "R": r, "F1": f}
    if half == "heldout":
        with TARGETED.open(encoding="utf-8") as fh:
            judged = {row["omcd_row_id"]: row["targeted"] == "1" for row in csv.DictReader(fh)}
        by_id = {i: x for (i, _, _), x in zip(rows, pred, strict=True)}
        targeted = [i for i, t in judged.items() if t]
        other = [i for i, t in judged.items() if not t]
        out["judged"] = len(judged)
        out["targeted"] = len(targeted)
        out["R_targeted"] = sum(by_id[i] for i in targeted) / len(targeted)
        out["R_not_targeted"] = sum(by_id[i] for i in other) / len(other)
    return out


@pytest.fixture(scope="module")
def heldout() -> dict[str, float]:
    if not OMCD.exists():
        pytest.skip(f"OMCD not found at {OMCD} (development data, never shipped): skipped")
    return measure(Detector.default(), "heldout")


def test_split_is_deterministic_and_balanced() -> None:
    halves = [omcd_half(str(i)) for i in range(8000)]
    assert omcd_half("2908") == omcd_half("2908")
    assert 0.45 < halves.count("heldout") / len(halves) < 0.55


def test_targeted_judgements_are_heldout_rows() -> None:
    with TARGETED.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 150
    assert all(omcd_half(r["omcd_row_id"]) == "heldout" for r in rows)
    assert {r["targeted"] for r in rows} == {"0", "1"}


def test_omcd_heldout_raw(heldout: dict[str, float]) -> None:
    # before the Darija insult lexicons: P 0.793, R 0.039 on this half; after: P 0.931, R 0.255
    assert heldout["n"] > 3000
    assert heldout["P"] >= 0.85, heldout
    assert heldout["R"] >= 0.20, heldout


def test_omcd_heldout_fair_reading(heldout: dict[str, float]) -> None:
    # abuse aimed at a person is what the detector is for: its recall must be clearly higher
    # than on the offensive comments that target no one
    assert heldout["judged"] == 150
    # before the Darija insult lexicons: 0.069 (5 of 72); measured after: 0.417 (30 of 72)
    assert heldout["R_targeted"] >= 0.35, heldout
    assert heldout["R_targeted"] > heldout["R_not_targeted"] + 0.10, heldout


if __name__ == "__main__":
    if not OMCD.exists():
        sys.exit(f"OMCD not found at {OMCD}")
    det = Detector.default()
    for half in sys.argv[1:] or ["dev", "heldout"]:
        m = measure(det, half)
        print(
            half,
            " ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in m.items()),
        )
