"""One LeapFrame JSON value decoded by its field type, with errors that never quote the value.

A scalar stays a Python value (``None`` for null), a list a list, a vector becomes a list of
floats: dense ``{"values": [...], "dimensions": [n]}``, sparse with ``"indices"`` too, or a plain
list of numbers (as row objects and MLflow's formats send vectors).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from snowleap.errors import InputError

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
# NOTE: the widest sparse vector a frame may hold when no width is known (Spark's HashingTF
# default is 2^18 features); expanding it costs 8 bytes per value.
MAX_SPARSE_SIZE = 1 << 20


@dataclass(frozen=True)
class FieldType:
    """A field's shape and the kind of value it holds (``double``, ``integer``...); ``width`` is a
    vector's length when known."""

    shape: Literal["scalar", "tensor", "list"]
    kind: str
    width: int | None = None

    def __str__(self) -> str:
        if self.shape == "scalar":
            return self.kind
        if self.shape == "list":
            return f"list<{self.kind}>"
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
    return _vector(raw, width if width is not None else ftype.width)


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


def _vector(raw: Any, width: int | None) -> list[float]:
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
    # NOTE: checked before the dense copy is made, so a small request cannot ask for a huge one.
    if width is not None and dims[0] != width:
        raise InputError(f"sparse vector of dimensions [{dims[0]}], expected [{width}]")
    if not 0 <= dims[0] <= MAX_SPARSE_SIZE:
        raise InputError(f"sparse vector of dimensions [{dims[0]}] (at most {MAX_SPARSE_SIZE})")
    dense = [0.0] * dims[0]
    for position, (index, value) in enumerate(zip(indices, values, strict=True)):
        # NOTE: MLeap writes each index as a list (one entry per dimension); a bare int is
        # accepted too.
        flat = index[0] if isinstance(index, list) and len(index) == 1 else index
        if not is_int(flat) or not 0 <= flat < dims[0]:
            raise InputError(f"sparse index {position} is outside a vector of {dims[0]}")
        dense[flat] = value
    return dense
