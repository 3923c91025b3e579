"""Writing Bundle.ML's protobuf serialization: the inverse of ``proto_format``.

``model.pb`` is one ``ml.bundle.Model``, ``node.pb`` one ``ml.bundle.Node``, a tree file a
sequence of ``ml.bundle.dtree.Node`` messages, each after its size as a 4-byte big-endian int
(MLeap's ``DataOutputStream.writeInt``), in depth-first order. Tensor values are packed as
MLeap's ``ArraySerializer``s write them: big-endian numbers, one byte per boolean, strings as a
4-byte big-endian length and their UTF-8 bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from snowleap.bundle.definitions import ClusterNodeDef, ModelDef, NodeDef, Socket, TreeFileNode
from snowleap.bundle.proto_schema import BASIC_TYPE_CODES as BASIC_TYPE_CODES_READ
from snowleap.bundle.proto_schema import (
    BIG_ENDIAN_CODES,
    AttributesFields,
    ClusterNodeFields,
    DataShapeFields,
    ModelFields,
    NodeFields,
    SplitFields,
    TensorFields,
    TensorShapeFields,
    TreeNodeFields,
    TypedFields,
    ValueFields,
)
from snowleap.bundle.proto_schema import DATA_SHAPE_CODES as DATA_SHAPE_CODES_READ
from snowleap.bundle.protobuf_wire_encoder import ProtoMessage
from snowleap.bundle.values import DataShape, Tensor, Value

# NOTE: the codes by name, as written (proto_schema maps them the reading way).
BASIC_TYPE_CODES = {name: code for code, name in BASIC_TYPE_CODES_READ.items()} | {"unknown": 0}
_DATA_SHAPE_CODES = {name: code for code, name in DATA_SHAPE_CODES_READ.items()}
_SCALAR_FIELDS = {
    "boolean": TypedFields.BOOLEAN,
    "string": TypedFields.STRING,
    "int": TypedFields.INT,
    "long": TypedFields.LONG,
    "float": TypedFields.FLOAT,
    "double": TypedFields.DOUBLE,
    "byte_string": TypedFields.BYTE_STRING,
    "tensor": TypedFields.TENSOR,
    "basic_type": TypedFields.BASIC_TYPE,
    "data_shape": TypedFields.DATA_SHAPE,
    "model": TypedFields.MODEL,
}


class ProtoWriter:
    """Serializes Bundle.ML files as protobuf (``model.pb``, ``node.pb``, ``tree.pb``)."""

    name = "protobuf"
    extension = "pb"

    def model_bytes(self, model: ModelDef) -> bytes:
        return model_message(model).to_bytes()

    def node_bytes(self, node: NodeDef) -> bytes:
        shape = (
            ProtoMessage()
            .messages(NodeFields.SHAPE_INPUTS, (_socket(s) for s in node.shape.inputs))
            .messages(NodeFields.SHAPE_OUTPUTS, (_socket(s) for s in node.shape.outputs))
        )
        return (
            ProtoMessage()
            .string(NodeFields.NAME, node.name)
            .message(NodeFields.SHAPE, shape)
            .to_bytes()
        )

    def tree_bytes(self, nodes: Sequence[TreeFileNode]) -> bytes:
        parts: list[bytes] = []
        for node in nodes:
            encoded = _tree_node(node).to_bytes()
            parts += (len(encoded).to_bytes(4, "big"), encoded)
        return b"".join(parts)


def model_message(model: ModelDef) -> ProtoMessage:
    entries = (
        ProtoMessage()
        .string(AttributesFields.ENTRY_KEY, name)
        .message(AttributesFields.ENTRY_VALUE, value_message(value))
        for name, value in model.attributes.items()
    )
    attributes = ProtoMessage().messages(AttributesFields.LIST, entries)
    return (
        ProtoMessage().string(ModelFields.OP, model.op).message(ModelFields.ATTRIBUTES, attributes)
    )


def value_message(value: Value) -> ProtoMessage:
    if value.kind == "tensor":
        assert value.tensor is not None, "a tensor value holds a tensor"
        return ProtoMessage().message(ValueFields.TENSOR, _tensor(value.tensor))
    if value.kind == "list":
        return ProtoMessage().message(ValueFields.LIST, _list(value.fields))
    return ProtoMessage().message(ValueFields.SCALAR, _scalar(value.fields))


def _scalar(fields: Any) -> ProtoMessage:
    message = ProtoMessage()
    for key, item in fields.items():
        number = _SCALAR_FIELDS[key]
        if key in ("boolean", "int", "long"):
            message.varint(number, int(item))
        elif key == "float":
            message.float32(number, item)
        elif key == "double":
            message.double(number, item)
        elif key == "string":
            message.string(number, item)
        elif key == "byte_string":
            message.byte_string(number, bytes(item))
        elif key == "basic_type":
            message.varint(number, BASIC_TYPE_CODES[item])
        elif key == "tensor":
            message.message(number, _tensor(item))
        elif key == "data_shape":
            message.message(number, _data_shape(item))
        elif key == "model":
            message.message(number, model_message(item))
    return message


def _list(fields: Any) -> ProtoMessage:
    message = ProtoMessage()
    for key, items in fields.items():
        number = _SCALAR_FIELDS[key]
        if key in ("boolean", "int", "long"):
            message.packed_varints(number, (int(v) for v in items))
        elif key == "float":
            message.packed_floats(number, items)
        elif key == "double":
            message.packed_doubles(number, items)
        elif key == "string":
            message.strings(number, items)
        elif key == "byte_string":
            message.byte_strings(number, (bytes(v) for v in items))
        elif key == "basic_type":
            message.packed_varints(number, (BASIC_TYPE_CODES[v] for v in items))
        elif key == "tensor":
            message.messages(number, (_tensor(t) for t in items))
        elif key == "data_shape":
            message.messages(number, (_data_shape(s) for s in items))
        elif key == "model":
            message.messages(number, (model_message(m) for m in items))
    return message


def _tensor_shape(sizes: Sequence[int]) -> ProtoMessage:
    dimensions = (
        ProtoMessage().varint(TensorShapeFields.DIMENSION_SIZE, int(size)) for size in sizes
    )
    return ProtoMessage().messages(TensorShapeFields.DIMENSIONS, dimensions)


def _tensor(tensor: Tensor) -> ProtoMessage:
    return (
        ProtoMessage()
        .varint(TensorFields.BASE, BASIC_TYPE_CODES[tensor.base])
        .message(TensorFields.SHAPE, _tensor_shape(tensor.dimensions))
        .byte_string(TensorFields.VALUE, tensor_bytes(tensor))
    )


def tensor_bytes(tensor: Tensor) -> bytes:
    """The ``value`` bytes of a tensor, as MLeap's ``ArraySerializer`` writes them."""
    if tensor.base == "boolean":
        return bytes(1 if v else 0 for v in tensor.values)
    if tensor.base in ("string", "byte_string"):
        parts: list[bytes] = []
        for item in tensor.values:
            data = item.encode("utf-8") if isinstance(item, str) else bytes(item)
            parts += (len(data).to_bytes(4, "big"), data)
        return b"".join(parts)
    return struct.pack(f">{len(tensor.values)}{BIG_ENDIAN_CODES[tensor.base]}", *tensor.values)


def _data_shape(shape: DataShape) -> ProtoMessage:
    message = (
        ProtoMessage()
        .varint(DataShapeFields.BASE, _DATA_SHAPE_CODES[shape.base])
        .boolean(DataShapeFields.IS_NULLABLE, shape.is_nullable)
    )
    if shape.tensor_dimensions is not None:
        message.message(DataShapeFields.TENSOR_SHAPE, _tensor_shape(shape.tensor_dimensions))
    return message


def _socket(socket: Socket) -> ProtoMessage:
    return (
        ProtoMessage()
        .string(NodeFields.SOCKET_PORT, socket.port)
        .string(NodeFields.SOCKET_NAME, socket.name)
    )


def _cluster_node(node: ClusterNodeDef) -> ProtoMessage:
    # NOTE: MLeap writes a negative (internal) index as the uint32 of its two's complement.
    return (
        ProtoMessage()
        .varint(ClusterNodeFields.INDEX, node.index & 0xFFFFFFFF)
        .double(ClusterNodeFields.NORM, node.norm)
        .packed_doubles(ClusterNodeFields.VALUES, node.values)
        .varint(ClusterNodeFields.NUM_CHILDREN, node.num_children)
    )


def _tree_node(node: TreeFileNode) -> ProtoMessage:
    if isinstance(node, ClusterNodeDef):
        return _cluster_node(node)
    if node.kind == "leaf":
        leaf = ProtoMessage().packed_doubles(TreeNodeFields.LEAF_VALUES, node.values)
        return ProtoMessage().message(TreeNodeFields.LEAF, leaf)
    if node.kind == "continuous":
        split = ProtoMessage().message(
            SplitFields.CONTINUOUS,
            ProtoMessage()
            .varint(SplitFields.FEATURE_INDEX, node.feature_index)
            .double(SplitFields.CONTINUOUS_THRESHOLD, node.threshold),
        )
    else:
        split = ProtoMessage().message(
            SplitFields.CATEGORICAL,
            ProtoMessage()
            .varint(SplitFields.FEATURE_INDEX, node.feature_index)
            .boolean(SplitFields.CATEGORICAL_IS_LEFT, node.is_left)
            .varint(SplitFields.CATEGORICAL_NUM_CATEGORIES, node.num_categories)
            .packed_doubles(SplitFields.CATEGORICAL_CATEGORIES, node.categories),
        )
    internal = ProtoMessage().message(TreeNodeFields.INTERNAL_SPLIT, split)
    return ProtoMessage().message(TreeNodeFields.INTERNAL, internal)
