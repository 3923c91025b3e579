"""Comparing scored columns value by value: Spark's or MLeap's against snowleap's.

One comparison serves ``export_bundle``'s check and the parity suite. Numbers agree within a
relative tolerance (``REL_TOL``); strings, labels and nulls must be identical; a Spark null and a
snowleap NaN are the same missing number; vectors agree element by element.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from snowleap.ops.sparse import SparseVector

#: Relative tolerance for numbers (the promise: Spark's numbers to 9 significant digits).
REL_TOL = 1e-9
#: NOTE: results that cancel to about zero (a centred value, a dot product summing to ~0) keep
#: only rounding noise from the order of operations, which no relative tolerance can absorb.
ABS_TOL = 1e-12


def python_value(value: Any) -> Any:
    """A scored value as plain Python: dense vectors (Spark's, numpy rows) become lists, sparse
    ones ``SparseVector`` (never expanded: a hashed vector has 2^18 slots)."""
    if value is None or isinstance(value, (str, bool, int, float, SparseVector)):
        return value
    if hasattr(value, "indices") and hasattr(value, "toArray"):  # pyspark's SparseVector
        return SparseVector(
            int(value.size), [int(i) for i in value.indices], [float(x) for x in value.values]
        )
    if hasattr(value, "toArray"):  # a pyspark.ml.linalg DenseVector
        return [float(x) for x in value.toArray()]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        if value and all(hasattr(v, "toArray") for v in value):
            # NOTE: an array of vectors (Spark's LSH hashes, one-element vectors) is one flat
            # list, as MLeap's (tables, 1) tensor and snowleap's vector hold the same numbers.
            return [float(x) for v in value for x in v.toArray()]
        return [python_value(v) for v in value]
    if isinstance(value, dict):
        return {k: python_value(v) for k, v in value.items()}
    return value


def frame_rows(frame: Mapping[str, Any], names: Sequence[str]) -> list[dict[str, Any]]:
    """Rows of plain Python values from a snowleap batch frame's columns ``names``."""
    columns = {name: frame[name].tolist() for name in names}
    length = len(columns[names[0]]) if names else 0
    return [{name: columns[name][i] for name in names} for i in range(length)]


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _numbers_agree(expected: float, actual: float, rel_tol: float) -> bool:
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    return math.isclose(expected, actual, rel_tol=rel_tol, abs_tol=ABS_TOL)


def _non_zeros(vector: Any) -> tuple[int, dict[int, float]] | None:
    """A vector's width and non-zero slots (``None`` if it is no vector)."""
    if isinstance(vector, SparseVector):
        pairs = zip(vector.indices, vector.values, strict=True)
        return vector.size, {i: v for i, v in pairs if v != 0.0}
    if isinstance(vector, list) and all(isinstance(v, (int, float)) for v in vector):
        return len(vector), {i: v for i, v in enumerate(vector) if v != 0.0}
    return None


def values_agree(expected: Any, actual: Any, rel_tol: float = REL_TOL) -> bool:
    """Whether two plain Python values agree (see the module docstring for the rules).

    A sparse vector agrees with a vector of the same width holding the same non-zero slots (the
    same indices: a hashed slot must be the very same) with agreeing values.
    """
    if isinstance(expected, SparseVector) or isinstance(actual, SparseVector):
        left, right = _non_zeros(expected), _non_zeros(actual)
        return (
            left is not None
            and right is not None
            and left[0] == right[0]
            and left[1].keys() == right[1].keys()
            and all(values_agree(left[1][i], right[1][i], rel_tol) for i in left[1])
        )
    if isinstance(expected, dict) or isinstance(actual, dict):
        return (
            isinstance(expected, dict)
            and isinstance(actual, dict)
            and expected.keys() == actual.keys()
            and all(values_agree(expected[k], actual[k], rel_tol) for k in expected)
        )
    if isinstance(expected, str) or isinstance(actual, str):
        return bool(expected == actual)
    if isinstance(expected, list) or isinstance(actual, list):
        return (
            isinstance(expected, list)
            and isinstance(actual, list)
            and len(expected) == len(actual)
            and all(values_agree(e, a, rel_tol) for e, a in zip(expected, actual, strict=True))
        )
    if _is_missing(expected) or _is_missing(actual):
        return _is_missing(expected) and _is_missing(actual)
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return _numbers_agree(float(expected), float(actual), rel_tol)
    return bool(expected == actual)


def row_differences(
    expected: Sequence[Mapping[str, Any]],
    actual: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    who: tuple[str, str] = ("spark", "snowleap"),
    rel_tol: float = REL_TOL,
    limit: int = 10,
) -> list[str]:
    """Messages naming each row and column where ``actual`` differs from ``expected`` (first few).

    Rows are compared in order; a different row count is itself a difference.
    """
    problems: list[str] = []
    if len(expected) != len(actual):
        problems.append(f"{who[0]} kept {len(expected)} rows, {who[1]} kept {len(actual)}")
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        for column in columns:
            left, right = python_value(want.get(column)), python_value(got.get(column))
            if not values_agree(left, right, rel_tol):
                problems.append(
                    f"row {index}, column {column!r}: {who[0]} {left!r} != {who[1]} {right!r}"
                )
                if len(problems) >= limit:
                    return problems
    return problems
