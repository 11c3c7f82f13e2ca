"""International comparison: reference figures with sources and status, harmonisation of
national indicators with them (constructs, periods, bases, exact age re-banding), and
side-by-side tables and charts. See docs/compare.md."""

from marsad.compare._chart import comparison_chart
from marsad.compare._compare import CSV_COLUMNS, Comparison, compare
from marsad.compare._demo import demo_step, national_from_stats
from marsad.compare._harmonise import Pair, Reason, harmonise
from marsad.compare._model import Finding, ReferenceFigure, ReferenceSet, parse_age_band
from marsad.compare._national import NationalMap, NationalValue, load_national_map, national_table
from marsad.compare._reference import (
    COLUMNS,
    check_reference,
    figures_to_csv,
    load_reference,
)
from marsad.compare._uncts import import_uncts
from marsad.compare._vocab import Vocabulary, load_vocabulary

__all__ = [
    "COLUMNS",
    "CSV_COLUMNS",
    "Comparison",
    "Finding",
    "NationalMap",
    "NationalValue",
    "Pair",
    "Reason",
    "ReferenceFigure",
    "ReferenceSet",
    "Vocabulary",
    "check_reference",
    "compare",
    "comparison_chart",
    "demo_step",
    "figures_to_csv",
    "harmonise",
    "import_uncts",
    "load_national_map",
    "load_reference",
    "load_vocabulary",
    "national_from_stats",
    "national_table",
    "parse_age_band",
]
