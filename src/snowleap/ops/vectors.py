"""Checks on the vector columns ops read, so a width mismatch is a clear error, never a misread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from snowleap.errors import InputError
from snowleap.ops.base import Frame, Op

FloatArray = npt.NDArray[np.float64]


def reader_of(op: Op) -> str:
    """How error messages name the op reading a column: ``gbt_classifier node 'gbt'``."""
    return f"{op.op_name} node {op.name!r}"


def vector_column(frame: Frame, column: str, width: int, reader: str) -> FloatArray:
    """The 2-D float64 column ``column`` of ``frame``; raises unless it is ``width`` wide.

    ``reader`` names the op reading it for the message, e.g. ``gbt_classifier node 'gbt'``.
    """
    values = frame[column]
    if values.ndim != 2 or values.shape[1] != width:
        raise InputError(
            f"column {column!r}: expected vectors of width {width}, got shape {values.shape} "
            f"({reader})"
        )
    return values


def vector_row_function(
    column: str, width: int, reader: str
) -> Callable[[dict[str, Any]], list[float]]:
    """A function reading ``column`` from a row dict and checking its width, prepared once."""

    def read(row: dict[str, Any]) -> list[float]:
        values: list[float] = row[column]
        if len(values) != width:
            raise InputError(
                f"column {column!r}: expected a vector of width {width}, got {len(values)} "
                f"({reader})"
            )
        return values

    return read
