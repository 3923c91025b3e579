"""One LeapFrame JSON value decoded by its field type, with errors that never quote the value.

A scalar stays a Python value (``None`` for null), a list a list, a map (a JSON object) a dict,
a vector a list of floats (dense ``{"values": [...], "dimensions": [n]}``, or a plain list of
numbers as row objects and MLflow's formats send vectors) or, when it comes sparse (with
``"indices"``), a ``SparseVector`` that is never expanded.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from snowleap.errors import InputError
from snowleap.ops.sparse import SparseVector

BASIC_NAMES = {
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
class FieldType:
    """A field's shape and the kind of value it holds (``double``, ``integer``...); ``width`` is a
    vector's length when known, ``key`` a map's kind of keys."""

    shape: Literal["scalar", "tensor", "list", "map"]
    kind: str
    width: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        if self.shape == "scalar":
            return self.kind
        if self.shape == "list":
            return f"list<{self.kind}>"
        if self.shape == "map":
            return f"map<{self.key},{self.kind}>"
        return f"vector[{self.width if self.width is not None else '?'}]"


def json_kind(value: Any) -> str:
    """What kind of JSON value ``value`` is (``"a string"``), for messages that never quote it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a fractional number" if math.isfinite(value) and value != int(value) else "a number"
    names = {str: "a string", list: "an array", dict: "an object"}
    return next((n for t, n in names.items() if isinstance(value, t)), type(value).__name__)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def decode_value(raw: Any, ftype: FieldType, width: int | None = None) -> Any:
    """One JSON value of a column of type ``ftype``, as the column holds it.

    Scalars stay Python values (``None`` for null), lists lists, vectors lists of floats (dense
    or sparse objects, or plain lists of numbers); a sparse vector must declare ``width`` when it
    is given. ``InputError`` says what is wrong without quoting the value.
    """
    if ftype.shape == "scalar":
        return _scalar(raw, ftype.kind)
    if ftype.shape == "list":
        if raw is None:
            return None
        if not isinstance(raw, list):
            raise InputError(f"expected a list, got {json_kind(raw)}")
        return [_scalar(v, ftype.kind) for v in raw]
    if ftype.shape == "map":
        if raw is None:
            return None
        if not isinstance(raw, Mapping):
            raise InputError(f"expected a map (a JSON object), got {json_kind(raw)}")
        key = ftype.key or "string"
        return {_map_key(k, key): _scalar(v, ftype.kind) for k, v in raw.items()}
    return _vector(raw, width if width is not None else ftype.width)


def _map_key(raw: str, kind: str) -> Any:
    """A JSON object's key as a map key of ``kind`` (JSON keys are strings: numbers are parsed)."""
    if kind == "string":
        return raw
    try:
        return float(raw) if kind == "double" else int(raw)
    except ValueError:
        raise InputError(
            f"a map key is not {'a number' if kind == 'double' else 'an integer'}"
        ) from None


def _scalar(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "double" and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise InputError("number too large for a double") from None
    if kind == "integer" and is_int(value):
        return value
    if kind == "boolean" and isinstance(value, bool):
        return value
    if kind == "string" and isinstance(value, str):
        return value
    article = "an" if kind[0] in "aeiou" else "a"
    raise InputError(f"expected {article} {kind}, got {json_kind(value)}")


def _number(value: Any, position: int) -> float:
    if value is None:
        return math.nan
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise InputError(f"vector value {position} is too large for a double") from None
    raise InputError(f"vector value {position} is no number (got {json_kind(value)})")


def _vector(raw: Any, width: int | None) -> list[float] | SparseVector:
    if raw is None:
        raise InputError("null vector (a vector must be given)")
    if isinstance(raw, list):
        # NOTE: a plain list of numbers, as row objects and MLflow's formats send vectors.
        return [_number(v, i) for i, v in enumerate(raw)]
    if not isinstance(raw, Mapping) or not isinstance(raw.get("values"), list):
        raise InputError(
            f"a vector should be an object with 'values' or a list, got {json_kind(raw)}"
        )
    values = [_number(v, i) for i, v in enumerate(raw["values"])]
    dims = raw.get("dimensions")
    if dims is not None and not (isinstance(dims, list) and len(dims) == 1 and is_int(dims[0])):
        raise InputError("'dimensions' should be [size]")
    if "indices" not in raw:
        if dims is not None and dims[0] != len(values):
            raise InputError(f"dimensions [{dims[0]}] but {len(values)} values")
        return values
    if dims is None:
        raise InputError("a sparse vector needs 'dimensions'")
    indices = raw["indices"]
    if not isinstance(indices, list) or len(indices) != len(values):
        raise InputError("a sparse vector needs one index per value")
    if width is not None and dims[0] != width:
        raise InputError(f"sparse vector of dimensions [{dims[0]}], expected [{width}]")
    if dims[0] < 0:
        raise InputError(f"sparse vector of dimensions [{dims[0]}]")
    flat_indices: list[int] = []
    for position, index in enumerate(indices):
        # NOTE: MLeap writes each index as a list (one entry per dimension); a bare int is
        # accepted too.
        flat = index[0] if isinstance(index, list) and len(index) == 1 else index
        if not is_int(flat):
            raise InputError(f"sparse index {position} is not an integer")
        flat_indices.append(flat)
    # NOTE: kept sparse: memory follows the values given, whatever the width.
    return SparseVector.from_pairs(dims[0], zip(flat_indices, values, strict=True), "vector")
