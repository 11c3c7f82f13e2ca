"""The legal framework as data: provisions, their coverage of each threat, gaps against
international standards, priorities weighted by the measured burden, and recommendations."""

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

__all__ = [
    "GROUPS",
    "LEVELS",
    "REASONS",
    "STATUSES",
    "CheckIssue",
    "CheckReport",
    "Coverage",
    "CoverageCell",
    "CoverageMatrix",
    "Finding",
    "Instrument",
    "LegalCorpus",
    "MoroccoStatus",
    "Penalty",
    "Provision",
    "VictimScope",
    "check_files",
    "coverage_matrix",
    "load_provisions",
    "shipped_files",
]
