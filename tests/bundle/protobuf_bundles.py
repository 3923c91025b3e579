"""Writing protobuf Bundle.ML files with Google's ``protobuf`` package, independently of snowleap.

The message definitions are built here from the Bundle.ML spec (``bundle.proto`` and
``ext/dtree.proto`` of combust/bundle-protobuf) with ``descriptor_pb2``, so tests encode files
with Google's encoder and decode them with snowleap's own reader. ``to_protobuf_bundle`` turns a
JSON bundle into the protobuf bundle MLeap would have written for the same model, following
MLeap's ``JsonSupport`` (JSON <-> messages) and ``ArraySerializer`` (tensor bytes).
"""

from __future__ import annotations

import base64
import json
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

# MLeap's JSON key for each field of Scalar and List (JsonSupport.bundleScalarFormat).
VALUE_KEYS = {
    "boolean": "b",
    "string": "s",
    "int": "i",
    "long": "l",
    "float": "f",
    "double": "d",
    "byte_string": "bs",
    "tensor": "t",
    "basic_type": "bt",
    "data_shape": "ds",
    "model": "m",
}

# ArraySerializer: java.nio.ByteBuffer's big-endian layouts.
_TENSOR_LAYOUTS = {"short": ">h", "int": ">i", "long": ">q", "float": ">f", "double": ">d"}


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
    return Messages(pool)


class ProtobufWriter:
    """Encodes MLeap's JSON documents as the protobuf messages MLeap writes for them."""

    def __init__(self, packed: bool = True) -> None:
        self.messages = build_messages(packed)

    def new(self, name: str) -> Any:
        return self.messages[name]()

    # -- values --------------------------------------------------------------------------------

    def tensor(self, doc: dict[str, Any]) -> Any:
        message = self.new("ml.bundle.Tensor")
        base = next(k for k in doc if k in BASIC_TYPE_CODES)
        message.base = BASIC_TYPE_CODES[base]
        for dim in doc.get("shape", {}).get("dimensions", []):
            message.shape.dimensions.add(size=dim["size"], name=dim.get("name", ""))
        message.value = tensor_bytes(base, doc[base])
        return message

    def data_shape(self, doc: dict[str, Any]) -> Any:
        message = self.new("ml.bundle.DataShape")
        message.base = DATA_SHAPE_CODES[doc["base"]]
        message.is_nullable = doc.get("isNullable", False)
        if "tensorShape" in doc:
            message.tensor_shape.SetInParent()
            for dim in doc["tensorShape"].get("dimensions", []):
                message.tensor_shape.dimensions.add(size=dim["size"], name=dim.get("name", ""))
        return message

    def _element(self, key: str, item: Any) -> Any:
        if key == "byte_string":
            return base64.b64decode(item)
        if key == "tensor":
            return self.tensor(item)
        if key == "basic_type":
            return BASIC_TYPE_CODES[item]
        if key == "data_shape":
            return self.data_shape(item)
        if key == "model":
            return self.model_message(item)
        return item

    def value(self, doc: dict[str, Any]) -> Any:
        message = self.new("ml.bundle.Value")
        kind = doc.get("type")
        if kind == "tensor":
            message.t.CopyFrom(self.tensor(doc))
        elif kind == "list":
            message.l.SetInParent()
            for key, items in doc.items():
                if key == "type":
                    continue
                target = getattr(message.l, VALUE_KEYS[key])
                elements = [self._element(key, item) for item in items]
                if key in ("tensor", "data_shape", "model"):
                    for element in elements:
                        target.add().CopyFrom(element)
                else:
                    target.extend(elements)
        else:
            message.s.SetInParent()
            for key, item in doc.items():
                element = self._element(key, item)
                if key in ("tensor", "data_shape", "model"):
                    getattr(message.s, VALUE_KEYS[key]).CopyFrom(element)
                else:
                    setattr(message.s, VALUE_KEYS[key], element)
        return message

    def model_message(self, doc: dict[str, Any], type_name: str = "ml.bundle.Model") -> Any:
        message = self.new(type_name)
        message.op = doc["op"]
        message.attributes.SetInParent()
        for name, value in doc.get("attributes", {}).items():
            message.attributes.list[name].CopyFrom(self.value(value))
        return message

    # -- files ---------------------------------------------------------------------------------

    def model(self, doc: dict[str, Any]) -> bytes:
        return bytes(self.model_message(doc).SerializeToString())

    def node(self, doc: dict[str, Any]) -> bytes:
        message = self.new("ml.bundle.Node")
        message.name = doc["name"]
        message.shape.SetInParent()
        for port_list in ("inputs", "outputs"):
            for socket in doc["shape"].get(port_list, []):
                getattr(message.shape, port_list).add(port=socket["port"], name=socket["name"])
        return bytes(message.SerializeToString())

    def tree_node(self, doc: dict[str, Any]) -> Any:
        message = self.new("ml.bundle.dtree.Node")
        if doc["type"] == "leaf":
            message.leaf.SetInParent()
            message.leaf.values.extend(doc.get("values", []))
            return message
        split = doc["split"]
        if split["type"] == "continuous":
            message.internal.split.continuous.feature_index = split["featureIndex"]
            message.internal.split.continuous.threshold = split.get("threshold", 0.0)
        else:
            categorical = message.internal.split.categorical
            categorical.feature_index = split["featureIndex"]
            categorical.is_left = split.get("isLeft", False)
            categorical.num_categories = split.get("numCategories", 0)
            categorical.categories.extend(split.get("categories", []))
            message.internal.split.categorical.SetInParent()
        return message

    def tree(self, docs: list[dict[str, Any]]) -> bytes:
        """A tree file: each node after its size as a big-endian int (DataOutputStream)."""
        out = bytearray()
        for doc in docs:
            encoded = self.tree_node(doc).SerializeToString()
            out += struct.pack(">i", len(encoded)) + encoded
        return bytes(out)


def tensor_bytes(base: str, items: list[Any]) -> bytes:
    """A tensor's ``value`` bytes as MLeap's ArraySerializer writes them."""
    if base == "boolean":
        return bytes(1 if item else 0 for item in items)
    if base == "byte":
        return struct.pack(f">{len(items)}b", *items)
    if base in _TENSOR_LAYOUTS:
        return struct.pack(">" + _TENSOR_LAYOUTS[base][1] * len(items), *items)
    chunks = []
    for item in items:
        raw = base64.b64decode(item) if base == "byte_string" else item.encode("utf-8")
        chunks.append(struct.pack(">i", len(raw)) + raw)
    return b"".join(chunks)


def to_protobuf_bundle(source: Path, target: Path, packed: bool = True) -> Path:
    """Write the protobuf form of a JSON bundle (a folder or a zip) into folder ``target``."""
    writer = ProtobufWriter(packed)
    files: dict[str, bytes]
    if source.is_dir():
        files = {
            p.relative_to(source).as_posix(): p.read_bytes()
            for p in source.rglob("*")
            if p.is_file()
        }
    else:
        with zipfile.ZipFile(source) as archive:
            files = {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    for name, data in files.items():
        folder, _, file = name.rpartition("/")
        out = target / folder if folder else target
        out.mkdir(parents=True, exist_ok=True)
        if file == "bundle.json":
            info = json.loads(data)
            info["format"] = "protobuf"
            (out / file).write_text(json.dumps(info))
        elif file == "model.json":
            (out / "model.pb").write_bytes(writer.model(json.loads(data)))
        elif file == "node.json":
            (out / "node.pb").write_bytes(writer.node(json.loads(data)))
        elif file.endswith(".json") and folder:
            lines = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
            (out / (file[: -len(".json")] + ".pb")).write_bytes(writer.tree(lines))
        else:
            (out / file).write_bytes(data)
    return target
