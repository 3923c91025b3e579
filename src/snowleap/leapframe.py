"""MLeap's LeapFrame JSON format: ``{"schema": {"fields": [...]}, "rows": [[...], ...]}``.

A field is ``{"name": ..., "type": ...}`` where the type is a basic type name (``"double"``,
``"string"``, ``"integer"``...), ``{"type": "basic", "base": ..., "isNullable": ...}``,
``{"type": "tensor", "base": "double", "dimensions": [n]}``, ``{"type": "list", "base": ...}`` or
``{"type": "map", "key": ..., "base": ...}`` (the layout of MLeap's
``ml.combust.mleap.json.JsonSupport``). A vector value is dense ``{"values": [...],
"dimensions": [n]}`` or sparse, with ``"indices": [[i], ...]`` too; a map value a JSON object.

``read_leapframe`` gives the columns ``snowleap.Model.transform`` takes: scalars, lists and maps
as Python lists (``None`` for null), vectors as 2-D float64 arrays, or ``SparseRows`` when any
row comes sparse (never expanded). ``write_leapframe`` is its inverse for the columns a model
gives back; it writes sparse vectors sparse, dense ones dense, and NaN as ``null`` (JSON has no
NaN, and snowleap reads a null number back as NaN).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias, cast

from snowleap.errors import InputError
from snowleap.leapframe_values import BASIC_NAMES, FieldType, decode_value, is_int, json_kind
from snowleap.numeric import AnyArray, np, numpy_if_imported
from snowleap.ops.base import ColumnType
from snowleap.ops.sparse import SparseRows, SparseVector, vector_batch

# NOTE: numpy is imported at the first frame read or written (snowleap.numeric), not with this
# module: the function imports it for /transform, and its /score requests never touch numpy here.
Column: TypeAlias = "list[Any] | AnyArray | SparseRows"


@dataclass(frozen=True)
class ColumnSpec:
    """A column to decode: its name, its type, and how messages name it (``column 'x'``)."""

    name: str
    type: FieldType
    label: str


RejectRow = Callable[[int, str], None]


def read_leapframe(doc: Any) -> dict[str, Column]:
    """The columns of a parsed LeapFrame JSON document, by field name, in schema order.

    Raises ``InputError`` at the first problem, saying where it is (never quoting the value).

    Example
    -------
    >>> read_leapframe({"schema": {"fields": [{"name": "x", "type": "double"}]},
    ...                 "rows": [[1.5], [None]]})
    {'x': [1.5, None]}
    """
    fields, rows = read_leapframe_document(doc)
    names = [name for name, _ in fields]
    if len(set(names)) != len(names):
        twice = next(name for name in names if names.count(name) > 1)
        raise InputError(f"leapframe: schema names column {twice!r} twice")
    specs = [ColumnSpec(name, ftype, f"column {name!r}") for name, ftype in fields]
    for r, row in enumerate(rows):
        problem = row_shape_problem(row, len(specs))
        if problem is not None:
            raise InputError(
                f"leapframe: row {r} should be a list of {len(specs)} values, {problem}"
            )
    columns, _ = decode_rows(specs, enumerate(rows), reject=None)
    return columns


def read_leapframe_document(doc: Any) -> tuple[list[tuple[str, FieldType]], list[Any]]:
    """A LeapFrame document's fields (name and type, in order) and its rows, not yet decoded.

    ``InputError`` when the document itself is malformed; fields are named by their position, so
    the message never quotes a caller's data.
    """
    if not isinstance(doc, Mapping):
        raise InputError(f"leapframe: expected a JSON object, got {json_kind(doc)}")
    schema = doc.get("schema")
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    if not isinstance(fields, list):
        raise InputError("leapframe: 'schema' should be an object with a 'fields' list")
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise InputError("leapframe: 'rows' should be a list of rows")
    parsed: list[tuple[str, FieldType]] = []
    for i, field in enumerate(fields):
        if not isinstance(field, Mapping) or not isinstance(field.get("name"), str):
            raise InputError(f"leapframe: schema field {i} should be an object with a 'name'")
        parsed.append((field["name"], parse_field_type(field.get("type"), f"schema field {i}")))
    return parsed, rows


def row_shape_problem(row: Any, width: int) -> str | None:
    """Why ``row`` is not a list of ``width`` values (``"got 3 values"``), or ``None``."""
    if not isinstance(row, list):
        return f"got {json_kind(row)}"
    if len(row) != width:
        return f"got {len(row)} values"
    return None


def decode_rows(
    specs: Sequence[ColumnSpec],
    rows: Iterable[tuple[int, Sequence[Any]]],
    reject: RejectRow | None,
) -> tuple[dict[str, Column], list[int]]:
    """The columns of ``rows`` (each an index and one value per spec), and the kept indices.

    A row with a value that does not fit its column is passed to ``reject(index, reason)`` and
    left out; without ``reject`` the first such row raises ``InputError``. A vector column takes
    its width from its type, else from the first kept row.
    """
    widths = [spec.type.width for spec in specs]
    values: list[list[Any]] = [[] for _ in specs]
    kept: list[int] = []
    for index, row in rows:
        decoded: list[Any] = []
        for position, (spec, raw) in enumerate(zip(specs, row, strict=True)):
            width = widths[position]
            try:
                value = decode_value(raw, spec.type, width)
                if spec.type.shape == "tensor" and width is not None and len(value) != width:
                    raise InputError(f"vector has {len(value)} values, expected {width}")
            except InputError as exc:
                if reject is None:
                    raise InputError(f"leapframe: {spec.label}, row {index}: {exc}") from None
                reject(index, f"{spec.label}: {exc}")
                break
            decoded.append(value)
        else:
            for position, value in enumerate(decoded):
                values[position].append(value)
                if specs[position].type.shape == "tensor" and widths[position] is None:
                    widths[position] = len(value)
            kept.append(index)
    columns: dict[str, Column] = {}
    for spec, column, width in zip(specs, values, widths, strict=True):
        if spec.type.shape == "tensor":
            columns[spec.name] = vector_batch(column, width)
        else:
            columns[spec.name] = column
    return columns, kept


def parse_field_type(raw: Any, where: str) -> FieldType:
    """A LeapFrame field ``type`` (``"double"``, ``{"type": "tensor", ...}``) as a ``FieldType``."""
    if isinstance(raw, str):
        return FieldType("scalar", _basic(raw, where))
    if not isinstance(raw, Mapping):
        raise InputError(f"leapframe: {where} has no valid 'type' (got {json_kind(raw)})")
    kind = raw.get("type")
    base = _basic(raw.get("base"), where)
    if kind == "basic":
        return FieldType("scalar", base)
    if kind == "list":
        return FieldType("list", base)
    if kind == "map":
        return FieldType("map", base, key=_basic(raw.get("key"), where))
    if kind == "tensor":
        if base != "double":
            raise InputError(f"leapframe: {where}: only tensors of numbers are supported")
        dims = raw.get("dimensions")
        if dims is None:
            return FieldType("tensor", base)
        if not (isinstance(dims, list) and len(dims) == 1 and is_int(dims[0]) and dims[0] >= 0):
            shape = f"{len(dims)} dimensions" if isinstance(dims, list) else json_kind(dims)
            raise InputError(
                f"leapframe: {where}: only 1-D tensors (vectors) are supported, got {shape}"
            )
        return FieldType("tensor", base, dims[0])
    raise InputError(
        f"leapframe: {where} has an unsupported type (supported: basic, list, map, tensor)"
    )


def field_type_of(ctype: ColumnType) -> FieldType:
    """The ``FieldType`` values of a model column of type ``ctype`` are decoded as."""
    if ctype.shape == "vector":
        return FieldType("tensor", "double", ctype.size)
    kind = BASIC_NAMES[ctype.base]
    if ctype.shape == "map":
        return FieldType("map", kind, key=BASIC_NAMES[ctype.key or "string"])
    return FieldType("list" if ctype.shape == "list" else "scalar", kind)


def leapframe_type(ctype: ColumnType) -> Any:
    """A model column type as a LeapFrame field ``type`` (MLeap's JSON layout)."""
    if ctype.shape == "vector":
        field: dict[str, Any] = {"type": "tensor", "base": "double"}
        if ctype.size is not None:
            field["dimensions"] = [ctype.size]
        return field
    if ctype.shape == "list":
        return {"type": "list", "base": ctype.base}
    if ctype.shape == "map":
        return {"type": "map", "key": ctype.key or "string", "base": ctype.base}
    return ctype.base


def leapframe_schema(schema: Mapping[str, ColumnType]) -> dict[str, Any]:
    """A model schema as a LeapFrame ``schema`` object: ``{"fields": [{"name", "type"}, ...]}``.

    Example
    -------
    >>> leapframe_schema({"x": ColumnType("double")})
    {'fields': [{'name': 'x', 'type': 'double'}]}
    """
    return {"fields": [{"name": n, "type": leapframe_type(t)} for n, t in schema.items()]}


def _basic(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or raw not in BASIC_NAMES:
        raise InputError(
            f"leapframe: {where} has an unsupported basic type "
            f"(supported: {', '.join(sorted(BASIC_NAMES))})"
        )
    return BASIC_NAMES[raw]


def write_leapframe(
    frame: Mapping[str, Any], columns: Sequence[str], types: Mapping[str, ColumnType] | None = None
) -> dict[str, Any]:
    """A LeapFrame JSON document holding ``columns`` of ``frame`` (arrays or lists), in order.

    A column's field type is ``types[name]`` when given (a model's schema), else read from its
    values.

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
        ctype = types.get(name) if types is not None else None
        field_type, values = _write_column(frame[name], name, ctype)
        if length is None:
            length = len(values)
        elif len(values) != length:
            raise InputError(
                f"leapframe: column {name!r} has {len(values)} rows, others have {length}"
            )
        if types is not None and name in types:
            field_type = leapframe_type(types[name])
        fields.append({"name": name, "type": field_type})
        written.append(values)
    rows = [list(row) for row in zip(*written, strict=True)] if written else []
    return {"schema": {"fields": fields}, "rows": rows}


# -- writing --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-ready scalar: numpy scalars become Python ones, NaN becomes null."""
    if isinstance(value, _numpy_types("generic")):
        value = cast(Any, value).item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _dense(values: Sequence[float]) -> dict[str, Any]:
    return {"values": [_plain(v) for v in values], "dimensions": [len(values)]}


def _sparse(vector: SparseVector) -> dict[str, Any]:
    return {
        "indices": [[i] for i in vector.indices],
        "values": [_plain(v) for v in vector.values],
        "dimensions": [vector.size],
    }


def _is_array(data: Any) -> bool:
    """Whether ``data`` is a numpy array, without importing numpy (none exists before it is)."""
    numpy = numpy_if_imported()
    return numpy is not None and isinstance(data, numpy.ndarray)


def _write_column(data: Any, name: str, ctype: ColumnType | None) -> tuple[Any, list[Any]]:
    if (ctype is not None and ctype.shape == "list") or _holds_string_lists(data):
        lists = data.tolist() if _is_array(data) else list(data)
        base = ctype.base if ctype is not None else "string"
        return {"type": "list", "base": base}, [_plain_list(v) for v in lists]
    if isinstance(data, SparseRows):
        field_type = {"type": "tensor", "base": "double", "dimensions": [data.size]}
        return field_type, [_sparse(v) for v in data.tolist()]
    array = data if _is_array(data) else None
    if array is not None and array.ndim == 2:
        numbers = array.astype(np.float64, copy=False)
        width = [array.shape[1]]
        field_type = {"type": "tensor", "base": "double", "dimensions": width}
        if not np.isnan(numbers).any():
            # NOTE: no NaN to turn into null: tolist() already gives JSON-ready floats, and the
            # per-value pass would be most of the time a wide frame takes to write.
            return field_type, [{"values": v, "dimensions": width} for v in numbers.tolist()]
        return field_type, [_dense(v) for v in numbers.tolist()]
    if array is not None and array.ndim != 1:
        raise InputError(f"leapframe: column {name!r} has shape {array.shape}")
    if array is not None and array.dtype.kind == "f" and not np.isnan(array).any():
        return "double", array.tolist()
    values = array.tolist() if array is not None else list(data)
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, SparseVector) for v in present):
        if len(present) != len(values):
            raise InputError(f"leapframe: column {name!r} mixes vectors and nulls")
        return {"type": "tensor", "base": "double"}, [_sparse(v) for v in values]
    if present and all(isinstance(v, dict) for v in present):
        return _map_type(present, name), [_plain_map(v) for v in values]
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


def _holds_string_lists(data: Any) -> bool:
    """Whether a column of unknown type holds lists of strings (tokens), not vectors."""
    if isinstance(data, SparseRows) or (_is_array(data) and data.dtype != object):
        return False
    cells = [v for v in data if v is not None]
    return (
        bool(cells)
        and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in cells)
        and any(v for v in cells)
    )


def _plain_list(value: Any) -> list[Any] | None:
    if value is None:
        return None
    return [_plain(v) for v in value]


def _plain_map(value: dict[Any, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {str(k): _plain(v) for k, v in value.items()}


def _map_type(maps: list[dict[Any, Any]], name: str) -> dict[str, Any]:
    keys = [k for m in maps for k in m]
    entries = [v for m in maps for v in m.values() if v is not None]
    key = next((kind for kind, test in _SCALAR_KINDS if all(test(k) for k in keys)), None)
    base = next((kind for kind, test in _SCALAR_KINDS if all(test(v) for v in entries)), None)
    if key is None or base is None:
        raise InputError(f"leapframe: column {name!r} holds maps LeapFrame cannot hold")
    return {"type": "map", "key": key, "base": base}


def _numpy_types(*names: str) -> tuple[type, ...]:
    """numpy's scalar types ``names`` if numpy is imported, else none (no numpy value exists)."""
    numpy = numpy_if_imported()
    return tuple(getattr(numpy, name) for name in names) if numpy is not None else ()


_SCALAR_KINDS: tuple[tuple[str, Any], ...] = (
    ("string", lambda v: isinstance(v, str)),
    ("boolean", lambda v: isinstance(v, (bool, *_numpy_types("bool_")))),
    (
        "long",
        lambda v: isinstance(v, (int, *_numpy_types("integer"))) and not isinstance(v, bool),
    ),
    (
        "double",
        lambda v: (
            isinstance(v, (int, float, *_numpy_types("integer", "floating")))
            and not isinstance(v, bool)
        ),
    ),
)
