"""The four incident sources as files: police register, hotline log, NGO register, Kobo export.

Each source is a view of the hidden victims it captured (:mod:`marsad.synth._hidden`),
written the way that kind of source writes: its own columns, codes, date formats, encoding
and phone-number habits. Rows are produced one at a time from per-row arrays drawn up front,
so output is identical whatever the chunking and memory stays bounded for any size.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from marsad.synth import _pii as P
from marsad.synth import _tables as T
from marsad.synth import _vocab as V
from marsad.synth._hidden import Victims, month_start
from marsad.synth._text import LANGS, narrative

DIRTY_KINDS = ("bad_date", "unknown_code", "missing_required", "bad_age", "exact_duplicate")
END_DAY = int(month_start(T.N_MONTHS)) - 1  # 2026-10-31
_ORD0 = dt.date(1970, 1, 1).toordinal()
_EXCEL0 = dt.date(1899, 12, 30)


_BLOCK = 4096


def day(d: int) -> dt.date:
    return dt.date.fromordinal(_ORD0 + int(d))


@lru_cache(maxsize=65_536)
def fmt_day(d: int, fmt: str) -> str:
    """``day(d)`` formatted (cached: a register has few distinct dates)."""
    return day(d).strftime(fmt)


@dataclass
class SourceData:
    """The rows of one source before formatting: victim attributes plus source choices."""

    source: str
    a: dict[str, np.ndarray]
    n: int
    incident: np.ndarray
    report: np.ndarray
    recipe: np.ndarray  # (n, 12) random ints: label variants, styles, narrative recipe
    lang: np.ndarray
    order: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    kinds: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int8))
    dirty: dict[str, list[str]] = field(default_factory=dict)
    pii_sample: list[str] = field(default_factory=list)


LANG_MIX = {
    "police": {"fr": 1.0},
    "hotline": {"fr": 0.35, "ary": 0.2, "ary-Latn": 0.2, "ar": 0.1, "en": 0.15},
    "ngo": {"ar": 0.55, "ary": 0.35, "ary-Latn": 0.10},
    "outreach": {"ary-Latn": 0.45, "fr": 0.35, "en": 0.10, "ary": 0.10},
}
PHONE_STYLE_MIX = {
    "police": (0, 1, 6, 0, 3),
    "hotline": (2, 1, 3, 2, 4),
    "ngo": (1, 0, 4, 1, 6),
    "outreach": (2, 5, 1, 3, 4),
}


def prepare(v: Victims, source: str, rng: np.random.Generator) -> SourceData:
    """Select the victims ``source`` captured and draw everything per row."""
    idx = np.flatnonzero(v.captured[source])
    n = len(idx)
    a = v.take(idx)
    median, sigma = T.DELAY[source]
    delay = np.floor(rng.lognormal(np.log(median), sigma, n)).astype(np.int64)
    jitter = np.zeros(n, dtype=np.int64)
    if source != "police":
        jitter = rng.integers(-T.DATE_JITTER_DAYS, T.DATE_JITTER_DAYS + 1, n)
        jitter[rng.random(n) < 0.5] = 0
    incident = np.minimum(a["date"] + jitter, END_DAY)
    report = np.minimum(np.maximum(a["date"] + delay, incident), END_DAY)
    order = np.lexsort((a["victim"], report))
    a = {k: x[order] for k, x in a.items()}
    incident, report = incident[order], report[order]
    mix = LANG_MIX[source]
    langs = np.array(list(mix), dtype=object)
    lang = langs[rng.choice(len(langs), size=n, p=np.array(list(mix.values())))]
    recipe = rng.integers(0, 2**31 - 1, size=(n, 12), dtype=np.int64).astype(np.int32)
    data = SourceData(source, a, n, incident, report, recipe, lang)
    _plan_dirty(data, rng)
    return data


def _plan_dirty(d: SourceData, rng: np.random.Generator) -> None:
    """Choose the planted dirty rows and the final row order (extras inserted)."""
    if d.n == 0:
        d.order = np.empty(0, dtype=np.int64)
        d.kinds = np.empty(0, dtype=np.int8)
        return
    per_kind = max(1, round(T.DIRTY_RATE * d.n / len(DIRTY_KINDS)))
    base = rng.integers(0, d.n, size=per_kind * len(DIRTY_KINDS))
    kinds = np.repeat(np.arange(1, len(DIRTY_KINDS) + 1, dtype=np.int8), per_kind)
    key_base = np.arange(d.n, dtype=float)
    key_extra = np.where(kinds == len(DIRTY_KINDS), base + 0.5, rng.random(len(base)) * d.n)
    rows = np.concatenate([np.arange(d.n), base])
    allk = np.concatenate([np.zeros(d.n, dtype=np.int8), kinds])
    order = np.argsort(np.concatenate([key_base, key_extra]), kind="stable")
    d.order = rows[order]
    d.kinds = allk[order]


# ---------------------------------------------------------------------------- rows
class _Formatter:
    """Turns row ``j`` of a :class:`SourceData` into the cells of one file row."""

    source = ""
    header: tuple[str, ...] = ()
    date_col = ""
    category_col = ""
    age_col = ""
    id_col = ""

    def __init__(self, d: SourceData) -> None:
        self.d = d
        self.row: dict[str, Any] = {}
        self.rec: list[int] = []

    # helpers --------------------------------------------------------------
    def r(self, j: int, k: int) -> int:
        return self.rec[k]

    def phone(self, j: int, nsn: int, salt: int = 0) -> str:
        styles = PHONE_STYLE_MIX[self.source]
        return P.format_phone(nsn, styles[(self.r(j, 0) + salt) % len(styles)])

    def perp_number(self, j: int) -> int:
        return P.phone_number(self.row["victim"], self.r(j, 1) % 3 == 0, offset=50_000_000)

    def narrative(self, j: int, name: str, lang: str) -> str:
        a = self.row
        rec = self.rec
        handle = P.handle(a["salt"] // 3 + 17)
        platform = T.PLATFORM_NAMES[a["platform"]]
        text, used = narrative(
            lang,
            T.CATEGORIES[a["cat"]],
            rec[4:12],
            name=name,
            platform=platform,
            rel=a["rel"],
            age=a["age"],
            pii={
                "cin": lambda: "" if a["minor"] else P.cin(a["victim"]),
                "phone": lambda: P.format_phone(self.perp_number(j), rec[2] % P.PHONE_STYLES),
                "vphone": lambda: P.format_phone(a["phone"], rec[3] % P.PHONE_STYLES),
                "handle": lambda: handle,
                "url": lambda: P.url(platform, handle, a["salt"]),
                "email": lambda: P.email(a["gender"], a["first"], a["last"], a["salt"]),
                "rib": lambda: P.rib(a["salt"]),
            },
        )
        if len(self.d.pii_sample) < 300:
            self.d.pii_sample.extend(used)
        return text

    def names(self, j: int, arabic: bool = False) -> tuple[str, str]:
        a = self.row
        g = a["gender"]
        return (
            P.first_name(g, a["first"], arabic),
            P.last_name(a["last"], arabic),
        )

    def variant(self, j: int, options: tuple[str, ...], k: int = 1) -> str:
        return options[self.r(j, k) % len(options)]

    def code_cells(self, j: int) -> dict[str, str]:
        a = self.row
        s = self.source
        g = a["gender"]
        gkey = s
        if s == "hotline":
            gkey = "hotline_minor" if a["minor"] else "hotline_adult"
        return {
            "category": self.variant(j, V.CATEGORY[s][T.CATEGORIES[a["cat"]]]),
            "space": V.SPACE[s][T.SPACES[a["space"]]],
            "gender": self.variant(j, V.GENDER[gkey][g], 2),
            "rel": V.RELATIONSHIP[s][a["rel"]],
            "platform": T.PLATFORM_NAMES[a["platform"]],
        }

    def age(self, j: int) -> str:
        return "" if self.r(j, 3) % 25 == 0 else str(self.row["age"])

    # to implement -----------------------------------------------------------
    def cells(self, j: int) -> dict[str, Any]:
        raise NotImplementedError

    def dirty_cells(self, j: int, kind: str, cells: dict[str, Any], n: int) -> dict[str, Any]:
        """Corrupt a copy of ``cells`` (the ``n``-th planted row of this kind)."""
        if kind == "exact_duplicate":
            return cells
        cells = dict(cells)
        cells[self.id_col] = self.dirty_id(cells[self.id_col], n)
        if kind == "bad_date":
            cells[self.date_col] = V.BAD_DATES[self.source][n % 3]
        elif kind == "unknown_code":
            cells[self.category_col] = V.UNKNOWN_CODES[self.source][n % 2]
        elif kind == "missing_required":
            cells[self.date_col] = ""
        elif kind == "bad_age":
            cells[self.age_col] = V.BAD_AGES[n % len(V.BAD_AGES)]
        return cells

    def dirty_id(self, rid: str, n: int) -> str:
        return f"{rid}-X{n}"

    def rows(self) -> Iterator[tuple[str, list[Any]]]:
        """Yield (dirty kind or "", row cells in header order) in file order."""
        counters = dict.fromkeys(DIRTY_KINDS, 0)
        d = self.d
        cols = {**d.a, "report": d.report, "incident": d.incident, "lang": d.lang}
        for start in range(0, len(d.order), _BLOCK):
            js = d.order[start : start + _BLOCK]
            block = {k: v[js].tolist() for k, v in cols.items()}
            recipes = d.recipe[js].tolist()
            kinds = d.kinds[start : start + _BLOCK].tolist()
            for i, j in enumerate(js.tolist()):
                self.row = {k: v[i] for k, v in block.items()}
                self.rec = recipes[i]
                yield self._one(j, kinds[i], counters)

    def _one(self, j: int, k: int, counters: dict[str, int]) -> tuple[str, list[Any]]:
        cells = self.cells(j)
        kind = ""
        if k:
            kind = DIRTY_KINDS[k - 1]
            cells = self.dirty_cells(j, kind, cells, counters[kind])
            counters[kind] += 1
            self.d.dirty.setdefault(kind, []).append(str(cells[self.id_col]))
        return kind, [cells[h] for h in self.header]


class PoliceFormatter(_Formatter):
    source = "police"
    header = (
        "N° plainte", "Date plainte", "Date des faits", "Service", "Région", "Nom victime",
        "Prénom victime", "CIN victime", "Téléphone victime", "Sexe", "Âge", "Qualification",
        "Espace numérique", "Plateforme", "Lien avec l'auteur", "Récit des faits",
        "Retrait demandé", "Synthétique",
    )  # fmt: skip
    date_col, category_col, age_col, id_col = "Date des faits", "Qualification", "Âge", "N° plainte"

    def __init__(self, d: SourceData) -> None:
        super().__init__(d)
        self.ids = self._ids()

    def _ids(self) -> list[str]:
        out = []
        seq: dict[int, int] = {}
        for rep in self.d.report.tolist():
            y = day(rep).year
            seq[y] = seq.get(y, 0) + 1
            out.append(f"PJ/{y}/{seq[y]:06d}")
        return out

    def cells(self, j: int) -> dict[str, Any]:
        a = self.row
        c = self.code_cells(j)
        first, last = self.names(j)
        last = last.upper()
        yes, no = V.YES_NO["police"]
        return {
            "N° plainte": self.ids[j],
            "Date plainte": fmt_day(self.row["report"], "%d/%m/%Y"),
            "Date des faits": fmt_day(self.row["incident"], "%d/%m/%Y"),
            "Service": ("Sûreté nationale", "Gendarmerie royale")[self.r(j, 2) % 5 == 0],
            "Région": V.REGION_FR[T.REGIONS[a["region"]]],
            "Nom victime": last,
            "Prénom victime": first,
            "CIN victime": "" if a["minor"] else P.cin(a["victim"]),
            "Téléphone victime": self.phone(j, a["phone"]),
            "Sexe": c["gender"],
            "Âge": self.age(j),
            "Qualification": c["category"],
            "Espace numérique": c["space"],
            "Plateforme": c["platform"],
            "Lien avec l'auteur": c["rel"],
            "Récit des faits": self.narrative(j, f"{first} {last}", "fr"),
            "Retrait demandé": yes if self.r(j, 3) % 3 == 0 else no,
            "Synthétique": "1",
        }


class HotlineFormatter(_Formatter):
    source = "hotline"
    header = (
        "Case ID", "Call date", "Incident date", "Caller name", "Phone", "Gender", "Age",
        "Age group", "Region", "Type of abuse", "Space", "Platform", "Perpetrator", "Summary",
        "Consent to statistics", "Takedown requested", "Referred to NGO", "Synthetic",
    )  # fmt: skip
    date_col, category_col, age_col, id_col = "Incident date", "Type of abuse", "Age", "Case ID"

    def __init__(self, d: SourceData, referred: np.ndarray) -> None:
        super().__init__(d)
        self.referred = referred
        self.ids = [f"HL-{day(r).year}-{i + 1:06d}" for i, r in enumerate(self.d.report.tolist())]

    def cells(self, j: int) -> dict[str, Any]:
        a = self.row
        c = self.code_cells(j)
        first, _ = self.names(j)
        inc = day(self.row["incident"])
        style = self.r(j, 3) % 10
        inc_cell: Any = inc
        if style in (1, 2):
            inc_cell = (inc - _EXCEL0).days  # an Excel serial number typed as a plain number
        elif style == 3:
            inc_cell = inc.strftime("%d/%m/%Y")
        age = "" if self.r(j, 2) % 8 == 0 else a["age"]
        group = ""
        if age == "":
            legal = "0-14" if a["age"] < 15 else ("15-17" if a["age"] < 18 else "18+")
            group = V.HOTLINE_AGE_GROUP[legal]
        yes, no = V.YES_NO["hotline"]
        lang = self.row["lang"]
        return {
            "Case ID": self.ids[j],
            "Call date": day(self.row["report"]),
            "Incident date": inc_cell,
            "Caller name": first,
            "Phone": self.phone(j, a["phone"]),
            "Gender": c["gender"],
            "Age": age,
            "Age group": group,
            "Region": "" if self.r(j, 4) % 30 == 0 else V.REGION_EN[T.REGIONS[a["region"]]],
            "Type of abuse": c["category"],
            "Space": c["space"],
            "Platform": c["platform"],
            "Perpetrator": c["rel"],
            "Summary": self.narrative(j, first, lang),
            "Consent to statistics": no if self.r(j, 5) % 20 == 0 else yes,
            "Takedown requested": yes if self.r(j, 6) % 4 == 0 else no,
            "Referred to NGO": yes if self.referred[j] else no,
            "Synthetic": 1,
        }


class NgoFormatter(_Formatter):
    source = "ngo"
    header = (
        "رقم الملف", "تاريخ الاستقبال", "تاريخ الواقعة", "الاسم الكامل", "رقم البطاقة الوطنية",
        "الهاتف", "البريد الإلكتروني", "الجنس", "السن", "الجهة", "نوع العنف", "الفضاء الرقمي",
        "المنصة", "العلاقة بالمعتدي", "ملخص الوقائع", "الموافقة على الاستعمال الإحصائي",
        "بيانات اصطناعية",
    )  # fmt: skip
    date_col, category_col, age_col, id_col = "تاريخ الواقعة", "نوع العنف", "السن", "رقم الملف"

    def __init__(self, d: SourceData) -> None:
        super().__init__(d)
        self.ids = [f"CE-{day(r).year}-{i + 1:05d}" for i, r in enumerate(self.d.report.tolist())]

    def cells(self, j: int) -> dict[str, Any]:
        a = self.row
        c = self.code_cells(j)
        first, last = self.names(j, arabic=True)
        full = f"{first} {last}"
        g = a["gender"]
        yes, no = V.YES_NO["ngo"]
        lang = self.row["lang"]
        email = ""
        if self.r(j, 5) % 5 < 3:
            email = P.email(g, a["first"], a["last"], a["salt"])
        return {
            "رقم الملف": self.ids[j],
            "تاريخ الاستقبال": fmt_day(self.row["report"], "%d-%m-%Y"),
            "تاريخ الواقعة": fmt_day(self.row["incident"], "%d-%m-%Y"),
            "الاسم الكامل": full,
            "رقم البطاقة الوطنية": "" if a["minor"] else P.cin(a["victim"]),
            "الهاتف": self.phone(j, a["phone"]),
            "البريد الإلكتروني": email,
            "الجنس": c["gender"],
            "السن": self.age(j),
            "الجهة": V.REGION_AR[T.REGIONS[a["region"]]],
            "نوع العنف": c["category"],
            "الفضاء الرقمي": c["space"],
            "المنصة": c["platform"],
            "العلاقة بالمعتدي": c["rel"],
            "ملخص الوقائع": self.narrative(j, full if lang != "ary-Latn" else "", lang),
            "الموافقة على الاستعمال الإحصائي": no if self.r(j, 6) % 25 == 0 else yes,
            "بيانات اصطناعية": "1",
        }


class KoboFormatter(_Formatter):
    source = "outreach"
    header = (
        "start", "end", "today", "deviceid", "intro/consent", "victim/first_name", "victim/age",
        "victim/gender", "victim/region", "victim/phone", "incident/date", "incident/type",
        "incident/space", "incident/platform", "incident/relationship", "incident/description",
        "meta/instanceID", "_id", "_uuid", "_submission_time", "_index", "synthetic",
    )  # fmt: skip
    date_col, category_col, age_col, id_col = (
        "incident/date",
        "incident/type",
        "victim/age",
        "_uuid",
    )

    def uid(self, j: int) -> str:
        r = self.rec[:5]
        value = (r[0] << 97 | r[1] << 66 | r[2] << 35 | r[3] << 4 | r[4] & 15) & (2**128 - 1)
        return str(uuid.UUID(int=value, version=4))

    def dirty_id(self, rid: str, n: int) -> str:
        return str(uuid.UUID(int=(uuid.UUID(rid).int ^ (n + 1) * 0x9E3779B97F4A7C15), version=4))

    def cells(self, j: int) -> dict[str, Any]:
        a = self.row
        c = self.code_cells(j)
        first, _ = self.names(j)
        rep = day(self.row["report"])
        sec = self.r(j, 5) % 36_000 + 8 * 3600
        start = dt.datetime.combine(rep, dt.time()) + dt.timedelta(seconds=sec)
        end = start + dt.timedelta(seconds=120 + self.r(j, 6) % 900)
        sub = end + dt.timedelta(seconds=30 + self.r(j, 7) % 86_000)
        u = self.uid(j)
        yes, no = V.YES_NO["outreach"]
        lang = self.row["lang"]
        use_name = self.r(j, 8) % 3 == 0
        return {
            "start": start.strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
            "end": end.strftime("%Y-%m-%dT%H:%M:%S.000+01:00"),
            "today": rep.isoformat(),
            "deviceid": f"ee.kobotoolbox.org:{self.r(j, 9) % 40:02d}Xsynth",
            "intro/consent": no if self.r(j, 10) % 30 == 0 else yes,
            "victim/first_name": first if use_name else "",
            "victim/age": self.age(j),
            "victim/gender": c["gender"],
            "victim/region": V.REGION_KOBO[T.REGIONS[a["region"]]],
            "victim/phone": self.phone(j, a["phone"]),
            "incident/date": fmt_day(self.row["incident"], "%Y-%m-%d"),
            "incident/type": c["category"],
            "incident/space": c["space"],
            "incident/platform": c["platform"],
            "incident/relationship": c["rel"],
            "incident/description": self.narrative(j, first if use_name else "", lang),
            "meta/instanceID": f"uuid:{u}",
            "_id": 100_000 + j,
            "_uuid": u,
            "_submission_time": sub.strftime("%Y-%m-%dT%H:%M:%S"),
            "_index": j + 1,
            "synthetic": 1,
        }


# ---------------------------------------------------------------------------- writers
def write_csv(path: Path, f: _Formatter, *, delimiter: str, encoding: str) -> int:
    """Write a CSV (``\\r\\n`` line ends, as spreadsheet exports do); return data rows."""
    n = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n")
        w.writerow(f.header)
        for _, row in f.rows():
            w.writerow(row)
            n += 1
    return n


def write_xlsx(path: Path, f: _Formatter, sheet: str) -> int:
    """Write an XLSX (streamed; byte-identical for the same rows)."""
    from marsad.synth._xlsx import write_xlsx as _write

    return _write(
        path,
        f.header,
        (row for _, row in f.rows()),
        sheet=sheet,
        title="SYNTHETIC hotline case log",
    )


def lang_counts(d: SourceData) -> dict[str, int]:
    return {lang: int((d.lang == lang).sum()) for lang in LANGS if (d.lang == lang).any()}
