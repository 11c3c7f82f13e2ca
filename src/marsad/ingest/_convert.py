"""Row-level validation: one compiled plan per (profile, file) turns raw rows into records.

Every problem becomes a :class:`RowIssue` whose message names the file, the row, the column and
the reason, e.g. ``Column 'age' in row 14 of hotline.csv must be a whole number from 0 to 120;
got '1O'.`` Values of identifier and free-text columns are never quoted in messages, and quoted
values are scrubbed, so messages can be stored and shown safely.
"""

from __future__ import annotations

import math
import operator
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from marsad.ingest._profile import FieldSpec, Profile, allowed_codes, norm_key
from marsad.ingest._pseudonym import DIGITS, Pseudonymiser
from marsad.ingest._readers import RowReader, _BadLine
from marsad.ingest._scrub import Scrubber
from marsad.ingest._targets import TARGETS
from marsad.taxonomy import Taxonomy, load_taxonomy

__all__ = ["Records", "RowIssue", "RowPlan"]

_TRUE = {"1", "true", "yes", "y", "oui", "o", "vrai", "x", "نعم", "اه", "ah", "iyeh", "wah"}
_FALSE = {"0", "false", "no", "n", "non", "faux", "لا", "la", "lla"}
_EXCEL_EPOCH = date(1899, 12, 30)
_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-"})


@dataclass(frozen=True)
class RowIssue:
    """One validation error of one row: the column, a stable code and the full message."""

    column: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"column": self.column, "code": self.code, "message": self.message}


class Records:
    """A chunk of valid records, column by column: ``columns[j][k]`` is column ``names[j]`` of
    record ``k``. Built without one dictionary per record; the writer binds the columns as they
    are."""

    __slots__ = ("columns", "names", "size")

    def __init__(self, names: list[str], columns: list[list[Any]], size: int) -> None:
        self.names = names
        self.columns = columns
        self.size = size

    @classmethod
    def from_dicts(cls, names: list[str], records: list[dict[str, Any]]) -> Records:
        return cls(names, [[r.get(n) for r in records] for n in names], len(records))

    def __len__(self) -> int:
        return self.size

    def column(self, name: str) -> list[Any]:
        return self.columns[self.names.index(name)]

    def dicts(self) -> list[dict[str, Any]]:
        """One dictionary per record (for tests and small callers)."""
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in zip(*self.columns, strict=True)]


class _Bad(Exception):
    def __init__(self, code: str, reason: str, show_value: bool = True) -> None:
        self.code = code
        self.reason = reason
        self.show_value = show_value


Converter = Callable[[Any], Any]
_MISSING = object()
_UNSEEN = object()
_REQUIRED = "is required but empty"
_second = operator.itemgetter(1)


class RowPlan:
    """A profile compiled against one file's header: converts raw rows into target records.

    Parameters
    ----------
    profile, reader
        The validated profile and the opened file (its header resolves column positions;
        a column the profile names but the file lacks is an :class:`IngestError` here, before
        any row is converted).
    pseudonymise
        The keyed :class:`Pseudonymiser`.
    file_name
        The name used in messages.
    """

    def __init__(
        self,
        profile: Profile,
        reader: RowReader,
        pseudonymise: Pseudonymiser,
        file_name: str,
        *,
        today: date | None = None,
    ) -> None:
        self.profile = profile
        self.file = file_name
        # CSV rows must have the header's number of fields: a short row (or one with extra
        # non-empty fields) has its values in the wrong columns, whatever they look like
        self.header_width = len(reader.header) if reader.delimiter is not None else None
        self.tax: Taxonomy = load_taxonomy()
        self.target = TARGETS[profile.target]
        self.pseudo = pseudonymise
        self.scrubber = Scrubber()
        self.today = today or date.today()
        self.na = _na_variants(profile.na_values)
        self._na_known: dict[str, bool] = {}
        self._derive = getattr(self, "_derive_" + profile.target)
        self.analysis = self.tax.scheme("analysis")
        self.analysis_band = {age: self.analysis.band_of(age) for age in range(0, 131)}
        pname = profile.file_name

        def idx(column: str, why: str) -> int:
            return reader.index(column, pname, file_name, why)

        self.record_idx = (
            idx(profile.record_id.column, "record_id") if profile.record_id is not None else None
        )
        self.name_idx = [idx(c, "scrub_names_from") for c in profile.scrub_names_from]
        self.fields: list[tuple[str, str, int, Converter, bool]] = []
        self.texts: list[tuple[str, str, int, bool]] = []  # name, column, index, required
        self.answers: tuple[str, list[tuple[str, int]]] | None = None
        self.constants: dict[str, Any] = {}
        for name, spec in profile.fields.items():
            ftype = profile.field_type(name)
            required = spec.required or profile.rule(name).required
            if ftype == "answers":
                self.answers = (name, [(c, idx(c, f"fields.{name}.columns")) for c in spec.columns])
                continue
            if spec.column is None:
                self.constants[name] = self._constant(name, spec, ftype)
                continue
            if spec.optional and not reader.has(spec.column):
                continue
            i = idx(spec.column, f"fields.{name}")
            if ftype == "text":
                self.texts.append((name, spec.column, i, required))
                continue
            self.fields.append((name, spec.column, i, self._converter(name, spec, ftype), required))
        self.defaults = {k: self._default(k, v) for k, v in profile.defaults.items()}
        self.columns = [c.name for c in self.target.table.columns if c.name != "id"]
        self.template = dict.fromkeys(self.columns)
        # how each stored raw column is made safe for the quarantine table
        self.raw_plan: list[tuple[str, int, str]] = []
        names = set(profile.scrub_names_from)
        for col in profile.columns:
            if col in names or not reader.has(col):
                continue
            how = "scrub"
            if profile.record_id is not None and col == profile.record_id.column:
                how = "pseudo:id"
            for spec in profile.fields.values():
                if spec.column == col and spec.kind is not None:
                    how = f"pseudo:{spec.kind}"
            self.raw_plan.append((col, idx(col, "profile"), how))

    # -- converters ----------------------------------------------------------------------------
    def _constant(self, name: str, spec: FieldSpec, ftype: str) -> Any:
        value = spec.value
        if ftype == "date":
            return date.fromisoformat(str(value)), "day"
        if ftype == "age_band":
            return str(value)
        return value

    def _default(self, name: str, value: Any) -> Any:
        if self.profile.field_type(name) == "date":
            return date.fromisoformat(str(value)), "day"
        return value

    def _converter(self, name: str, spec: FieldSpec, ftype: str) -> Converter:
        rule = self.profile.rule(name)
        if ftype == "int":
            return _int_conv(
                spec.min if spec.min is not None else rule.min,
                spec.max if spec.max is not None else rule.max,
            )
        if ftype == "float":
            return _float_conv(
                spec.min if spec.min is not None else rule.min,
                spec.max if spec.max is not None else rule.max,
            )
        if ftype == "date":
            return _date_conv(spec.formats, self.today)
        if ftype == "datetime":
            return _datetime_conv(spec.formats, self.today)
        if ftype == "bool":
            return _bool_conv(spec.map or {})
        if ftype == "pseudonym":
            kind = spec.kind or "id"
            pseudo = self.pseudo

            def pseudonym(raw: Any) -> str:
                return pseudo(kind, _text(raw))

            # a column of text cells is pseudonymised in one call (see _convert_strings)
            pseudonym.many = lambda cells: pseudo.many(kind, [c.strip() for c in cells])  # type: ignore[attr-defined]
            return pseudonym
        if ftype == "age_band":
            if spec.scheme is None:  # population: the scheme is in its own column
                return _band_conv([], spec.map or {}, None)
            scheme = self.tax.scheme(spec.scheme)
            return _band_conv([b.label for b in scheme.bands], spec.map or {}, scheme.id)
        if ftype == "code":
            allowed = allowed_codes(self.profile, name, self.tax)
            return _code_conv(allowed, spec.map or {}, self.profile.dimension_of(name))
        # str
        length = getattr(self.target.table.c[name].type, "length", None)
        return _str_conv(spec.map or {}, length, self.scrubber if spec.scrub else None)

    # -- one row ---------------------------------------------------------------------------------
    def issue(
        self, n: int, column: str | None, code: str, reason: str, raw: Any = None, show: bool = True
    ) -> RowIssue:
        if column is None:
            return RowIssue(None, code, f"Row {n} of {self.file} {reason}.")
        msg = f"Column '{column}' in row {n} of {self.file} {reason}"
        if show and raw is not None:
            shown = self.scrubber(_text(raw))
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            msg += f"; got '{shown}'"
        return RowIssue(column, code, msg + ".")

    def convert(self, n: int, values: list[Any]) -> tuple[dict[str, Any] | None, list[RowIssue]]:
        """The record of row ``n`` and its issues (the record is None when there are any)."""
        records, bad = self.convert_many([(n, values)])
        if bad:
            return None, bad[0][2]
        return records.dicts()[0], []

    def convert_many(
        self, chunk: list[tuple[int, list[Any]]]
    ) -> tuple[Records, list[tuple[int, list[Any], list[RowIssue], str | None]]]:
        """Convert a chunk of rows column by column.

        Returns the records of the valid rows (in file order, as :class:`Records`) and, for every invalid row,
        ``(row number, values, issues, record key)`` (the key is None when the profile has no
        record id, the id is empty or the row could not be read). Each distinct raw value of a column is converted once
        per chunk (converters are pure functions of the value), so a chunk costs one dictionary
        look-up per cell plus one conversion per distinct value; messages still name the row.
        """
        issues: dict[int, list[RowIssue]] = {}
        unreadable: dict[int, list[RowIssue]] = {}
        rows: list[tuple[int, list[Any]]] = []
        for n, values in chunk:
            if values and isinstance(values[0], _BadLine):
                text = str(values[0])
                msg = text[:1].upper() + text[1:] + "."
                unreadable[len(rows)] = [RowIssue(None, "ingest.bad_line", msg)]
                values = []
            rows.append((n, values))
        hw = self.header_width
        widths = set(map(len, map(_second, rows))) if hw is not None else set()
        if hw is not None and widths - {0, hw}:  # a whole chunk of right rows costs one set
            for k, (n, values) in enumerate(rows):
                fields = len(values)
                if values and fields != hw and k not in unreadable:
                    if fields > hw and not any(str(v).strip() for v in values[hw:]):
                        continue  # trailing empty fields (a delimiter at the end of the line)
                    unreadable[k] = [
                        RowIssue(
                            None,
                            "ingest.field_count",
                            f"Row {n} of {self.file} has {fields} fields, the header has {hw}; "
                            "check the delimiter and the quoting of that row.",
                        )
                    ]
        size = len(rows)
        numbers = [n for n, _ in rows]
        na = self.na
        known = self._na_known
        cols: dict[str, list[Any]] = {}

        width = min((len(v) for _, v in rows), default=0)
        wanted = sorted(
            {i for _, _, i, _, _ in self.fields}
            | {i for _, _, i, _ in self.texts}
            | set(self.name_idx)
            | ({self.record_idx} if self.record_idx is not None else set())
        )
        transposed: dict[int, list[Any]] = {}
        if size and wanted and wanted[-1] < width:  # every row is wide enough: transpose in C
            got_cols = zip(
                *map(operator.itemgetter(*wanted, wanted[0]), map(_second, rows)), strict=False
            )
            transposed = dict(zip(wanted, map(list, got_cols), strict=False))

        def column(i: int) -> list[Any]:
            found = transposed.get(i)
            if found is not None:
                return found
            return [v[i] if i < len(v) else "" for _, v in rows]

        def add(k: int, issue: RowIssue) -> None:
            got = issues.get(k)
            if got is None:
                issues[k] = [issue]
            else:
                got.append(issue)

        missing_mark = _MISSING
        for name, col, i, conv, required in self.fields:
            raw_col = column(i)
            if size >= 256 and set(map(type, raw_col)) == {str}:
                cols[name] = self._convert_strings(raw_col, name, col, conv, required, numbers, add)
                continue
            memo: dict[Any, Any] = {}
            out_col: list[Any] = [None] * size
            for k, raw in enumerate(raw_col):
                try:
                    got = memo.get(raw, _UNSEEN)
                except TypeError:  # an unhashable value (JSON Lines): converted uncached
                    got = _UNSEEN
                if got is _UNSEEN:
                    missing = known.get(raw) if raw.__class__ is str else None
                    if missing is None:
                        missing = _is_na(raw, na)
                        if raw.__class__ is str and len(raw) < 16 and len(known) < 50_000:
                            known[raw] = missing
                    if missing:
                        got = missing_mark
                    else:
                        try:
                            got = conv(raw)
                        except _Bad as bad:
                            got = _Bad(
                                bad.code, bad.reason, bad.show_value
                            )  # a fresh one: no traceback
                    if raw.__class__ is str or raw is None:
                        memo[raw] = got
                if got is missing_mark:
                    if required:
                        add(k, self.issue(numbers[k], col, "ingest.required", _REQUIRED))
                elif got.__class__ is _Bad:
                    add(k, self.issue(numbers[k], col, got.code, got.reason, raw, got.show_value))
                else:
                    out_col[k] = got
            cols[name] = out_col
        names_per_row: list[list[str]] | None = None
        if len(self.name_idx) == 1 and self.name_idx[0] in transposed:  # one name column
            names_per_row = [
                ([v.strip() if v.__class__ is str else _text(v)] if v != "" else [])
                for v in transposed[self.name_idx[0]]
            ]
        elif self.name_idx:
            names_per_row = [
                [_text(v[i]) for i in self.name_idx if i < len(v) and v[i] != ""] for _, v in rows
            ]
        scrub = self.scrubber
        for name, col, i, required in self.texts:
            out_col = [None] * size
            for k, raw in enumerate(column(i)):
                # a text of 8 characters or more is missing only when it is an NA token
                if raw in na if raw.__class__ is str and len(raw) >= 8 else _is_na(raw, na):
                    if required:
                        add(k, self.issue(numbers[k], col, "ingest.required", _REQUIRED))
                    continue
                out_col[k] = scrub(
                    raw.strip() if raw.__class__ is str else _text(raw),
                    names_per_row[k] if names_per_row else (),
                )
            cols[name] = out_col
        if self.answers is not None:
            aname, acols = self.answers
            cols[aname] = [
                {
                    c: scrub(_text(v[i]), names_per_row[k] if names_per_row else ())
                    for c, i in acols
                    if i < len(v) and not _is_na(v[i], na)
                }
                for k, (_, v) in enumerate(rows)
            ]
        if self.record_idx is not None:
            source = self.profile.source.code
            rcol = self.profile.record_id.column  # type: ignore[union-attr]
            out_col = [None] * size
            present: list[int] = []
            ids: list[str] = []
            for k, raw in enumerate(column(self.record_idx)):
                if raw in na if raw.__class__ is str and len(raw) >= 8 else _is_na(raw, na):
                    add(
                        k,
                        self.issue(
                            numbers[k],
                            rcol,
                            "ingest.required",
                            "is required (the record id) but empty",
                        ),
                    )
                else:
                    present.append(k)
                    # as Pseudonymiser.record_key
                    ids.append(f"{source}:{raw.strip() if raw.__class__ is str else _text(raw)}")
            for k, key in zip(present, self.pseudo.many("id", ids), strict=True):
                out_col[k] = key
            cols["record_key"] = out_col
        for k_name, v in self.constants.items():
            got_col = cols.get(k_name)
            if got_col is None:
                cols[k_name] = [v] * size
            else:
                cols[k_name] = [v if x is None else x for x in got_col]
        for k_name, v in self.defaults.items():
            got_col = cols.get(k_name)
            if got_col is None:
                cols[k_name] = [v] * size
            elif v is not None:
                cols[k_name] = [v if x is None else x for x in got_col]
        issues.update(unreadable)  # an unreadable line has that one issue only
        if self.profile.target == "incidents":
            records = self._derive_incidents_many(numbers, cols, issues)
        else:
            records = Records.from_dicts(self.columns, self._derive_rows(numbers, cols, issues))
        keys = cols.get("record_key") or [None] * size
        invalid = [
            (numbers[k], chunk[k][1], issues[k], None if k in unreadable else keys[k])
            for k in sorted(issues)
        ]
        return records, invalid

    def _convert_strings(
        self,
        raw_col: list[str],
        name: str,
        col: str,
        conv: Converter,
        required: bool,
        numbers: list[int],
        add: Callable[[int, RowIssue], None],
    ) -> list[Any]:
        """One column of text cells: the distinct values are found by pandas' hash table (in C),
        each is converted once, and the results are spread back with one NumPy take."""
        codes, uniques = pd.factorize(np.array(raw_col, dtype=object), sort=False)
        na, known = self.na, self._na_known
        results: list[Any] = []
        state = np.zeros(len(uniques) + 1, dtype=np.int8)  # 0 value, 1 missing, 2 bad
        many = getattr(conv, "many", None)  # converts a list of cells at once, never bad
        later: list[int] = []
        for u, raw in enumerate(uniques):
            missing = known.get(raw)
            if missing is None:
                missing = _is_na(raw, na)
                if len(raw) < 16 and len(known) < 50_000:
                    known[raw] = missing
            if missing:
                results.append(None)
                state[u] = 1
                continue
            if many is not None:
                results.append(raw)
                later.append(u)
                continue
            try:
                results.append(conv(raw))
            except _Bad as bad:
                results.append(
                    _Bad(bad.code, bad.reason, bad.show_value)
                )  # no traceback (it would keep the chunk alive)
                state[u] = 2
        if later:
            for u, got in zip(later, many([results[u] for u in later]), strict=True):  # type: ignore[misc]
                results[u] = got
        results.append(None)  # code -1 (pandas' missing value; not produced for str cells)
        state[-1] = 1
        values = np.empty(len(results), dtype=object)
        values[:] = results
        out = values[codes].tolist()
        flags = state[codes]
        for k in np.flatnonzero(flags).tolist():
            got = out[k]
            if flags[k] == 1:
                if required:
                    add(k, self.issue(numbers[k], col, "ingest.required", _REQUIRED))
            else:
                add(
                    k, self.issue(numbers[k], col, got.code, got.reason, raw_col[k], got.show_value)
                )
            out[k] = None
        return out

    def _derive_rows(
        self, numbers: list[int], cols: dict[str, list[Any]], issues: dict[int, list[RowIssue]]
    ) -> list[dict[str, Any]]:
        """Per-row derivation (surveys, population, chat, aggregates)."""
        names = list(cols)
        records: list[dict[str, Any]] = []
        for k, n in enumerate(numbers):
            if k in issues:
                continue
            out = {name: cols[name][k] for name in names if cols[name][k] is not None}
            found: list[RowIssue] = []
            self._derive(n, out, found)
            if found:
                issues[k] = found
                continue
            rec = dict(self.template)
            rec.update(out)
            rec["source_row"] = n
            records.append(rec)
        return records

    def _derive_incidents_many(
        self, numbers: list[int], cols: dict[str, list[Any]], issues: dict[int, list[RowIssue]]
    ) -> Records:
        """:meth:`_derive_incidents` for a whole chunk, column by column (same checks, same
        messages, in the same order)."""
        size = len(numbers)
        none: list[Any] = [None] * size
        inc = cols.pop("incident_date", none)
        rep = cols.pop("report_date", none)

        def base(name: str) -> list[Any]:
            got = cols.get(name)
            return list(got) if got is not None else [None] * size

        incident_date, precision = base("incident_date"), base("incident_date_precision")
        year, month = base("incident_year"), base("incident_month")
        report_date, delay_col = base("report_date"), base("reporting_delay_days")
        age_band, scheme_col = base("age_band"), base("age_band_scheme")
        minor, unknown = base("minor"), base("age_unknown")
        found: dict[int, list[RowIssue]] = {}
        for k in range(size):
            i = inc[k]
            if i is not None:
                d, p = i
                incident_date[k], precision[k], year[k] = d, p, d.year
                month[k] = d.month if p != "year" else None
            r = rep[k]
            if r is not None:
                report_date[k] = r[0]
                if i is not None and r[1] == "day" and i[1] == "day":
                    delay = (r[0] - i[0]).days
                    delay_col[k] = delay
                    if delay < 0 and k not in issues:
                        found[k] = [
                            self.issue(
                                numbers[k],
                                self._col("report_date"),
                                "ingest.report_before_incident",
                                f"({r[0].isoformat()}) is before the incident date "
                                f"({i[0].isoformat()}) in column '{self._col('incident_date')}'",
                                show=False,
                            )
                        ]
        ages = cols.get("victim_age", none)
        bands = cols.get("age_band", none)
        spec = self.profile.fields.get("age_band")
        scheme_id = spec.scheme if spec is not None else None
        scheme = self.tax.scheme(scheme_id) if scheme_id is not None else None
        analysis_band = self.analysis_band
        for k in range(size):
            age, band = ages[k], bands[k]
            if age is not None:
                if band is not None and scheme is not None and not scheme.band(band).contains(age):
                    if k not in issues:
                        found.setdefault(k, []).append(
                            self.issue(
                                numbers[k],
                                self._col("victim_age"),
                                "ingest.age_band_mismatch",
                                f"says {age} but column '{self._col('age_band')}' gives the "
                                f"band {band}",
                            )
                        )
                    continue
                age_band[k] = analysis_band.get(age)
                scheme_col[k] = "analysis"
                minor[k] = age < 18
                unknown[k] = False
            elif band is not None and scheme is not None:
                scheme_col[k] = scheme_id
                minor[k] = scheme.band(band).is_minor
                unknown[k] = False
            else:
                unknown[k] = True
        cats = cols.get("category", none)
        origin = base("category_origin")
        for k in range(size):
            if cats[k] is not None:
                origin[k] = "reported"
        issues.update(found)
        derived = {
            "incident_date": incident_date,
            "incident_date_precision": precision,
            "incident_year": year,
            "incident_month": month,
            "report_date": report_date,
            "reporting_delay_days": delay_col,
            "age_band": age_band,
            "age_band_scheme": scheme_col,
            "minor": minor,
            "age_unknown": unknown,
            "category_origin": origin,
            "source_row": numbers,
        }
        names = self.columns
        lists = [derived.get(n) or cols.get(n) or none for n in names]
        if not issues:
            return Records(names, lists, size)
        keep = [k for k in range(size) if k not in issues]
        if not keep:
            return Records(names, [[] for _ in names], 0)
        pick = operator.itemgetter(*keep, keep[0])  # two indexes at least: always a tuple
        return Records(names, [list(pick(col)[:-1]) for col in lists], len(keep))

    def safe_raw(self, values: list[Any]) -> dict[str, Any]:
        """The row as read, for the quarantine table: identifiers pseudonymised, text scrubbed,
        name columns dropped, columns the profile does not name never kept."""
        if values and isinstance(values[0], _BadLine):
            return {"_unreadable": True}
        width = len(values)
        names = [_text(values[i]) for i in self.name_idx if i < width and values[i] != ""]
        out: dict[str, Any] = {}
        for col, i, how in self.raw_plan:
            raw = values[i] if i < width else ""
            if raw == "" or raw is None:
                out[col] = ""
            elif how.startswith("pseudo:"):
                out[col] = "pseudonym:" + self.pseudo(how[7:], _text(raw))
            else:
                out[col] = self.scrubber(_text(raw), names)
        return out

    # -- derived fields per target ----------------------------------------------------------------
    def _col(self, name: str) -> str:
        spec = self.profile.fields.get(name)
        return spec.column if spec is not None and spec.column else name

    def _ages(self, n: int, out: dict[str, Any], issues: list[RowIssue], age_field: str) -> None:
        age = out.get(age_field)
        band = out.get("age_band")
        spec = self.profile.fields.get("age_band")
        scheme_id = spec.scheme if spec is not None else None
        if age is not None:
            if band is not None and scheme_id is not None:
                b = self.tax.scheme(scheme_id).band(band)
                if not b.contains(age):
                    issues.append(
                        self.issue(
                            n,
                            self._col(age_field),
                            "ingest.age_band_mismatch",
                            f"says {age} but column '{self._col('age_band')}' gives the band {band}",
                        )
                    )
                    return
            out["age_band"] = self.analysis_band.get(age)
            out["age_band_scheme"] = "analysis"
            out["minor"] = age < 18
            out["age_unknown"] = False
        elif band is not None and scheme_id is not None:
            out["age_band_scheme"] = scheme_id
            out["minor"] = self.tax.scheme(scheme_id).band(band).is_minor
            out["age_unknown"] = False
        else:
            out["age_unknown"] = True

    def _derive_incidents(self, n: int, out: dict[str, Any], issues: list[RowIssue]) -> None:
        inc = out.pop("incident_date", None)
        if inc is not None:
            d, precision = inc
            out["incident_date"] = d
            out["incident_date_precision"] = precision
            out["incident_year"] = d.year
            out["incident_month"] = d.month if precision != "year" else None
        rep = out.pop("report_date", None)
        if rep is not None:
            out["report_date"] = rep[0]
            if inc is not None and rep[1] == "day" and inc[1] == "day":
                delay = (rep[0] - inc[0]).days
                if delay < 0:
                    issues.append(
                        self.issue(
                            n,
                            self._col("report_date"),
                            "ingest.report_before_incident",
                            f"({rep[0].isoformat()}) is before the incident date "
                            f"({inc[0].isoformat()}) in column '{self._col('incident_date')}'",
                            show=False,
                        )
                    )
                out["reporting_delay_days"] = delay
        self._ages(n, out, issues, "victim_age")
        if out.get("category") is not None:
            out["category_origin"] = "reported"

    def _derive_survey(self, n: int, out: dict[str, Any], issues: list[RowIssue]) -> None:
        out.setdefault("survey", self.profile.source.code)
        if out.get("survey") is None:
            out["survey"] = self.profile.source.code
        age = out.get("age")
        if age is not None and out.get("age_band") is None:
            out["age_band"] = self.analysis.band_of(age)

    def _derive_population(self, n: int, out: dict[str, Any], issues: list[RowIssue]) -> None:
        spec = self.profile.fields["age_band"]
        scheme_id = out.get("age_band_scheme") or spec.scheme
        out["age_band_scheme"] = scheme_id
        labels = [b.label for b in self.tax.scheme(scheme_id).bands]
        if out["age_band"] not in labels:
            issues.append(
                self.issue(
                    n,
                    self._col("age_band"),
                    "ingest.unknown_band",
                    f"must be an age band of scheme {scheme_id} ({', '.join(labels)})",
                    out["age_band"],
                )
            )
        if out.get("synthetic") is None:
            out["synthetic"] = False

    def _derive_chat(self, n: int, out: dict[str, Any], issues: list[RowIssue]) -> None:
        sent = out.get("sent_at")
        if isinstance(sent, tuple):
            out["sent_at"] = datetime.combine(sent[0], datetime.min.time(), UTC)

    def _derive_aggregates(self, n: int, out: dict[str, Any], issues: list[RowIssue]) -> None:
        pass


# -- value converters (module level: small closures, cached where values repeat) ---------------
def _text(raw: Any) -> str:
    if raw.__class__ is str or isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    return str(raw).strip()


def _is_na(raw: Any, na: set[str]) -> bool:
    """``na`` holds the NA tokens in every case variant (see :func:`_na_variants`)."""
    if raw.__class__ is str:
        return raw in na or (len(raw) < 8 and (not raw.strip() or norm_key(raw) in na))
    if raw is None:
        return True
    if isinstance(raw, float):
        return math.isnan(raw)
    return False


def _na_variants(values: tuple[str, ...]) -> set[str]:
    out = {""}
    for v in values:
        out.update({v, v.lower(), v.upper(), v.title(), norm_key(v)})
    return out


def _range_text(lo: float | None, hi: float | None) -> str:
    def f(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    if lo is not None and hi is not None:
        return f" from {f(lo)} to {f(hi)}"
    if lo is not None:
        return f" of at least {f(lo)}"
    if hi is not None:
        return f" of at most {f(hi)}"
    return ""


def _int_conv(lo: float | None, hi: float | None) -> Converter:
    reason = "must be a whole number" + _range_text(lo, hi)

    def conv(raw: Any) -> int:
        if isinstance(raw, bool):
            raise _Bad("ingest.not_int", reason)
        if isinstance(raw, int):
            v = raw
        elif isinstance(raw, float):
            if not raw.is_integer():
                raise _Bad("ingest.not_int", reason)
            v = int(raw)
        else:
            s = raw.strip()
            try:
                v = int(s)  # int() reads Arabic-Indic digits too
            except ValueError:
                try:
                    f = float(s)
                except ValueError:
                    raise _Bad("ingest.not_int", reason) from None
                if not f.is_integer():
                    raise _Bad("ingest.not_int", reason) from None
                v = int(f)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise _Bad("ingest.out_of_range", reason)
        return v

    return conv


def _float_conv(lo: float | None, hi: float | None) -> Converter:
    reason = "must be a number" + _range_text(lo, hi)

    def conv(raw: Any) -> float:
        if isinstance(raw, bool):
            raise _Bad("ingest.not_number", reason)
        if isinstance(raw, int | float):
            v = float(raw)
        else:
            s = raw.strip()
            if "," in s and "." not in s and s.count(",") == 1:
                s = s.replace(",", ".")
            try:
                v = float(s)
            except ValueError:
                raise _Bad("ingest.not_number", reason) from None
        if not math.isfinite(v):
            raise _Bad("ingest.not_number", reason)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise _Bad("ingest.out_of_range", reason)
        return v

    return conv


def _precision(fmt: str) -> str:
    if "%d" in fmt or "%j" in fmt:
        return "day"
    if "%m" in fmt or "%b" in fmt or "%B" in fmt:
        return "month"
    return "year"


def _parse_date(s: str, formats: tuple[str, ...]) -> tuple[date, str] | None:
    for fmt in formats:
        if fmt == "iso":
            m = _ISO.fullmatch(s)
            if m:
                y, mo, d = m.groups()
                try:
                    if d is not None:
                        return date(int(y), int(mo), int(d)), "day"
                    if mo is not None:
                        return date(int(y), int(mo), 1), "month"
                    return date(int(y), 1, 1), "year"
                except ValueError:
                    continue
        elif fmt == "excel":
            try:
                serial = float(s)
            except ValueError:
                continue
            got = _excel(serial)
            if got is not None:
                return got, "day"
        else:
            try:
                return datetime.strptime(s, fmt).date(), _precision(fmt)
            except ValueError:
                continue
    return None


def _excel(serial: float) -> date | None:
    # 1900 date system as Excel and LibreOffice write it (day 60 is the phantom 1900-02-29);
    # only plausible dates (1950-2100) are taken as serials.
    if not 18264 <= serial <= 73415:
        return None
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _date_conv(formats: tuple[str, ...], today: date) -> Converter:
    shown = ", ".join(
        "YYYY-MM-DD"
        if f == "iso"
        else "an Excel date number"
        if f == "excel"
        else f.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy").replace("%y", "yy")
        for f in formats
    )
    reason = f"must be a date ({shown})"
    latest = today + timedelta(days=1)
    cache: dict[str, tuple[date, str]] = {}

    def conv(raw: Any) -> tuple[date, str]:
        if isinstance(raw, datetime):
            got = (raw.date(), "day")
        elif isinstance(raw, date):
            got = (raw, "day")
        elif isinstance(raw, int | float) and not isinstance(raw, bool):
            d = _excel(float(raw)) if "excel" in formats else None
            if d is None:
                raise _Bad("ingest.bad_date", reason)
            got = (d, "day")
        else:
            hit = cache.get(raw)
            if hit is not None:
                return hit
            parsed = _parse_date(raw.strip().translate(DIGITS), formats)
            if parsed is None:
                raise _Bad("ingest.bad_date", reason)
            got = check(parsed)
            if len(cache) < 100_000:
                cache[raw] = got
            return got
        return check(got)

    def check(got: tuple[date, str]) -> tuple[date, str]:
        if got[0].year < 1900:
            raise _Bad("ingest.bad_date", reason + " from 1900 on")
        if got[0] > latest:
            raise _Bad("ingest.future_date", "must not be a date in the future")
        return got

    return conv


def _datetime_conv(formats: tuple[str, ...], today: date) -> Converter:
    date_conv = _date_conv(formats, today)
    reason = "must be a date and time (ISO 8601, e.g. 2024-03-01T14:05:00)"

    def conv(raw: Any) -> Any:
        if isinstance(raw, datetime):
            return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
        if isinstance(raw, str) and "iso" in formats and len(raw.strip()) > 10:
            try:
                dt = datetime.fromisoformat(raw.strip())
            except ValueError:
                raise _Bad("ingest.bad_datetime", reason) from None
            return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
        if isinstance(raw, str):
            for fmt in formats:
                if "%H" in fmt:
                    try:
                        return datetime.strptime(raw.strip(), fmt).replace(tzinfo=UTC)
                    except ValueError:
                        continue
        return date_conv(raw)

    return conv


def _bool_conv(mapping: dict[str, Any]) -> Converter:
    table = {norm_key(k): bool(v) for k, v in mapping.items()}
    reason = "must be yes or no (" + ", ".join(list(table)[:6] or ["oui", "non", "1", "0"]) + ")"

    def conv(raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        key = norm_key(_text(raw))
        if key in table:
            return table[key]
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise _Bad("ingest.not_bool", reason)

    return conv


def _code_conv(
    allowed: set[str] | None, mapping: dict[str, Any], dimension: str | None
) -> Converter:
    table = {norm_key(k): v for k, v in mapping.items()}
    if allowed is not None:
        for code in allowed:
            table.setdefault(norm_key(code), code)
    examples = ", ".join(list(mapping)[:4] or sorted(allowed or ())[:4])
    reason = (
        f"must be one of the profile's values for {dimension} or a {dimension} code (e.g. {examples})"
        if dimension
        else "must be one of the profile's values"
    )
    cache: dict[Any, str] = {}

    def conv(raw: Any) -> str:
        hit = cache.get(raw)
        if hit is not None:
            return hit
        key = norm_key(_text(raw))
        if key in table:
            out = str(table[key])
        elif allowed is None:
            out = _text(raw)
        else:
            raise _Bad("ingest.unknown_code", reason)
        if len(cache) < 10_000:
            cache[raw] = out
        return out

    return conv


def _band_key(label: str) -> str:
    return "".join(unicodedata.normalize("NFKC", label).translate(_DASHES).split()).casefold()


def _band_conv(labels: list[str], mapping: dict[str, Any], scheme: str | None) -> Converter:
    table = {norm_key(k): str(v) for k, v in mapping.items()}
    table.update({_band_key(lab): lab for lab in labels})
    reason = f"must be an age band of scheme {scheme} ({', '.join(labels)})"

    def conv(raw: Any) -> str:
        s = _text(raw)
        out = table.get(norm_key(s)) or table.get(_band_key(s))
        if out is None and scheme is None:
            return "".join(s.translate(_DASHES).split())
        if out is None:
            raise _Bad("ingest.unknown_band", reason)
        return out

    return conv


def _str_conv(mapping: dict[str, Any], length: int | None, scrubber: Scrubber | None) -> Converter:
    table = {norm_key(k): str(v) for k, v in mapping.items()}

    def conv(raw: Any) -> str:
        s = _text(raw)
        if table:
            s = table.get(norm_key(s), s)
        if scrubber is not None:
            s = scrubber(s)
        if length is not None and len(s) > length:
            raise _Bad("ingest.too_long", f"must be at most {length} characters", show_value=False)
        return s

    return conv
