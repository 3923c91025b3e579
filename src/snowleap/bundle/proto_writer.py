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

from snowleap.bundle.definitions import ModelDef, NodeDef, Socket, TreeNodeDef
from snowleap.bundle.values import DataShape, Tensor, Value
from snowleap.bundle.wire_encoder import ProtoMessage

# NOTE: field numbers of bundle.proto / ext/dtree.proto (combust/bundle-protobuf).
_MODEL_OP, _MODEL_ATTRIBUTES = 1, 2
_ATTRIBUTES_LIST = 1
_ENTRY_KEY, _ENTRY_VALUE = 1, 2
_VALUE_SCALAR, _VALUE_LIST, _VALUE_TENSOR = 1, 2, 3
_SCALAR_FIELDS = {
    "boolean": 1,
    "string": 2,
    "int": 3,
    "long": 4,
    "float": 5,
    "double": 6,
    "byte_string": 7,
    "tensor": 8,
    "basic_type": 9,
    "data_shape": 10,
    "model": 11,
}
_TENSOR_BASE, _TENSOR_SHAPE, _TENSOR_VALUE = 1, 2, 3
_SHAPE_DIMENSIONS = 1
_DIMENSION_SIZE = 1
_DATA_SHAPE_BASE, _DATA_SHAPE_NULLABLE, _DATA_SHAPE_TENSOR_SHAPE = 1, 2, 3
_NODE_NAME, _NODE_SHAPE = 1, 2
_SHAPE_INPUTS, _SHAPE_OUTPUTS = 1, 2
_SOCKET_PORT, _SOCKET_NAME = 1, 2
_TREE_INTERNAL, _TREE_LEAF = 1, 2
_INTERNAL_SPLIT = 1
_SPLIT_CATEGORICAL, _SPLIT_CONTINUOUS = 1, 2
_CATEGORICAL_FEATURE, _CATEGORICAL_IS_LEFT, _CATEGORICAL_NUM, _CATEGORICAL_CATEGORIES = 1, 2, 3, 4
_CONTINUOUS_FEATURE, _CONTINUOUS_THRESHOLD = 1, 2
_LEAF_VALUES = 1

BASIC_TYPE_CODES = {
    "unknown": 0,
    "boolean": 1,
    "byte": 2,
    "short": 3,
    "int": 4,
    "long": 5,
    "float": 6,
    "double": 7,
    "string": 100,
    "byte_string": 101,
}
_DATA_SHAPE_CODES = {"scalar": 0, "list": 1, "tensor": 2}
_BIG_ENDIAN = {"byte": ">i1", "short": ">i2", "int": ">i4", "long": ">i8", "float": ">f4"}


class ProtoWriter:
    """Serializes Bundle.ML files as protobuf (``model.pb``, ``node.pb``, ``tree.pb``)."""

    name = "protobuf"
    extension = "pb"

    def model_bytes(self, model: ModelDef) -> bytes:
        return model_message(model).to_bytes()

    def node_bytes(self, node: NodeDef) -> bytes:
        shape = (
            ProtoMessage()
            .messages(_SHAPE_INPUTS, (_socket(s) for s in node.shape.inputs))
            .messages(_SHAPE_OUTPUTS, (_socket(s) for s in node.shape.outputs))
        )
        return ProtoMessage().string(_NODE_NAME, node.name).message(_NODE_SHAPE, shape).to_bytes()

    def tree_bytes(self, nodes: Sequence[TreeNodeDef]) -> bytes:
        parts: list[bytes] = []
        for node in nodes:
            encoded = _tree_node(node).to_bytes()
            parts += (len(encoded).to_bytes(4, "big"), encoded)
        return b"".join(parts)


def model_message(model: ModelDef) -> ProtoMessage:
    entries = (
        ProtoMessage().string(_ENTRY_KEY, name).message(_ENTRY_VALUE, value_message(value))
        for name, value in model.attributes.items()
    )
    attributes = ProtoMessage().messages(_ATTRIBUTES_LIST, entries)
    return ProtoMessage().string(_MODEL_OP, model.op).message(_MODEL_ATTRIBUTES, attributes)


def value_message(value: Value) -> ProtoMessage:
    if value.kind == "tensor":
        assert value.tensor is not None, "a tensor value holds a tensor"
        return ProtoMessage().message(_VALUE_TENSOR, _tensor(value.tensor))
    if value.kind == "list":
        return ProtoMessage().message(_VALUE_LIST, _list(value.fields))
    return ProtoMessage().message(_VALUE_SCALAR, _scalar(value.fields))


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
    dimensions = (ProtoMessage().varint(_DIMENSION_SIZE, int(size)) for size in sizes)
    return ProtoMessage().messages(_SHAPE_DIMENSIONS, dimensions)


def _tensor(tensor: Tensor) -> ProtoMessage:
    return (
        ProtoMessage()
        .varint(_TENSOR_BASE, BASIC_TYPE_CODES[tensor.base])
        .message(_TENSOR_SHAPE, _tensor_shape(tensor.dimensions))
        .byte_string(_TENSOR_VALUE, tensor_bytes(tensor))
    )


def tensor_bytes(tensor: Tensor) -> bytes:
    """The ``value`` bytes of a tensor, as MLeap's ``ArraySerializer`` writes them."""
    if tensor.base == "boolean":
        return bytes(1 if v else 0 for v in tensor.values.tolist())
    if tensor.base in ("string", "byte_string"):
        parts: list[bytes] = []
        for item in tensor.values.tolist():
            data = item.encode("utf-8") if isinstance(item, str) else bytes(item)
            parts += (len(data).to_bytes(4, "big"), data)
        return b"".join(parts)
    if tensor.base == "double":
        return struct.pack(f">{len(tensor.values)}d", *tensor.values.tolist())
    return bytes(tensor.values.astype(_BIG_ENDIAN[tensor.base]).tobytes())


def _data_shape(shape: DataShape) -> ProtoMessage:
    message = (
        ProtoMessage()
        .varint(_DATA_SHAPE_BASE, _DATA_SHAPE_CODES[shape.base])
        .boolean(_DATA_SHAPE_NULLABLE, shape.is_nullable)
    )
    if shape.tensor_dimensions is not None:
        message.message(_DATA_SHAPE_TENSOR_SHAPE, _tensor_shape(shape.tensor_dimensions))
    return message


def _socket(socket: Socket) -> ProtoMessage:
    return ProtoMessage().string(_SOCKET_PORT, socket.port).string(_SOCKET_NAME, socket.name)


def _tree_node(node: TreeNodeDef) -> ProtoMessage:
    if node.kind == "leaf":
        leaf = ProtoMessage().packed_doubles(_LEAF_VALUES, node.values)
        return ProtoMessage().message(_TREE_LEAF, leaf)
    if node.kind == "continuous":
        split = ProtoMessage().message(
            _SPLIT_CONTINUOUS,
            ProtoMessage()
            .varint(_CONTINUOUS_FEATURE, node.feature_index)
            .double(_CONTINUOUS_THRESHOLD, node.threshold),
        )
    else:
        split = ProtoMessage().message(
            _SPLIT_CATEGORICAL,
            ProtoMessage()
            .varint(_CATEGORICAL_FEATURE, node.feature_index)
            .boolean(_CATEGORICAL_IS_LEFT, node.is_left)
            .varint(_CATEGORICAL_NUM, node.num_categories)
            .packed_doubles(_CATEGORICAL_CATEGORIES, node.categories),
        )
    return ProtoMessage().message(_TREE_INTERNAL, ProtoMessage().message(_INTERNAL_SPLIT, split))
