"""Turning caller data into frame columns (``transform``) and row values (``transform_row``) of
the model's declared input types.

Both paths convert the same way: a missing number (``None``) becomes NaN, strings stay ``str`` or
``None``, vectors become float64 (2-D arrays for batches, lists of floats for rows) of the width
the model expects. Anything else raises ``InputError`` naming the column (and row). The row
converters never import numpy; a numpy scalar is still accepted when numpy is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from snowleap.errors import InputError
from snowleap.numeric import np, numpy_if_imported
from snowleap.ops.base import Field, Frame
from snowleap.ops.vectors import VECTORS, shape_error, width_error

if TYPE_CHECKING:
    from snowleap.numeric import AnyArray, FloatArray, ObjectArray

RowConverter = Callable[[Any], Any]


@cache
def _numeric_dtypes() -> dict[str, Any]:
    return {
        "double": np.float64,
        "float": np.float64,
        "long": np.int64,
        "int": np.int64,
        "short": np.int64,
        "byte": np.int64,
        "boolean": np.bool_,
    }


def to_column(values: Any, field: Field) -> AnyArray:
    """One input column for ``transform``, converted to the field's type."""
    ctype = field.type
    if ctype.shape == "vector":
        return _vector_column(values, field)
    if ctype.base == "string":
        return _string_column(values, field.name)
    array = np.asarray(values) if not isinstance(values, np.ndarray) else values
    if array.ndim != 1:
        raise shape_error(field.name, array.shape, f"a 1-D column of {ctype}")
    if ctype.base in ("double", "float"):
        if array.dtype.kind in "fiub":
            return array.astype(np.float64, copy=False)
        if array.dtype.kind in "US" and not isinstance(values, np.ndarray):
            # NOTE: numpy turned a list mixing numbers and text into text; look at the values
            # as given, so the error names the first one that is not a number.
            array = np.asarray(values, dtype=object)
        # NOTE: a list with a None in it arrives as an object array; when every value is a
        # plain float, int or None, numpy converts it at C speed (None becomes NaN).
        if array.dtype == object and set(map(type, array)) <= _NUMBER_OR_NONE:
            try:
                return np.array(array.tolist(), dtype=np.float64)
            except OverflowError:
                pass  # NOTE: an int beyond float range; the loop below names its row
        return np.array([_number(v, field.name, i) for i, v in enumerate(array)], dtype=np.float64)
    dtype = _numeric_dtypes().get(ctype.base)
    if dtype is None:
        raise InputError(f"column {field.name!r}: unsupported input type {ctype}")
    try:
        return array.astype(dtype)
    except (TypeError, ValueError) as exc:
        raise InputError(f"column {field.name!r}: cannot read values as {ctype} ({exc})") from None


def _is_numpy_number(value: Any, *, integral: bool = False) -> bool:
    """Whether ``value`` is a numpy scalar number (integral: an integer), without importing
    numpy: a numpy scalar can only exist once numpy is loaded."""
    numpy = numpy_if_imported()
    if numpy is None:
        return False
    kinds = (numpy.integer,) if integral else (numpy.integer, numpy.floating, numpy.bool_)
    return isinstance(value, kinds)


def _number(value: Any, column: str, row: int | None) -> float:
    """A value of a double input as a float: None is NaN; anything but a number is an error.

    NOTE: booleans count as 1.0 and 0.0, as MLeap casts a boolean column to a double input.
    """
    where = f"column {column!r}" if row is None else f"column {column!r}, row {row}"
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) or _is_numpy_number(value):
        try:
            return float(value)
        except OverflowError:
            raise InputError(f"{where}: {value} is too large for a double") from None
    raise InputError(f"{where}: expected a number, got {value!r}")


_NUMBER_OR_NONE = {float, int, type(None)}


def _string_column(values: Any, column: str) -> ObjectArray:
    array = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if array.ndim != 1:
        raise shape_error(column, array.shape, "a 1-D column of strings")
    if array.dtype.kind == "U":
        return array.astype(object)
    if array.dtype != object:
        raise InputError(f"column {column!r}: expected strings, got {array.dtype} values")
    # NOTE: collecting the distinct value types runs at C speed; the per-row loop that names
    # the offending row only runs when some value is not a plain str or None.
    if set(map(type, array)) <= _STRING_OR_NONE:
        return array
    for i, value in enumerate(array):
        if value is not None and not isinstance(value, str):
            raise InputError(f"column {column!r}, row {i}: expected a string, got {value!r}")
    return array


_STRING_OR_NONE = {str, type(None)}


def _vector_column(values: Any, field: Field) -> FloatArray:
    try:
        array: FloatArray = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"column {field.name!r}: expected vectors of numbers ({exc})") from None
    if array.ndim != 2:
        raise shape_error(field.name, array.shape, VECTORS)
    size = field.type.size
    if size is not None and array.shape[1] != size:
        raise width_error(field.name, array.shape[1], size)
    return array


def to_frame(columns: Mapping[str, Any], schema: Sequence[Field]) -> Frame:
    """A frame holding every given column, with the model's inputs converted and checked."""
    frame: Frame = {}
    inputs = {field.name for field in schema}
    for name, values in columns.items():
        # NOTE: inputs are converted below; only the other columns are kept as they come.
        if name not in inputs:
            frame[name] = (
                values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
            )
    length: int | None = None
    for field in schema:
        if field.name not in columns:
            raise InputError(f"missing input column {field.name!r} ({field.type})")
        column = to_column(columns[field.name], field)
        if length is None:
            length = len(column)
        elif len(column) != length:
            raise InputError(
                f"column {field.name!r} has {len(column)} rows, other inputs have {length}"
            )
        frame[field.name] = column
    # NOTE: the caller's column order, as when every column was stored in the first loop
    return {name: frame[name] for name in columns}


def row_ready_type(field: Field) -> type | None:
    """The Python type a row value may already have for ``row_converter`` to return it as is.

    ``None`` for vectors, which are always copied into a list of floats.
    """
    ctype = field.type
    if ctype.shape == "vector":
        return None
    if ctype.base == "string":
        return str
    if ctype.base in ("double", "float"):
        return float
    return int


def row_converter(field: Field) -> RowConverter:
    """A converter for one input value of ``transform_row``, prepared once per model."""
    name = field.name
    ctype = field.type
    if ctype.shape == "vector":
        size = ctype.size

        def vector_value(value: Any) -> list[float]:
            try:
                converted = [float(v) for v in value]
            except (TypeError, ValueError):
                raise InputError(
                    f"column {name!r}: expected a vector of numbers, got {value!r}"
                ) from None
            if size is not None and len(converted) != size:
                raise width_error(name, len(converted), size)
            return converted

        return vector_value
    if ctype.base == "string":

        def string_value(value: Any) -> Any:
            if value is None or value.__class__ is str or isinstance(value, str):
                return value
            raise InputError(f"column {name!r}: expected a string, got {value!r}")

        return string_value
    if ctype.base in ("double", "float"):

        def double_value(value: Any) -> float:
            if value.__class__ is float:
                return value
            return _number(value, name, None)

        return double_value

    def integral_value(value: Any) -> Any:
        if isinstance(value, int) or value is None or _is_numpy_number(value, integral=True):
            return value
        raise InputError(f"column {name!r}: expected an integer, got {value!r}")

    return integral_value
