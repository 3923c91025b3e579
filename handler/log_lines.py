"""Log lines in Powertools' JSON format for the hot path, without ``logging``'s per-call machinery.

``Logger.info`` makes a ``LogRecord``, walks the caller's frames, copies the record's
``__dict__``, filters it against the reserved attributes and formats every key again: about
100 µs a line here, more than scoring the session the line is about. ``LineWriter.info`` writes
the same line: the formatter's keys in its order (persistent keys, context keys, then the line's
own fields; ``None`` values left out; the X-Ray trace id last), serialized by the formatter's own
serializer, written to the logger's own handler. Whatever it cannot reproduce exactly (another
formatter, filters, log buffering, a key format it does not know) goes through ``Logger.info``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import (
    RESERVED_LOG_ATTRS,
    LambdaPowertoolsFormatter,
    _get_context,
)

_NOT_REPRODUCED = (KeyError, TypeError, ValueError)


class LineWriter:
    """INFO lines of ``logger``, each built once and written straight to its handler."""

    def __init__(self, logger: Logger) -> None:
        self._logger = logger

    def info(self, message: str, fields: Mapping[str, Any]) -> None:
        logger = self._logger
        if not logger._logger.isEnabledFor(logging.INFO):
            return
        handler = logger.registered_handler
        formatter = logger.registered_formatter
        caller = sys._getframe(1)
        location = (caller.f_code.co_name, caller.f_lineno)
        if not self._reproducible(handler, formatter):
            logger.info(message, extra=dict(fields), stacklevel=2)
            return
        assert isinstance(formatter, LambdaPowertoolsFormatter)
        assert isinstance(handler, logging.StreamHandler)
        try:
            line = _line(formatter, message, location, fields)
        except _NOT_REPRODUCED:
            logger.info(message, extra=dict(fields), stacklevel=2)
            return
        handler.acquire()
        try:
            handler.stream.write(line + handler.terminator)
            handler.flush()
        finally:
            handler.release()

    def _reproducible(self, handler: logging.Handler, formatter: Any) -> bool:
        # NOTE: exactly Powertools' formatter (not a subclass, which may format differently),
        #   a plain stream handler, nothing filtering or buffering lines.
        return (
            type(formatter) is LambdaPowertoolsFormatter
            and type(handler) is logging.StreamHandler
            and not handler.filters
            and not self._logger._logger.filters
            and not getattr(self._logger, "_buffer_config", None)
        )


def _line(
    formatter: LambdaPowertoolsFormatter,
    message: str,
    location: tuple[str, int],
    fields: Mapping[str, Any],
) -> str:
    """The line ``formatter`` writes for ``logger.info(message, extra=fields)`` at ``location``."""
    created = time.time()
    stamp = SimpleNamespace(created=created, msecs=int((created - int(created)) * 1000) + 0.0)
    attributes = {
        "levelname": "INFO",
        "levelno": logging.INFO,
        "funcName": location[0],
        "lineno": location[1],
        "asctime": formatter.formatTime(stamp),  # type: ignore[arg-type]
        "created": created,
        "msecs": stamp.msecs,
    }
    record: dict[str, Any] = {}
    for keys in (formatter.log_format, _get_context().get()):
        for key, value in keys.items():
            if value and key in RESERVED_LOG_ATTRS:
                # NOTE: a format naming an attribute not above raises KeyError: Logger.info's way.
                record[key] = value % attributes
            else:
                record[key] = value
    record.update(fields)
    record["message"] = message
    record["xray_trace_id"] = formatter._get_latest_trace_id()
    return formatter.serialize({k: v for k, v in record.items() if v is not None})
