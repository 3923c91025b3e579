"""Checking a contender's outputs against Spark's on the benchmark rows, before any timing.

A contender that computes in double precision must agree to a relative 1e-9 (the project's parity
promise). ONNX-ML computes in float32, so it is held to 1e-4; a row beyond that is a wrong answer.
A contender with any wrong row is not timed (a fast wrong answer is not a result), except that a
float32 engine whose wrong rows are at most 1% is timed and flagged ``approximate``: the table
says how many rows differ.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from snowleap.spark.compare import ABS_TOL, values_agree

EXACT_TOL = 1e-9
FLOAT32_TOL = 1e-4
# NOTE: float32 cannot hold a probability of 1e-9 next to 1.0; below this, values count as equal.
FLOAT32_ABS_TOL = 1e-6
APPROXIMATE_SHARE = 0.01


def agree(expected: Any, actual: Any, tolerance: float) -> bool:
    """Spark's comparison rules; a float32 engine also gets an absolute floor (see above)."""
    if tolerance < FLOAT32_TOL:
        return values_agree(expected, actual, tolerance)
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            agree(e, a, tolerance) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        return math.isclose(
            expected, actual, rel_tol=tolerance, abs_tol=max(FLOAT32_ABS_TOL, ABS_TOL)
        )
    return values_agree(expected, actual, tolerance)


def _relative_error(expected: Any, actual: Any) -> float:
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return max(
            (_relative_error(e, a) for e, a in zip(expected, actual, strict=True)), default=0.0
        )
    try:
        e, a = float(expected), float(actual)
    except (TypeError, ValueError):
        return 0.0 if expected == actual else math.inf
    if math.isnan(e) or math.isnan(a):
        return 0.0 if math.isnan(e) and math.isnan(a) else math.inf
    return abs(e - a) / max(abs(e), 1e-300) if e != a else 0.0


def compare(
    reference: Mapping[str, Sequence[Any]],
    actual: Mapping[str, Sequence[Any]],
    tolerance: float = EXACT_TOL,
) -> dict[str, Any]:
    """How ``actual`` (column -> values per row) agrees with Spark's ``reference``."""
    columns = list(reference)
    rows = len(reference[columns[0]]) if columns else 0
    mismatched: list[int] = []
    examples: list[str] = []
    worst = 0.0
    for column in columns:
        got = actual.get(column)
        if got is None or len(got) != rows:
            return {
                "rows": rows,
                "mismatched_rows": rows,
                "tolerance": tolerance,
                "max_rel_err": None,
                "examples": [f"column {column!r} missing or of the wrong length"],
            }
        for index, (want, have) in enumerate(zip(reference[column], got, strict=True)):
            worst = max(worst, _relative_error(want, have))
            if not agree(want, have, tolerance):
                if index not in mismatched:
                    mismatched.append(index)
                if len(examples) < 3:
                    examples.append(f"row {index} {column}: spark {want!r}, got {have!r}")
    return {
        "rows": rows,
        "mismatched_rows": len(mismatched),
        "tolerance": tolerance,
        "max_rel_err": worst if math.isfinite(worst) else None,
        "examples": examples,
    }


def verdict(check: Mapping[str, Any]) -> str:
    """``ok``, ``approximate`` (float32 engine, at most 1% of rows off) or ``wrong``."""
    if check["mismatched_rows"] == 0:
        return "ok"
    share = check["mismatched_rows"] / max(check["rows"], 1)
    if check["tolerance"] >= FLOAT32_TOL and share <= APPROXIMATE_SHARE:
        return "approximate"
    return "wrong"
