"""Marsad: a toolkit for observatories of technology-facilitated violence."""

from marsad.errors import MarsadError

__version__ = "0.1.0"

__all__ = ["MarsadError", "__version__"]
