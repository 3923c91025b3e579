"""Writing protobuf Bundle.ML files with Google's ``protobuf`` package, independently of snowleap.

The message definitions (``tests.bundle.protobuf_schema``) are built from the Bundle.ML spec with
``descriptor_pb2``, so tests encode files with Google's encoder and decode them with snowleap's
own reader. ``to_protobuf_bundle`` turns a
JSON bundle into the protobuf bundle MLeap would have written for the same model, following
MLeap's ``JsonSupport`` (JSON <-> messages) and ``ArraySerializer`` (tensor bytes).
"""

from __future__ import annotations

import base64
import json
import struct
import zipfile
from pathlib import Path
from typing import Any

from tests.bundle.protobuf_schema import BASIC_TYPE_CODES, DATA_SHAPE_CODES, build_messages

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

    def cluster_node(self, doc: dict[str, Any]) -> Any:
        """A ``ctree.Node`` line (bisecting k-means): a negative index as the uint32 of its
        two's complement, as ScalaPB writes a Scala Int into a uint32 field."""
        message = self.new("ml.bundle.ctree.Node")
        message.index = doc.get("index", 0) & 0xFFFFFFFF
        message.norm = doc.get("norm", 0.0)
        message.values.extend(doc.get("values", []))
        message.num_children = doc.get("numChildren", 0)
        return message

    def tree_node(self, doc: dict[str, Any]) -> Any:
        if "type" not in doc:
            return self.cluster_node(doc)
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
