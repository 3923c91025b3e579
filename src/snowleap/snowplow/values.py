"""Typed values from the strings events carry, each failure an ``EventError`` naming the problem.

The caller puts the field's name in front of the message. A message never quotes a value, only
its shape (``shown``): any field can carry personal data when a tracker is misconfigured, and
reasons are logged and returned to callers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Container, Sequence
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


_SHAPE_CACHE_SIZE: Final[int] = 4096


class _Shape(dict[int, str]):
    """``str.translate`` table of a value's shape: every letter of any script ``a`` (lower case
    and letters without case) or ``A`` (upper and title case), every digit or numeral ``9``,
    other ASCII (punctuation, space) kept, anything else outside ASCII (symbols, marks, lone
    surrogates, control characters) ``?``. Filled one code point at a time as values need it."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char.isalpha():
            shape = "A" if char.isupper() or char.istitle() else "a"
        elif char.isdigit() or char.isnumeric():
            shape = "9"
        elif code < 128 and char.isprintable():
            shape = char
        else:
            shape = "?"
        if len(self) < _SHAPE_CACHE_SIZE:
            # NOTE: bounded: a client sending every code point must not grow it without end.
            self[code] = shape
        return shape


_SHAPE: Final[_Shape] = _Shape()


def shape_of(text: str, limit: int = _SHOWN_LENGTH) -> str:
    """The shape of ``text`` (``_Shape``), at most ``limit`` characters (``...`` when cut).

    Example
    -------
    >>> shape_of("Жанна Иванова"), shape_of("jane.doe@example.org")
    ('Aaaaa Aaaaaaa', 'aaaa.aaa@aaaaaaa.aaa')
    """
    cut = len(text) > limit
    shape = text[: limit - 3 if cut else limit].translate(_SHAPE)
    return shape + "..." if cut else shape


def shown(field: str, text: str) -> str:
    """How an error message shows a bad value: its shape only (``shape_of``: letters of any
    script as a/A, digits as 9).

    The shape says what is wrong (``'99999A9999999'``: a letter among digits) without the value;
    personal fields do not even show that.

    Example
    -------
    >>> shown("dvce_created_tstamp", "17955O79829"), shown("user_id", "alice")
    ("shaped '99999A99999'", 'withheld (personal field)')
    """
    if field in PERSONAL_FIELDS:
        return "withheld (personal field)"
    return f"shaped {shape_of(text)!r}"


def named(key: str, known: Container[str]) -> str:
    """A client's key as a message names it: quoted when it is one of the ``known`` Snowplow
    names, else only its shape (a key that is no Snowplow field is the client's own text).

    Example
    -------
    >>> named("dtm", {"dtm"}), named("jane@example.org", {"dtm"})
    ("'dtm'", "a key shaped 'aaaa@aaaaaaa.aaa'")
    """
    return repr(key) if key in known else f"a key shaped {shape_of(key)!r}"


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


# -- whole columns: one value per event of a request, all non-empty --------------------------
# NOTE: the usual column in one pass of C (a join, a length, map(int)); ``None`` when any value
#   is not in the plain form, and the caller reads value by value, naming the first problem.


def _digit_column(column: Sequence[str], digits: int) -> list[int] | None:
    if not "".join(column).isdecimal() or max(map(len, column)) > digits:
        return None
    return list(map(int, column))


def epoch_millis_column(column: Sequence[str]) -> list[int] | None:
    """``check_epoch_millis`` of every value, or ``None`` if one would fail."""
    millis = _digit_column(column, _EPOCH_MILLIS_DIGITS)
    return None if millis is None or max(millis) > _MAX_EPOCH_MILLIS else millis


def epoch_time_column(column: Sequence[str]) -> list[datetime] | None:
    """``parse_epoch_millis`` of every value, or ``None`` if one would fail."""
    millis = epoch_millis_column(column)
    if millis is None:
        return None
    # NOTE: a millisecond times an integer: the same time as whole seconds plus microseconds
    #   (integers, normalized exactly), without timedelta's argument parsing per value.
    return list(map(EPOCH.__add__, map(_MILLISECOND.__mul__, millis)))


_MILLISECOND: Final[timedelta] = timedelta(milliseconds=1)


def int_column(column: Sequence[str]) -> list[int] | None:
    """``parse_int`` of every value (unsigned ones only), or ``None``."""
    return _digit_column(column, _INTEGER_DIGITS)
