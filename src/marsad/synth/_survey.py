"""Synthetic survey microdata from a stratified two-stage cluster design.

Design (as in household surveys of the HCP kind): strata are region × urban/rural; in each
stratum primary sampling units (PSUs, census districts) are drawn with probability
proportional to size, then a fixed number of people aged 15-74 is drawn in each selected PSU,
of whom a PSU-specific share responds. The design weight is the inverse of the inclusion
probability, divided by the PSU response rate (Kish 1965, *Survey Sampling*, ch. 7 and 11).
Cyberviolence depends on a PSU random effect, so answers are clustered and design effects
exceed 1, as in real surveys.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from marsad.synth import _tables as T

SURVEY_YEAR = 2025
TAKE_PER_PSU = 12
PSU_SIGMA = 0.6  # standard deviation of the PSU random effect on the log-odds
# log-odds model of past-12-month cyberviolence among internet users (assumption)
INTERCEPT = -2.2
FEMALE_EFFECT = 0.55
URBAN_EFFECT = 0.25


def _age_effect(age: np.ndarray) -> np.ndarray:
    return np.where(age < 25, 0.9, np.where(age < 35, 0.4, np.where(age < 50, 0.0, -0.7)))


def _internet_p(age: np.ndarray, female: np.ndarray, urban: np.ndarray) -> np.ndarray:
    lo = 2.6 - 0.06 * (age - 15) + 0.8 * urban - 0.35 * female
    return 1 / (1 + np.exp(-lo))


def _cv_p(age: np.ndarray, female: np.ndarray, urban: np.ndarray, u: np.ndarray) -> np.ndarray:
    lo = INTERCEPT + FEMALE_EFFECT * female + URBAN_EFFECT * urban + _age_effect(age) + u
    return 1 / (1 + np.exp(-lo))


def _adult_ages() -> tuple[np.ndarray, np.ndarray]:
    ages = np.arange(15, 75)
    w = np.exp(-(ages - 15) / 45.0)
    return ages, w / w.sum()


def simulate(
    rng: np.random.Generator, n_target: int
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Draw the sample; return columns and the truth (population prevalences)."""
    ages_pool, age_p = _adult_ages()
    strata_pop = []
    for r in range(len(T.REGIONS)):
        adults = T.REGION_POP_2024[r] * 0.68
        strata_pop += [adults * T.REGION_URBAN[r], adults * (1 - T.REGION_URBAN[r])]
    strata_pop_arr = np.array(strata_pop)
    n_psu_total = max(2 * len(strata_pop), round(n_target / (TAKE_PER_PSU * 0.85)))
    alloc = np.maximum(2, np.rint(n_psu_total * strata_pop_arr / strata_pop_arr.sum())).astype(int)

    cols: dict[str, list[np.ndarray]] = {k: [] for k in (
        "stratum", "psu", "weight", "region", "urban", "age", "female", "internet",
        "cv12", "cvlife", "reported")}  # fmt: skip
    pop_num = {"female": 0.0, "male": 0.0}
    pop_den = {"female": 0.0, "male": 0.0}
    mc_age = rng.choice(ages_pool, size=400, p=age_p)
    for h, pop_h in enumerate(strata_pop_arr):
        region, urban = divmod(h, 2)
        urban = 1 - urban  # even strata urban, odd rural
        n_frame = max(alloc[h] * 6, 30)
        sizes = rng.lognormal(np.log(pop_h / n_frame), 0.35, n_frame)
        sizes *= pop_h / sizes.sum()
        effects = rng.normal(0, PSU_SIGMA, n_frame)
        # population truth: each frame PSU's expected prevalence, weighted by its size
        for fem, key in ((1, "female"), (0, "male")):
            a = mc_age
            f = np.full_like(a, fem, dtype=float)
            ur = np.full_like(a, urban, dtype=float)
            pi = _internet_p(a, f, ur)
            per_psu = np.empty(n_frame)
            for lo in range(0, n_frame, 1024):  # bounded (PSUs x ages) temporaries
                pc = _cv_p(a[None, :], f[None, :], ur[None, :], effects[lo : lo + 1024, None])
                per_psu[lo : lo + 1024] = (pi[None, :] * pc).mean(axis=1)
            pop_num[key] += float((sizes / 2 * per_psu).sum())
            pop_den[key] += float(sizes.sum() / 2)
        # first stage: PPS systematic selection
        k = alloc[h]
        cum = np.cumsum(sizes)
        step = cum[-1] / k
        picks = np.searchsorted(cum, rng.random() * step + step * np.arange(k))
        picks = np.minimum(picks, n_frame - 1)
        for i, p in enumerate(picks):
            pi1 = min(1.0, k * sizes[p] / cum[-1])
            resp_rate = float(np.clip(rng.beta(8, 2) if urban else rng.beta(12, 2), 0.3, 1))
            m = int(rng.binomial(TAKE_PER_PSU, resp_rate)) or 1
            pi2 = TAKE_PER_PSU / sizes[p]
            w = 1.0 / (pi1 * pi2) / (m / TAKE_PER_PSU)
            age = rng.choice(ages_pool, size=m, p=age_p)
            female = (rng.random(m) < T.FEMALE_POP_SHARE).astype(float)
            ur = np.full(m, float(urban))
            internet = rng.random(m) < _internet_p(age, female, ur)
            p12 = _cv_p(age, female, ur, np.full(m, effects[p]))
            cv12 = internet & (rng.random(m) < p12)
            cvlife = cv12 | (internet & (rng.random(m) < 0.6 * p12))
            reported = (cv12 | cvlife) & (rng.random(m) < np.where(female > 0, 0.12, 0.07))
            cols["stratum"].append(np.full(m, h))
            cols["psu"].append(np.full(m, h * 1000 + i))
            cols["weight"].append(np.full(m, w))
            cols["region"].append(np.full(m, region))
            cols["urban"].append(ur.astype(bool))
            cols["age"].append(age)
            cols["female"].append(female.astype(bool))
            cols["internet"].append(internet)
            cols["cv12"].append(cv12)
            cols["cvlife"].append(cvlife)
            cols["reported"].append(reported)
    out = {k: np.concatenate(v) for k, v in cols.items()}
    truth = {
        "design": "stratified (region x urban/rural), PPS systematic PSUs, "
        f"{TAKE_PER_PSU} people per PSU, PSU-level non-response",
        "strata": len(strata_pop_arr),
        "psus": int(alloc.sum()),
        "respondents": len(out["age"]),
        "psu_random_effect_sd": PSU_SIGMA,
        "population_prevalence_past_12m": {k: round(pop_num[k] / pop_den[k], 4) for k in pop_num},
        "note": "Population prevalence of past-12-month cyberviolence among people aged 15-74 "
        "(internet users or not), from the generating model over the whole frame.",
    }
    return out, truth


def write(path: Path, rng: np.random.Generator, n_target: int) -> tuple[int, dict[str, Any]]:
    """Write the Parquet microdata; return (rows, truth)."""
    c, truth = simulate(rng, n_target)
    n = len(c["age"])
    strata_names = [
        f"{T.REGIONS[h // 2]}-{'U' if h % 2 == 0 else 'R'}" for h in range(len(T.REGIONS) * 2)
    ]
    table = pa.table(
        {
            "id_repondant": pa.array([f"R{i + 1:07d}" for i in range(n)]),
            "strate": pa.array([strata_names[h] for h in c["stratum"]]),
            "grappe": pa.array([f"G{p:05d}" for p in c["psu"]]),
            "poids": pa.array(np.round(c["weight"], 3)),
            "region": pa.array([T.REGIONS[r] for r in c["region"]]),
            "milieu": pa.array(["urbain" if u else "rural" for u in c["urban"]]),
            "age": pa.array(c["age"].astype(np.int16)),
            "sexe": pa.array(np.where(c["female"], 2, 1).astype(np.int8)),
            "usage_internet": pa.array(c["internet"].astype(np.int8)),
            "cv_12_mois": pa.array(c["cv12"].astype(np.int8)),
            "cv_vie": pa.array(c["cvlife"].astype(np.int8)),
            "signalement": pa.array(c["reported"].astype(np.int8)),
            "annee": pa.array(np.full(n, SURVEY_YEAR, dtype=np.int16)),
            "synthetique": pa.array(np.ones(n, dtype=np.int8)),
        }
    )
    table = table.replace_schema_metadata({"marsad": "SYNTHETIC survey microdata (marsad synth)"})
    pq.write_table(table, path, compression="zstd", row_group_size=100_000)
    truth["weighted_female_share_check"] = round(
        float((c["weight"] * c["female"]).sum() / c["weight"].sum()), 4
    )
    return n, truth
