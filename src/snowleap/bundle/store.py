"""What an op's store side builds: typed attribute values and the node and model files to write.

The value constructors mirror MLeap's ``Value.double``, ``Value.stringList``, ``Value.vector``...
and give exactly the ``Value`` objects the readers (``json_format``, ``proto_format``) parse from
the same file, so the typed getters of ``Attributes`` read them back unchanged: that is what the
round-trip tests (op -> attributes -> op) rely on.

A ``StoredNode`` is one node of the graph (``<name>.node/``: ``node.json`` + ``model.json`` or
their ``.pb`` twins); its ``StoredModel`` may carry tree files beside the model file, sub-model
folders (the trees of a forest) and child nodes (the stages of a pipeline).

Example
-------
>>> node = StoredNode(
...     name="Binarizer_1",
...     shape=node_shape(inputs=[("input", "x")], outputs=[("output", "x_high")]),
...     model=StoredModel("binarizer", {"threshold": double(40.0)}),
... )
>>> node.model.attributes["threshold"].fields
{'double': 40.0}
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from snowleap.bundle.definitions import ModelDef, NodeShape, Socket, TreeFileNode
from snowleap.bundle.values import (
    Attributes,
    BasicTypeName,
    DataShape,
    Tensor,
    Value,
    checked_tensor,
)


@dataclass(frozen=True)
class StoredModel:
    """A model folder: its op and attributes, tree files, sub-models and child nodes."""

    op: str
    attributes: Mapping[str, Value]
    #: tree files beside the model file, by file stem (``"tree"`` -> ``tree.json``/``tree.pb``):
    #: decision trees' nodes or a clustering tree's
    trees: Mapping[str, Sequence[TreeFileNode]] = field(default_factory=dict)
    #: sub-model folders by name (a forest's ``tree0``, ``tree1``...), each a model of its own
    sub_models: Mapping[str, StoredModel] = field(default_factory=dict)
    #: child nodes written as ``<name>.node/`` inside this folder (a pipeline's stages)
    children: Sequence[StoredNode] = ()

    def definition(self, where: str) -> ModelDef:
        """The model file's contents, as the readers return them."""
        return ModelDef(op=self.op, attributes=Attributes(self.attributes, where))


@dataclass(frozen=True)
class StoredNode:
    """One node of the graph: its name, its sockets and its model."""

    name: str
    shape: NodeShape
    model: StoredModel


def node_shape(
    inputs: Sequence[tuple[str, str]] = (), outputs: Sequence[tuple[str, str]] = ()
) -> NodeShape:
    """A ``NodeShape`` from ``(port, column)`` pairs, in the order given."""
    return NodeShape(
        inputs=tuple(Socket(port, name) for port, name in inputs),
        outputs=tuple(Socket(port, name) for port, name in outputs),
    )


def numbered(prefix: str, columns: Sequence[str]) -> list[tuple[str, str]]:
    """Ports ``input0``, ``input1``... (for ``prefix="input"``) for several columns."""
    return [(f"{prefix}{i}", column) for i, column in enumerate(columns)]


# -- scalars -----------------------------------------------------------------------------------


def _scalar(type_name: str, value: Any) -> Value:
    return Value(kind="scalar", fields={type_name: value})


def boolean(value: bool) -> Value:
    return _scalar("boolean", bool(value))


def int32(value: int) -> Value:
    """An ``int`` attribute (32 bits)."""
    if not -(1 << 31) <= value < 1 << 31:
        raise ValueError(f"{value} does not fit an int attribute (32 bits)")
    return _scalar("int", int(value))


def long(value: int) -> Value:
    if not -(1 << 63) <= value < 1 << 63:
        raise ValueError(f"{value} does not fit a long attribute (64 bits)")
    return _scalar("long", int(value))


def double(value: float) -> Value:
    return _scalar("double", float(value))


def string(value: str) -> Value:
    return _scalar("string", str(value))


def basic_type(name: BasicTypeName) -> Value:
    return _scalar("basic_type", name)


def data_shape(shape: DataShape) -> Value:
    return _scalar("data_shape", shape)


# -- lists -------------------------------------------------------------------------------------


def _list(type_name: str, values: list[Any]) -> Value:
    return Value(kind="list", fields={type_name: values} if values else {})


def string_list(values: Sequence[str]) -> Value:
    return _list("string", [str(v) for v in values])


def double_list(values: Sequence[float]) -> Value:
    return _list("double", [float(v) for v in values])


def int_list(values: Sequence[int]) -> Value:
    return _list("int", [int(int32(v).fields["int"]) for v in values])


def long_list(values: Sequence[int]) -> Value:
    return _list("long", [int(long(v).fields["long"]) for v in values])


def boolean_list(values: Sequence[bool]) -> Value:
    return _list("boolean", [bool(v) for v in values])


def data_shape_list(shapes: Sequence[DataShape]) -> Value:
    return _list("data_shape", list(shapes))


# -- tensors -----------------------------------------------------------------------------------


def tensor(base: BasicTypeName, dimensions: Sequence[int], values: Sequence[Any]) -> Value:
    """A dense tensor of ``dimensions`` holding ``values`` in row-major order."""
    items = tuple(_tensor_item(base, v) for v in values)
    where = f"a {base} tensor of shape {list(dimensions)}"
    return Value(kind="tensor", tensor=checked_tensor(base, tuple(dimensions), items, where))


def _tensor_item(base: BasicTypeName, value: Any) -> Any:
    """A tensor element as the readers hold it (a float tensor's values rounded to float32)."""
    if base == "float":
        return _FLOAT32.unpack(_FLOAT32.pack(float(value)))[0]
    if base == "double":
        return float(value)
    if base == "boolean":
        return bool(value)
    if base in ("byte", "short", "int", "long"):
        return int(value)
    return value


_FLOAT32 = struct.Struct("<f")


def vector(values: Sequence[float]) -> Value:
    """A 1-D double tensor (MLeap's ``Value.vector``)."""
    return tensor("double", (len(values),), values)


def matrix(rows: Sequence[Sequence[float]]) -> Value:
    """A 2-D double tensor from its rows."""
    width = len(rows[0]) if rows else 0
    if any(len(row) != width for row in rows):
        raise ValueError("matrix rows differ in length")
    return tensor("double", (len(rows), width), [x for row in rows for x in row])


def tensor_list(values: Sequence[Value]) -> Value:
    """A list of tensors (MLeap's ``Value.tensorList``) from tensor values (``vector``...)."""
    tensors = [value.tensor for value in values]
    if any(tensor is None for tensor in tensors):
        raise ValueError("tensor_list takes tensor values")
    return _list("tensor", tensors)


def tensor_of(value: Tensor) -> Value:
    return Value(kind="tensor", tensor=value)


def simple_node(
    name: str, op: str, input_col: str, output_col: str, attributes: Mapping[str, Value]
) -> StoredNode:
    """A node of one input (port ``input``) and one output (``output``): most feature ops."""
    return StoredNode(
        name,
        node_shape([("input", input_col)], [("output", output_col)]),
        StoredModel(op, attributes),
    )


def predictor_node(
    name: str, features_col: str, outputs: Sequence[tuple[str, str]], model: StoredModel
) -> StoredNode:
    """A model's node: port ``features`` in; ``outputs`` as ``(port, column)`` pairs."""
    return StoredNode(name, node_shape([("features", features_col)], outputs), model)
