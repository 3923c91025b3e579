"""Checks on the vector columns ops read, so a width mismatch is a clear error, never a misread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from snowleap.errors import InputError
from snowleap.ops.base import Frame

FloatArray = npt.NDArray[np.float64]


def vector_column(frame: Frame, column: str, width: int) -> FloatArray:
    """The 2-D float64 column ``column`` of ``frame``; raises unless it is ``width`` wide."""
    values = frame[column]
    if values.ndim != 2 or values.shape[1] != width:
        raise InputError(
            f"column {column!r}: expected vectors of width {width}, got shape {values.shape}"
        )
    return values


def vector_row_function(column: str, width: int) -> Callable[[dict[str, Any]], list[float]]:
    """A function reading ``column`` from a row dict and checking its width, prepared once."""

    def read(row: dict[str, Any]) -> list[float]:
        values: list[float] = row[column]
        if len(values) != width:
            raise InputError(
                f"column {column!r}: expected a vector of width {width}, got {len(values)}"
            )
        return values

    return read
