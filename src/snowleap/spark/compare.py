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

#: Relative tolerance for numbers (the promise: Spark's numbers to 9 significant digits).
REL_TOL = 1e-9
#: NOTE: results that cancel to about zero (a centred value, a dot product summing to ~0) keep
#: only rounding noise from the order of operations, which no relative tolerance can absorb.
ABS_TOL = 1e-12


def python_value(value: Any) -> Any:
    """A scored value as plain Python: vectors (Spark ``Vector``, numpy rows) become lists."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if hasattr(value, "toArray"):  # a pyspark.ml.linalg Vector, dense or sparse
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


def values_agree(expected: Any, actual: Any, rel_tol: float = REL_TOL) -> bool:
    """Whether two plain Python values agree (see the module docstring for the rules)."""
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
