"""Bundle.ML's protobuf messages (``bundle.proto``, ``ext/dtree.proto`` and ``ext/ctree.proto``
of combust/bundle-protobuf), built with ``descriptor_pb2`` for Google's encoder, independently of
snowleap's decoder. ``build_messages`` gives the message classes.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import Message

FieldProto = descriptor_pb2.FieldDescriptorProto

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
DATA_SHAPE_CODES = {"scalar": 0, "list": 1, "tensor": 2}


def _field(
    message: descriptor_pb2.DescriptorProto,
    name: str,
    number: int,
    kind: int,
    *,
    repeated: bool = False,
    type_name: str | None = None,
    oneof: int | None = None,
    packed: bool | None = None,
) -> None:
    field = message.field.add(name=name, number=number, type=kind)
    field.label = FieldProto.LABEL_REPEATED if repeated else FieldProto.LABEL_OPTIONAL
    if type_name is not None:
        field.type_name = type_name
    if oneof is not None:
        field.oneof_index = oneof
    if packed is not None:
        field.options.packed = packed


def _enum(file: descriptor_pb2.FileDescriptorProto, name: str, values: dict[str, int]) -> None:
    enum = file.enum_type.add(name=name)
    for value_name, number in values.items():
        enum.value.add(name=value_name.upper(), number=number)


def _bundle_file(packed: bool) -> descriptor_pb2.FileDescriptorProto:
    """``ml.bundle`` as in bundle.proto; ``packed=False`` writes repeated numbers unpacked."""
    t = FieldProto
    file = descriptor_pb2.FileDescriptorProto(
        name="snowleap_tests/bundle.proto", package="ml.bundle", syntax="proto3"
    )
    _enum(
        file,
        "BasicType",
        {("undefined" if k == "unknown" else k): v for k, v in BASIC_TYPE_CODES.items()},
    )
    _enum(file, "DataShapeType", DATA_SHAPE_CODES)
    _enum(file, "Format", {"json": 0, "protobuf": 1})

    dim = file.message_type.add(name="TensorDimension")
    _field(dim, "size", 1, t.TYPE_INT32)
    _field(dim, "name", 2, t.TYPE_STRING)
    shape = file.message_type.add(name="TensorShape")
    _field(
        shape,
        "dimensions",
        1,
        t.TYPE_MESSAGE,
        repeated=True,
        type_name=".ml.bundle.TensorDimension",
    )
    tensor = file.message_type.add(name="Tensor")
    _field(tensor, "base", 1, t.TYPE_ENUM, type_name=".ml.bundle.BasicType")
    _field(tensor, "shape", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.TensorShape")
    _field(tensor, "value", 3, t.TYPE_BYTES)
    data_shape = file.message_type.add(name="DataShape")
    _field(data_shape, "base", 1, t.TYPE_ENUM, type_name=".ml.bundle.DataShapeType")
    _field(data_shape, "is_nullable", 2, t.TYPE_BOOL)
    _field(data_shape, "tensor_shape", 3, t.TYPE_MESSAGE, type_name=".ml.bundle.TensorShape")

    value_fields = (
        ("b", 1, t.TYPE_BOOL, None),
        ("s", 2, t.TYPE_STRING, None),
        ("i", 3, t.TYPE_INT32, None),
        ("l", 4, t.TYPE_INT64, None),
        ("f", 5, t.TYPE_FLOAT, None),
        ("d", 6, t.TYPE_DOUBLE, None),
        ("bs", 7, t.TYPE_BYTES, None),
        ("t", 8, t.TYPE_MESSAGE, ".ml.bundle.Tensor"),
        ("bt", 9, t.TYPE_ENUM, ".ml.bundle.BasicType"),
        ("ds", 10, t.TYPE_MESSAGE, ".ml.bundle.DataShape"),
        ("m", 11, t.TYPE_MESSAGE, ".ml.bundle.Model"),
    )
    list_message = file.message_type.add(name="List")
    scalar = file.message_type.add(name="Scalar")
    numeric = (t.TYPE_BOOL, t.TYPE_INT32, t.TYPE_INT64, t.TYPE_FLOAT, t.TYPE_DOUBLE, t.TYPE_ENUM)
    for name, number, kind, type_name in value_fields:
        _field(scalar, name, number, kind, type_name=type_name)
        _field(
            list_message,
            name,
            number,
            kind,
            repeated=True,
            type_name=type_name,
            packed=packed if kind in numeric else None,
        )

    value = file.message_type.add(name="Value")
    value.oneof_decl.add(name="v")
    _field(value, "s", 1, t.TYPE_MESSAGE, type_name=".ml.bundle.Scalar", oneof=0)
    _field(value, "l", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.List", oneof=0)
    _field(value, "t", 3, t.TYPE_MESSAGE, type_name=".ml.bundle.Tensor", oneof=0)

    attributes = file.message_type.add(name="Attributes")
    entry = attributes.nested_type.add(name="ListEntry")
    entry.options.map_entry = True
    _field(entry, "key", 1, t.TYPE_STRING)
    _field(entry, "value", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.Value")
    _field(
        attributes,
        "list",
        1,
        t.TYPE_MESSAGE,
        repeated=True,
        type_name=".ml.bundle.Attributes.ListEntry",
    )

    model = file.message_type.add(name="Model")
    _field(model, "op", 1, t.TYPE_STRING)
    _field(model, "attributes", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.Attributes")
    socket = file.message_type.add(name="Socket")
    _field(socket, "port", 1, t.TYPE_STRING)
    _field(socket, "name", 2, t.TYPE_STRING)
    node_shape = file.message_type.add(name="NodeShape")
    _field(node_shape, "inputs", 1, t.TYPE_MESSAGE, repeated=True, type_name=".ml.bundle.Socket")
    _field(node_shape, "outputs", 2, t.TYPE_MESSAGE, repeated=True, type_name=".ml.bundle.Socket")
    node = file.message_type.add(name="Node")
    _field(node, "name", 1, t.TYPE_STRING)
    _field(node, "shape", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.NodeShape")

    # A later version of Model with fields this reader does not know, one per wire type.
    future = file.message_type.add(name="FutureModel")
    _field(future, "op", 1, t.TYPE_STRING)
    _field(future, "attributes", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.Attributes")
    _field(future, "revision", 15, t.TYPE_UINT64)
    _field(future, "weight", 16, t.TYPE_DOUBLE)
    _field(future, "notes", 17, t.TYPE_STRING)
    _field(future, "ratio", 18, t.TYPE_FLOAT)
    _field(future, "tags", 19, t.TYPE_INT64, repeated=True, packed=True)
    return file


def _dtree_file(packed: bool) -> descriptor_pb2.FileDescriptorProto:
    """``ml.bundle.dtree`` as in ext/dtree.proto."""
    t = FieldProto
    file = descriptor_pb2.FileDescriptorProto(
        name="snowleap_tests/dtree.proto", package="ml.bundle.dtree", syntax="proto3"
    )
    split = file.message_type.add(name="Split")
    split.oneof_decl.add(name="s")
    categorical = split.nested_type.add(name="CategoricalSplit")
    _field(categorical, "feature_index", 1, t.TYPE_UINT32)
    _field(categorical, "is_left", 2, t.TYPE_BOOL)
    _field(categorical, "num_categories", 3, t.TYPE_UINT32)
    _field(categorical, "categories", 4, t.TYPE_DOUBLE, repeated=True, packed=packed)
    continuous = split.nested_type.add(name="ContinuousSplit")
    _field(continuous, "feature_index", 1, t.TYPE_UINT32)
    _field(continuous, "threshold", 2, t.TYPE_DOUBLE)
    _field(
        split,
        "categorical",
        1,
        t.TYPE_MESSAGE,
        type_name=".ml.bundle.dtree.Split.CategoricalSplit",
        oneof=0,
    )
    _field(
        split,
        "continuous",
        2,
        t.TYPE_MESSAGE,
        type_name=".ml.bundle.dtree.Split.ContinuousSplit",
        oneof=0,
    )

    node = file.message_type.add(name="Node")
    node.oneof_decl.add(name="n")
    internal = node.nested_type.add(name="InternalNode")
    _field(internal, "split", 1, t.TYPE_MESSAGE, type_name=".ml.bundle.dtree.Split")
    leaf = node.nested_type.add(name="LeafNode")
    _field(leaf, "values", 1, t.TYPE_DOUBLE, repeated=True, packed=packed)
    _field(
        node, "internal", 1, t.TYPE_MESSAGE, type_name=".ml.bundle.dtree.Node.InternalNode", oneof=0
    )
    _field(node, "leaf", 2, t.TYPE_MESSAGE, type_name=".ml.bundle.dtree.Node.LeafNode", oneof=0)
    return file


def _ctree_file(packed: bool) -> descriptor_pb2.FileDescriptorProto:
    """``ml.bundle.ctree`` as in ext/ctree.proto."""
    t = FieldProto
    file = descriptor_pb2.FileDescriptorProto(
        name="snowleap_tests/ctree.proto", package="ml.bundle.ctree", syntax="proto3"
    )
    node = file.message_type.add(name="Node")
    _field(node, "index", 1, t.TYPE_UINT32)
    _field(node, "norm", 2, t.TYPE_DOUBLE)
    _field(node, "values", 3, t.TYPE_DOUBLE, repeated=True, packed=packed)
    _field(node, "num_children", 4, t.TYPE_UINT32)
    return file


@dataclass(frozen=True)
class Messages:
    """The message classes of one build of the spec."""

    pool: descriptor_pool.DescriptorPool

    def __getitem__(self, full_name: str) -> type[Message]:
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(full_name))


def build_messages(packed: bool = True) -> Messages:
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_bundle_file(packed))
    pool.Add(_dtree_file(packed))
    pool.Add(_ctree_file(packed))
    return Messages(pool)
