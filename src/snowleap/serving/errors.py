"""The errors of the serving layer, each mapped to one HTTP status by the handler."""

from __future__ import annotations

from snowleap.errors import SnowleapError


class RequestError(SnowleapError, ValueError):
    """The request cannot be served; ``status`` is the code to answer with (4xx: the request
    itself is wrong).

    Example
    -------
    >>> RequestError(415, "Content-Type 'text/plain' is not supported").status
    415
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class ModelSourceError(SnowleapError, RuntimeError):
    """The model's bytes could not be fetched (S3 unreachable, access denied, no such file)."""


class ModelUnavailableError(SnowleapError, RuntimeError):
    """No model is loaded yet (the first load failed); the next request tries again."""


class ConfigurationError(SnowleapError, ValueError):
    """An environment setting of the function is missing or malformed."""
