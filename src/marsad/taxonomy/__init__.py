"""The versioned threat taxonomy: categories, digital spaces, media, genders, regions, age
schemes and crosswalks to ICCS and GBVIMS, with labels in French, Arabic and English."""

from marsad.taxonomy._model import (
    ADULT_AGE,
    AgeBand,
    AgeScheme,
    Code,
    Mapping,
    Taxonomy,
    load_taxonomy,
)

__all__ = [
    "ADULT_AGE",
    "AgeBand",
    "AgeScheme",
    "Code",
    "Mapping",
    "Taxonomy",
    "load_taxonomy",
]
