"""Turning caller data into frame columns (``transform``) and row values (``transform_row``) of
the model's declared input types.

Both paths convert the same way: a missing number (``None``) becomes NaN, strings stay ``str`` or
``None``, vectors become float64 (2-D arrays for batches, lists of floats for rows) of the width
the model expects, sparse vectors stay sparse (``SparseRows`` for batches, ``SparseVector`` for
rows), lists become lists and maps dicts of the declared element types (object arrays of them
for batches, each cell converted by the row converter). Anything else raises ``InputError``
naming the column (and row). The row converters never import numpy; a numpy scalar is still
accepted when numpy is loaded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from snowleap.errors import InputError
from snowleap.numeric import np, numpy_if_imported
from snowleap.ops.base import ColumnType, Field, Frame
from snowleap.ops.sparse import SparseRows, SparseVector, object_column, vector_batch
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


def to_column(values: Any, field: Field) -> AnyArray | SparseRows:
    """One input column for ``transform``, converted to the field's type."""
    ctype = field.type
    if ctype.shape == "vector":
        return _vector_column(values, field)
    if ctype.shape in ("list", "map"):
        return _cell_column(values, field)
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


def _cell_column(values: Any, field: Field) -> AnyArray:
    """A list or map column: each cell converted by the row converter (cells are Python lists
    and dicts on both paths, so one conversion serves both)."""
    if isinstance(values, np.ndarray) and values.ndim != 1 and values.dtype != object:
        raise shape_error(field.name, values.shape, f"a 1-D column of {field.type}")
    convert = _cell_converter(field.type, field.name)
    cells = []
    for row, value in enumerate(values):
        try:
            cells.append(convert(value))
        except InputError as exc:
            raise InputError(f"column {field.name!r}, row {row}: {exc}") from None
    return object_column(cells)


def _vector_column(values: Any, field: Field) -> FloatArray | SparseRows:
    size = field.type.size
    if isinstance(values, SparseRows):
        if size is not None and values.size != size:
            raise width_error(field.name, values.size, size)
        return values
    if not isinstance(values, np.ndarray) and any(isinstance(v, SparseVector) for v in values):
        vectors = [_row_vector(v, field.name) for v in values]
        expected = size if size is not None else len(vectors[0])
        for row, converted in enumerate(vectors):
            if len(converted) != expected:
                raise width_error(field.name, len(converted), expected, f"row {row}")
        return vector_batch(vectors, expected)
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
    if ctype.shape in ("list", "map"):
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

        def vector_value(value: Any) -> list[float] | SparseVector:
            converted = _row_vector(value, name)
            if size is not None and len(converted) != size:
                raise width_error(name, len(converted), size)
            return converted

        return vector_value
    if ctype.shape in ("list", "map"):
        convert = _cell_converter(ctype, name)

        def cell_value(value: Any) -> Any:
            try:
                return convert(value)
            except InputError as exc:
                raise InputError(f"column {name!r}: {exc}") from None

        return cell_value
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


def _row_vector(value: Any, column: str) -> list[float] | SparseVector:
    """One vector value: a ``SparseVector`` checked and kept sparse, anything else a list of
    floats."""
    if isinstance(value, SparseVector):
        return _checked_sparse(value, column)
    try:
        return [float(v) for v in value]
    except (TypeError, ValueError):
        raise InputError(
            f"column {column!r}: expected a vector of numbers, got {value!r}"
        ) from None


def _checked_sparse(value: SparseVector, column: str) -> SparseVector:
    """A caller's sparse vector with float values and increasing indices inside its width."""
    try:
        values = [float(v) for v in value.values]
        indices = [int(i) for i in value.indices]
    except (TypeError, ValueError):
        raise InputError(
            f"column {column!r}: a sparse vector holds something not a number"
        ) from None
    if len(indices) != len(values):
        raise InputError(f"column {column!r}: a sparse vector needs one index per value")
    if any(b <= a for a, b in pairwise(indices)) or (
        indices and not (indices[0] >= 0 and indices[-1] < value.size)
    ):
        return SparseVector.from_pairs(
            value.size, zip(indices, values, strict=True), f"column {column!r}"
        )
    return SparseVector(value.size, indices, values)


ElementConverter = Callable[[Any], Any]


def _element_converter(base: str) -> ElementConverter:
    """How one element of a list or map is converted: numbers as scalars of their type (a
    missing double NaN), strings stay strings or ``None``."""
    if base == "string":

        def string_element(value: Any) -> Any:
            if value is None or isinstance(value, str):
                return value
            raise InputError(f"expected strings, got {type(value).__name__}")

        return string_element
    if base in ("double", "float"):

        def double_element(value: Any) -> float:
            if value is None:
                return math.nan
            if isinstance(value, (int, float)) or _is_numpy_number(value):
                return float(value)
            raise InputError(f"expected numbers, got {type(value).__name__}")

        return double_element
    if base == "boolean":

        def boolean_element(value: Any) -> Any:
            if isinstance(value, bool) or value is None:
                return value
            raise InputError(f"expected booleans, got {type(value).__name__}")

        return boolean_element

    def integral_element(value: Any) -> Any:
        if (isinstance(value, int) and not isinstance(value, bool)) or value is None:
            return value
        if _is_numpy_number(value, integral=True):
            return int(value)
        raise InputError(f"expected integers, got {type(value).__name__}")

    return integral_element


def _cell_converter(ctype: ColumnType, column: str) -> ElementConverter:
    """The converter of one list or map cell (errors say what is wrong, not where)."""
    element = _element_converter(ctype.base)
    if ctype.shape == "map":
        key = _element_converter(ctype.key or "string")

        def map_cell(value: Any) -> dict[Any, Any]:
            if not isinstance(value, Mapping):
                raise InputError(f"expected a map ({ctype}), got {type(value).__name__}")
            return {key(k): element(v) for k, v in value.items()}

        return map_cell

    def list_cell(value: Any) -> list[Any]:
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise InputError(f"expected a list ({ctype}), got {type(value).__name__}")
        return [element(v) for v in value]

    return list_cell
