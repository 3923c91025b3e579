"""Java's string rules where Spark's and MLeap's text ops depend on them, in Python.

* ``java_split``: ``String.split(regex)`` (limit 0): no empty strings at the end, none at the
  start for a zero-width match there, the whole string when nothing matches (so ``""`` gives
  ``[""]``, and a string of separators gives ``[]``).
* ``java_length``: ``String.length()``, in UTF-16 code units: a character outside the Basic
  Multilingual Plane (an emoji) counts 2.
* ``java_pattern``: a ``java.util.regex`` pattern compiled for Python's ``re``: with ``re.ASCII``,
  as Java's ``\\s``, ``\\w``, ``\\d`` are ASCII by default; syntax only Java reads (``\\p{L}``...)
  is refused when the bundle loads, naming the pattern.

Lower-casing is Python's ``str.lower``, which follows the same Unicode rules as Java's
``toLowerCase`` in a non-Turkish locale (final sigma included).

Example
-------
>>> java_split(java_pattern("\\\\s", "test"), " a  b ")
['', 'a', '', 'b']
>>> java_split(java_pattern("\\\\s", "test"), ""), java_length("a😀")
([''], 3)
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from snowleap.errors import BundleError

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def java_pattern(pattern: str, where: str) -> re.Pattern[str]:
    """``pattern`` compiled as Java reads it, or ``BundleError`` naming it and ``where``."""
    try:
        return re.compile(pattern, re.ASCII)
    except re.error as exc:
        raise BundleError(
            f"{where}: pattern {pattern!r} is not one Python's re can read as Java does ({exc})"
        ) from None


def java_split(pattern: re.Pattern[str], text: str) -> list[str]:
    """``text.split(pattern)`` with Java's rules (see the module docstring)."""
    parts: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        if match.end() == 0:
            # NOTE: a zero-width match at the beginning never gives a leading empty string
            continue
        parts.append(text[start : match.start()])
        start = match.end()
    if not parts:
        return [text]
    parts.append(text[start:])
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def java_length(text: str) -> int:
    """``text.length()`` in Java: UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


def java_double_string(value: float) -> str:
    """``Double.toString(value)``: plain decimals from 10^-3 up to 10^7, else ``d.dddE±n``.

    NOTE: the shortest digits that read back as ``value`` (Python's ``repr``), which is what Java
    prints from JDK 19 on; Java 17 prints a longer form for a few values.

    Example
    -------
    >>> [java_double_string(v) for v in (1.0, 0.001, 1e7, 1.5e-5, -0.0)]
    ['1.0', '0.001', '1.0E7', '1.5E-5', '-0.0']
    """
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    exponent = int(digits_tuple.exponent) + len(digits) - 1  # of the first digit
    if 1e-3 <= abs(value) < 1e7:
        if exponent >= 0:
            whole, fraction = (
                digits[: exponent + 1].ljust(exponent + 1, "0"),
                digits[exponent + 1 :],
            )
        else:
            whole, fraction = "0", "0" * (-exponent - 1) + digits
        return f"{sign}{whole}.{fraction or '0'}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"
