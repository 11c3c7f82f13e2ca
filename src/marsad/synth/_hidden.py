"""The hidden population of victims and the sources that record them.

First every victim is simulated (one incident each), most of whom no source ever records;
then each source records each victim with its own capture probability, which depends on
the victim's age group (minor or adult) and gender, with a positive dependence between the
hotline and the NGO (referrals). This is the classic set-up of multiple-systems estimation
(Bird & King 2018, *Multiple systems estimation for sparse capture data*, Annu. Rev. Stat.
Appl. 5:95-118): the true totals are known here and written to ``truth.json``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from marsad.synth import _tables as T
from marsad.synth._pii import N_FIRST, phone_numbers

EPOCH = np.datetime64("1970-01-01", "D")


def month_start(m: np.ndarray | int) -> np.ndarray:
    """First day (days since 1970) of month index ``m`` (0 = 2019-01)."""
    months = np.asarray(m) + (T.START_YEAR - 1970) * 12 + T.START_MONTH - 1
    return months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def intensity() -> np.ndarray:
    """Relative intensity of each (category, month): shape (categories, months)."""
    m = np.arange(T.N_MONTHS)
    season = T.SEASONALITY[(m + T.START_MONTH - 1) % 12]
    growth = T.GENERAL_ANNUAL_GROWTH ** (m / 12)
    w = T.BASE_SHARE[:, None] * growth[None, :] * season[None, :]
    for e in T.EMERGING:
        c = T.CAT[str(e["category"])]
        y, mo = (int(x) for x in str(e["start"]).split("-"))
        start = (y - T.START_YEAR) * 12 + mo - T.START_MONTH
        factor = float(e["annual_factor"])  # type: ignore[arg-type]
        level = float(e["level"])  # type: ignore[arg-type]
        after = np.clip(m - start, 0, None)
        ramp = level * factor ** (after / 12) * growth[start] * season
        w[c] = np.where(m >= start, ramp, w[c])
    return w


@dataclass
class Victims:
    """One row per hidden victim (each with one incident). Arrays hold codes as indices."""

    n: int
    cat: np.ndarray
    space: np.ndarray
    gender: np.ndarray
    age: np.ndarray
    minor: np.ndarray
    month: np.ndarray
    date: np.ndarray  # days since 1970
    region: np.ndarray
    rel: np.ndarray
    online_only: np.ndarray
    medium: np.ndarray
    platform: np.ndarray  # index into PLATFORM_NAMES
    phone: np.ndarray  # national significant number
    first: np.ndarray
    last: np.ndarray
    salt: np.ndarray  # per-victim random int used for e-mail, handle and narrative choices
    captured: dict[str, np.ndarray]

    def take(self, idx: np.ndarray) -> dict[str, np.ndarray]:
        names = ("cat", "space", "gender", "age", "minor", "month", "date", "region", "rel",
                 "online_only", "medium", "platform", "phone", "first", "last", "salt")  # fmt: skip
        out = {k: getattr(self, k)[idx] for k in names}
        out["victim"] = idx
        return out


def _choice_rows(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one column index per element of ``rows`` from ``probs[rows]`` (vectorised)."""
    cum = np.cumsum(probs, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int16)
    for lo in range(0, len(rows), 262_144):  # bounded temporary (chunk x columns) arrays
        hi = lo + 262_144
        out[lo:hi] = (u[lo:hi, None] > cum[rows[lo:hi]]).sum(axis=1)
    return out


def _strata_attributes(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    w = intensity()
    flat = w.ravel() / w.sum()
    cell = rng.choice(flat.size, size=n, p=flat)
    cat = (cell // T.N_MONTHS).astype(np.int8)
    month = (cell % T.N_MONTHS).astype(np.int16)
    space = _choice_rows(rng, T.SPACE_GIVEN_CAT, cat).astype(np.int8)
    p_f = T.FEMALE_SHARE[cat]
    odds = p_f / (1 - p_f)
    odds = np.where(space == T.SPACE["video_game"], odds * T.GAME_FEMALE_ODDS, odds)
    p_f = odds / (1 + odds)
    u = rng.random(n)
    gender = np.where(u < p_f, 0, 1).astype(np.int8)
    gender[rng.random(n) < T.OTHER_GENDER_SHARE] = 2
    prof = T.AGE_PROFILE_GIVEN_CAT[cat].copy()
    game = (space == T.SPACE["video_game"]) | (space == T.SPACE["virtual_world"])
    prof[game, 0] += T.GAME_MINOR_BOOST
    prof /= prof.sum(axis=1, keepdims=True)
    profile = _choice_rows(rng, prof, np.arange(n))
    age = np.empty(n, dtype=np.int8)
    for k in range(3):
        mask = profile == k
        age[mask] = rng.choice(81, size=int(mask.sum()), p=T.AGE_PMF[k])
    return {"cat": cat, "month": month, "space": space, "gender": gender, "age": age}


def capture_probabilities(minor: np.ndarray, gender: np.ndarray) -> dict[str, np.ndarray]:
    """Marginal capture probability of each source for each victim (NGO before referral)."""
    mi = minor.astype(np.int8)
    return {s: T.CAPTURE[s][mi, gender] for s in T.SOURCES}


def expected_rows(p: dict[str, np.ndarray]) -> np.ndarray:
    """Expected number of source records per victim, with the hotline→NGO dependence."""
    ph, pn = p["hotline"], p["ngo"]
    pn_h = np.minimum(T.NGO_GIVEN_HOTLINE_CAP, pn * T.NGO_GIVEN_HOTLINE_FACTOR)
    return p["police"] + ph + ph * pn_h + (1 - ph) * pn + p["outreach"]


def simulate(rng: np.random.Generator, size: int) -> Victims:
    """Simulate enough hidden victims that the sources record about ``size`` incidents."""
    guess = int(size / 0.45) + 200
    attrs = _strata_attributes(rng, guess)
    minor = attrs["age"] < 18
    p = capture_probabilities(minor, attrs["gender"])
    cum = np.cumsum(expected_rows(p))
    n = int(np.searchsorted(cum, size)) + 1
    if n > guess:  # pragma: no cover - the guess is generous
        raise RuntimeError("synthetic population guess too small")
    attrs = {k: v[:n] for k, v in attrs.items()}
    minor = minor[:n]
    p = {k: v[:n] for k, v in p.items()}

    cat = attrs["cat"]
    days_in_month = month_start(attrs["month"] + 1) - month_start(attrs["month"])
    date = month_start(attrs["month"]) + (rng.random(n) * days_in_month).astype(np.int64)
    region = rng.choice(len(T.REGIONS), size=n, p=T.REGION_INCIDENT_WEIGHT / T.REGION_INCIDENT_WEIGHT.sum()).astype(np.int8)  # fmt: skip
    rel = _choice_rows(rng, T.REL_GIVEN_CAT, cat).astype(np.int8)
    online_only = rng.random(n) < T.ONLINE_ONLY_GIVEN_REL[rel]
    medium = _choice_rows(rng, T.MEDIUM_GIVEN_CAT, cat).astype(np.int8)
    platform = np.empty(n, dtype=np.int16)
    pindex = {name: i for i, name in enumerate(T.PLATFORM_NAMES)}
    for s, sname in enumerate(T.SPACES):
        mask = attrs["space"] == s
        names, probs = T.PLATFORMS[sname]
        picks = rng.choice(len(names), size=int(mask.sum()), p=np.array(probs) / sum(probs))
        platform[mask] = np.array([pindex[x] for x in names], dtype=np.int16)[picks]
    phone = phone_numbers(np.arange(n), rng.random(n) < 0.35)
    first = rng.integers(0, N_FIRST, n).astype(np.int16)
    last = rng.integers(0, 10_000, n).astype(np.int16)
    salt = rng.integers(0, 2**31 - 1, n).astype(np.int64)

    captured: dict[str, np.ndarray] = {}
    for src in ("police", "hotline", "outreach"):
        captured[src] = rng.random(n) < p[src]
    pn = np.where(
        captured["hotline"],
        np.minimum(T.NGO_GIVEN_HOTLINE_CAP, p["ngo"] * T.NGO_GIVEN_HOTLINE_FACTOR),
        p["ngo"],
    )
    captured["ngo"] = rng.random(n) < pn
    return Victims(
        n=n, cat=cat, space=attrs["space"], gender=attrs["gender"], age=attrs["age"],
        minor=minor, month=attrs["month"], date=date, region=region, rel=rel,
        online_only=online_only, medium=medium, platform=platform, phone=phone, first=first,
        last=last, salt=salt, captured=captured,
    )  # fmt: skip


def strata_totals(v: Victims) -> dict[str, dict[str, int]]:
    """Hidden totals and per-source counts by (category group × gender × minor/adult)."""
    groups = list(T.CATEGORY_GROUPS)
    key = T.GROUP_OF[v.cat].astype(np.int64) * 6 + v.gender.astype(np.int64) * 2 + v.minor
    out: dict[str, dict[str, int]] = {}
    any_cap = np.zeros(v.n, dtype=bool)
    for s in T.SOURCES:
        any_cap |= v.captured[s]
    for k in np.unique(key):
        g, rest = divmod(int(k), 6)
        gen, mi = divmod(rest, 2)
        name = f"{groups[g]}|{T.GENDERS[gen]}|{'minor' if mi else 'adult'}"
        mask = key == k
        row = {"hidden_total": int(mask.sum()), "recorded_by_any": int((mask & any_cap).sum())}
        for s in T.SOURCES:
            row[s] = int((mask & v.captured[s]).sum())
        out[name] = row
    return out
