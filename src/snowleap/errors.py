"""The exceptions snowleap raises.

Every problem with a bundle or with the data given to a model is a ``BundleError``, which is a
``ValueError``, so callers can catch one type; the message always names where the problem is.
"""

from __future__ import annotations


class BundleError(ValueError):
    """A bundle could not be read, or a model could not score what it was given."""


class UnknownOpError(BundleError):
    """A bundle names an op the runtime does not implement."""


class InputError(BundleError):
    """Data given to ``transform`` or ``transform_row`` does not fit the model's input schema."""
