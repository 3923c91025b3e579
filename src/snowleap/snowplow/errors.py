"""Errors of the Snowplow layer.

``PayloadError`` is for a request that holds no readable events at all (not JSON, not a
``payload_data`` envelope); a single bad event never raises, it is reported as ``Rejected``.
"""

from __future__ import annotations

from snowleap.errors import SnowleapError


class PayloadError(SnowleapError, ValueError):
    """A tracker request body is not a ``payload_data`` envelope, so no event in it can be read."""


class EventError(SnowleapError, ValueError):
    """One event is malformed; the message is the precise reason (which field, what is wrong)."""
