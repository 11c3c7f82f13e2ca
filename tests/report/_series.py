"""Monthly incident series written straight into a store (made-up counts: only logic is tested)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from marsad.store import Store, tables, utcnow

# 36 months from January 2023. A steady series, a series that stepped up early in its
# history and then stayed level (positive growth over its history, nothing new recently),
# and, with ``surge=True``, a series that jumps in its last three months.
STEADY = [6] * 36
STEPPED = [2] * 6 + [9] * 30
SURGE = [3] * 33 + [20] * 3


def add_series(store: Store, series: dict[tuple[str, str], list[int]], year: int = 2023) -> None:
    """Insert ``counts[i]`` incidents in month ``i`` (from January of ``year``) per series."""
    now = utcnow()
    with store.begin() as c:
        src = c.execute(
            insert(tables.sources).values(
                code="police", name="Police", kind="police", created_at=now
            )
        ).inserted_primary_key[0]
        batch = c.execute(
            insert(tables.import_batches).values(
                source_id=src,
                file_name="series.csv",
                sha256="b" * 64,
                profile="police_register",
                status="complete",
                rows_read=0,
                rows_accepted=0,
                rows_quarantined=0,
                rows_duplicate=0,
                started_at=now,
                finished_at=now,
            )
        ).inserted_primary_key[0]
        rows = []
        for (category, space), counts in series.items():
            for i, n in enumerate(counts):
                y, m = year + i // 12, i % 12 + 1
                for k in range(n):
                    rows.append(
                        {
                            "source_id": src,
                            "batch_id": batch,
                            "source_row": len(rows) + 1,
                            "record_key": f"{category}-{space}-{i}-{k}",
                            "incident_date": date(y, m, 1 + k % 28),
                            "incident_year": y,
                            "incident_month": m,
                            "region": "MA-06",
                            "space": space,
                            "category": category,
                            "gender": "female",
                            "age_band": "18-24",
                            "age_unknown": False,
                            "created_at": now,
                        }
                    )
        c.execute(insert(tables.incidents), rows)


def demo_series(surge: bool) -> dict[tuple[str, str], list[int]]:
    out = {
        ("sextortion", "social_network"): STEADY,
        ("virtual_sexual_assault", "virtual_world"): STEPPED,
    }
    if surge:
        out[("sexual_deepfakes", "messaging")] = SURGE
    return out


def late_and_sparse_series() -> dict[tuple[str, str], list[int]]:
    """96 months from January 2019 (use ``year=2019``), three flagged series.

    - sexual_deepfakes/messaging starts in April 2025 (index 75), then surges;
    - sextortion/social_network has counts since 2019, then surges (its chart starts at the
      model's 24-month baseline, October 2024, index 69);
    - grooming/video_game has a count of 6 in two Januaries, then 6, 0, 6 in its last three
      months: sparse, first non-zero month January 2025 (index 72).
    """
    late = [0] * 75 + [6] * 18 + [25] * 3
    old = [6] * 93 + [25] * 3
    sparse = [0] * 96
    for i in (72, 84, 93, 95):
        sparse[i] = 6
    return {
        ("sexual_deepfakes", "messaging"): late,
        ("sextortion", "social_network"): old,
        ("grooming", "video_game"): sparse,
    }
