"""Typed attribute values of Bundle.ML models, independent of the serialization format.

Bundle.ML stores every attribute as a ``Value`` that is a scalar, a list or a tensor. Scalars and
lists carry one field per basic type (``double``, ``string``, ...); protobuf's proto3 rules mean a
field holding its zero value is simply absent, and MLeap's JSON writer omits it too, so a getter
asking for a type that is absent gets that type's zero value, exactly as MLeap's reader does.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from snowleap.bundle import limits
from snowleap.errors import BundleError

BasicTypeName = Literal[
    "boolean", "byte", "short", "int", "long", "float", "double", "string", "byte_string"
]
BASIC_TYPES: tuple[BasicTypeName, ...] = (
    "boolean",
    "byte",
    "short",
    "int",
    "long",
    "float",
    "double",
    "string",
    "byte_string",
)

_FLOAT32 = struct.Struct("<f")


def to_float32(value: float) -> float:
    """``value`` rounded to the nearest float32 (as Java's ``toFloat``): beyond float32's range,
    infinity of its sign.

    Example
    -------
    >>> to_float32(0.1), to_float32(1e39)
    (0.10000000149011612, inf)
    """
    try:
        rounded: float = _FLOAT32.unpack(_FLOAT32.pack(value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return rounded


# NOTE: a value may hold a model whose attributes hold models...; real bundles never nest
# these, the bound only stops a hostile file from exhausting the stack.
MAX_VALUE_NESTING = 16

_ZERO: dict[str, Any] = {
    "boolean": False,
    "byte": 0,
    "short": 0,
    "int": 0,
    "long": 0,
    "float": 0.0,
    "double": 0.0,
    "string": "",
    "byte_string": b"",
}


@dataclass(frozen=True)
class DataShape:
    """The shape of a column as Bundle.ML describes it: scalar, list, or tensor of fixed sizes."""

    base: Literal["scalar", "list", "tensor"]
    is_nullable: bool = False
    tensor_dimensions: tuple[int, ...] | None = None

    @property
    def width(self) -> int | None:
        """Number of doubles this shape contributes to an assembled vector, if known."""
        if self.base == "scalar":
            return 1
        dims = self.tensor_dimensions
        if self.base == "tensor" and dims is not None and len(dims) == 1 and dims[0] >= 0:
            return dims[0]
        return None


@dataclass(frozen=True)
class Tensor:
    """A dense tensor attribute; ``values`` are its Python values, flat, in row-major order.

    Values are ``bool``, ``int``, ``float`` (a ``float`` tensor's values rounded to float32),
    ``str`` or ``bytes`` by ``base``; never numpy (loading a bundle does not import numpy).
    """

    base: BasicTypeName
    dimensions: tuple[int, ...]
    values: tuple[Any, ...]


def check_name(name: str, what: str, where: str) -> None:
    """``BundleError`` when a name of the bundle (op, node, port, attribute) is absurdly long."""
    if len(name) > limits.MAX_NAME_LENGTH:
        raise BundleError(
            f"{where}: {what} is {len(name)} characters long, more than "
            f"{limits.MAX_NAME_LENGTH} (SNOWLEAP_MAX_NAME_LENGTH)"
        )


def check_string(text: str, where: str) -> None:
    if len(text) > limits.MAX_STRING_LENGTH:
        raise BundleError(
            f"{where}: a string of {len(text)} characters, more than "
            f"{limits.MAX_STRING_LENGTH} (SNOWLEAP_MAX_STRING_LENGTH)"
        )


def check_count(count: int, where: str) -> None:
    """``BundleError`` when a list attribute (a string indexer's labels...) is too long."""
    if count > limits.MAX_LABELS:
        raise BundleError(
            f"{where}: a list of {count} values, more than {limits.MAX_LABELS} "
            "(SNOWLEAP_MAX_LABELS)"
        )


def check_tensor_size(count: int, dimensions: tuple[int, ...], where: str) -> None:
    """``BundleError`` when a tensor holds or declares more elements than allowed."""
    declared = math.prod(d for d in dimensions if d >= 0) if dimensions else count
    if max(count, declared) > limits.MAX_TENSOR_ELEMENTS:
        raise BundleError(
            f"{where}: a tensor of {max(count, declared)} elements, more than "
            f"{limits.MAX_TENSOR_ELEMENTS} (SNOWLEAP_MAX_TENSOR_ELEMENTS)"
        )


def checked_tensor(
    base: BasicTypeName, dimensions: tuple[int, ...], values: tuple[Any, ...], where: str
) -> Tensor:
    """A ``Tensor``, once its number of values is checked against its (known) dimensions.

    A dimension of -1 means "unknown" in Bundle.ML; such tensors are taken as they come.
    """
    if dimensions and all(d >= 0 for d in dimensions):
        expected = math.prod(dimensions)
        if expected != len(values):
            raise BundleError(
                f"{where}: tensor of shape {list(dimensions)} holds {len(values)} values"
            )
    return Tensor(base=base, dimensions=dimensions, values=values)


@dataclass(frozen=True)
class Value:
    """One attribute value.

    ``kind`` is ``"scalar"``, ``"list"`` or ``"tensor"``. For scalars ``fields`` maps a type name
    (``double``, ``string``, ``data_shape``, ``tensor``, ``model``, ...) to a Python value; for
    lists it maps a type name to a Python list. For tensors ``tensor`` is set. A ``model`` is a
    ``ModelDef``, a ``basic_type`` a name from ``BASIC_TYPES`` (or ``"unknown"``).
    """

    kind: Literal["scalar", "list", "tensor"]
    fields: Mapping[str, Any] = field(default_factory=dict)
    tensor: Tensor | None = None


class Attributes(Mapping[str, Value]):
    """The attributes of one model, with typed getters whose errors name the model's file.

    ``where`` is the path of the model file inside the bundle (for example
    ``root/feature_pipeline.node/model.json``) and appears in every error message.
    """

    def __init__(self, values: Mapping[str, Value], where: str) -> None:
        self._values: dict[str, Value] = dict(values)
        self.where = where

    def __getitem__(self, name: str) -> Value:
        try:
            return self._values[name]
        except KeyError:
            raise BundleError(f"{self.where}: missing attribute {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    # -- scalars -------------------------------------------------------------------------------

    def _scalar(self, name: str, type_name: str, default: Any) -> Any:
        if name not in self._values:
            if default is _REQUIRED:
                raise BundleError(f"{self.where}: missing attribute {name!r}")
            return default
        value = self._values[name]
        if value.kind != "scalar":
            raise BundleError(
                f"{self.where}: attribute {name!r} should be a {type_name} scalar, "
                f"found a {value.kind}"
            )
        return value.fields.get(type_name, _ZERO.get(type_name))

    def get_double(self, name: str, default: Any = None) -> float:
        raw = self._scalar(name, "double", _REQUIRED if default is None else default)
        return float(_checked(float, raw, self.where, name, "double"))

    def get_long(self, name: str, default: Any = None) -> int:
        raw = self._scalar(name, "long", _REQUIRED if default is None else default)
        return _checked_int(raw, self.where, name, "long")

    def get_int(self, name: str, default: Any = None) -> int:
        raw = self._scalar(name, "int", _REQUIRED if default is None else default)
        return _checked_int(raw, self.where, name, "int")

    def get_bool(self, name: str, default: Any = None) -> bool:
        raw = self._scalar(name, "boolean", _REQUIRED if default is None else default)
        if not isinstance(raw, bool):
            raise BundleError(f"{self.where}: attribute {name!r} should be a boolean, got {raw!r}")
        return raw

    def get_string(self, name: str, default: Any = None) -> str:
        raw = self._scalar(name, "string", _REQUIRED if default is None else default)
        if not isinstance(raw, str):
            raise BundleError(f"{self.where}: attribute {name!r} should be a string, got {raw!r}")
        return raw

    def get_scalar(self, name: str, type_name: str) -> Any:
        """A scalar of the type named at run time (its zero value if the field is absent)."""
        return self._scalar(name, type_name, _REQUIRED)

    def get_basic_type(self, name: str) -> str:
        """A ``basic_type`` scalar (``"string"``, ``"double"``...)."""
        raw = self._scalar(name, "basic_type", _REQUIRED)
        if raw not in BASIC_TYPES:
            raise BundleError(
                f"{self.where}: attribute {name!r} should be a basic type, got {raw!r}"
            )
        return str(raw)

    def get_data_shape(self, name: str) -> DataShape:
        raw = self._scalar(name, "data_shape", _REQUIRED)
        if not isinstance(raw, DataShape):
            raise BundleError(f"{self.where}: attribute {name!r} should be a data shape")
        return raw

    # -- lists ---------------------------------------------------------------------------------

    def _list(self, name: str, type_name: str, default: Any) -> list[Any]:
        if name not in self._values:
            if default is _REQUIRED:
                raise BundleError(f"{self.where}: missing attribute {name!r}")
            return list(default)
        value = self._values[name]
        if value.kind != "list":
            raise BundleError(
                f"{self.where}: attribute {name!r} should be a list of {type_name}, "
                f"found a {value.kind}"
            )
        raw = value.fields.get(type_name, [])
        if not isinstance(raw, list):
            raise BundleError(f"{self.where}: attribute {name!r} should be a list of {type_name}")
        return raw

    def get_string_list(self, name: str, default: Any = None) -> list[str]:
        raw = self._list(name, "string", _REQUIRED if default is None else default)
        if not all(isinstance(s, str) for s in raw):
            raise BundleError(f"{self.where}: attribute {name!r} should be a list of strings")
        return raw

    def get_double_list(self, name: str, default: Any = None) -> list[float]:
        raw = self._list(name, "double", _REQUIRED if default is None else default)
        return [_checked(float, v, self.where, name, "double") for v in raw]

    def get_long_list(self, name: str, default: Any = None) -> list[int]:
        raw = self._list(name, "long", _REQUIRED if default is None else default)
        return [_checked_int(v, self.where, name, "long") for v in raw]

    def get_int_list(self, name: str, default: Any = None) -> list[int]:
        raw = self._list(name, "int", _REQUIRED if default is None else default)
        return [_checked_int(v, self.where, name, "int") for v in raw]

    def get_bool_list(self, name: str, default: Any = None) -> list[bool]:
        raw = self._list(name, "boolean", _REQUIRED if default is None else default)
        if not all(isinstance(v, bool) for v in raw):
            raise BundleError(f"{self.where}: attribute {name!r} should be a list of booleans")
        return raw

    def get_data_shape_list(self, name: str) -> list[DataShape]:
        raw = self._list(name, "data_shape", _REQUIRED)
        if not all(isinstance(v, DataShape) for v in raw):
            raise BundleError(f"{self.where}: attribute {name!r} should be a list of data shapes")
        return raw

    def get_tensor_list(self, name: str) -> list[Tensor]:
        raw = self._list(name, "tensor", _REQUIRED)
        if not all(isinstance(v, Tensor) for v in raw):
            raise BundleError(f"{self.where}: attribute {name!r} should be a list of tensors")
        return raw

    # -- tensors -------------------------------------------------------------------------------

    def get_tensor(self, name: str) -> Tensor:
        value = self[name]
        if value.kind == "tensor" and value.tensor is not None:
            return value.tensor
        if value.kind == "scalar" and isinstance(value.fields.get("tensor"), Tensor):
            tensor: Tensor = value.fields["tensor"]
            return tensor
        raise BundleError(
            f"{self.where}: attribute {name!r} should be a tensor, found a {value.kind}"
        )

    def get_double_vector(self, name: str) -> list[float]:
        """A vector of floats from a double tensor (MLeap's current form) or a double list."""
        value = self[name]
        if value.kind == "list":
            return self.get_double_list(name)
        tensor = self.get_tensor(name)
        if tensor.base not in ("double", "float"):
            raise BundleError(
                f"{self.where}: attribute {name!r} should be a double tensor, found {tensor.base}"
            )
        if len(tensor.dimensions) > 1:
            raise BundleError(
                f"{self.where}: attribute {name!r} should be a vector, found shape "
                f"{list(tensor.dimensions)}"
            )
        return [float(v) for v in tensor.values]

    def get_double_matrix(self, name: str, *, column_major: bool = False) -> list[list[float]]:
        """The rows of a 2-D double tensor, as lists of floats.

        Bundle.ML tensors are row-major. ``column_major=True`` reads a Spark ``DenseMatrix`` as
        MLeap writes it: ``Matrix.toArray``'s values, column by column, under the shape
        ``[rows, cols]`` (MLeap reads them back with the column-major ``Matrices.dense``).

        Example
        -------
        >>> attributes.get_double_matrix("coefficient_matrix", column_major=True)  # doctest: +SKIP
        [[1.0, 3.0], [2.0, 4.0]]
        """
        tensor = self.get_tensor(name)
        if tensor.base not in ("double", "float") or len(tensor.dimensions) != 2:
            raise BundleError(
                f"{self.where}: attribute {name!r} should be a 2-D double tensor, found "
                f"{tensor.base} of shape {list(tensor.dimensions)}"
            )
        rows, cols = tensor.dimensions
        values = [float(v) for v in tensor.values]
        if rows < 0 or cols < 0 or len(values) != rows * cols:
            raise BundleError(
                f"{self.where}: attribute {name!r} has {len(values)} values for shape "
                f"[{rows}, {cols}]"
            )
        if column_major:
            return [values[i::rows] for i in range(rows)]
        return [values[i * cols : (i + 1) * cols] for i in range(rows)]


class _Required:
    def __repr__(self) -> str:
        return "<required>"


_REQUIRED: Any = _Required()


def _checked(kind: type, raw: Any, where: str, name: str, type_name: str) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise BundleError(f"{where}: attribute {name!r} should be a {type_name}, got {raw!r}")
    return kind(raw)


def _checked_int(raw: Any, where: str, name: str, type_name: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        if isinstance(raw, float) and raw.is_integer():
            return int(raw)
        raise BundleError(f"{where}: attribute {name!r} should be a {type_name}, got {raw!r}")
    return raw
