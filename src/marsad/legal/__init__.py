"""The legal framework as data: provisions, their coverage of each threat, gaps against
international standards, priorities weighted by the measured burden, and recommendations.

Main entry points: :func:`load_provisions`, :func:`check_files`, :func:`coverage_matrix`,
:func:`find_gaps`, :func:`prioritise`, :func:`recommend` (and :func:`analyse` for the chain).
"""

from marsad.legal._api import (
    LegalAnalysis,
    analyse,
    legal_gaps_output,
    legal_matrix_output,
    legal_recommend_output,
)
from marsad.legal._demo import demo_step
from marsad.legal._export import (
    MARK,
    gaps_rows,
    instrument_rows,
    matrix_rows,
    priorities_rows,
    recommendations_json,
    to_csv,
    to_json,
)
from marsad.legal._gaps import GAP_WEIGHTS, Gap, find_gaps
from marsad.legal._load import CheckIssue, CheckReport, check_files, load_provisions, shipped_files
from marsad.legal._matrix import LEVELS, REASONS, CoverageCell, CoverageMatrix, coverage_matrix
from marsad.legal._model import (
    GROUPS,
    STATUSES,
    Coverage,
    Finding,
    Instrument,
    LegalCorpus,
    MoroccoStatus,
    Penalty,
    Provision,
    VictimScope,
)
from marsad.legal._priority import BurdenLike, Priority, load_burden, prioritise
from marsad.legal._recommend import CitedProvision, Recommendation, recommend

__all__ = [
    "GAP_WEIGHTS",
    "GROUPS",
    "LEVELS",
    "MARK",
    "REASONS",
    "STATUSES",
    "BurdenLike",
    "CheckIssue",
    "CheckReport",
    "CitedProvision",
    "Coverage",
    "CoverageCell",
    "CoverageMatrix",
    "Finding",
    "Gap",
    "Instrument",
    "LegalAnalysis",
    "LegalCorpus",
    "MoroccoStatus",
    "Penalty",
    "Priority",
    "Provision",
    "Recommendation",
    "VictimScope",
    "analyse",
    "check_files",
    "coverage_matrix",
    "demo_step",
    "find_gaps",
    "gaps_rows",
    "instrument_rows",
    "legal_gaps_output",
    "legal_matrix_output",
    "legal_recommend_output",
    "load_burden",
    "load_provisions",
    "matrix_rows",
    "priorities_rows",
    "prioritise",
    "recommend",
    "recommendations_json",
    "shipped_files",
    "to_csv",
    "to_json",
]
