"""Bundle.ML's JSON values: basic values, tensors, data shapes and basic type names.

MLeap's ``ml.combust.bundle.json.JsonSupport`` writes them; ``json_format`` reads the documents
around them. Every value is checked against ``limits`` before it is kept.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

from snowleap.bundle.values import (
    BASIC_TYPES,
    DataShape,
    Tensor,
    check_string,
    check_tensor_size,
    checked_tensor,
    to_float32,
)
from snowleap.errors import BundleError

_INTEGER_BITS = {"byte": 8, "short": 16, "int": 32, "long": 64}


def parse_basic_type(raw: Any, where: str) -> str:
    if raw not in BASIC_TYPES and raw != "unknown":
        raise BundleError(f"{where}: unknown basic type {raw!r}")
    return str(raw)


def parse_basic(type_name: str, item: Any, where: str) -> Any:
    if type_name == "boolean":
        if isinstance(item, bool):
            return item
    elif type_name in _INTEGER_BITS:
        if isinstance(item, int) and not isinstance(item, bool):
            bits = _INTEGER_BITS[type_name]
            if not -(1 << (bits - 1)) <= item < 1 << (bits - 1):
                raise BundleError(f"{where}: {item} does not fit a {type_name} ({bits} bits)")
            return item
    elif type_name in ("float", "double"):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            return float(item)
        if item is None:
            # NOTE: spray-json, MLeap's JSON library, writes NaN and +-Infinity as null and reads
            # null back as NaN; ops that stored infinities (bucketizer splits) restore them.
            return math.nan
    elif type_name == "string":
        if isinstance(item, str):
            check_string(item, where)
            return item
    elif type_name == "byte_string" and isinstance(item, str):
        try:
            return base64.b64decode(item, validate=True)
        except binascii.Error:
            raise BundleError(f"{where}: byte_string is not valid base64") from None
    raise BundleError(f"{where}: expected a {type_name}, got {item!r}")


def parse_dimensions(raw: Any, where: str) -> tuple[int, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise BundleError(f"{where}: tensor shape should be an object")
    dims = raw.get("dimensions", [])
    if not isinstance(dims, list):
        raise BundleError(f"{where}: tensor dimensions should be a list")
    sizes = []
    for i, dim in enumerate(dims):
        size = dim.get("size", 0) if isinstance(dim, dict) else None
        if not isinstance(size, int) or isinstance(size, bool):
            raise BundleError(f"{where}: dimension {i} should have an integer 'size'")
        sizes.append(size)
    return tuple(sizes)


def parse_tensor(raw: Any, where: str) -> Tensor:
    if not isinstance(raw, dict):
        raise BundleError(f"{where}: tensor should be an object")
    dimensions = parse_dimensions(raw.get("shape"), where)
    for base in BASIC_TYPES:
        if base in raw:
            items = raw[base]
            if not isinstance(items, list):
                raise BundleError(f"{where}: tensor {base} values should be a JSON array")
            check_tensor_size(len(items), dimensions, where)
            values = tuple(parse_basic(base, item, f"{where}[{i}]") for i, item in enumerate(items))
            if base == "float":
                # NOTE: a float tensor holds float32 values, as MLeap reads them (Java's toFloat).
                values = tuple(to_float32(value) for value in values)
            return checked_tensor(base, dimensions, values, where)
    raise BundleError(f"{where}: tensor has no values of a known type")


def parse_data_shape(raw: Any, where: str) -> DataShape:
    if not isinstance(raw, dict):
        raise BundleError(f"{where} should be an object")
    base = raw.get("base", "scalar")
    if base not in ("scalar", "list", "tensor"):
        raise BundleError(f"{where}: unknown data shape base {base!r}")
    nullable = raw.get("isNullable", raw.get("is_nullable", False))
    if not isinstance(nullable, bool):
        raise BundleError(f"{where}: isNullable should be a boolean")
    shape_raw = raw.get("tensorShape", raw.get("tensor_shape"))
    dims = parse_dimensions(shape_raw, where) if shape_raw is not None else None
    return DataShape(base=base, is_nullable=nullable, tensor_dimensions=dims)
