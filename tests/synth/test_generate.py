from __future__ import annotations

import csv
import hashlib
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from marsad.synth import FILE_NAMES, SynthError, SynthManifest, generate
from marsad.synth import _vocab as V
from marsad.taxonomy import load_taxonomy

SOURCE_OF = {
    "police_register": "police",
    "hotline_log": "hotline",
    "ngo_register": "ngo",
    "kobo_export": "outreach",
}


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def read_incidents(m: SynthManifest, profile: str) -> pd.DataFrame:
    """A source file as text cells, with the planted dirty rows still in (read once)."""
    return _read(m.file(profile).path, profile).copy()


@cache
def _read(path: Path, profile: str) -> pd.DataFrame:
    if profile == "hotline_log":
        ws = load_workbook(path, read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        return pd.DataFrame(rows[1:], columns=rows[0])
    enc = {"police_register": "cp1252", "ngo_register": "cp1256"}.get(profile, "utf-8")
    sep = ";" if profile == "police_register" else ","
    return pd.read_csv(path, sep=sep, encoding=enc, dtype=str, keep_default_na=False)


CATEGORY_COLUMN = {
    "police_register": "Qualification",
    "hotline_log": "Type of abuse",
    "ngo_register": "نوع العنف",
    "kobo_export": "incident/type",
}


def categories_of(m: SynthManifest, profile: str) -> pd.Series:
    reverse = {
        label: code for code, labels in V.CATEGORY[SOURCE_OF[profile]].items() for label in labels
    }
    return read_incidents(m, profile)[CATEGORY_COLUMN[profile]].map(reverse)


# ---------------------------------------------------------------------------- determinism
def test_same_seed_gives_byte_identical_files(tmp_path: Path, small: SynthManifest) -> None:
    again = generate(tmp_path / "again", size=small.size, seed=small.seed)
    assert _digest(again.out_dir) == _digest(small.out_dir)
    assert len(_digest(small.out_dir)) == len(FILE_NAMES) + 2  # + truth.json + README


def test_other_seed_gives_other_files(tmp_path: Path, small: SynthManifest) -> None:
    other = generate(tmp_path / "other", size=small.size, seed=small.seed + 1)
    a, b = _digest(small.out_dir), _digest(other.out_dir)
    different = [name for name in a if a[name] != b[name]]
    # population denominators use their own stream and barely change; all else must differ
    assert set(FILE_NAMES.values()) - {FILE_NAMES["population"]} <= set(different)


# ---------------------------------------------------------------------------- sizes
def test_sizes_and_manifest_match_the_files(small: SynthManifest) -> None:
    truth = small.truth()
    assert abs(small.incident_rows - small.size) / small.size < 0.1
    for f in small.files:
        assert f.path.exists() and f.path.name == FILE_NAMES[f.profile]
        assert truth["files"][f.profile]["rows"] == f.rows
    for profile in SOURCE_OF:
        src = truth["sources"][profile]
        assert len(read_incidents(small, profile)) == small.file(profile).rows
        assert src["rows_in_file"] == small.file(profile).rows
        assert src["clean_rows"] + sum(src["dirty_rows"].values()) == src["rows_in_file"]
    assert pq.read_metadata(small.file("survey_microdata").path).num_rows >= 1_200


def test_medium_size_scales(medium: SynthManifest) -> None:
    truth = medium.truth()
    assert abs(medium.incident_rows - medium.size) / medium.size < 0.03
    hidden = truth["hidden_population"]
    # more victims than recorded: some are recorded by no source
    assert hidden["victims"] > hidden["recorded_by_any"] > 0.4 * hidden["victims"]
    assert sum(s["hidden_total"] for s in hidden["strata"].values()) == hidden["victims"]


@pytest.mark.parametrize("size", [0, 99, 3_000_001, "20000", True])
def test_bad_size_is_refused(tmp_path: Path, size: object) -> None:
    with pytest.raises(SynthError, match="size") as err:
        generate(tmp_path, size=size)  # type: ignore[arg-type]
    assert err.value.code == "synth.bad_size"


def test_bad_seed_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SynthError, match="seed"):
        generate(tmp_path, size=500, seed=-1)


# ---------------------------------------------------------------------------- labelled synthetic
def test_every_file_says_it_is_synthetic(small: SynthManifest) -> None:
    synthetic_cols = {
        "police_register": "Synthétique",
        "hotline_log": "Synthetic",
        "ngo_register": "بيانات اصطناعية",
        "kobo_export": "synthetic",
    }
    for profile, col in synthetic_cols.items():
        values = set(read_incidents(small, profile)[col].astype(str))
        assert values == {"1"}, profile
        assert "_synthetic." in small.file(profile).path.name
    pop = pd.read_csv(small.file("population").path)
    assert pop["synthetic"].all()
    survey = pq.read_table(small.file("survey_microdata").path)
    assert set(survey.column("synthetique").to_pylist()) == {1}
    assert b"SYNTHETIC" in survey.schema.metadata[b"marsad"]
    with small.file("game_chat").path.open(encoding="utf-8") as fh:
        assert all(json.loads(line)["synthetic"] is True for line in fh)
    assert small.truth()["synthetic"] is True
    assert "SYNTHETIC" in (small.out_dir / "README_SYNTHETIC.txt").read_text(encoding="utf-8")


def test_file_formats_look_like_what_sources_send(small: SynthManifest) -> None:
    police = small.file("police_register").path.read_bytes()
    assert b";" in police.split(b"\r\n", 1)[0]
    police.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        police.decode("utf-8")  # accented French headers in CP1252 are not valid UTF-8
    ngo = small.file("ngo_register").path.read_bytes()
    assert "رقم الملف".encode("cp1256") in ngo
    first = read_incidents(small, "police_register")["Date des faits"].iloc[0]
    assert len(first) == 10 and first[2] == "/" and first[5] == "/"
    kobo = read_incidents(small, "kobo_export")
    assert "incident/date" in kobo.columns and kobo["today"].str.match(r"\d{4}-\d{2}-\d{2}$").all()
    # the hotline log mixes Excel date cells, bare Excel serial numbers and text dates
    kinds = {type(v).__name__ for v in read_incidents(small, "hotline_log")["Incident date"]}
    assert {"datetime", "int", "str"} <= kinds


# ---------------------------------------------------------------------------- distributions
def test_demographics_are_plausible(medium: SynthManifest) -> None:
    d = medium.truth()["distributions"]["hidden"]
    assert 0.65 < d["female_share"] < 0.82
    assert 0.38 < d["age_15_24_share"] < 0.6
    assert 0.15 < d["minor_share"] < 0.45
    # population-weighted regions: Casablanca-Settat largest, Dakhla smallest
    region = d["region"]
    assert max(region, key=region.get) == "MA-06"
    assert min(region, key=region.get) == "MA-12"


def test_gender_differs_by_category_and_space(medium: SynthManifest) -> None:
    police = read_incidents(medium, "police_register")
    police = police[police["Sexe"].isin(["F", "Féminin", "M", "Masculin"])]
    female = police["Sexe"].isin(["F", "Féminin"])
    cat = categories_of(medium, "police_register").loc[police.index]
    assert female[cat == "sexual_harassment"].mean() > 0.8
    assert female[cat == "sextortion"].mean() < female[cat == "sexual_harassment"].mean() - 0.15
    game = police["Espace numérique"] == "Jeu vidéo"
    assert female[game].mean() < female[~game].mean() - 0.1


def test_space_and_age_affinities(medium: SynthManifest) -> None:
    for profile in SOURCE_OF:
        df = read_incidents(medium, profile)
        cat = categories_of(medium, profile)
        space_col = {"police_register": "Espace numérique", "hotline_log": "Space",
                     "ngo_register": "الفضاء الرقمي", "kobo_export": "incident/space"}[profile]  # fmt: skip
        vw = V.SPACE[SOURCE_OF[profile]]["virtual_world"]
        assert (df.loc[cat == "virtual_sexual_assault", space_col] == vw).all()
    hotline = read_incidents(medium, "hotline_log")
    cat = categories_of(medium, "hotline_log")
    ages = pd.to_numeric(hotline["Age"], errors="coerce")
    groom = ages[(cat == "grooming") & ages.notna()]
    assert len(groom) > 10 and (groom < 18).all()


def test_emerging_threats_are_planted(medium: SynthManifest) -> None:
    truth = {e["category"]: e for e in medium.truth()["emerging_threats"]}
    assert set(truth) == {"sexual_deepfakes", "virtual_sexual_assault"}
    deep = truth["sexual_deepfakes"]["hidden_incidents_by_year"]
    assert deep["2026"] > 3 * max(deep[str(y)] for y in range(2019, 2024))
    vsa = truth["virtual_sexual_assault"]["hidden_incidents_by_year"]
    assert all(vsa[str(y)] == 0 for y in range(2019, 2025)) and vsa["2025"] > 0
    # and the files show it: recorded deepfakes grow, virtual assaults only from 2025
    police = read_incidents(medium, "police_register")
    cat = categories_of(medium, "police_register")
    year = police["Date des faits"].str[-4:]
    by_year = year[cat == "sexual_deepfakes"].value_counts()
    assert by_year.get("2026", 0) > 2 * by_year.get("2022", 0) + 5
    assert (year[cat == "virtual_sexual_assault"] >= "2025").all()


def test_summer_seasonality(medium: SynthManifest) -> None:
    police = read_incidents(medium, "police_register")
    month = police["Date des faits"].str[3:5]
    counts = month.value_counts()
    summer = counts[["07", "08"]].mean()
    autumn = counts[["10", "11"]].mean()  # 2026 has October but no November: compare with care
    assert summer > 1.1 * autumn


def test_population_denominators(small: SynthManifest) -> None:
    pop = pd.read_csv(small.file("population").path)
    tax = load_taxonomy()
    bands = {b.label for b in tax.scheme("analysis").bands}
    assert set(pop["age_band"]) == bands and set(pop["age_band_scheme"]) == {"analysis"}
    assert set(pop["region"]) == set(tax.regions) and set(pop["sex"]) == {"F", "M"}
    assert sorted(pop["year"].unique()) == list(range(2019, 2027))
    totals = pop.groupby("year")["population"].sum()
    assert 35e6 < totals[2024] < 39e6
    assert totals[2026] > totals[2019]  # growing
    assert len(pop) == 8 * 12 * 8 * 2


def _design_effect(t: pd.DataFrame, y: str) -> float:
    """Design effect of the weighted mean of ``y``: linearised variance with PSUs drawn with
    replacement within strata (Wolter 2007, *Introduction to Variance Estimation*, ch. 6)
    over the variance under simple random sampling of the same size."""
    w = t["poids"].to_numpy()
    yy = t[y].to_numpy(dtype=float)
    p = (w * yy).sum() / w.sum()
    t = t.assign(z=w * (yy - p) / w.sum())
    z = t.groupby(["strate", "grappe"])["z"].sum().reset_index()
    var = 0.0
    for _, g in z.groupby("strate"):
        n_h = len(g)
        if n_h > 1:
            var += n_h / (n_h - 1) * ((g["z"] - g["z"].mean()) ** 2).sum()
    return var / (p * (1 - p) / len(t))


def test_survey_is_a_clustered_design(medium: SynthManifest) -> None:
    t = pq.read_table(medium.file("survey_microdata").path).to_pandas()
    truth = medium.truth()["survey"]
    assert t["strate"].nunique() == 24 == truth["strata"]
    assert t["grappe"].nunique() == truth["psus"]
    assert (t["poids"] > 0).all() and t["poids"].std() > 0
    assert _design_effect(t, "cv_12_mois") > 1.2
    assert ((t["cv_12_mois"] == 1) <= (t["cv_vie"] == 1)).all()  # past year implies lifetime
    assert ((t["cv_12_mois"] == 1) <= (t["usage_internet"] == 1)).all()
    # weighted prevalence near the population truth, women above men
    for sex, key in ((2, "female"), (1, "male")):
        s = t[t["sexe"] == sex]
        est = float(np.average(s["cv_12_mois"], weights=s["poids"]))
        assert abs(est - truth["population_prevalence_past_12m"][key]) < 0.04
    assert truth["population_prevalence_past_12m"]["female"] > truth["population_prevalence_past_12m"]["male"]  # fmt: skip


# ---------------------------------------------------------------------------- chat
def test_chat_transcripts_escalate(small: SynthManifest) -> None:
    truth = small.truth()["chat"]["conversations"]
    msgs: dict[str, list[dict]] = {}
    with small.file("game_chat").path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            msgs.setdefault(rec["conversation_id"], []).append(rec)
    assert set(msgs) == set(truth)
    labels = {c["label"] for c in truth.values()}
    assert labels == {"benign", "grooming", "sextortion"}
    langs = {c["language"] for c in truth.values()}
    assert {"fr", "ar", "ary", "ary-Latn", "en"} <= langs
    for cid, conv in msgs.items():
        t = truth[cid]
        assert [m["turn"] for m in conv] == list(range(1, len(conv) + 1))
        assert all(conv[i]["timestamp"] < conv[i + 1]["timestamp"] for i in range(len(conv) - 1))
        assert {m["space"] for m in conv} <= {"video_game", "virtual_world"}
        if t["label"] == "benign":
            assert t["first_harmful_turn"] is None
        else:
            # harm starts after some turns, and is driven by one speaker
            assert t["first_harmful_turn"] > 2
            assert conv[t["first_harmful_turn"] - 1]["speaker"] == t["aggressor"]
    groom = [cid for cid, t in truth.items() if t["label"] == "grooming"]
    text = " ".join(m["text"] for cid in groom for m in msgs[cid])
    assert any(ch.isdigit() for ch in text) and ("snap" in text.lower() or "سناب" in text)


# ---------------------------------------------------------------------------- narratives and PII
def test_narratives_carry_pii_to_scrub(small: SynthManifest) -> None:
    truth = small.truth()["sources"]
    for profile, col in (("police_register", "Récit des faits"), ("ngo_register", "ملخص الوقائع"),
                         ("hotline_log", "Summary"), ("kobo_export", "incident/description")):  # fmt: skip
        text = "\n".join(read_incidents(small, profile)[col].astype(str))
        sample = truth[profile]["pii_sample"]
        assert len(sample) > 20
        assert all(value in text for value in sample)
    police = "\n".join(read_incidents(small, "police_register")["Récit des faits"])
    assert "@" in police and "https://" in police
    # several written forms of Moroccan phone numbers and CINs appear
    import re

    assert re.search(r"\b0[67] \d\d \d\d \d\d \d\d\b", police)
    assert re.search(r"\+212[67]\d{8}\b", police)
    assert re.search(r"\b[A-Z]{1,2}\d{6}\b", police)


def test_narratives_vary_and_use_every_language(small: SynthManifest) -> None:
    truth = small.truth()["sources"]
    langs: set[str] = set()
    for src in truth.values():
        langs |= set(src["languages"])
    assert langs == {"fr", "ar", "ary", "ary-Latn", "en"}
    hotline = read_incidents(small, "hotline_log")["Summary"]
    assert hotline.nunique() == len(hotline.drop_duplicates())
    assert hotline.nunique() > 0.97 * len(hotline) - 10  # almost no two narratives alike
    arabizi = read_incidents(small, "kobo_export")["incident/description"]
    assert arabizi.str.contains(r"\b\w*[379]\w*[a-z]", regex=True).mean() > 0.2


def test_identifier_columns_link_sources(small: SynthManifest) -> None:
    """The same victim appears in two sources with the same phone written differently."""
    from marsad.ingest import normalise_identifier

    police = read_incidents(small, "police_register")
    ngo = read_incidents(small, "ngo_register")
    p = {normalise_identifier("phone", x) for x in police["Téléphone victime"]}
    n_raw = set(ngo["الهاتف"])
    n = {normalise_identifier("phone", x) for x in n_raw}
    common = p & n
    assert len(common) > 10
    raw_police = set(police["Téléphone victime"])
    assert len(raw_police & n_raw) < len(common)  # written differently at least sometimes


def test_dirty_rows_are_planted(small: SynthManifest) -> None:
    truth = small.truth()["sources"]
    for profile, src in truth.items():
        assert set(src["dirty_rows"]) == {
            "bad_date", "unknown_code", "missing_required", "bad_age", "exact_duplicate"
        }  # fmt: skip
        share = sum(src["dirty_rows"].values()) / src["rows_in_file"]
        assert 0.005 < share < 0.05, profile
    police = read_incidents(small, "police_register")
    dup_ids = truth["police_register"]["dirty_record_ids"]["exact_duplicate"]
    for rid in dup_ids:
        rows = police[police["N° plainte"] == rid]
        assert len(rows) == 2 and rows.iloc[0].equals(rows.iloc[1])
    bad = set(truth["police_register"]["dirty_record_ids"]["bad_age"])
    assert set(police.loc[police["N° plainte"].isin(bad), "Âge"]) <= set(V.BAD_AGES)


def test_profiles_cover_every_value_written() -> None:
    from marsad.ingest import load_profile
    from marsad.ingest._profile import norm_key

    for profile, src in SOURCE_OF.items():
        p = load_profile(profile)
        cat_map = {norm_key(k) for k in p.fields["category"].map or {}}
        for labels in V.CATEGORY[src].values():
            assert {norm_key(x) for x in labels} <= cat_map
        space_map = {norm_key(k) for k in p.fields["space"].map or {}}
        assert {norm_key(x) for x in V.SPACE[src].values()} <= space_map
        rel_map = {norm_key(k) for k in p.fields["relationship"].map or {}}
        assert {norm_key(x) for x in V.RELATIONSHIP[src]} <= rel_map
        for unknown in V.UNKNOWN_CODES[src]:
            assert norm_key(unknown) not in cat_map


def test_csv_is_well_formed(small: SynthManifest) -> None:
    path = small.file("kobo_export").path
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len({len(r) for r in rows}) == 1
