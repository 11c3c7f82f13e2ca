from __future__ import annotations

import pytest

from marsad.errors import TaxonomyError
from marsad.taxonomy import load_taxonomy

REQUIRED = {
    "cyberharassment",
    "sexual_harassment",
    "cyberstalking",
    "threats",
    "ncii",
    "sexual_deepfakes",
    "sextortion",
    "grooming",
    "csam",
    "doxxing",
    "impersonation",
    "gendered_hate",
    "virtual_sexual_assault",
    "other",
}


def test_taxonomy_has_required_codes_with_three_languages() -> None:
    tax = load_taxonomy()
    assert set(tax.categories) >= REQUIRED
    assert set(tax.spaces) >= {
        "social_network",
        "messaging",
        "video_game",
        "virtual_world",
        "dating_app",
        "forum",
        "email_sms",
        "other",
    }
    assert set(tax.media) == {"text", "image", "video", "live_stream", "voice"}
    assert len(tax.regions) == 12
    for code in tax.categories.values():
        assert {"en", "fr", "ar"} <= set(code.labels)
        assert 1 <= code.severity <= 5
        assert code.definition["en"]


def test_every_category_has_crosswalks_with_sources_and_status() -> None:
    tax = load_taxonomy()
    for cat in tax.categories:
        for m in (tax.iccs[cat], tax.gbvims[cat]):
            assert m.source and m.status in {"VERIFIED", "VERIFIED-SECONDARY", "UNVERIFIED"}
    assert tax.iccs["cyberstalking"].target == "0208"
    assert tax.iccs["grooming"].status == "UNVERIFIED"


@pytest.mark.parametrize(
    ("age", "scheme", "band"),
    [
        (14, "legal", "0-14"),
        (15, "legal", "15-17"),
        (18, "legal", "18+"),
        (17, "hcp", "15-19"),
        (8, "eu_kids_online", None),
    ],
)
def test_age_bands(age: int, scheme: str, band: str | None) -> None:
    assert load_taxonomy().scheme(scheme).band_of(age) == band


def test_rebanding_is_exact_or_refused() -> None:
    tax = load_taxonomy()
    assert tax.reband("12-13", "disrupting_harm", "legal") == "0-14"
    assert tax.reband("15-17", "analysis", "legal") == "15-17"
    assert tax.reband("15-19", "hcp", "legal") is None  # straddles 18: no exact re-banding


def test_band_straddling_18_cannot_split_minors() -> None:
    tax = load_taxonomy()
    assert tax.minor_split("legal") == {"0-14": True, "15-17": True, "18+": False}
    with pytest.raises(TaxonomyError, match="straddles 18"):
        tax.minor_split("hcp")


def test_unknown_code_error_names_known_codes() -> None:
    with pytest.raises(TaxonomyError, match="known: social_network"):
        load_taxonomy().check("spaces", "tiktok")
