"""Bundle.ML's protobuf serialization: ``model.pb``, ``node.pb`` and length-prefixed ``tree.pb``.

The messages are those of ``bundle.proto`` (package ``ml.bundle``), ``ext/dtree.proto``
(``ml.bundle.dtree``) and ``ext/ctree.proto`` (``ml.bundle.ctree``) in combust/bundle-protobuf;
MLeap writes ``model.pb`` as one ``Model``, ``node.pb`` as one ``Node`` and a tree file as a
sequence of ``dtree.Node`` (decision trees) or ``ctree.Node`` (clustering trees) messages, each
after its size as a 4-byte big-endian int (``DataOutputStream.writeInt``), in depth-first order.
``bundle.json`` stays JSON in protobuf bundles; only its ``format`` says ``"protobuf"``.

Tensor values are packed into the ``value`` bytes by MLeap's ``ArraySerializer``s: big-endian
numbers (``java.nio.ByteBuffer``), one byte per boolean, and strings as a 4-byte big-endian length
followed by the bytes. Everything parses into the same structures as ``json_format``; the wire
format itself is read by ``protobuf_wire``. Each message type's field numbers are named
in ``proto_schema`` after the ``.proto`` files.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any, Literal

from snowleap.bundle import limits
from snowleap.bundle.definitions import (
    ClusterNodeDef,
    ModelDef,
    NodeDef,
    NodeShape,
    Socket,
    TreeNodeDef,
    TreeNodeList,
    TreeSink,
)
from snowleap.bundle.proto_schema import (
    BASIC_TYPE_CODES,
    BIG_ENDIAN_CODES,
    DATA_SHAPE_CODES,
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
from snowleap.bundle.protobuf_wire import Message, decode, signed
from snowleap.bundle.values import (
    MAX_VALUE_NESTING,
    Attributes,
    BasicTypeName,
    DataShape,
    Tensor,
    Value,
    check_name,
    checked_tensor,
)
from snowleap.errors import BundleError


class ProtoFormat:
    """Parses the protobuf serialization of Bundle.ML.

    Example
    -------
    >>> ProtoFormat().parse_node(b"\\n\\x04node", "root/node.pb").name
    'node'
    """

    name = "protobuf"
    extension = "pb"

    def parse_model(self, data: bytes, where: str) -> ModelDef:
        return _model(decode(bytes(data), where, ModelFields.KNOWN), depth=0)

    def parse_node(self, data: bytes, where: str) -> NodeDef:
        node = decode(bytes(data), where, NodeFields.KNOWN)
        shape = node.message(NodeFields.SHAPE, "shape", NodeFields.SHAPE_KNOWN)
        return NodeDef(
            name=node.string(NodeFields.NAME, "name"),
            shape=NodeShape(
                inputs=_sockets(shape, NodeFields.SHAPE_INPUTS, "inputs"),
                outputs=_sockets(shape, NodeFields.SHAPE_OUTPUTS, "outputs"),
            ),
        )

    def parse_tree(self, data: bytes, where: str) -> list[TreeNodeDef]:
        nodes = TreeNodeList()
        self.parse_tree_into(data, where, nodes)
        return nodes.nodes

    def parse_tree_into(self, data: bytes, where: str, sink: TreeSink) -> None:
        for message in _framed(data, where, TreeNodeFields.KNOWN):
            _push_tree_node(message, sink)

    def parse_cluster_tree(self, data: bytes, where: str) -> list[ClusterNodeDef]:
        return [_cluster_node(m) for m in _framed(data, where, ClusterNodeFields.KNOWN)]


def _framed(data: bytes, where: str, known: frozenset[int]) -> list[Message]:
    """The messages of a tree file, each after its size as a 4-byte big-endian int."""
    buffer = bytes(data)
    messages: list[Message] = []
    pos = 0
    while pos < len(buffer):
        if len(messages) >= limits.MAX_TREE_NODES:
            raise BundleError(
                f"{where}: more than {limits.MAX_TREE_NODES} tree nodes (SNOWLEAP_MAX_TREE_NODES)"
            )
        if len(buffer) - pos < 4:
            raise BundleError(
                f"{where}: tree node {len(messages)} at byte {pos}: truncated size prefix"
            )
        size = int.from_bytes(buffer[pos : pos + 4], "big", signed=True)
        start = pos + 4
        if size < 0 or size > len(buffer) - start:
            raise BundleError(
                f"{where}: tree node {len(messages)} at byte {pos}: size {size} runs past "
                f"the end ({len(buffer) - start} bytes left)"
            )
        messages.append(
            decode(buffer, f"{where}: tree node {len(messages)}", known, start, start + size)
        )
        pos = start + size
    return messages


def _cluster_node(message: Message) -> ClusterNodeDef:
    # NOTE: ``index`` is a uint32 on the wire, but MLeap stores an internal node's negative
    # index in it (a Scala Int written as uint32: its 32-bit two's complement).
    raw_index = message.uint32(ClusterNodeFields.INDEX, "index")
    return ClusterNodeDef(
        index=raw_index - (1 << 32) if raw_index >= 1 << 31 else raw_index,
        norm=message.double(ClusterNodeFields.NORM, "norm"),
        values=tuple(message.packed_fixed(ClusterNodeFields.VALUES, "values", 8)),
        num_children=message.uint32(ClusterNodeFields.NUM_CHILDREN, "num_children"),
    )


def _model(message: Message, depth: int) -> ModelDef:
    op = message.string(ModelFields.OP, "op")
    if not op:
        raise message.fail("'op' should be a non-empty string, got ''")
    check_name(op, "'op'", message.where)
    attributes = message.message(ModelFields.ATTRIBUTES, "attributes", AttributesFields.KNOWN)
    values: dict[str, Value] = {}
    entries = (
        attributes.messages(AttributesFields.LIST, "list", AttributesFields.ENTRY_KNOWN)
        if attributes is not None
        else []
    )
    for entry in entries:
        name = entry.string(AttributesFields.ENTRY_KEY, "key")
        raw = entry.message(AttributesFields.ENTRY_VALUE, "value", ValueFields.KNOWN)
        # NOTE: errors inside a value name the attribute, not the field numbers leading to it.
        values[name] = (
            Value(kind="scalar")
            if raw is None
            else _value(raw.renamed(f"{message.where}: attribute {name!r}"), depth)
        )
    return ModelDef(op=op, attributes=Attributes(values=values, where=message.where))


def _value(message: Message, depth: int) -> Value:
    kind = message.oneof((ValueFields.SCALAR, ValueFields.LIST, ValueFields.TENSOR))
    if kind == ValueFields.LIST:
        listed = _must(message.message(ValueFields.LIST, "list", TypedFields.KNOWN))
        return Value(kind="list", fields=_list_fields(listed, depth))
    if kind == ValueFields.TENSOR:
        tensor = _must(message.message(ValueFields.TENSOR, "tensor", TensorFields.KNOWN))
        return Value(kind="tensor", tensor=_tensor(tensor))
    scalar = message.message(ValueFields.SCALAR, "scalar", TypedFields.KNOWN)
    # NOTE: a value with no member set reads as an all-zero scalar, as ScalaPB's getS does.
    return Value(kind="scalar", fields={} if scalar is None else _scalar_fields(scalar, depth))


def _must(message: Message | None) -> Message:
    assert message is not None, "oneof() only returns members that occur"
    return message


def _scalar_fields(message: Message, depth: int) -> dict[str, Any]:
    """The scalar's fields that are present; absent ones read as zero, like JSON's omitted keys."""
    present = message.fields
    fields: dict[str, Any] = {}
    readers: tuple[tuple[int, str, Callable[[int, str], Any]], ...] = (
        (TypedFields.BOOLEAN, "boolean", message.boolean),
        (TypedFields.STRING, "string", message.string),
        (TypedFields.INT, "int", message.int32),
        (TypedFields.LONG, "long", message.int64),
        (TypedFields.FLOAT, "float", message.float32),
        (TypedFields.DOUBLE, "double", message.double),
        (TypedFields.BYTE_STRING, "byte_string", message.byte_string),
    )
    for number, name, read in readers:
        if number in present:
            fields[name] = read(number, name)
    tensor = message.message(TypedFields.TENSOR, "tensor", TensorFields.KNOWN)
    if tensor is not None:
        fields["tensor"] = _tensor(tensor)
    if TypedFields.BASIC_TYPE in present:
        code = message.int32(TypedFields.BASIC_TYPE, "basic_type")
        fields["basic_type"] = _basic_type_name(code, message)
    shape = message.message(TypedFields.DATA_SHAPE, "data_shape", DataShapeFields.KNOWN)
    if shape is not None:
        fields["data_shape"] = _data_shape(shape)
    model = message.message(TypedFields.MODEL, "model", ModelFields.KNOWN)
    if model is not None:
        fields["model"] = _nested_model(model, depth)
    return fields


def _list_fields(message: Message, depth: int) -> dict[str, Any]:
    """The list's non-empty fields, as MLeap's JSON writer keeps only non-empty lists."""
    fields: dict[str, Any] = {
        "boolean": [v != 0 for v in message.packed_varints(TypedFields.BOOLEAN, "boolean")],
        "string": message.strings(TypedFields.STRING, "string"),
        "int": [
            signed(v, 32, message, "int") for v in message.packed_varints(TypedFields.INT, "int")
        ],
        "long": [
            signed(v, 64, message, "long") for v in message.packed_varints(TypedFields.LONG, "long")
        ],
        "float": message.packed_fixed(TypedFields.FLOAT, "float", 4),
        "double": message.packed_fixed(TypedFields.DOUBLE, "double", 8),
        "byte_string": message.byte_strings(TypedFields.BYTE_STRING, "byte_string"),
        "tensor": [
            _tensor(t) for t in message.messages(TypedFields.TENSOR, "tensor", TensorFields.KNOWN)
        ],
        "basic_type": [
            _basic_type_name(signed(v, 32, message, "basic_type"), message)
            for v in message.packed_varints(TypedFields.BASIC_TYPE, "basic_type")
        ],
        "data_shape": [
            _data_shape(s)
            for s in message.messages(TypedFields.DATA_SHAPE, "data_shape", DataShapeFields.KNOWN)
        ],
        "model": [
            _nested_model(m, depth)
            for m in message.messages(TypedFields.MODEL, "model", ModelFields.KNOWN)
        ],
    }
    return {name: items for name, items in fields.items() if items}


def _basic_type_name(code: int, message: Message) -> str:
    if code == 0:
        # NOTE: UNDEFINED; MLeap's JSON names it "unknown".
        return "unknown"
    name = BASIC_TYPE_CODES.get(code)
    if name is None:
        raise message.fail(f"unknown basic type code {code}")
    return name


def _nested_model(message: Message, depth: int) -> ModelDef:
    if depth >= MAX_VALUE_NESTING:
        raise message.fail(f"models nest deeper than {MAX_VALUE_NESTING} levels")
    return _model(message, depth + 1)


def _dimensions(message: Message | None) -> tuple[int, ...]:
    if message is None:
        return ()
    dimensions = message.messages(
        TensorShapeFields.DIMENSIONS, "dimensions", TensorShapeFields.DIMENSION_KNOWN
    )
    return tuple(d.int32(TensorShapeFields.DIMENSION_SIZE, "size") for d in dimensions)


def _data_shape(message: Message) -> DataShape:
    code = message.int32(DataShapeFields.BASE, "base")
    base = DATA_SHAPE_CODES.get(code)
    if base is None:
        raise message.fail(f"unknown data shape base code {code}")
    shape = message.message(DataShapeFields.TENSOR_SHAPE, "tensor_shape", TensorShapeFields.KNOWN)
    return DataShape(
        base=base,
        is_nullable=message.boolean(DataShapeFields.IS_NULLABLE, "is_nullable"),
        tensor_dimensions=None if shape is None else _dimensions(shape),
    )


def _tensor(message: Message) -> Tensor:
    code = message.int32(TensorFields.BASE, "base")
    base = BASIC_TYPE_CODES.get(code)
    if base is None:
        raise message.fail(f"tensor has no values of a known type (base code {code})")
    dimensions = _dimensions(message.message(TensorFields.SHAPE, "shape", TensorShapeFields.KNOWN))
    raw = message.byte_string(TensorFields.VALUE, "value")
    return checked_tensor(base, dimensions, _tensor_values(base, raw, message), message.where)


def _tensor_values(base: BasicTypeName, raw: bytes, message: Message) -> tuple[Any, ...]:
    """Decode the ``value`` bytes of a tensor as MLeap's ``ArraySerializer`` wrote them."""
    if base == "boolean":
        if raw.translate(None, b"\x00\x01"):
            raise message.fail("tensor value: boolean bytes should be 0 or 1")
        return tuple(byte == 1 for byte in raw)
    if base in ("string", "byte_string"):
        return _length_prefixed(base, raw, message)
    code = BIG_ENDIAN_CODES[base]
    width = struct.calcsize(code)
    if len(raw) % width:
        raise message.fail(
            f"tensor value: {len(raw)} bytes is not a whole number of {width}-byte {base} values"
        )
    return struct.unpack(f">{len(raw) // width}{code}", raw)


def _length_prefixed(
    base: Literal["string", "byte_string"], raw: bytes, message: Message
) -> tuple[str | bytes, ...]:
    items: list[str | bytes] = []
    pos = 0
    while pos < len(raw):
        if len(raw) - pos < 4:
            raise message.fail(f"tensor value: item {len(items)} has a truncated size prefix")
        size = int.from_bytes(raw[pos : pos + 4], "big", signed=True)
        pos += 4
        if size < 0 or size > len(raw) - pos:
            raise message.fail(
                f"tensor value: item {len(items)} of size {size} runs past the end "
                f"({len(raw) - pos} bytes left)"
            )
        chunk = raw[pos : pos + size]
        pos += size
        items.append(chunk if base == "byte_string" else _tensor_string(chunk))
    return tuple(items)


def _tensor_string(chunk: bytes) -> str:
    # NOTE: MLeap writes a string tensor with DataOutputStream.writeBytes, which keeps the low
    # byte of each char, so non-ASCII text arrives as Latin-1; other writers use UTF-8. Valid
    # UTF-8 is taken as such, anything else is the Latin-1 text MLeap meant.
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError:
        return chunk.decode("latin-1")


def _sockets(shape: Message | None, number: int, what: str) -> tuple[Socket, ...]:
    if shape is None:
        return ()
    return tuple(
        Socket(
            port=s.string(NodeFields.SOCKET_PORT, "port"),
            name=s.string(NodeFields.SOCKET_NAME, "name"),
        )
        for s in shape.messages(number, what, NodeFields.SOCKET_KNOWN)
    )


def _push_tree_node(message: Message, sink: TreeSink) -> None:
    kind = message.oneof((TreeNodeFields.INTERNAL, TreeNodeFields.LEAF))
    if kind == TreeNodeFields.LEAF:
        leaf = _must(message.message(TreeNodeFields.LEAF, "leaf", TreeNodeFields.LEAF_KNOWN))
        sink.leaf(leaf.packed_fixed(TreeNodeFields.LEAF_VALUES, "values", 8))
        return
    if kind is None:
        raise message.fail("tree node is neither internal nor leaf")
    internal = _must(
        message.message(TreeNodeFields.INTERNAL, "internal", TreeNodeFields.INTERNAL_KNOWN)
    )
    split = internal.message(TreeNodeFields.INTERNAL_SPLIT, "split", SplitFields.KNOWN)
    split_kind = (
        None if split is None else split.oneof((SplitFields.CATEGORICAL, SplitFields.CONTINUOUS))
    )
    if split is None or split_kind is None:
        raise message.fail("internal node has no split")
    if split_kind == SplitFields.CONTINUOUS:
        continuous = _must(
            split.message(SplitFields.CONTINUOUS, "continuous", SplitFields.CONTINUOUS_KNOWN)
        )
        sink.continuous(
            continuous.uint32(SplitFields.FEATURE_INDEX, "feature_index"),
            continuous.double(SplitFields.CONTINUOUS_THRESHOLD, "threshold"),
        )
        return
    categorical = _must(
        split.message(SplitFields.CATEGORICAL, "categorical", SplitFields.CATEGORICAL_KNOWN)
    )
    sink.categorical(
        categorical.uint32(SplitFields.FEATURE_INDEX, "feature_index"),
        categorical.packed_fixed(SplitFields.CATEGORICAL_CATEGORIES, "categories", 8),
        categorical.boolean(SplitFields.CATEGORICAL_IS_LEFT, "is_left"),
        categorical.uint32(SplitFields.CATEGORICAL_NUM_CATEGORIES, "num_categories"),
    )
