"""The exceptions snowleap raises: one hierarchy, rooted at ``SnowleapError``.

Every error says what was wrong and where (the bundle file, the column and row, the request).
Catch what you mean; ``except SnowleapError`` catches everything the project raises on purpose::

    SnowleapError
    ├── BundleError                  a bundle cannot be read or makes no sense (ValueError)
    │   └── UnknownOpError           it names an op snowleap does not implement
    ├── InputError                   data given to transform / transform_row does not fit the
    │                                model's inputs, or a LeapFrame cannot be read (ValueError)
    ├── JsonLimitError               untrusted JSON text is invalid or beyond the bounds of
    │                                ``snowleap.bounded_json`` (too deep, too long a number)
    ├── snowplow.PayloadError        a tracker request body holds no readable events (ValueError)
    ├── snowplow.EventError          one Snowplow event is malformed (ValueError)
    ├── serving.RequestError         a scoring request is wrong; carries its 4xx status
    │                                (ValueError)
    ├── serving.ConfigurationError   a Lambda environment setting is wrong (ValueError)
    ├── serving.ModelSourceError     the model's bytes could not be fetched (RuntimeError)
    ├── serving.ModelUnavailableError  no model is loaded yet (RuntimeError)
    └── spark.ExportError            a Spark pipeline could not be exported (RuntimeError)
        ├── spark.StageNotExportableError  a stage cannot be written (no op, no Bundle.ML form)
        ├── spark.SavedModelError    a saved Spark model folder cannot be read
        └── spark.ParityError        the written bundle does not give Spark's numbers

``SnowleapError`` itself is a plain ``Exception``; each class also keeps the built-in base it
always had (``ValueError`` for bad bundles and bad data, ``RuntimeError`` for failures of the
environment), so ``except ValueError`` around ``snowleap.load`` keeps working.
"""

from __future__ import annotations


class SnowleapError(Exception):
    """The root of every error snowleap raises on purpose."""


class BundleError(SnowleapError, ValueError):
    """A bundle could not be read (a file, an attribute, a node), or makes no sense.

    The message is cut at ``bundle.limits.MAX_MESSAGE_LENGTH`` characters: it may quote what a
    hostile bundle holds, and it goes to logs and to ``GET /health``.
    """

    def __init__(self, message: str = "") -> None:
        if len(message) > _MAX_MESSAGE_LENGTH:
            message = f"{message[:_MAX_MESSAGE_LENGTH]}... ({len(message)} characters in all)"
        super().__init__(message)


# NOTE: bundle.limits.MAX_MESSAGE_LENGTH; not imported from there, errors import nothing.
_MAX_MESSAGE_LENGTH = 2000


class UnknownOpError(BundleError):
    """A bundle names an op the runtime does not implement."""


class InputError(SnowleapError, ValueError):
    """Data given to ``transform`` or ``transform_row`` does not fit the model's input schema,
    or holds a value the model refuses (an unseen label under ``handle_invalid = error``...)."""


class JsonLimitError(SnowleapError, ValueError):
    """Untrusted JSON text is not valid JSON, or crosses a bound of ``snowleap.bounded_json``
    (nesting depth, digits of a number, a lone surrogate); the message never quotes the text."""
