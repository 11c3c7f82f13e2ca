"""Trend charts of emerging threats: drawn over the model's window, sparse series readable."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

from tests.report._series import add_series, late_and_sparse_series

from marsad.config import Settings
from marsad.report import build_report
from marsad.store import Store
from marsad.taxonomy import load_taxonomy


def _charts(settings: Settings, tmp_path: Path) -> dict[str, str]:
    store = Store.open(settings.db_url)
    try:
        add_series(store, late_and_sparse_series(), year=2019)
        res = build_report(
            store,
            settings,
            tmp_path / "en",
            lang="en",
            pdf=False,
            sections=["marsad.report._sections:threats"],
        )
    finally:
        store.close()
    page = res.html.read_text(encoding="utf-8")
    labels = {
        htmllib.unescape(m) for m in re.findall(r'<svg role="img" aria-label="([^"]*)"', page)
    }
    tax = load_taxonomy()
    out = {}
    for cat, space in (
        ("sexual_deepfakes", "messaging"),
        ("sextortion", "social_network"),
        ("grooming", "video_game"),
    ):
        title = f"{tax.label('categories', cat, 'en')} · {tax.label('spaces', space, 'en')}:"
        found = [a for a in labels if a.startswith(title)]
        assert len(found) == 1, (title, labels)
        out[cat] = found[0]
    return out


def test_trend_charts_span_the_model_window_and_mark_sparse_series(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    alt = _charts(sqlite_settings, tmp_path)
    # a series that starts late is drawn from its first month with incidents
    assert "2025-04 to 2026-12" in alt["sexual_deepfakes"]
    # a long series is drawn over the 24 months of baseline the expectation was fitted on,
    # not from 2019 (the band would otherwise cover years the model never used)
    assert "2024-10 to 2026-12" in alt["sextortion"]
    assert "months tested from 2026-10" in alt["sextortion"]
    assert all("2019" not in a for a in alt.values())
    # one count a year reads as points, not as spikes on a line
    assert "2025-01 to 2026-12" in alt["grooming"]
    assert "each point is one month's count" in alt["grooming"]
    assert "each point" not in alt["sextortion"] and "each point" not in alt["sexual_deepfakes"]
