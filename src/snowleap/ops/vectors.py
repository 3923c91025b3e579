"""Reading the vector columns ops consume: a wrong width or shape is a clear error, never a
misread, worded one way for every op (and for the model's own input conversion).

Example
-------
>>> str(width_error("x", 3, 2, "pca node 'p'"))
"column 'x': vector has width 3, the model expects 2 (pca node 'p')"
>>> str(shape_error("x", (4,), VECTORS, "pca node 'p'"))
"column 'x': expected vectors (a 2-D array), got an array of shape (4,) (pca node 'p')"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from snowleap.errors import InputError
from snowleap.ops.base import Frame, Op, Row
from snowleap.ops.sparse import SparseRows, SparseVector

if TYPE_CHECKING:
    from snowleap.numeric import FloatArray

#: What a batch column must be, for ``shape_error``.
VECTORS = "vectors (a 2-D array)"
SCALARS = "scalars (a 1-D array)"


def reader_of(op: Op) -> str:
    """How error messages name the op reading a column: ``gbt_classifier node 'gbt'``."""
    return f"{op.op_name} node {op.name!r}"


def _suffix(reader: str | None) -> str:
    return f" ({reader})" if reader else ""


def width_error(
    column: str, width: int, expected: int | str, reader: str | None = None
) -> InputError:
    """The error for a vector of the wrong width: ``expected`` is the width the model expects,
    or (for ops that take several widths) why this one cannot be scored."""
    problem = f"the model expects {expected}" if isinstance(expected, int) else expected
    return InputError(f"column {column!r}: vector has width {width}, {problem}{_suffix(reader)}")


def shape_error(
    column: str, shape: tuple[int, ...], expected: str, reader: str | None = None
) -> InputError:
    """The error for a batch column of the wrong shape (``expected``: what it should hold)."""
    return InputError(
        f"column {column!r}: expected {expected}, got an array of shape {shape}{_suffix(reader)}"
    )


def vector_column(frame: Frame, column: str, width: int, reader: str) -> FloatArray:
    """The 2-D float64 column ``column`` of ``frame`` (a sparse one expanded, for ops without
    sparse math); raises unless it is ``width`` wide."""
    values = features_column(frame, column, width, reader)
    if isinstance(values, SparseRows):
        return values.to_dense(column, reader)
    return values


def features_column(
    frame: Frame, column: str, width: int | None, reader: str
) -> FloatArray | SparseRows:
    """The vector column ``column`` as it is, dense or sparse; raises unless it is ``width``
    wide (any width if ``None``)."""
    values = frame[column]
    if values.ndim != 2:
        raise shape_error(column, values.shape, VECTORS, reader)
    if width is not None and values.shape[1] != width:
        raise width_error(column, values.shape[1], width, reader)
    result: FloatArray | SparseRows = values
    return result


def vector_row_function(column: str, width: int, reader: str) -> Callable[[Row], list[float]]:
    """A function reading ``column`` from a row dict and checking its width, prepared once; a
    sparse vector comes out expanded (for ops without sparse math)."""

    def read(row: Row) -> list[float]:
        values = row[column]
        if len(values) != width:
            raise width_error(column, len(values), width, reader)
        if values.__class__ is SparseVector:
            expanded: list[float] = values.to_dense()
            return expanded
        dense: list[float] = values
        return dense

    return read


def features_row_function(
    column: str, width: int | None, reader: str
) -> Callable[[Row], list[float] | SparseVector]:
    """``vector_row_function``'s twin for ops with sparse math: the vector as it is."""

    def read(row: Row) -> list[float] | SparseVector:
        values: list[float] | SparseVector = row[column]
        if width is not None and len(values) != width:
            raise width_error(column, len(values), width, reader)
        return values

    return read
