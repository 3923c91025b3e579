"""Typed values from the strings events carry, each failure an ``EventError`` naming the problem.

The caller puts the field's name in front of the message. A message never quotes a value, only
its shape (``shown``): any field can carry personal data when a tracker is misconfigured, and
reasons are logged and returned to callers.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Final

from snowleap.snowplow.errors import EventError
from snowleap.snowplow.privacy import PERSONAL_FIELDS

EPOCH: Final[datetime] = datetime(1970, 1, 1, tzinfo=UTC)
_SHOWN_LENGTH: Final[int] = 40
# NOTE: a strict shape first, because datetime.fromisoformat alone also accepts dates without a
# time, week dates and offsets, which no Snowplow timestamp ever is.
_TSV_TSTAMP: Final[re.Pattern[str]] = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z?"
)
# NOTE: epoch milliseconds are 1-15 decimal digits, integers 1-18 with an optional sign. Checked
# with str.isdecimal, which accepts exactly what the regular expression \d does (Unicode category
# Nd) at a fraction of its cost: every tracker event carries two or three of them.
_EPOCH_MILLIS_DIGITS: Final[int] = 15
_INTEGER_DIGITS: Final[int] = 18
_MAX_EPOCH_MILLIS: Final[int] = (datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(
    milliseconds=1
)


_SHAPE: Final[dict[int, int]] = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "a" * 26 + "A" * 26 + "9" * 10,
)


def shown(field: str, text: str) -> str:
    """How an error message shows a bad value: its shape only, letters as a/A and digits as 9.

    The shape says what is wrong (``'99999A9999999'``: a letter among digits) without the value;
    personal fields do not even show that.

    Example
    -------
    >>> shown("dvce_created_tstamp", "17955O79829"), shown("user_id", "alice")
    ("shaped '99999A99999'", 'withheld (personal field)')
    """
    if field in PERSONAL_FIELDS:
        return "withheld (personal field)"
    shape = text.translate(_SHAPE)
    if len(shape) > _SHOWN_LENGTH:
        shape = shape[: _SHOWN_LENGTH - 3] + "..."
    return f"shaped {shape!r}"


def parse_timestamp(field: str, text: str) -> datetime:
    """``YYYY-MM-DD hh:mm:ss[.ffffff]`` (enriched TSV) or with ``T`` and ``Z`` (SDK JSON), UTC."""
    if _TSV_TSTAMP.fullmatch(text) is None:
        raise EventError(f"not a timestamp, {shown(field, text)}")
    try:
        parsed = datetime.fromisoformat(text.removesuffix("Z"))
    except ValueError:
        raise EventError(f"not a valid date and time, {shown(field, text)}") from None
    return parsed.replace(tzinfo=UTC)


def check_epoch_millis(field: str, text: str) -> int:
    """Epoch milliseconds as the tracker protocol sends them (``dtm``, ``stm``, ``ttm``), checked:
    1-15 digits, within the range of ``datetime``."""
    if not (text.isdecimal() and len(text) <= _EPOCH_MILLIS_DIGITS):
        raise EventError(f"not epoch milliseconds, {shown(field, text)}")
    millis = int(text)
    if millis > _MAX_EPOCH_MILLIS:
        raise EventError(f"epoch milliseconds out of range, {shown(field, text)}")
    return millis


def parse_epoch_millis(field: str, text: str) -> datetime:
    """The time of epoch milliseconds (``check_epoch_millis``), timezone-aware UTC."""
    # NOTE: the check's usual outcome inline (every tracker event has a dtm); the rest, and every
    # error message, are check_epoch_millis's.
    if text.isdecimal() and len(text) <= _EPOCH_MILLIS_DIGITS:
        millis = int(text)
        if millis <= _MAX_EPOCH_MILLIS:
            return EPOCH + timedelta(0, millis // 1000, millis % 1000 * 1000)
    millis = check_epoch_millis(field, text)
    return EPOCH + timedelta(0, millis // 1000, millis % 1000 * 1000)


def parse_int(field: str, text: str) -> int:
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isdecimal() and len(digits) <= _INTEGER_DIGITS):
        raise EventError(f"not an integer, {shown(field, text)}")
    return int(text)


def parse_double(field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise EventError(f"not a number, {shown(field, text)}") from None
    if not math.isfinite(value):
        raise EventError(f"not a finite number, {shown(field, text)}")
    return value


def parse_bool(field: str, text: str) -> bool:
    """``1``/``0`` as enriched TSV writes booleans (``true``/``false`` accepted too)."""
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise EventError(f"not a boolean (expected 1 or 0), {shown(field, text)}")
