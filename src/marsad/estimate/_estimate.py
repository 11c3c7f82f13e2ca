"""Population estimates per stratum, with the warnings that say when the data cannot support one."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from marsad.config import Settings
from marsad.estimate._errors import EstimateError
from marsad.estimate._histories import (
    CaptureHistories,
    OverlapCell,
    StratumHistories,
    capture_histories,
)
from marsad.estimate._loglinear import MAX_LISTS, ModelFit, MSEFit, fit_loglinear
from marsad.i18n import t
from marsad.store import Store

__all__ = [
    "EstimateWarning",
    "PopulationEstimate",
    "PopulationEstimates",
    "estimate_from_counts",
    "estimate_population",
]

FEW_OVERLAPS = 20  # fewer victims on two lists or more than this: the estimate is fragile
UNSTABLE_RATIO = 20.0  # estimate above 20 x recorded: the model extrapolates too far
DISAGREEMENT_RATIO = 1.5  # plausible models whose estimates differ by more than this factor
STRONG_DEPENDENCE = math.log(5.0)  # |interaction| above log(5): odds ratio beyond 5 or 1/5
LACK_OF_FIT_P = 0.01


@dataclass(frozen=True)
class EstimateWarning:
    """Why an estimate is fragile or missing. ``code`` is stable; ``detail`` names lists etc."""

    code: str
    detail: str = ""

    def text(self, lang: str = "en") -> str:
        return t(f"estimate.warn.{self.code}", lang, detail=self.detail)

    def __str__(self) -> str:
        return f"{self.code}({self.detail})" if self.detail else self.code


@dataclass(frozen=True)
class PopulationEstimate:
    """Multiple-systems estimate of the number of victims in one stratum.

    ``recorded`` victims were seen by at least one source; ``estimate`` is the model-averaged
    log-linear estimate of all victims, seen or not (Fienberg 1972; Buckland et al. 1997) and
    ``lower``/``upper`` its 95 % profile-likelihood interval (Cormack 1992; Fletcher & Turek 2012).
    ``estimate`` is None when the data cannot support one; ``warnings`` say why. ``recorded`` is
    None when the stratum is under the disclosure threshold (``suppressed``).
    """

    stratum: str
    key: tuple[str, ...]
    recorded: int | None
    estimate: float | None
    lower: float | None
    upper: float | None
    model: str
    warnings: tuple[EstimateWarning, ...]
    lists: tuple[str, ...] = ()
    best_model: str = ""
    overlapping: int | None = None
    suppressed: bool = False
    method: str = "log-linear MSE, model-averaged, profile-likelihood 95% CI"
    fit: MSEFit | None = field(default=None, compare=False, repr=False)

    @property
    def hidden(self) -> float | None:
        """Estimated victims that no source recorded."""
        if self.estimate is None or self.recorded is None:
            return None
        return max(0.0, self.estimate - self.recorded)

    @property
    def coverage(self) -> float | None:
        """Share of the estimated victims that at least one source recorded."""
        if self.estimate is None or self.recorded is None or self.estimate <= 0:
            return None
        return self.recorded / self.estimate

    def as_row(self, lang: str = "en") -> dict[str, object]:
        """Flat row for CSV/JSON output (rounded to whole persons)."""
        return {
            "stratum": self.stratum,
            "recorded": self.recorded,
            "estimate": _round(self.estimate),
            "lower": _round(self.lower),
            "upper": _round(self.upper),
            "model": self.model,
            "best_model": self.best_model,
            "warnings": ";".join(str(w) for w in self.warnings),
            "lists": "+".join(self.lists),
            "overlapping": self.overlapping,
            "coverage": None if self.coverage is None else round(self.coverage, 3),
        }


@dataclass(frozen=True)
class PopulationEstimates:
    """All strata of one run: the estimates and the published list-overlap table."""

    lists: tuple[str, ...]
    by: tuple[str, ...]
    criterion: str
    rows: tuple[PopulationEstimate, ...]
    overlaps: tuple[OverlapCell, ...]
    min_cell: int


def _round(x: float | None) -> float | int | None:
    if x is None:
        return None
    if math.isinf(x):
        return x
    return round(x)


def _formula(lists: Sequence[str], m: ModelFit) -> str:
    if not m.pairs:
        return "independence"
    return " + ".join(f"{lists[i]}:{lists[j]}" for i, j in m.pairs)


def estimate_from_counts(
    counts: Mapping[tuple[int, ...], int],
    lists: Sequence[str],
    *,
    stratum: str = "all",
    key: tuple[str, ...] = (),
    min_cell: int = 1,
    criterion: str = "aic",
) -> PopulationEstimate:
    """Estimate one stratum from its capture-history counts (histories ordered like ``lists``).

    Lists that recorded nobody are left out; a list that shares no victim with any other list
    carries no information on the unseen and is dropped with a warning (Chan, Silverman &
    Vincent 2021): its victims stay in ``recorded`` and are part of the population the other
    lists estimate. More than six lists: the smallest are merged into one.
    """
    if criterion not in ("aic", "bic"):
        raise EstimateError(
            f"Unknown information criterion {criterion!r}; use aic or bic.",
            code="estimate.bad_criterion",
            value=criterion,
        )
    lists = list(lists)
    table = {tuple(int(b) for b in h): int(c) for h, c in counts.items() if sum(h) > 0 and c > 0}
    recorded = sum(table.values())
    warnings: list[EstimateWarning] = []

    def result(
        model: str,
        best_model: str = "",
        fit: MSEFit | None = None,
        est: float | None = None,
        lo: float | None = None,
        hi: float | None = None,
    ) -> PopulationEstimate:
        overlapping = sum(c for h, c in table.items() if sum(h) >= 2)
        return PopulationEstimate(
            stratum=stratum,
            key=key,
            recorded=recorded,
            estimate=est,
            lower=lo,
            upper=hi,
            model=model,
            warnings=tuple(warnings),
            lists=tuple(lists),
            best_model=best_model,
            overlapping=overlapping,
            fit=fit,
        )

    if recorded < min_cell:
        return PopulationEstimate(
            stratum=stratum,
            key=key,
            recorded=None,
            estimate=None,
            lower=None,
            upper=None,
            model="-",
            warnings=(EstimateWarning("small_stratum", str(min_cell)),),
            suppressed=True,
        )
    # lists with nobody in this stratum
    used = [i for i in range(len(lists)) if any(h[i] for h in table)]
    table, lists = _keep(table, lists, used)
    # lists that overlap no other list
    while True:
        lonely = [i for i in range(len(lists)) if not any(h[i] and sum(h) >= 2 for h in table)]
        if not lonely or len(lists) <= 2:
            break
        for i in lonely:
            warnings.append(EstimateWarning("dropped_list", lists[i]))
        keep = [i for i in range(len(lists)) if i not in lonely]
        table, lists = _keep(table, lists, keep)
    if len(lists) > MAX_LISTS:
        sizes = sorted(range(len(lists)), key=lambda i: -sum(c for h, c in table.items() if h[i]))
        big, small = sorted(sizes[: MAX_LISTS - 1]), sizes[MAX_LISTS - 1 :]
        warnings.append(EstimateWarning("merged_lists", "+".join(lists[i] for i in small)))
        merged: dict[tuple[int, ...], int] = {}
        for h, c in table.items():
            nh = (*[h[i] for i in big], int(any(h[i] for i in small)))
            merged[nh] = merged.get(nh, 0) + c
        table = merged
        lists = [*[lists[i] for i in big], "+".join(lists[i] for i in small)]
    overlapping = sum(c for h, c in table.items() if sum(h) >= 2)
    if len(lists) < 2:
        warnings.append(EstimateWarning("too_few_lists", "+".join(lists)))
        return result("-")
    if overlapping == 0:
        warnings.append(EstimateWarning("no_overlap"))
        return result("-")
    if overlapping < FEW_OVERLAPS:
        warnings.append(EstimateWarning("few_overlaps", str(overlapping)))
    if len(lists) == 2:
        warnings.append(EstimateWarning("two_lists"))
    fit = fit_loglinear(table, criterion=criterion)
    if fit is None:
        warnings.append(EstimateWarning("no_fit"))
        return result("-")
    for i, j in fit.excluded_pairs:
        warnings.append(EstimateWarning("empty_overlap", f"{lists[i]}+{lists[j]}"))
    best = fit.best
    p = best.gof_pvalue
    if p is not None and p < LACK_OF_FIT_P:
        warnings.append(EstimateWarning("lack_of_fit", f"p={p:.3g}"))
    strong = [
        f"{lists[i]}:{lists[j]}"
        for (i, j), lam in zip(best.pairs, best.interactions, strict=True)
        if abs(lam) > STRONG_DEPENDENCE
    ]
    if strong:
        warnings.append(EstimateWarning("strong_dependence", ", ".join(strong)))
    plausible = [m.estimate for m in fit.averaged if m.weight >= 0.05]
    if plausible and max(plausible) > DISAGREEMENT_RATIO * min(plausible):
        warnings.append(
            EstimateWarning("model_disagreement", f"{min(plausible):.0f}-{max(plausible):.0f}")
        )
    estimate = max(fit.estimate, float(recorded))
    lower = max(fit.lower, float(recorded))
    upper = fit.upper
    if math.isinf(upper) or estimate > UNSTABLE_RATIO * recorded:
        warnings.append(EstimateWarning("unstable"))
    zeros = (2 ** len(lists) - 1) - len(table)
    if len(lists) >= 3 and zeros > (2 ** len(lists) - 1) / 2:
        warnings.append(EstimateWarning("sparse_table", f"{zeros}/{2 ** len(lists) - 1}"))
    n_avg = len(fit.averaged)
    formula = _formula(lists, best)
    model = f"{criterion.upper()} avg of {n_avg}" if n_avg > 1 else formula
    return result(model, formula, fit, estimate, lower, upper)


def _keep(
    table: dict[tuple[int, ...], int], lists: list[str], keep: list[int]
) -> tuple[dict[tuple[int, ...], int], list[str]]:
    out: dict[tuple[int, ...], int] = {}
    for h, c in table.items():
        nh = tuple(h[i] for i in keep)
        if sum(nh) > 0:
            out[nh] = out.get(nh, 0) + c
    return out, [lists[i] for i in keep]


def estimate_population(
    store: Store,
    settings: Settings,
    *,
    by: str | Sequence[str] | None = ("category_group", "gender", "minor"),
    criterion: str = "aic",
    year: int | None = None,
    total: bool = True,
    histories: CaptureHistories | None = None,
) -> PopulationEstimates:
    """Estimate the number of victims per stratum from the overlap of the sources.

    Parameters
    ----------
    store, settings
        The store to read and the settings (``min_cell`` drives disclosure control).
    by
        Stratification dimensions (see :data:`marsad.estimate.BY_DIMENSIONS`).
    criterion
        ``aic`` (default) or ``bic`` for model ranking and averaging weights.
    year
        Only incidents of this year.
    total
        Also estimate the pooled population (first row, stratum ``all``) when ``by`` is given.
    histories
        Precomputed capture histories (skips the query).
    """
    hist = histories or capture_histories(store, settings, by=by, year=year)
    strata: list[StratumHistories] = list(hist.strata)
    rows: list[PopulationEstimate] = []
    overlaps = hist.overlap_table(settings.min_cell)
    if total and hist.by:
        pooled = capture_histories(store, settings, by=(), year=year)
        overlaps = pooled.overlap_table(settings.min_cell) + overlaps
        strata = list(pooled.strata) + strata
        labels = ["all" for _ in pooled.strata] + [st.label(hist.by) for st in hist.strata]
    else:
        labels = [st.label(hist.by) for st in hist.strata]
    for st, label in zip(strata, labels, strict=True):
        rows.append(
            estimate_from_counts(
                st.counts,
                hist.lists,
                stratum=label,
                key=st.key,
                min_cell=settings.min_cell,
                criterion=criterion,
            )
        )
    return PopulationEstimates(
        lists=hist.lists,
        by=hist.by,
        criterion=criterion,
        rows=tuple(rows),
        overlaps=overlaps,
        min_cell=settings.min_cell,
    )
