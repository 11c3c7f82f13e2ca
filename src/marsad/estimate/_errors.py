"""The estimate stage's error (a :class:`~marsad.errors.MarsadError`)."""

from __future__ import annotations

from marsad.errors import MarsadError

__all__ = ["EstimateError"]


class EstimateError(MarsadError):
    """Bad input to the estimate stage: an unknown dimension, format or criterion."""

    code = "estimate.error"
