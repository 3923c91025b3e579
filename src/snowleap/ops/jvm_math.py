"""Java's ``Math`` functions where Python's differ, and a way to apply one to a whole batch.

Python's ``math`` raises where Java returns a value (``pow(-8.0, 1/3)`` is NaN on the JVM, a
``ValueError`` here; an overflow is infinity there, an ``OverflowError`` here). The scalar
functions below return what Java returns, and ``elementwise`` applies such a function to every
value of an array (``elementwise2`` to every pair of two), so a batch computes with the very
function the row path calls: numpy's own SIMD kernels (``np.power``, ``np.exp``) can differ
from libm in the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.numeric import np

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray


def _is_odd_integer(value: float) -> bool:
    return math.isfinite(value) and value == math.floor(value) and math.fmod(value, 2.0) != 0.0


def java_pow(base: float, exponent: float) -> float:
    """``Math.pow`` of the JVM.

    Example
    -------
    >>> java_pow(-8.0, 1.0 / 3.0), java_pow(0.0, -1.0), java_pow(10.0, 400.0)
    (nan, inf, inf)
    >>> java_pow(1.0, math.nan), java_pow(-0.0, -3.0)
    (nan, -inf)
    """
    if math.isnan(exponent):
        return math.nan
    if math.isinf(exponent) and abs(base) == 1.0:
        return math.nan
    try:
        return math.pow(base, exponent)
    except OverflowError:
        negative = base < 0.0 and _is_odd_integer(exponent)
        return -math.inf if negative else math.inf
    except ValueError:
        if base == 0.0:  # a negative exponent of zero
            negative = math.copysign(1.0, base) < 0.0 and _is_odd_integer(exponent)
            return -math.inf if negative else math.inf
        return math.nan  # a negative base to a non-integer power


def log(x: float) -> float:
    """``Math.log``: -inf at 0, NaN below it."""
    try:
        return math.log(x)
    except ValueError:
        return -math.inf if x == 0.0 else math.nan


def sqrt(x: float) -> float:
    """``Math.sqrt``: NaN below 0 (-0.0 stays -0.0)."""
    try:
        return math.sqrt(x)
    except ValueError:
        return math.nan


def _periodic(function: Callable[[float], float]) -> Callable[[float], float]:
    def apply(x: float) -> float:
        try:
            return function(x)
        except ValueError:  # an infinite angle
            return math.nan

    return apply


sin, cos, tan = _periodic(math.sin), _periodic(math.cos), _periodic(math.tan)


def divide(a: float, b: float) -> float:
    """``a / b`` of doubles: infinity (signed) for a non-zero ``a`` over 0, NaN for 0 / 0."""
    if b != 0.0:
        return a / b
    if a == 0.0 or math.isnan(a):
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def remainder(a: float, b: float) -> float:
    """Java's ``%`` of doubles: C's ``fmod`` (the sign of ``a``), NaN where it is undefined."""
    try:
        return math.fmod(a, b)
    except ValueError:
        return math.nan


def log_n(a: float, b: float) -> float:
    """``Math.log(a) / Math.log(b)``: the logarithm of ``a`` in base ``b``, as MLeap takes it."""
    return divide(log(a), log(b))


def elementwise(function: Callable[[float], float], values: FloatArray) -> FloatArray:
    """``function`` of every value (any shape), as a float64 array of the same shape.

    Example
    -------
    >>> elementwise(lambda x: java_pow(x, 0.5), np.array([4.0, -1.0])).tolist()
    [2.0, nan]
    """
    flat = values.ravel().tolist()
    result = np.fromiter(map(function, flat), dtype=np.float64, count=len(flat))
    return result.reshape(values.shape)


def elementwise2(
    function: Callable[[float, float], float], a: FloatArray, b: FloatArray
) -> FloatArray:
    """``function`` of every pair of values of two float64 arrays of one shape."""
    pairs = map(function, a.ravel().tolist(), b.ravel().tolist())
    return np.fromiter(pairs, dtype=np.float64, count=a.size).reshape(a.shape)
