"""``java.lang.Math``'s functions of doubles, in plain Python, with the JVM's IEEE answers where
Python's ``math`` raises instead (``log(0)`` is -inf, ``sqrt(-1)`` NaN, ``exp(1000)`` inf,
``1 / 0`` inf, ``pow(1, inf)`` NaN).

Both scoring paths call these same functions (a batch maps them over its values in C with
``map_batch``), so their results are identical to the bit. The JVM's ``Math`` may differ from
libm in the last bit for the transcendental functions; the parity tests hold them to 1e-9.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.numeric import np

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

Unary = Callable[[float], float]
Binary = Callable[[float, float], float]


def log(x: float) -> float:
    try:
        return math.log(x)
    except ValueError:
        return -math.inf if x == 0.0 else math.nan


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def sqrt(x: float) -> float:
    try:
        return math.sqrt(x)
    except ValueError:
        return math.nan


def _periodic(function: Unary) -> Unary:
    def apply(x: float) -> float:
        try:
            return function(x)
        except ValueError:  # an infinite angle
            return math.nan

    return apply


sin, cos, tan = _periodic(math.sin), _periodic(math.cos), _periodic(math.tan)


def divide(a: float, b: float) -> float:
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


def power(a: float, b: float) -> float:
    """``Math.pow``: unlike C, NaN for a NaN exponent and for ``(+-1) ** +-inf``."""
    if math.isnan(b) or (math.isinf(b) and abs(a) == 1.0):
        return math.nan
    try:
        return math.pow(a, b)
    except OverflowError:
        negative = a < 0.0 and b == math.floor(b) and math.fmod(b, 2.0) != 0.0
        return -math.inf if negative else math.inf
    except ValueError:
        # NOTE: 0 ** negative is infinite (signed for odd integers); a negative base with a
        # fractional exponent has no real value.
        if a == 0.0:
            odd = b == math.floor(b) and math.fmod(b, 2.0) != 0.0
            return math.copysign(math.inf, a) if odd else math.inf
        return math.nan


def log_n(a: float, b: float) -> float:
    """``Math.log(a) / Math.log(b)``: the logarithm of ``a`` in base ``b``, as MLeap takes it."""
    return divide(log(a), log(b))


def map_batch(function: Unary, values: FloatArray) -> FloatArray:
    """``function`` of every value of a float64 array (the row path's very function)."""
    flat = values.ravel().tolist()
    result = np.fromiter(map(function, flat), dtype=np.float64, count=len(flat))
    return result.reshape(values.shape)


def map_batch2(function: Binary, a: FloatArray, b: FloatArray) -> FloatArray:
    """``function`` of every pair of values of two float64 arrays of one shape."""
    pairs = map(function, a.ravel().tolist(), b.ravel().tolist())
    return np.fromiter(pairs, dtype=np.float64, count=a.size).reshape(a.shape)
