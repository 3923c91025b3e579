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

import functools
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import RESERVED_LOG_ATTRS, LambdaPowertoolsFormatter
from aws_lambda_powertools.shared import constants

_NOT_REPRODUCED = (KeyError, TypeError, ValueError)


class LineWriter:
    """INFO lines of ``logger``, each built once and written straight to its handler.

    NOTE: what a line holds besides its time and fields changes once per invocation (the
    request's keys, the trace id), so it is serialized once per invocation and call site
    (``_Template``); a line is then its time and its fields' JSON spliced in.
    """

    def __init__(self, logger: Logger) -> None:
        self._logger = logger
        self._templates: dict[tuple[Any, ...], _Template | None] = {}

    def info(self, message: str, fields: Mapping[str, Any]) -> None:
        logger = self._logger
        if not logger._logger.isEnabledFor(logging.INFO):
            return
        handler = logger.registered_handler
        formatter = logger.registered_formatter
        caller = sys._getframe(1)
        location = (caller.f_code.co_name, caller.f_lineno)
        line = None
        if self._reproducible(handler, formatter):
            assert isinstance(formatter, LambdaPowertoolsFormatter)
            try:
                line = self._line(formatter, message, location, fields)
            except _NOT_REPRODUCED:
                line = None
        if line is None:
            logger.info(message, extra=dict(fields), stacklevel=2)
            return
        assert isinstance(handler, logging.StreamHandler)
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
        self,
        formatter: LambdaPowertoolsFormatter,
        message: str,
        location: tuple[str, int],
        fields: Mapping[str, Any],
    ) -> str | None:
        # NOTE: the thread-local keys (append_context_keys); none in a Powertools without them.
        context: Mapping[str, Any] = getattr(formatter, "thread_safe_get_current_keys", dict)()
        # NOTE: a TypeError here (a key's value that cannot be hashed) means no template.
        key = (
            tuple(formatter.log_format.items()),
            tuple(context.items()),
            message,
            location,
            os.environ.get(constants.XRAY_TRACE_ID_ENV),
        )
        if key not in self._templates:
            if len(self._templates) >= _MAX_TEMPLATES:
                self._templates.clear()
            self._templates[key] = _Template.of(formatter, message, location, context)
        template = self._templates[key]
        if template is None or not template.names.isdisjoint(fields):
            # NOTE: a field named like one of the line's own keys replaces it in place.
            return _untemplated_line(formatter, message, location, fields, context)
        extra = template.serialize({k: v for k, v in fields.items() if v is not None})
        created = time.time()
        stamp = formatter.formatTime(_stamp(created))  # type: ignore[arg-type]
        spliced = "," + extra[1:-1] if len(extra) > 2 else ""
        return f"{template.head}{json.dumps(stamp)}{template.middle}{spliced}{template.tail}"


_MAX_TEMPLATES = 64
# NOTE: stand-ins serialized in place of the time and the fields, then split on.
_TIME = "\x00snowleap-time\x00"
_FIELDS = "\x00snowleap-fields\x00"


class _Template:
    """A line of one call site in one invocation, serialized around its time and its fields."""

    __slots__ = ("head", "middle", "names", "serialize", "tail")

    def __init__(
        self,
        head: str,
        middle: str,
        tail: str,
        names: frozenset[str],
        serialize: Callable[[Any], str],
    ) -> None:
        self.head, self.middle, self.tail, self.names = head, middle, tail, names
        self.serialize = serialize

    @classmethod
    def of(
        cls,
        formatter: LambdaPowertoolsFormatter,
        message: str,
        location: tuple[str, int],
        context: Mapping[str, Any],
    ) -> _Template | None:
        """``None`` when the formatter's line has no time to splice in (or a serializer of its
        own writes the stand-ins otherwise)."""
        record = _record(formatter, message, location, {_FIELDS: 0}, context, asctime=_TIME)
        text = formatter.serialize(record)
        time_json, fields_json = json.dumps(_TIME), f",{json.dumps(_FIELDS)}:0"
        if text.count(time_json) != 1 or text.count(fields_json) != 1:
            return None
        head, rest = text.split(time_json)
        middle, tail = rest.split(fields_json)
        return cls(head, middle, tail, frozenset(record) - {_FIELDS}, _serializer(formatter))


def _serializer(formatter: LambdaPowertoolsFormatter) -> Callable[[Any], str]:
    """The formatter's serializer; its default (``json.dumps`` with fixed options, which builds
    a new encoder per call) as one encoder with the same options."""
    serializer = formatter.json_serializer
    if isinstance(serializer, functools.partial) and serializer.func is json.dumps:
        return json.JSONEncoder(**serializer.keywords).encode
    return serializer


def _stamp(created: float) -> SimpleNamespace:
    """What ``formatTime`` reads of a ``LogRecord``: its time and milliseconds."""
    return SimpleNamespace(created=created, msecs=int((created - int(created)) * 1000) + 0.0)


def _untemplated_line(
    formatter: LambdaPowertoolsFormatter,
    message: str,
    location: tuple[str, int],
    fields: Mapping[str, Any],
    context: Mapping[str, Any],
) -> str:
    """The line ``formatter`` writes for ``logger.info(message, extra=fields)`` at ``location``."""
    asctime = formatter.formatTime(_stamp(time.time()))  # type: ignore[arg-type]
    return formatter.serialize(_record(formatter, message, location, fields, context, asctime))


def _record(
    formatter: LambdaPowertoolsFormatter,
    message: str,
    location: tuple[str, int],
    fields: Mapping[str, Any],
    context: Mapping[str, Any],
    asctime: str,
) -> dict[str, Any]:
    """The formatter's structured record of the line (None values left out)."""
    attributes = {
        "levelname": "INFO",
        "levelno": logging.INFO,
        "funcName": location[0],
        "lineno": location[1],
        "asctime": asctime,
    }
    record: dict[str, Any] = {}
    for keys in (formatter.log_format, context):
        for key, value in keys.items():
            if value and key in RESERVED_LOG_ATTRS:
                # NOTE: a format naming an attribute not above raises KeyError: Logger.info's way.
                record[key] = value % attributes
            else:
                record[key] = value
    record.update(fields)
    record["message"] = message
    record["xray_trace_id"] = formatter._get_latest_trace_id()
    return {k: v for k, v in record.items() if v is not None}
