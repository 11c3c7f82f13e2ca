"""The reference-figure model and the findings of the reference linter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from marsad.errors import NotFoundError

__all__ = ["Finding", "ReferenceFigure", "ReferenceSet", "parse_age_band"]

_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|(\+))$")


def parse_age_band(label: str | None) -> tuple[int, int | None] | None:
    """``"15-74"`` → (15, 74); ``"18+"`` → (18, None); empty → None. Raises ValueError."""
    if label is None or not str(label).strip():
        return None
    m = _BAND.match(str(label).strip())
    if not m:
        raise ValueError(f"age band {label!r} is not of the form 15-74 or 18+")
    low = int(m.group(1))
    high = None if m.group(3) else int(m.group(2))
    if high is not None and high < low:
        raise ValueError(f"age band {label!r} ends before it starts")
    return low, high


@dataclass(frozen=True)
class ReferenceFigure:
    """One international or national reference figure, with its source and status.

    ``value`` is set only where the source gives one number; ranges keep ``range_low`` /
    ``range_high``, and the wording of the source ("1 in 10", "nearly 40") stays in
    ``value_text``. ``status`` (VERIFIED, VERIFIED-SECONDARY, UNVERIFIED) travels with the
    figure into every output. Conventions: shared/reference/reference-figures.md A7, A8, D.
    """

    id: str
    indicator: str
    construct: str
    measure: str
    area: str
    iso3: str | None
    subgroup: str | None
    sex: str
    age_band: str | None
    base: str
    period: str
    period_inferred: bool
    year: int
    value: float | None
    range_low: float | None
    range_high: float | None
    value_text: str
    unit: str
    sample_size: str
    source: str
    publisher: str
    release: str
    status: str
    caveat: str
    superseded_by: str | None = None
    original_period: str = ""
    original_sex: str = ""
    original_age: str = ""
    original_unit: str = ""
    origin: str = "builtin"

    @property
    def age_range(self) -> tuple[int, int | None] | None:
        return parse_age_band(self.age_band)

    @property
    def shown_value(self) -> str:
        """The value as the source gives it: the number, the range, or the source's words."""
        if self.value is not None:
            return _fmt(self.value)
        if self.range_low is not None and self.range_high is not None:
            return f"{_fmt(self.range_low)}–{_fmt(self.range_high)}"
        return self.value_text


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


@dataclass(frozen=True)
class ReferenceSet:
    """The reference figures in use: the shipped ones and the user's additions."""

    figures: tuple[ReferenceFigure, ...]

    def __iter__(self) -> Iterator[ReferenceFigure]:
        return iter(self.figures)

    def __len__(self) -> int:
        return len(self.figures)

    def get(self, figure_id: str) -> ReferenceFigure:
        for f in self.figures:
            if f.id == figure_id:
                return f
        raise NotFoundError(
            f"No reference figure with id {figure_id!r}.", code="reference.not_found", id=figure_id
        )

    def by_construct(self, construct: str) -> tuple[ReferenceFigure, ...]:
        return tuple(f for f in self.figures if f.construct == construct)


@dataclass(frozen=True)
class Finding:
    """One problem the reference linter found, located by file, row and column."""

    file: str
    row: int
    column: str
    code: str
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" + (
            f", column '{self.column}'" if self.column else ""
        )
        return f"{where}: {self.severity}: {self.message} [{self.code}]"
