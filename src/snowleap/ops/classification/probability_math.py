"""The probability math every classifier shares, for a batch (numpy) and for one row (floats).

Written with the same operations in the same order in both paths, so both give identical
numbers. ``exp`` is libm's (``math.exp``) in both paths, element by element in a batch:
``numpy.exp`` differs from it in the last bit for some inputs, and the row path must not import
numpy. An argmax is Spark's: the first index of the largest value, where a NaN never wins unless
it comes first.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from snowleap.numeric import np
from snowleap.ops.linalg import sequential_sum, sequential_sum_batch

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

# NOTE: below this, exp cannot overflow (math.exp raises OverflowError above about 709.78).
_EXP_SAFE_BELOW = 709.0


def exp_row(value: float) -> float:
    """``exp`` of one value; overflow gives infinity, as on the JVM."""
    try:
        return math.exp(value)
    except OverflowError:
        return math.inf


def exp_batch(values: FloatArray) -> FloatArray:
    """``exp_row`` of every value (libm's exp, as the row path: bit-identical results)."""
    flat = values.ravel()
    # NOTE: math.exp mapped over a list runs in C; the few values that could overflow go through
    # exp_row afterwards (a map would stop at the first OverflowError).
    risky = ~(flat < _EXP_SAFE_BELOW)
    safe = np.where(risky, 0.0, flat) if risky.any() else flat
    result = np.fromiter(map(math.exp, safe.tolist()), dtype=np.float64, count=len(flat))
    for index in np.flatnonzero(risky).tolist():
        result[index] = exp_row(float(flat[index]))
    return result.reshape(values.shape)


def sigmoid_batch(values: FloatArray) -> FloatArray:
    """``1 / (1 + exp(-z))``, Spark's logistic function."""
    return 1.0 / (1.0 + exp_batch(-values))


def sigmoid_row(value: float) -> float:
    return 1.0 / (1.0 + exp_row(-value))


def argmax_batch(values: FloatArray) -> FloatArray:
    """Spark's ``Vector.argmax`` per row, as a double: the first index of the largest value."""
    best = values[:, 0]
    index = np.zeros(values.shape[0], dtype=np.float64)
    for k in range(1, values.shape[1]):
        column = values[:, k]
        better = column > best
        index = np.where(better, float(k), index)
        best = np.where(better, column, best)
    return index


def argmax_row(values: list[float]) -> float:
    if len(values) == 2:
        # NOTE: the loop below for two values, the common case of a binary classifier.
        return 1.0 if values[1] > values[0] else 0.0
    # NOTE: ``max`` keeps the first of equal values and moves on only for a larger one
    # (``value > best``), so a NaN never wins unless it comes first: Spark's argmax, in C.
    best_index: int = max(range(len(values)), key=values.__getitem__)
    return float(best_index)


def normalize_batch(values: FloatArray) -> FloatArray:
    """Each row divided by its sum, unless the sum is 0 (MLeap's ``normalizeToProbabilities``)."""
    total = sequential_sum_batch(values)[:, np.newaxis]
    nonzero = total != 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(nonzero, values / np.where(nonzero, total, 1.0), values)


def normalize_row(values: list[float]) -> list[float]:
    # NOTE: ``sequential_sum``'s additions (0.0, then each value in order), written out: a
    # function call costs more than the sum of a few values; two classes are the common case.
    if len(values) == 2:
        first, second = values
        pair_total = 0.0 + first + second
        if pair_total != 0.0:
            return [first / pair_total, second / pair_total]
        return [first, second]
    total = 0.0
    for value in values:
        total += value
    if total != 0.0:
        return [value / total for value in values]
    return list(values)


#: where a softmax's maximum starts (the JVM's ``Double.MinValue``): a NaN never becomes it
_LOWEST = -1.7976931348623157e308


def softmax_batch(raw: FloatArray) -> FloatArray:
    """``exp(v - max)`` of each value divided by the row's sum (Spark's and MLeap's softmax of
    the MLP and naive Bayes): the maximum found with ``>`` from the lowest double."""
    largest = np.full(raw.shape[0], _LOWEST)
    for k in range(raw.shape[1]):
        largest = np.where(raw[:, k] > largest, raw[:, k], largest)
    exps = exp_batch(raw - largest[:, np.newaxis])
    result: FloatArray = exps / sequential_sum_batch(exps)[:, np.newaxis]
    return result


def softmax_row(raw: list[float]) -> list[float]:
    largest = _LOWEST
    for value in raw:
        if value > largest:
            largest = value
    exps = [exp_row(value - largest) for value in raw]
    total = sequential_sum(exps)
    if total == 0.0:
        # NOTE: only if every exp is 0 (or NaN): 0 / 0 on the JVM.
        return [math.nan for _ in exps]
    return [value / total for value in exps]
