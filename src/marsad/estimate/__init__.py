"""Multiple-systems estimation of the victims the records miss, and the reporting gap.

``capture_histories`` counts, per stratum, which sources recorded each victim pseudonym;
``estimate_population`` fits log-linear capture-recapture models to those counts and averages
them; ``reporting_gap`` sets recorded victims against the survey's weighted prevalence.
"""

from marsad.estimate._chart import recorded_vs_estimated_chart, recorded_vs_estimated_figure
from marsad.estimate._demo import demo_step, truth_check
from marsad.estimate._errors import EstimateError
from marsad.estimate._estimate import (
    EstimateWarning,
    PopulationEstimate,
    PopulationEstimates,
    estimate_from_counts,
    estimate_population,
)
from marsad.estimate._gap import GapRow, ReportingGap, design_proportion, reporting_gap
from marsad.estimate._histories import (
    BY_DIMENSIONS,
    CATEGORY_GROUPS,
    LIST_KINDS,
    CaptureHistories,
    OverlapCell,
    StratumHistories,
    capture_histories,
    parse_by,
)
from marsad.estimate._loglinear import ModelFit, MSEFit, fit_loglinear
from marsad.estimate._render import FORMATS, render_estimates, render_gap

__all__ = [
    "BY_DIMENSIONS",
    "CATEGORY_GROUPS",
    "FORMATS",
    "LIST_KINDS",
    "CaptureHistories",
    "EstimateError",
    "EstimateWarning",
    "GapRow",
    "MSEFit",
    "ModelFit",
    "OverlapCell",
    "PopulationEstimate",
    "PopulationEstimates",
    "ReportingGap",
    "StratumHistories",
    "capture_histories",
    "demo_step",
    "design_proportion",
    "estimate_from_counts",
    "estimate_population",
    "fit_loglinear",
    "parse_by",
    "recorded_vs_estimated_chart",
    "recorded_vs_estimated_figure",
    "render_estimates",
    "render_gap",
    "reporting_gap",
    "truth_check",
]
