"""Indicators with honest uncertainty: counts, rates, survey prevalence, rate ratios, trends,
emerging threats and statistical disclosure control on everything published."""

from marsad.errors import DisclosureError
from marsad.stats._definitions import (
    DefinitionError,
    IndicatorDefinition,
    get_definition,
    load_definitions,
)
from marsad.stats._disclosure import (
    SuppressionRecord,
    add_margins,
    controlled_round,
    protect,
    recoverable,
    round_to_base,
)
from marsad.stats._engine import IndicatorResult, compute_indicator, compute_indicators
from marsad.stats._intervals import (
    Estimate,
    adjust_pvalues,
    clopper_pearson,
    exact_rate_ratio,
    garwood,
    poisson_homogeneity,
    ratio_heterogeneity,
    wilson,
)
from marsad.stats._survey import DesignEstimate, PsuDesign, ratio_variance, survey_proportion
from marsad.stats._trends import ChangeTest, GrowthEstimate, detect_change, fit_growth

__all__ = [
    "ChangeTest",
    "DefinitionError",
    "DesignEstimate",
    "DisclosureError",
    "Estimate",
    "GrowthEstimate",
    "IndicatorDefinition",
    "IndicatorResult",
    "PsuDesign",
    "SuppressionRecord",
    "add_margins",
    "adjust_pvalues",
    "clopper_pearson",
    "compute_indicator",
    "compute_indicators",
    "controlled_round",
    "detect_change",
    "exact_rate_ratio",
    "fit_growth",
    "garwood",
    "get_definition",
    "load_definitions",
    "poisson_homogeneity",
    "protect",
    "ratio_heterogeneity",
    "ratio_variance",
    "recoverable",
    "round_to_base",
    "survey_proportion",
    "wilson",
]
