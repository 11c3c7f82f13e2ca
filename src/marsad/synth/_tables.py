"""The distributions the synthetic national dataset is drawn from, in one place.

Every number here is an **assumption chosen to look plausible**, not a measured fact; the
docs (``docs/synthetic-data.md``) say so, and ``truth.json`` records the ones tests use.
Order of the code tuples matters: arrays in the generator hold indices into them.
"""

from __future__ import annotations

import numpy as np

# ---------------------------------------------------------------------------- codes
CATEGORIES: tuple[str, ...] = (
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
)
CAT = {c: i for i, c in enumerate(CATEGORIES)}

SPACES: tuple[str, ...] = (
    "social_network",
    "messaging",
    "video_game",
    "virtual_world",
    "dating_app",
    "forum",
    "email_sms",
    "other",
)
SPACE = {s: i for i, s in enumerate(SPACES)}

GENDERS: tuple[str, ...] = ("female", "male", "other")
RELATIONSHIPS: tuple[str, ...] = ("partner_family", "other_known", "unknown_to_victim", "not_known")
MEDIA: tuple[str, ...] = ("text", "image", "video", "live_stream", "voice")

# Category groups of the hidden-population strata (multiple-systems estimation).
CATEGORY_GROUPS: dict[str, tuple[str, ...]] = {
    "harassment": ("cyberharassment", "cyberstalking", "threats", "doxxing", "gendered_hate"),
    "sexual": (
        "sexual_harassment",
        "ncii",
        "sexual_deepfakes",
        "sextortion",
        "virtual_sexual_assault",
    ),
    "child_sexual": ("grooming", "csam"),
    "identity_other": ("impersonation", "other"),
}
GROUP_OF = np.array(
    [
        next(i for i, (_, cats) in enumerate(CATEGORY_GROUPS.items()) if c in cats)
        for c in CATEGORIES
    ],
    dtype=np.int8,
)

# ---------------------------------------------------------------------------- time
START_YEAR, START_MONTH = 2019, 1
END_YEAR, END_MONTH = 2026, 10
N_MONTHS = (END_YEAR - START_YEAR) * 12 + END_MONTH - START_MONTH + 1  # 94
# Summer holidays (July-August) and winter holidays peak; assumption.
SEASONALITY = np.array([1.05, 0.92, 0.95, 0.97, 0.98, 1.05, 1.22, 1.25, 0.95, 0.93, 0.90, 1.08])
GENERAL_ANNUAL_GROWTH = 1.08  # every category grows 8 % a year (more use, more reporting)

# Share of each category at the start of the series (2019-01), before growth.
BASE_SHARE = np.array(
    [0.24, 0.16, 0.07, 0.08, 0.07, 0.006, 0.09, 0.05, 0.02, 0.04, 0.08, 0.05, 0.0, 0.04]
)
# Planted emerging threats: from `start` the category's intensity is multiplied by
# `annual_factor` every year (continuous monthly compounding); `level` is its share-weight at start.
EMERGING: tuple[dict[str, object], ...] = (
    {"category": "sexual_deepfakes", "start": "2024-01", "annual_factor": 2.5, "level": 0.006},
    {
        "category": "virtual_sexual_assault",
        "start": "2025-01",
        "annual_factor": 3.0,
        "level": 0.008,
    },
)

# ---------------------------------------------------------------------------- spaces
# P(space | category); columns in SPACES order.
SPACE_GIVEN_CAT = np.array(
    [
        [0.50, 0.22, 0.08, 0.02, 0.04, 0.06, 0.05, 0.03],  # cyberharassment
        [0.40, 0.30, 0.06, 0.03, 0.12, 0.03, 0.04, 0.02],  # sexual_harassment
        [0.35, 0.35, 0.02, 0.01, 0.04, 0.01, 0.12, 0.10],  # cyberstalking
        [0.35, 0.40, 0.05, 0.01, 0.03, 0.03, 0.10, 0.03],  # threats
        [0.45, 0.40, 0.01, 0.01, 0.08, 0.03, 0.01, 0.01],  # ncii
        [0.55, 0.30, 0.02, 0.03, 0.03, 0.06, 0.00, 0.01],  # sexual_deepfakes
        [0.40, 0.40, 0.08, 0.02, 0.08, 0.01, 0.01, 0.00],  # sextortion
        [0.30, 0.22, 0.30, 0.15, 0.00, 0.02, 0.01, 0.00],  # grooming
        [0.25, 0.45, 0.10, 0.05, 0.00, 0.10, 0.03, 0.02],  # csam
        [0.55, 0.15, 0.05, 0.01, 0.02, 0.15, 0.02, 0.05],  # doxxing
        [0.55, 0.25, 0.04, 0.01, 0.05, 0.02, 0.05, 0.03],  # impersonation
        [0.60, 0.05, 0.15, 0.05, 0.00, 0.15, 0.00, 0.00],  # gendered_hate
        [0.00, 0.00, 0.00, 1.00, 0.00, 0.00, 0.00, 0.00],  # virtual_sexual_assault
        [0.30, 0.25, 0.10, 0.05, 0.05, 0.05, 0.10, 0.10],  # other
    ]
)

PLATFORMS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "social_network": (
        ("Facebook", "Instagram", "TikTok", "X", "Snapchat"),
        (0.35, 0.30, 0.25, 0.05, 0.05),
    ),
    "messaging": (
        ("WhatsApp", "Messenger", "Telegram", "Snapchat", "Signal"),
        (0.55, 0.20, 0.15, 0.08, 0.02),
    ),
    "video_game": (
        ("Free Fire", "PUBG Mobile", "Roblox", "Fortnite", "Minecraft", "Call of Duty Mobile"),
        (0.35, 0.25, 0.15, 0.10, 0.10, 0.05),
    ),
    "virtual_world": (
        ("Roblox", "VRChat", "Horizon Worlds", "Rec Room", "Zepeto"),
        (0.35, 0.25, 0.20, 0.10, 0.10),
    ),
    "dating_app": (("Tinder", "Badoo", "Bumble", "Hinge"), (0.45, 0.35, 0.10, 0.10)),
    "forum": (("Discord", "Reddit", "Forum local"), (0.55, 0.30, 0.15)),
    "email_sms": (("SMS", "Gmail", "Outlook"), (0.60, 0.30, 0.10)),
    "other": (("Site web", "Inconnue"), (0.5, 0.5)),
}
PLATFORM_NAMES: tuple[str, ...] = tuple(
    sorted({p for names, _ in PLATFORMS.values() for p in names})
)

# ---------------------------------------------------------------------------- people
# P(female | category) before the space effect; boys dominate sextortion and gaming more.
FEMALE_SHARE = np.array(
    [0.72, 0.88, 0.85, 0.70, 0.88, 0.92, 0.55, 0.62, 0.70, 0.70, 0.62, 0.90, 0.80, 0.60]
)
GAME_FEMALE_ODDS = 0.45  # odds of "female" multiplied by this in video games
OTHER_GENDER_SHARE = 0.005

# Age profiles: 0 = minors, 1 = youth (peak 15-24), 2 = adults. P(profile | category).
AGE_PROFILE_GIVEN_CAT = np.array(
    [
        [0.15, 0.55, 0.30],
        [0.08, 0.57, 0.35],
        [0.02, 0.38, 0.60],
        [0.08, 0.42, 0.50],
        [0.05, 0.55, 0.40],
        [0.10, 0.60, 0.30],
        [0.20, 0.60, 0.20],
        [1.00, 0.00, 0.00],
        [1.00, 0.00, 0.00],
        [0.05, 0.45, 0.50],
        [0.05, 0.45, 0.50],
        [0.05, 0.45, 0.50],
        [0.30, 0.60, 0.10],
        [0.10, 0.40, 0.50],
    ]
)
GAME_MINOR_BOOST = 0.25  # added to the minors profile in games and virtual worlds


def _age_pmfs() -> np.ndarray:
    ages = np.arange(0, 81)
    minors = np.where((ages >= 8) & (ages <= 17), 0.0, 0.0)
    minors[8:18] = [1, 2, 3, 5, 7, 9, 10, 10, 9, 8]
    youth = np.where((ages >= 12) & (ages <= 40), np.exp(-0.5 * ((ages - 20) / 4.5) ** 2), 0.0)
    adults = np.where(
        (ages >= 18) & (ages <= 75),
        np.exp(-0.5 * ((np.log(ages.clip(1)) - np.log(31)) / 0.3) ** 2),
        0.0,
    )
    out = np.vstack([minors, youth, adults]).astype(float)
    return out / out.sum(axis=1, keepdims=True)


AGE_PMF = _age_pmfs()  # shape (3, 81)

# P(relationship | category), RELATIONSHIPS order.
REL_GIVEN_CAT = np.array(
    [
        [0.20, 0.35, 0.35, 0.10],
        [0.10, 0.30, 0.50, 0.10],
        [0.60, 0.25, 0.10, 0.05],
        [0.40, 0.30, 0.20, 0.10],
        [0.55, 0.25, 0.12, 0.08],
        [0.15, 0.35, 0.40, 0.10],
        [0.05, 0.15, 0.72, 0.08],
        [0.03, 0.12, 0.80, 0.05],
        [0.05, 0.15, 0.70, 0.10],
        [0.25, 0.35, 0.30, 0.10],
        [0.10, 0.30, 0.50, 0.10],
        [0.02, 0.13, 0.75, 0.10],
        [0.00, 0.10, 0.85, 0.05],
        [0.20, 0.30, 0.30, 0.20],
    ]
)
ONLINE_ONLY_GIVEN_REL = np.array([0.0, 0.25, 0.85, 0.5])

# P(medium | category), MEDIA order.
_TEXTY = [0.85, 0.08, 0.03, 0.0, 0.04]
MEDIUM_GIVEN_CAT = np.array(
    [
        _TEXTY,
        [0.60, 0.30, 0.06, 0.0, 0.04],
        [0.85, 0.05, 0.02, 0.0, 0.08],
        [0.80, 0.03, 0.02, 0.0, 0.15],
        [0.05, 0.55, 0.40, 0.0, 0.0],
        [0.0, 0.60, 0.40, 0.0, 0.0],
        [0.30, 0.40, 0.25, 0.05, 0.0],
        [0.80, 0.10, 0.03, 0.02, 0.05],
        [0.0, 0.60, 0.40, 0.0, 0.0],
        _TEXTY,
        [0.80, 0.15, 0.03, 0.0, 0.02],
        _TEXTY,
        [0.10, 0.0, 0.10, 0.40, 0.40],
        _TEXTY,
    ]
)

# ---------------------------------------------------------------------------- regions
# Rounded 2024 census magnitudes by region (RGPH 2024 as reported by the HCP, not verified
# here; used only to shape synthetic data; labelled UNVERIFIED in truth.json).
REGIONS: tuple[str, ...] = tuple(f"MA-{i:02d}" for i in range(1, 13))
REGION_POP_2024 = np.array(
    [4_030_000, 2_295_000, 4_468_000, 5_133_000, 2_526_000, 7_689_000,
     4_892_000, 1_656_000, 3_020_000, 449_000, 451_000, 220_000],
    dtype=float,
)  # fmt: skip
REGION_URBAN = np.array([0.64, 0.70, 0.62, 0.72, 0.52, 0.76, 0.48, 0.37, 0.60, 0.67, 0.94, 0.75])
# Incidents lean urban (more connectivity); weight = population x (0.6 + 0.8 x urban share).
REGION_INCIDENT_WEIGHT = REGION_POP_2024 * (0.6 + 0.8 * REGION_URBAN)

# Analysis age bands (taxonomy/data/age_schemes.yaml, scheme "analysis") and their share of
# the population (assumption close to Morocco's age pyramid).
ANALYSIS_BANDS: tuple[tuple[int, int | None], ...] = (
    (0, 11), (12, 14), (15, 17), (18, 24), (25, 34), (35, 44), (45, 59), (60, None),
)  # fmt: skip
BAND_SHARE = np.array([0.210, 0.052, 0.050, 0.110, 0.155, 0.140, 0.160, 0.123])
POP_GROWTH = 0.0085  # a year
FEMALE_POP_SHARE = 0.502

# ---------------------------------------------------------------------------- sources
# Capture probabilities by (minor, gender): rows minor=False/True, columns female/male/other.
SOURCES: tuple[str, ...] = ("police", "hotline", "ngo", "outreach")
CAPTURE = {
    "police": np.array([[0.28, 0.22, 0.15], [0.12, 0.08, 0.06]]),
    "hotline": np.array([[0.18, 0.10, 0.10], [0.30, 0.25, 0.20]]),
    "ngo": np.array([[0.22, 0.06, 0.10], [0.15, 0.07, 0.08]]),
    "outreach": np.array([[0.07, 0.04, 0.05], [0.18, 0.14, 0.12]]),
}
# Positive dependence: a victim the hotline recorded is referred to the NGO more often.
NGO_GIVEN_HOTLINE_FACTOR = 2.0
NGO_GIVEN_HOTLINE_CAP = 0.95
# Reporting delay in days: lognormal with this median and sigma, per source.
DELAY = {"police": (6, 1.0), "hotline": (2, 1.1), "ngo": (20, 1.0), "outreach": (45, 0.9)}
# Each source writes the incident date with up to this many days of disagreement (recall).
DATE_JITTER_DAYS = 3
DIRTY_RATE = 0.015
