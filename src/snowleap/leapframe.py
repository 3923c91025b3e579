"""MLeap's LeapFrame JSON format: ``{"schema": {"fields": [...]}, "rows": [[...], ...]}``.

A field is ``{"name": ..., "type": ...}`` where the type is a basic type name (``"double"``,
``"string"``, ``"integer"``...), ``{"type": "basic", "base": ..., "isNullable": ...}``,
``{"type": "tensor", "base": "double", "dimensions": [n]}`` or ``{"type": "list", "base": ...}``
(the layout of MLeap's ``ml.combust.mleap.json.JsonSupport``). A vector value is dense
``{"values": [...], "dimensions": [n]}`` or sparse, with ``"indices": [[i], ...]`` too.

``read_leapframe`` gives the columns ``snowleap.Model.transform`` takes: scalars and lists as
Python lists (``None`` for null), vectors as 2-D float64 arrays. ``write_leapframe`` is its
inverse for the columns a model gives back; it writes vectors dense and NaN as ``null`` (JSON has
no NaN, and snowleap reads a null number back as NaN).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from snowleap.errors import InputError

Column = list[Any] | npt.NDArray[Any]

_BASIC_NAMES = {
    "boolean": "boolean",
    "byte": "integer",
    "short": "integer",
    "int": "integer",
    "integer": "integer",
    "long": "integer",
    "float": "double",
    "double": "double",
    "string": "string",
}


@dataclass(frozen=True)
class _FieldType:
    """A field's shape and the kind of value it holds (``double``, ``integer``...)."""

    shape: Literal["scalar", "tensor", "list"]
    kind: str
    width: int | None = None


def read_leapframe(doc: Any) -> dict[str, Column]:
    """The columns of a parsed LeapFrame JSON document, by field name, in schema order.

    Example
    -------
    >>> read_leapframe({"schema": {"fields": [{"name": "x", "type": "double"}]},
    ...                 "rows": [[1.5], [None]]})
    {'x': [1.5, None]}
    """
    if not isinstance(doc, Mapping):
        raise InputError(f"leapframe: expected a JSON object, got {type(doc).__name__}")
    schema = doc.get("schema")
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    if not isinstance(fields, list):
        raise InputError("leapframe: 'schema' should be an object with a 'fields' list")
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise InputError("leapframe: 'rows' should be a list of rows")
    names: list[str] = []
    types: list[_FieldType] = []
    for i, field in enumerate(fields):
        if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
            raise InputError(f"leapframe: schema field {i} should be an object with a 'name'")
        name = field["name"]
        if name in names:
            raise InputError(f"leapframe: schema names column {name!r} twice")
        names.append(name)
        types.append(_field_type(field.get("type"), name))
    values: list[list[Any]] = [[] for _ in names]
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(names):
            raise InputError(
                f"leapframe: row {r} should be a list of {len(names)} values, got {row!r}"
            )
        for column, value in zip(values, row, strict=True):
            column.append(value)
    return {
        name: _read_column(column, ftype, name)
        for name, ftype, column in zip(names, types, values, strict=True)
    }


def write_leapframe(frame: Mapping[str, Any], columns: Sequence[str]) -> dict[str, Any]:
    """A LeapFrame JSON document holding ``columns`` of ``frame`` (arrays or lists), in order.

    Example
    -------
    >>> write_leapframe({"y": np.array([[1.0, 0.0]])}, ["y"])["rows"]
    [[{'values': [1.0, 0.0], 'dimensions': [2]}]]
    """
    fields: list[dict[str, Any]] = []
    written: list[list[Any]] = []
    length: int | None = None
    for name in columns:
        if name not in frame:
            raise InputError(f"leapframe: no column {name!r} to write")
        field_type, values = _write_column(frame[name], name)
        if length is None:
            length = len(values)
        elif len(values) != length:
            raise InputError(
                f"leapframe: column {name!r} has {len(values)} rows, others have {length}"
            )
        fields.append({"name": name, "type": field_type})
        written.append(values)
    rows = [list(row) for row in zip(*written, strict=True)] if written else []
    return {"schema": {"fields": fields}, "rows": rows}


# -- reading --------------------------------------------------------------------------------------


def _field_type(raw: Any, name: str) -> _FieldType:
    if isinstance(raw, str):
        return _FieldType("scalar", _basic(raw, name))
    if not isinstance(raw, Mapping):
        raise InputError(f"leapframe: column {name!r} has no valid 'type' ({raw!r})")
    kind = raw.get("type")
    base = _basic(raw.get("base"), name)
    if kind == "basic":
        return _FieldType("scalar", base)
    if kind == "list":
        return _FieldType("list", base)
    if kind == "tensor":
        if base != "double":
            raise InputError(f"leapframe: column {name!r}: only tensors of numbers are supported")
        dims = raw.get("dimensions")
        if dims is None:
            return _FieldType("tensor", base)
        if not (isinstance(dims, list) and len(dims) == 1 and _is_int(dims[0]) and dims[0] >= 0):
            raise InputError(
                f"leapframe: column {name!r}: only 1-D tensors (vectors) are supported, "
                f"got dimensions {dims!r}"
            )
        return _FieldType("tensor", base, dims[0])
    raise InputError(f"leapframe: column {name!r} has an unsupported type {raw!r}")


def _basic(raw: Any, name: str) -> str:
    if not isinstance(raw, str) or raw not in _BASIC_NAMES:
        raise InputError(
            f"leapframe: column {name!r} has an unsupported basic type {raw!r} "
            f"(supported: {', '.join(sorted(_BASIC_NAMES))})"
        )
    return _BASIC_NAMES[raw]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar(value: Any, kind: str, name: str, row: int) -> Any:
    if value is None:
        return None
    if kind == "double" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if kind == "integer" and _is_int(value):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "string" and isinstance(value, str):
        return value
    article = "an" if kind[0] in "aeiou" else "a"
    raise InputError(
        f"leapframe: column {name!r}, row {row}: expected {article} {kind}, got {value!r}"
    )


def _read_column(values: list[Any], ftype: _FieldType, name: str) -> Column:
    if ftype.shape == "scalar":
        return [_scalar(v, ftype.kind, name, r) for r, v in enumerate(values)]
    if ftype.shape == "list":
        result: list[Any] = []
        for r, items in enumerate(values):
            if items is not None and not isinstance(items, list):
                raise InputError(f"leapframe: column {name!r}, row {r}: expected a list")
            result.append(
                None if items is None else [_scalar(v, ftype.kind, name, r) for v in items]
            )
        return result
    vectors = [_vector(v, name, r) for r, v in enumerate(values)]
    width = ftype.width
    for r, vector in enumerate(vectors):
        if width is None:
            width = len(vector)
        elif len(vector) != width:
            raise InputError(
                f"leapframe: column {name!r}, row {r}: vector has {len(vector)} values, "
                f"expected {width}"
            )
    return np.array(vectors, dtype=np.float64).reshape(len(vectors), width or 0)


def _number(value: Any, name: str, row: int) -> float:
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise InputError(f"leapframe: column {name!r}, row {row}: vector value {value!r} is no number")


def _vector(raw: Any, name: str, row: int) -> list[float]:
    where = f"leapframe: column {name!r}, row {row}"
    if raw is None:
        raise InputError(f"{where}: null vector (a vector must be given)")
    if not isinstance(raw, Mapping) or not isinstance(raw.get("values"), list):
        raise InputError(f"{where}: a vector should be an object with 'values', got {raw!r}")
    values = [_number(v, name, row) for v in raw["values"]]
    dims = raw.get("dimensions")
    if dims is not None and not (isinstance(dims, list) and len(dims) == 1 and _is_int(dims[0])):
        raise InputError(f"{where}: 'dimensions' should be [size], got {dims!r}")
    if "indices" not in raw:
        if dims is not None and dims[0] != len(values):
            raise InputError(f"{where}: dimensions {dims} but {len(values)} values")
        return values
    if dims is None:
        raise InputError(f"{where}: a sparse vector needs 'dimensions'")
    indices = raw["indices"]
    if not isinstance(indices, list) or len(indices) != len(values):
        raise InputError(f"{where}: a sparse vector needs one index per value")
    dense = [0.0] * dims[0]
    for index, value in zip(indices, values, strict=True):
        # NOTE: MLeap writes each index as a list (one entry per dimension); a bare int is
        # accepted too.
        flat = index[0] if isinstance(index, list) and len(index) == 1 else index
        if not _is_int(flat) or not 0 <= flat < dims[0]:
            raise InputError(f"{where}: sparse index {index!r} is outside a vector of {dims[0]}")
        dense[flat] = value
    return dense


# -- writing --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy scalars become Python ones, NaN becomes null."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _dense(values: Sequence[float]) -> dict[str, Any]:
    return {"values": [_plain(v) for v in values], "dimensions": [len(values)]}


def _write_column(data: Any, name: str) -> tuple[Any, list[Any]]:
    array = data if isinstance(data, np.ndarray) else None
    if array is not None and array.ndim == 2:
        vectors = array.astype(np.float64, copy=False).tolist()
        return (
            {"type": "tensor", "base": "double", "dimensions": [array.shape[1]]},
            [_dense(v) for v in vectors],
        )
    if array is not None and array.ndim != 1:
        raise InputError(f"leapframe: column {name!r} has shape {array.shape}")
    values = array.tolist() if array is not None else list(data)
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, (list, tuple)) for v in present):
        if len(present) != len(values):
            raise InputError(f"leapframe: column {name!r} mixes vectors and nulls")
        widths = {len(v) for v in values}
        field: dict[str, Any] = {"type": "tensor", "base": "double"}
        if len(widths) == 1:
            field["dimensions"] = [widths.pop()]
        return field, [_dense(v) for v in values]
    for kind, test in _SCALAR_KINDS:
        if all(test(v) for v in present):
            return kind, [_plain(v) for v in values]
    raise InputError(f"leapframe: column {name!r} mixes value types that LeapFrame cannot hold")


_SCALAR_KINDS: tuple[tuple[str, Any], ...] = (
    ("string", lambda v: isinstance(v, str)),
    ("boolean", lambda v: isinstance(v, (bool, np.bool_))),
    ("long", lambda v: isinstance(v, (int, np.integer)) and not isinstance(v, bool)),
    (
        "double",
        lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool),
    ),
)
