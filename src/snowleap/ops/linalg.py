"""Dot products that add in a fixed order, so the batch and row paths agree to the last bit.

Spark's BLAS ``dot`` adds ``x[j] * y[j]`` from the first feature to the last. ``np.dot`` and
``sum()`` do not promise an order (numpy uses pairwise/SIMD sums; Python 3.12's ``sum`` of floats
compensates rounding), so the two paths would drift apart in the last bits. These two functions
are the one definition every linear model uses; the sums below the one every sum of scores
(trees' votes and values, probabilities) uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce
from operator import add
from typing import TYPE_CHECKING

from snowleap.numeric import np

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray
    from snowleap.ops.sparse import SparseRows, SparseVector


def sequential_dot_batch(
    features: FloatArray, coefficients: Sequence[float], start: float = 0.0
) -> FloatArray:
    """Row-wise ``start + features[:, 0] * c[0] + features[:, 1] * c[1] + ...``, in that order.

    ``start`` is where each sum begins: 0.0 for a plain dot product, the intercept for BLAS
    ``gemv`` (``y = b + A x``), which adds the products onto the intercept.

    Example
    -------
    >>> sequential_dot_batch(np.array([[1.0, 2.0], [0.5, 0.0]]), [3.0, 4.0]).tolist()
    [11.0, 1.5]
    """
    # NOTE: vectorised over rows, one feature at a time; contiguous columns read faster.
    columns = np.ascontiguousarray(features.T)
    total = np.full(features.shape[0], start)
    for column, coefficient in zip(columns, coefficients, strict=True):
        total += column * coefficient
    return total


def sequential_dot(
    features: Sequence[float], coefficients: Sequence[float], start: float = 0.0
) -> float:
    """``start + features[0] * c[0] + features[1] * c[1] + ...`` in that order (the row twin).

    Example
    -------
    >>> sequential_dot([1.0, 2.0], [3.0, 4.0])
    11.0
    """
    total = start
    for x, c in zip(features, coefficients, strict=True):
        total += x * c
    return total


def sparse_dot(vector: SparseVector, coefficients: Sequence[float], start: float = 0.0) -> float:
    """``start + x[i0] * c[i0] + x[i1] * c[i1] + ...`` over the stored slots in index order, as
    Spark's BLAS ``dot`` of a sparse vector (slots not stored add nothing).

    Example
    -------
    >>> from snowleap.ops.sparse import SparseVector
    >>> sparse_dot(SparseVector(4, [1, 3], [2.0, 0.5]), [9.0, 3.0, 9.0, 4.0])
    8.0
    """
    total = start
    for index, x in zip(vector.indices, vector.values, strict=True):
        total += x * coefficients[index]
    return total


def sparse_dot_batch(rows: SparseRows, coefficients: FloatArray, start: float = 0.0) -> FloatArray:
    """``sparse_dot`` of every row, with the same additions in the same order.

    Vectorised over rows, one stored position at a time: step ``k`` adds the ``k``-th stored
    product of every row that has one. Rows are ordered by their count once, so the rows of each
    step are a prefix; memory follows the non-zeros.

    Example
    -------
    >>> from snowleap.ops.sparse import SparseRows, SparseVector
    >>> rows = SparseRows.from_vectors(3, [SparseVector(3, [0, 2], [1.0, 2.0]),
    ...                                    SparseVector(3, [], [])])
    >>> sparse_dot_batch(rows, np.array([3.0, 9.0, 4.0])).tolist()
    [11.0, 0.0]
    """
    total = np.full(len(rows), start)
    if not len(rows.values):
        return total
    products = rows.values * coefficients[rows.indices]
    counts = rows.counts()
    order = np.argsort(-counts, kind="stable")
    descending = -counts[order]  # ascending, for searchsorted
    starts = rows.indptr[:-1][order]
    for k in range(int(-descending[0])):
        active = int(np.searchsorted(descending, -k, side="left"))
        total[order[:active]] += products[starts[:active] + k]
    return total


def sequential_sum_batch(values: FloatArray) -> FloatArray:
    """Row-wise ``values[:, 0] + values[:, 1] + ...`` from 0.0, left to right (Scala's ``sum``).

    Sums over axis 1; with 3-D values (rows, trees, classes) each class is summed apart.

    Example
    -------
    >>> sequential_sum_batch(np.array([[1.0, 2.0], [0.5, 0.25]])).tolist()
    [3.0, 0.75]
    """
    total = np.zeros(values.shape[:1] + values.shape[2:], dtype=np.float64)
    for k in range(values.shape[1]):
        # NOTE: in place: the same additions without a new array per column.
        total += values[:, k]
    return total


def sequential_sum(values: Iterable[float]) -> float:
    """``0.0 + values[0] + values[1] + ...`` in that order (the row twin; not ``sum()``, which
    compensates rounding from Python 3.12).

    Example
    -------
    >>> sequential_sum([1.0, 2.0, 0.5])
    3.5
    """
    # NOTE: reduce runs the additions in C, in order; a Python loop would add the same way.
    total: float = reduce(add, values, 0.0)
    return total
