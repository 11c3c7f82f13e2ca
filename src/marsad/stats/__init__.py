"""Indicators with honest uncertainty: counts, rates, survey prevalence, rate ratios, trends,
emerging threats and statistical disclosure control on everything published."""

from marsad.errors import DisclosureError
from marsad.stats._burden import CategoryBurden, category_burden, latest_full_year
from marsad.stats._definitions import (
    DefinitionError,
    IndicatorDefinition,
    get_definition,
    load_definitions,
)
from marsad.stats._demo import demo_step
from marsad.stats._disclosure import (
    SuppressionRecord,
    add_margins,
    controlled_round,
    protect,
    recoverable,
    round_to_base,
)
from marsad.stats._engine import IndicatorResult, compute_indicator, compute_indicators
from marsad.stats._export import check_published, safe_cell, safe_frame, write_indicators
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
from marsad.stats._threats import (
    EmergingThreat,
    FlagRule,
    ThreatSeries,
    assess_series,
    emerging_threats,
    monthly_series,
)
from marsad.stats._trends import (
    ChangeTest,
    GrowthEstimate,
    detect_change,
    fit_growth,
    fit_growth_many,
)

__all__ = [
    "CategoryBurden",
    "ChangeTest",
    "DefinitionError",
    "DesignEstimate",
    "DisclosureError",
    "EmergingThreat",
    "Estimate",
    "FlagRule",
    "GrowthEstimate",
    "IndicatorDefinition",
    "IndicatorResult",
    "PsuDesign",
    "SuppressionRecord",
    "ThreatSeries",
    "add_margins",
    "adjust_pvalues",
    "assess_series",
    "category_burden",
    "check_published",
    "clopper_pearson",
    "compute_indicator",
    "compute_indicators",
    "controlled_round",
    "demo_step",
    "detect_change",
    "emerging_threats",
    "exact_rate_ratio",
    "fit_growth",
    "fit_growth_many",
    "garwood",
    "get_definition",
    "latest_full_year",
    "load_definitions",
    "monthly_series",
    "poisson_homogeneity",
    "protect",
    "ratio_heterogeneity",
    "ratio_variance",
    "recoverable",
    "round_to_base",
    "safe_cell",
    "safe_frame",
    "survey_proportion",
    "wilson",
    "write_indicators",
]
