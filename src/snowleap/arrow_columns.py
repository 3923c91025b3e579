"""Arrow record batches as a model's input rows, and scored columns back as Arrow arrays.

One conversion serves ``snowleap.spark.score`` (Spark hands its Python workers Arrow batches) and
``snowleap score`` on Parquet and CSV files. Numbers and strings are taken column-wise at C speed
(nulls become NaN and ``None``, as the runtime reads missing values); a vector input arrives as a
list of doubles (Spark's ``vector_to_array``, a Parquet list), taken as one 2-D block when every
row holds exactly the model's width. Anything else (a null vector, another width) is left as
Python values, so the row-by-row path of ``score_rows`` rejects just those rows with a reason.
Needs pyarrow (the ``spark`` or ``export`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from snowleap.errors import InputError
from snowleap.input_rows import InputRows
from snowleap.numeric import np
from snowleap.ops.base import ColumnType

if TYPE_CHECKING:
    from snowleap.numeric import AnyArray

_NUMERIC = ("double", "float", "long", "int", "short", "byte", "boolean")


def batch_rows(batch: Any, inputs: Mapping[str, ColumnType]) -> InputRows:
    """The model's input columns of an Arrow ``RecordBatch``; every row is kept at first.

    A missing input or a column whose Arrow type cannot feed the model's input is an
    ``InputError`` for the whole batch; other columns are left out (the caller keeps them).

    Example
    -------
    >>> rows = batch_rows(pa.record_batch({"x": [1.0, None]}), {"x": ColumnType("double")})
    >>> rows.columns["x"]                                                   # doctest: +SKIP
    array([ 1., nan])
    """
    import pyarrow as pa

    names = set(batch.schema.names)
    columns: dict[str, Any] = {}
    for name, ctype in inputs.items():
        if name not in names:
            raise InputError(f"no column {name!r} ({ctype}), an input of the model")
        column = batch.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        problem = _feed_problem(column.type, ctype)
        if problem is not None:
            raise InputError(f"column {name!r} holds {column.type} values; {problem}")
        columns[name] = _input_values(column, ctype)
    return InputRows(columns, list(range(batch.num_rows)), [])


def _feed_problem(arrow_type: Any, ctype: ColumnType) -> str | None:
    import pyarrow as pa

    if ctype.is_vector:
        fits = (
            pa.types.is_list(arrow_type)
            or pa.types.is_large_list(arrow_type)
            or pa.types.is_fixed_size_list(arrow_type)
        ) and _is_number_type(arrow_type.value_type)
    elif ctype.base == "string":
        fits = pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
    elif ctype.base in ("double", "float"):
        fits = _is_number_type(arrow_type) or pa.types.is_boolean(arrow_type)
    elif ctype.base == "boolean":
        fits = pa.types.is_boolean(arrow_type)
    else:
        fits = pa.types.is_integer(arrow_type)
    return None if fits or pa.types.is_null(arrow_type) else f"the model takes {ctype}"


def _is_number_type(arrow_type: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type))


def _input_values(column: Any, ctype: ColumnType) -> Any:
    import pyarrow as pa

    if ctype.is_vector:
        return _vector_values(column, ctype.size)
    if pa.types.is_null(column.type):
        # NOTE: a column Arrow saw only nulls in: missing numbers, or null strings
        if ctype.base == "string":
            return np.full(len(column), None, dtype=object)
        return (
            np.full(len(column), np.nan)
            if ctype.base in ("double", "float")
            else [None] * len(column)
        )
    if ctype.base != "string" and column.null_count and ctype.base not in ("double", "float"):
        return column.to_pylist()  # NOTE: a null integer: rejected row by row
    return column.to_numpy(zero_copy_only=False)


def _vector_values(column: Any, width: int | None) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = len(column)
    if column.null_count == 0 and rows and width is not None:
        lengths = pc.list_value_length(column)
        if pc.all(pc.equal(lengths, width)).as_py():
            flat = column.flatten()
            if flat.null_count == 0:
                return flat.to_numpy(zero_copy_only=False).astype(np.float64).reshape(rows, width)
    if rows == 0:
        return np.empty((0, width or 0))
    if pa.types.is_null(column.type):
        return [None] * rows
    return column.to_pylist()


def arrow_type(ctype: ColumnType) -> Any:
    """The Arrow type a scored column of ``ctype`` is written as (vectors: lists of doubles)."""
    import pyarrow as pa

    bases = {
        "double": pa.float64(),
        "float": pa.float32(),
        "long": pa.int64(),
        "int": pa.int32(),
        "short": pa.int16(),
        "byte": pa.int8(),
        "boolean": pa.bool_(),
        "string": pa.string(),
    }
    if ctype.shape == "scalar":
        return bases[ctype.base]
    return pa.list_(pa.float64() if ctype.is_vector else bases[ctype.base])


def arrow_array(values: AnyArray, ctype: ColumnType) -> Any:
    """A scored frame column (numpy) as an Arrow array of ``arrow_type(ctype)``."""
    import pyarrow as pa

    if ctype.is_vector:
        block = np.asarray(values, dtype=np.float64)
        rows = len(block)
        width = block.shape[1] if block.ndim == 2 else 0
        offsets = np.arange(0, (rows + 1) * width, width or 1, dtype=np.int32)[: rows + 1]
        if width == 0:
            offsets = np.zeros(rows + 1, dtype=np.int32)
        return pa.ListArray.from_arrays(pa.array(offsets), pa.array(block.reshape(-1)))
    wanted = arrow_type(ctype)
    if ctype.shape == "list" or ctype.base == "string" or values.dtype == object:
        return pa.array(list(values), type=wanted)
    return pa.array(values).cast(wanted) if ctype.base in _NUMERIC else pa.array(values)
