"""Ingest: read source files through declarative profiles, validate every row, quarantine what
is wrong, scrub free text, pseudonymise identifiers and link duplicates across sources."""

from marsad.ingest._convert import RowIssue
from marsad.ingest._dedup import link_duplicates
from marsad.ingest._pipeline import ImportReport, ingest_file
from marsad.ingest._profile import (
    FieldSpec,
    FormatSpec,
    Profile,
    SourceSpec,
    list_profiles,
    load_profile,
    profile_from_dict,
)
from marsad.ingest._pseudonym import Pseudonymiser, normalise_identifier
from marsad.ingest._scrub import PLACEHOLDERS, Scrubber, scrub
from marsad.ingest._summary import IngestSummary, SourceCounts, demo_step, ingest_summary

__all__ = [
    "PLACEHOLDERS",
    "FieldSpec",
    "FormatSpec",
    "ImportReport",
    "IngestSummary",
    "Profile",
    "Pseudonymiser",
    "RowIssue",
    "Scrubber",
    "SourceCounts",
    "SourceSpec",
    "demo_step",
    "ingest_file",
    "ingest_summary",
    "link_duplicates",
    "list_profiles",
    "load_profile",
    "normalise_identifier",
    "profile_from_dict",
    "scrub",
]
