"""The protobuf format: files written with Google's ``protobuf``, read by snowleap's decoder.

Fixtures are encoded by ``tests.bundle.protobuf_bundles`` (message definitions built from the
Bundle.ML spec, Google's encoder); expected values are worked out by hand, and the JSON form of
the same model must parse to equal structures.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import random
import struct
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.bundle.definitions import ModelDef, NodeDef, TreeNodeDef
from snowleap.bundle.json_format import JsonFormat
from snowleap.bundle.proto_format import ProtoFormat
from snowleap.bundle.values import Attributes, DataShape, Tensor, Value
from snowleap.leapframe import read_leapframe
from tests.bundle.protobuf_bundles import ProtobufWriter, tensor_bytes, to_protobuf_bundle
from tests.conftest import (
    double_tensor,
    tree_category_split,
    tree_leaf,
    tree_split,
    write_bundle_json,
    write_node,
)
from tests.fixtures.mleap_protobuf.make_fixtures import forest_bundle, random_tree

WHERE = "bundle.zip: root/model.pb"
PROTO = ProtoFormat()
JSON = JsonFormat()


def plain(item: Any) -> Any:
    """Parsed structures as plain data, so tensors compare by value and value type."""
    if isinstance(item, ModelDef):
        return {"op": item.op, "attributes": plain(item.attributes)}
    if isinstance(item, Attributes):
        return {name: plain(item[name]) for name in item}
    if isinstance(item, Value):
        fields = dict(item.fields)
        if item.kind == "scalar":
            # NOTE: proto3 cannot tell an absent scalar field from a zero one; MLeap's JSON
            # writer omits zeros, its Python writer does not: both read as zero.
            fields = {k: v for k, v in fields.items() if v not in (0, False, "", b"")}
        return {"kind": item.kind, "fields": plain(fields), "tensor": plain(item.tensor)}
    if isinstance(item, Tensor):
        kinds = tuple(type(value).__name__ for value in item.values)
        return ("tensor", item.base, item.dimensions, kinds, list(item.values))
    if isinstance(item, dict):
        return {key: plain(value) for key, value in item.items()}
    if isinstance(item, list):
        return [plain(value) for value in item]
    return item


def both(doc: dict[str, Any], packed: bool = True) -> tuple[ModelDef, ModelDef]:
    """The model ``doc`` parsed from its JSON form and from its protobuf form."""
    from_json = JSON.parse_model(json.dumps(doc).encode(), "bundle.zip: root/model.json")
    from_proto = PROTO.parse_model(ProtobufWriter(packed).model(doc), WHERE)
    return from_json, from_proto


def dims(*sizes: int) -> dict[str, Any]:
    return {"dimensions": [{"size": s, "name": ""} for s in sizes]}


# A model holding every kind of value MLeap writes (JsonSupport's keys), zero values omitted.
EVERY_VALUE = {
    "op": "every_value",
    "attributes": {
        "flag": {"boolean": True},
        "count": {"int": -5},
        "big": {"long": -(2**40)},
        "ratio": {"float": 0.5},
        "weight": {"double": -2.25},
        "label": {"string": "Zürich ☃"},
        "blob": {"byte_string": "AP8="},
        "scalar_tensor": {"tensor": {"double": [1.5], "shape": dims(1)}},
        "kind": {"basic_type": "double"},
        "shape": {"data_shape": {"base": "tensor", "isNullable": True, "tensorShape": dims(3)}},
        "child": {"model": {"op": "child_op", "attributes": {"k": {"long": 7}}}},
        "flags": {"type": "list", "boolean": [True, False, True]},
        "ints": {"type": "list", "int": [1, -1, 2**31 - 1, -(2**31)]},
        "longs": {"type": "list", "long": [2**63 - 1, -(2**63), 0, 300]},
        "floats": {"type": "list", "float": [0.25, -8.0]},
        "doubles": {"type": "list", "double": [0.1, -0.0, 1e300, 5.0]},
        "labels": {"type": "list", "string": ["a", "", "ü"]},
        "blobs": {"type": "list", "byte_string": ["AQID", ""]},
        "tensors": {
            "type": "list",
            "tensor": [{"double": [1.0, 2.0], "shape": dims(2)}, {"long": [3], "shape": dims(1)}],
        },
        "kinds": {"type": "list", "basic_type": ["string", "long"]},
        "shapes": {
            "type": "list",
            "data_shape": [
                {"base": "scalar", "isNullable": True},
                {"base": "list", "isNullable": False},
                {"base": "tensor", "isNullable": False, "tensorShape": dims(-1)},
            ],
        },
        "models": {"type": "list", "model": [{"op": "m1"}, {"op": "m2"}]},
        "empty_list": {"type": "list"},
        "zero_scalar": {},
        "doubles_2x3": {
            "type": "tensor",
            "double": [1.0, 2.0, 3.0, 4.0, 5.0, 6.5],
            "shape": dims(2, 3),
        },
        "longs_t": {"type": "tensor", "long": [-1, 2**62, 0], "shape": dims(3)},
        "strings_t": {"type": "tensor", "string": ["NY", "", "Zürich"], "shape": dims(3)},
        "bools_t": {"type": "tensor", "boolean": [True, False], "shape": dims(2)},
        "ints_t": {"type": "tensor", "int": [-7, 7], "shape": dims(2)},
        "floats_t": {"type": "tensor", "float": [0.1, -1.75], "shape": dims(2)},
        "bytes_t": {"type": "tensor", "byte": [-128, 127], "shape": dims(2)},
        "shorts_t": {"type": "tensor", "short": [-300, 300], "shape": dims(2)},
        "byte_strings_t": {"type": "tensor", "byte_string": ["AP8=", ""], "shape": dims(2)},
        "unknown_width": {"type": "tensor", "double": [1.0, 2.0], "shape": dims(-1)},
    },
}


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "unpacked"])
def test_every_value_kind_parses_like_its_json_form(packed: bool) -> None:
    from_json, from_proto = both(EVERY_VALUE, packed)
    assert plain(from_proto) == plain(from_json)


def test_scalars_read_back_with_their_types() -> None:
    _, model = both(EVERY_VALUE)
    attributes = model.attributes
    assert attributes.where == WHERE
    assert attributes.get_bool("flag") is True
    assert attributes.get_int("count") == -5
    assert attributes.get_long("big") == -1_099_511_627_776
    assert attributes.get_double("weight") == -2.25
    assert attributes["ratio"].fields["float"] == 0.5
    assert attributes.get_string("label") == "Zürich ☃"
    assert attributes["blob"].fields["byte_string"] == b"\x00\xff"
    assert attributes.get_tensor("scalar_tensor").values == (1.5,)
    assert attributes["kind"].fields["basic_type"] == "double"
    assert attributes.get_data_shape("shape") == DataShape("tensor", True, (3,))
    child = attributes["child"].fields["model"]
    assert isinstance(child, ModelDef)
    assert (child.op, child.attributes.get_long("k")) == ("child_op", 7)
    # proto3: an absent field is its zero value
    assert attributes.get_double("zero_scalar") == 0.0
    assert attributes.get_string("zero_scalar") == ""
    assert attributes.get_bool("zero_scalar") is False


def test_lists_read_back_in_order() -> None:
    _, model = both(EVERY_VALUE)
    attributes = model.attributes
    assert attributes.get_bool_list("flags") == [True, False, True]
    assert attributes.get_int_list("ints") == [1, -1, 2_147_483_647, -2_147_483_648]
    assert attributes.get_long_list("longs") == [9_223_372_036_854_775_807, -(2**63), 0, 300]
    assert attributes["floats"].fields["float"] == [0.25, -8.0]
    doubles = attributes.get_double_list("doubles")
    assert doubles == [0.1, 0.0, 1e300, 5.0] and math.copysign(1.0, doubles[1]) == -1.0
    assert attributes.get_string_list("labels") == ["a", "", "ü"]
    assert attributes["blobs"].fields["byte_string"] == [b"\x01\x02\x03", b""]
    first, second = attributes.get_tensor_list("tensors")
    assert (first.base, first.values, second.values) == ("double", (1, 2), (3,))
    assert attributes["kinds"].fields["basic_type"] == ["string", "long"]
    assert attributes.get_data_shape_list("shapes") == [
        DataShape("scalar", True, None),
        DataShape("list", False, None),
        DataShape("tensor", False, (-1,)),
    ]
    assert [m.op for m in attributes["models"].fields["model"]] == ["m1", "m2"]
    assert attributes.get_string_list("empty_list") == []


def test_tensors_decode_big_endian_values_with_their_shapes() -> None:
    _, model = both(EVERY_VALUE)
    attributes = model.attributes
    matrix = attributes.get_double_matrix("doubles_2x3")
    assert matrix == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]
    # MLeap's Spark matrices: the same six values read column by column
    columns = attributes.get_double_matrix("doubles_2x3", column_major=True)
    assert columns == [[1.0, 3.0, 5.0], [2.0, 4.0, 6.5]]
    longs = attributes.get_tensor("longs_t")
    assert longs.values == (-1, 4_611_686_018_427_387_904, 0)
    assert all(type(value) is int for value in longs.values)
    strings = attributes.get_tensor("strings_t")
    assert strings.values == ("NY", "", "Zürich")
    assert attributes.get_tensor("bools_t").values == (True, False)
    assert attributes.get_tensor("ints_t").values == (-7, 7)
    # a float tensor holds float32 values: 0.1 is the float32 nearest to it in both formats
    assert attributes.get_tensor("floats_t").values == (0.10000000149011612, -1.75)
    assert attributes.get_tensor("bytes_t").values == (-128, 127)
    assert attributes.get_tensor("shorts_t").values == (-300, 300)
    assert attributes.get_tensor("byte_strings_t").values == (b"\x00\xff", b"")
    assert attributes.get_double_vector("unknown_width") == [1.0, 2.0]
    assert attributes.get_tensor("unknown_width").dimensions == (-1,)


def test_a_double_tensor_value_is_java_byte_buffer_layout() -> None:
    # 1.0 as a big-endian IEEE double is 3F F0 00 00 00 00 00 00 (ByteBuffer.putDouble)
    assert tensor_bytes("double", [1.0]) == bytes([0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
    writer = ProtobufWriter()
    message = writer.new("ml.bundle.Model")
    message.op = "x"
    value = message.attributes.list["v"]
    value.t.base = 7
    value.t.shape.dimensions.add(size=1)
    value.t.value = bytes([0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
    model = PROTO.parse_model(message.SerializeToString(), WHERE)
    assert model.attributes.get_double_vector("v") == [1.0]


def test_string_tensor_written_by_java_write_bytes_reads_as_latin_1() -> None:
    # DataOutputStream.writeBytes("café") writes the low byte of each char: 63 61 66 E9
    writer = ProtobufWriter()
    message = writer.new("ml.bundle.Model")
    message.op = "x"
    value = message.attributes.list["v"]
    value.t.base = 100
    value.t.shape.dimensions.add(size=1)
    value.t.value = struct.pack(">i", 4) + b"caf\xe9"
    model = PROTO.parse_model(message.SerializeToString(), WHERE)
    assert model.attributes.get_tensor("v").values == ("café",)


def test_node_shape_keeps_ports_in_order() -> None:
    doc = {
        "name": "assembler",
        "shape": {
            "inputs": [
                {"port": "input0", "name": "a:b"},
                {"port": "input1", "name": "c"},
                {"port": "input2", "name": "Zürich"},
            ],
            "outputs": [{"port": "output", "name": "features"}],
        },
    }
    node = PROTO.parse_node(ProtobufWriter().node(doc), "bundle.zip: root/node.pb")
    assert node == JSON.parse_node(json.dumps(doc).encode(), "root/node.json")
    assert node.name == "assembler"
    assert node.shape.numbered_inputs("here") == ["a:b", "c", "Zürich"]
    assert node.shape.output("output", "here") == "features"


def test_node_without_ports_has_an_empty_shape() -> None:
    doc = {"name": "empty", "shape": {"inputs": [], "outputs": []}}
    node = PROTO.parse_node(ProtobufWriter().node(doc), "root/node.pb")
    assert node == NodeDef(name="empty", shape=node.shape)
    assert node.shape.inputs == () and node.shape.outputs == ()


# Pre-order: root splits feature 2 at 0.5; its left child is a categorical split on feature 0.
TREE = [
    {"type": "internal", "split": {"type": "continuous", "featureIndex": 2, "threshold": 0.5}},
    {
        "type": "internal",
        "split": {
            "type": "categorical",
            "featureIndex": 0,
            "isLeft": True,
            "numCategories": 4,
            "categories": [1.0, 3.0],
        },
    },
    {"type": "leaf", "values": [10.0]},
    {"type": "leaf", "values": [0.25, 0.75]},
    {"type": "leaf", "values": [-3.5]},
]
TREE_NODES = [
    TreeNodeDef(kind="continuous", feature_index=2, threshold=0.5),
    TreeNodeDef(
        kind="categorical", feature_index=0, categories=(1.0, 3.0), is_left=True, num_categories=4
    ),
    TreeNodeDef(kind="leaf", values=(10.0,)),
    TreeNodeDef(kind="leaf", values=(0.25, 0.75)),
    TreeNodeDef(kind="leaf", values=(-3.5,)),
]


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "unpacked"])
def test_tree_file_reads_continuous_and_categorical_splits(packed: bool) -> None:
    data = ProtobufWriter(packed).tree(TREE)
    assert PROTO.parse_tree(data, "root/tree0/tree.pb") == TREE_NODES
    json_lines = "\n".join(json.dumps(node) for node in TREE).encode()
    assert JSON.parse_tree(json_lines, "root/tree0/tree.json") == TREE_NODES


def test_tree_file_is_length_prefixed_big_endian() -> None:
    data = ProtobufWriter().tree(TREE[2:3])
    # leaf {values: [10.0]}: 12 = 0x12 0x0A (leaf, 10 bytes) 0x0A 0x08 (packed, 8 bytes) + 8
    assert data[:4] == b"\x00\x00\x00\x0c"
    assert PROTO.parse_tree(data, "tree.pb") == [TreeNodeDef(kind="leaf", values=(10.0,))]
    assert PROTO.parse_tree(b"", "tree.pb") == []


def test_unknown_fields_of_every_wire_type_are_skipped() -> None:
    writer = ProtobufWriter()
    future = writer.model_message(
        {"op": "standard_scaler", "attributes": {"std": double_tensor([2.0])}},
        "ml.bundle.FutureModel",
    )
    future.revision = 2**40
    future.weight = 1.5
    future.notes = "from a later MLeap"
    future.ratio = 0.25
    future.tags.extend([1, -2])
    model = PROTO.parse_model(future.SerializeToString(), WHERE)
    assert model.op == "standard_scaler"
    assert model.attributes.get_double_vector("std") == [2.0]


def test_concatenated_messages_merge_like_googles_parser() -> None:
    writer = ProtobufWriter()
    first = writer.model({"op": "a", "attributes": {"x": {"double": 1.0}, "y": {"long": 2}}})
    second = writer.model({"op": "b", "attributes": {"x": {"double": 3.0}}})
    google = writer.messages["ml.bundle.Model"].FromString(first + second)
    ours = PROTO.parse_model(first + second, WHERE)
    assert ours.op == google.op == "b"
    assert ours.attributes.get_double("x") == google.attributes.list["x"].s.d == 3.0
    assert ours.attributes.get_long("y") == google.attributes.list["y"].s.l == 2


def test_bundle_json_declares_protobuf(tmp_path: Path) -> None:
    bundle = _scaler_bundle(tmp_path / "json")
    proto = to_protobuf_bundle(bundle, tmp_path / "proto")
    info = json.loads((proto / "bundle.json").read_text())
    assert info["format"] == "protobuf"
    assert sorted(p.name for p in (proto / "root").rglob("*") if p.is_file()) == [
        "model.pb",
        "model.pb",
        "node.pb",
        "node.pb",
    ]
    assert snowleap.load(proto).info.format == "protobuf"


# -- the same model in both formats ------------------------------------------------------------


def _scaler_bundle(folder: Path) -> Path:
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "pipeline",
        "pipeline",
        {"nodes": {"type": "list", "string": ["scaler"]}},
        {},
        {},
    )
    write_node(
        folder / "root" / "scaler.node",
        "scaler",
        "standard_scaler",
        {"mean": double_tensor([1.0, 10.0, -2.0]), "std": double_tensor([2.0, 4.0, 0.0])},
        {"input": "features"},
        {"output": "scaled"},
    )
    return folder


def test_json_and_protobuf_bundles_score_identically(tmp_path: Path, score_both) -> None:
    json_model = snowleap.load(_scaler_bundle(tmp_path / "json"))
    proto_dir = to_protobuf_bundle(tmp_path / "json", tmp_path / "proto")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        for path in proto_dir.rglob("*"):
            archive.write(path, path.relative_to(proto_dir).as_posix())
    proto_model = snowleap.load(zipped.getvalue())

    described_json, described_proto = json_model.describe(), proto_model.describe()
    assert described_json.pop("format") == "json"
    assert described_proto.pop("format") == "protobuf"
    assert described_proto == described_json

    columns = {"features": np.array([[3.0, 2.0, 5.0], [1.0, 10.0, math.nan]])}
    from_json = score_both(json_model, columns)
    from_proto = score_both(proto_model, columns)
    # (3-1)/2 = 1, (2-10)/4 = -2, zero std gives 0
    assert from_proto["scaled"].tolist() == [[1.0, -2.0, 0.0], [0.0, 0.0, 0.0]]
    assert from_proto["scaled"].tolist() == from_json["scaled"].tolist()


REFERENCE_BUNDLES = [
    "airbnb.model.lr.zip",
    "demo.zip",
    "min_max_scaler_tf.zip",
    "one_hot_encoder_pipeline.zip",
]


@pytest.mark.parametrize("bundle", REFERENCE_BUNDLES)
def test_reference_bundles_parse_alike_in_both_formats(
    reference_dir: Path, tmp_path: Path, bundle: str
) -> None:
    proto_dir = to_protobuf_bundle(reference_dir / bundle, tmp_path)
    with zipfile.ZipFile(reference_dir / bundle) as archive:
        names = [n for n in archive.namelist() if n.endswith(("model.json", "node.json"))]
        assert names
        for name in names:
            pb_file = proto_dir / (name[: -len(".json")] + ".pb")
            data = archive.read(name)
            if name.endswith("model.json"):
                expected = plain(JSON.parse_model(data, name))
                assert plain(PROTO.parse_model(pb_file.read_bytes(), str(pb_file))) == expected
            else:
                expected_node = JSON.parse_node(data, name)
                assert PROTO.parse_node(pb_file.read_bytes(), str(pb_file)) == expected_node


# -- bad input ---------------------------------------------------------------------------------


def _model_bytes() -> bytes:
    return ProtobufWriter().model(
        {
            "op": "standard_scaler",
            "attributes": {
                "mean": double_tensor([1.0, 2.0]),
                "labels": {"type": "list", "string": ["a", "b"]},
            },
        }
    )


def _with_value(value_fields: bytes) -> bytes:
    """A model ``x`` whose attribute ``v`` is a Value message with the given raw fields."""
    entry = b"\x0a\x01v" + b"\x12" + _length(value_fields) + value_fields
    attributes = b"\x0a" + _length(entry) + entry
    return b"\x0a\x01x" + b"\x12" + _length(attributes) + attributes


def _length(data: bytes) -> bytes:
    assert len(data) < 128
    return bytes([len(data)])


def _tensor_value(base: int, value: bytes, size: int) -> bytes:
    shape = b"\x0a\x02\x08" + bytes([size])
    tensor = b"\x08" + bytes([base]) + b"\x12" + _length(shape) + shape
    tensor += b"\x1a" + _length(value) + value
    return b"\x1a" + _length(tensor) + tensor


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x0a", r"truncated varint at byte 1"),
        (b"\x0a\x05abc", r"length 5 runs past the end \(3 bytes left\)"),
        (b"\x08" + b"\xff" * 9 + b"\x81\x01", r"over-long varint at byte 1"),
        (b"\x08" + b"\xff" * 9 + b"\x02", r"varint at byte 1 overflows 64 bits"),
        (b"\x0a\x01x\x11\x00\x00", r"truncated 64-bit value"),
        (b"\x0a\x01x\x1d\x00", r"truncated 32-bit value"),
        (b"\x08\x01", r"field op at byte 0 is varint, expected length-delimited"),
        (b"\x0a\x01x\x0b\x0c", r"unsupported wire type 3"),
        (b"\x02\x00", r"invalid field number 0"),
        (b"\x0a\x02\xff\xfe", r"field op at byte 0 is not valid UTF-8"),
        (b"\x12\x00", r"'op' should be a non-empty string"),
        (_with_value(_tensor_value(7, b"\x00" * 12, 2)), r"12 bytes is not a whole number"),
        (_with_value(_tensor_value(7, b"\x00" * 8, 2)), r"shape \[2\] holds 1 values"),
        (_with_value(_tensor_value(1, b"\x02", 1)), r"boolean bytes should be 0 or 1"),
        (_with_value(_tensor_value(100, b"\x00\x00\x00", 1)), r"truncated size prefix"),
        (_with_value(_tensor_value(100, b"\x00\x00\x00\x09ab", 1)), r"size 9 runs past"),
        (_with_value(_tensor_value(100, b"\xff\xff\xff\xffab", 1)), r"size -1 runs past"),
        (_with_value(_tensor_value(50, b"", 0)), r"no values of a known type \(base code 50\)"),
        (_with_value(b"\x0a\x02\x48\x32"), r"attribute 'v': scalar: unknown basic type code 50"),
        (_with_value(b"\x0a\x04\x52\x02\x08\x09"), r"unknown data shape base code 9"),
        (_with_value(b"\x0a\x06\x18" + b"\xff" * 4 + b"\x7f"), r"does not fit an int32"),
    ],
)
def test_corrupt_model_files_name_the_file_and_the_problem(data: bytes, problem: str) -> None:
    with pytest.raises(snowleap.BundleError, match=rf"^bundle\.zip: root/model\.pb: .*{problem}"):
        PROTO.parse_model(data, WHERE)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x00\x00\x00", r"tree node 0 at byte 0: truncated size prefix"),
        (b"\x00\x00\x00\x05\x12\x00", r"tree node 0 at byte 0: size 5 runs past the end"),
        (b"\xff\xff\xff\xff", r"size -1 runs past the end"),
        (b"\x00\x00\x00\x00", r"tree node 0: tree node is neither internal nor leaf"),
        (b"\x00\x00\x00\x02\x0a\x00", r"tree node 0: internal node has no split"),
        (b"\x00\x00\x00\x02\x12\x00" + b"\x00\x00\x00\x01\x12", r"tree node 1: .*truncated"),
        (b"\x00\x00\x00\x07\x12\x05\x0a\x03\x00\x00\x00", r"3 bytes, not a whole number of 8"),
    ],
)
def test_corrupt_tree_files_name_the_file_and_the_problem(data: bytes, problem: str) -> None:
    with pytest.raises(snowleap.BundleError, match=rf"^b\.zip: root/tree\.pb: .*{problem}"):
        PROTO.parse_tree(data, "b.zip: root/tree.pb")


def test_every_truncation_is_either_read_or_a_bundle_error() -> None:
    files = [
        (PROTO.parse_model, _model_bytes()),
        (PROTO.parse_tree, ProtobufWriter().tree(TREE)),
    ]
    for parse, data in files:
        failures = 0
        for cut in range(len(data)):
            try:
                parse(data[:cut], "b.zip: f.pb")
            except snowleap.BundleError as exc:
                assert str(exc).startswith("b.zip: f.pb: ")
                failures += 1
        assert failures > len(data) // 2, "most cuts land inside a field and must be refused"


def test_random_corruption_raises_only_bundle_errors() -> None:
    rng = random.Random(20261126)
    files = [
        (PROTO.parse_model, _model_bytes()),
        (PROTO.parse_model, ProtobufWriter().model(EVERY_VALUE)),
        (PROTO.parse_tree, ProtobufWriter().tree(TREE)),
        (
            PROTO.parse_node,
            ProtobufWriter().node(
                {"name": "n", "shape": {"inputs": [{"port": "input", "name": "x"}], "outputs": []}}
            ),
        ),
    ]
    for parse, data in files:
        for _ in range(400):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 3)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            with contextlib.suppress(snowleap.BundleError):
                parse(bytes(mutated), "b.zip: f.pb")


# -- real ops on both formats ------------------------------------------------------------------


def _same_frames(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert list(a) == list(b)
    for name in a:
        left, right = np.asarray(a[name]), np.asarray(b[name])
        if left.dtype.kind == "f":
            assert np.array_equal(left, right, equal_nan=True), name
        else:
            assert left.tolist() == right.tolist(), name


@pytest.mark.parametrize("bundle", REFERENCE_BUNDLES)
def test_reference_bundles_score_identically_in_both_formats(
    reference_dir: Path, tmp_path: Path, bundle: str
) -> None:
    stem = bundle[: -len(".zip")]
    frame = json.loads((reference_dir / f"{stem}.expected.json").read_text())["frame"]
    from_json = snowleap.load(reference_dir / bundle)
    from_proto = snowleap.load(to_protobuf_bundle(reference_dir / bundle, tmp_path))
    assert from_proto.info.format == "protobuf"
    columns = read_leapframe(frame)
    _same_frames(from_json.transform(dict(columns)), from_proto.transform(dict(columns)))
    for i in range(len(frame["rows"])):
        row = {n: c[i].tolist() if isinstance(c, np.ndarray) else c[i] for n, c in columns.items()}
        assert _equal_or_both_nan(from_proto.transform_row(row), from_json.transform_row(row))


def _equal_or_both_nan(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return list(a) == list(b) and all(_equal_or_both_nan(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_equal_or_both_nan(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def test_forest_with_both_split_kinds_scores_identically_in_both_formats(
    tmp_path: Path, score_both
) -> None:
    # tree0: x0 <= 1 ? 1 : 2;  tree1: left (10) iff x1 is NOT in {0}, else 20
    trees = {
        "tree0": [tree_split(0, 1.0), tree_leaf(1.0), tree_leaf(2.0)],
        "tree1": [tree_category_split(1, [0.0], False, 2), tree_leaf(10.0), tree_leaf(20.0)],
    }
    rng = random.Random(11)
    trees.update({f"tree{i}": random_tree(rng, 5, 3) for i in range(2, 8)})
    json_dir = forest_bundle(tmp_path / "json", trees, 3)
    proto_dir = to_protobuf_bundle(json_dir, tmp_path / "proto")
    assert (proto_dir / "root" / "tree1" / "tree.pb").is_file()
    from_json, from_proto = snowleap.load(json_dir), snowleap.load(proto_dir)

    rows = np.array([[rng.choice([0.0, 1.0, 2.0, 3.0, 0.5]) for _ in range(3)] for _ in range(200)])
    rows[::17, 1] = math.nan
    json_out = score_both(from_json, {"features": rows})
    proto_out = score_both(from_proto, {"features": rows})
    assert np.array_equal(json_out["prediction"], proto_out["prediction"], equal_nan=True)

    only_two = forest_bundle(tmp_path / "two", {k: trees[k] for k in ("tree0", "tree1")}, 3)
    two = snowleap.load(to_protobuf_bundle(only_two, tmp_path / "two_pb"))
    out = score_both(two, {"features": np.array([[0.0, 0.0, 0.0], [2.0, 3.0, 0.0]])})
    # (1 + 20) / 2 = 10.5 and (2 + 10) / 2 = 6
    assert out["prediction"].tolist() == [10.5, 6.0]


# -- bundles MLeap itself wrote in protobuf ------------------------------------------------------

MLEAP_WRITTEN = Path(__file__).resolve().parent.parent / "fixtures" / "mleap_protobuf"
MLEAP_CASES = sorted(p.name[: -len(".pb.zip")] for p in MLEAP_WRITTEN.glob("*.pb.zip"))


def test_mleap_written_fixtures_are_present_and_protobuf() -> None:
    assert MLEAP_CASES == ["forest", "listings"]
    for case in MLEAP_CASES:
        with zipfile.ZipFile(MLEAP_WRITTEN / f"{case}.pb.zip") as archive:
            info = json.loads(archive.read("bundle.json"))
            assert (info["format"], info["version"]) == ("protobuf", "0.16.0")
            assert "root/model.pb" in archive.namelist()
    with zipfile.ZipFile(MLEAP_WRITTEN / "forest.pb.zip") as archive:
        # MLeap's runtime before 0.23 saved trees as nodes.pb (the legacy name snowleap reads)
        assert "root/tree0/nodes.pb" in archive.namelist()


@pytest.mark.parametrize("case", MLEAP_CASES)
def test_mleap_written_protobuf_scores_like_its_json_source(case: str) -> None:
    frame = json.loads((MLEAP_WRITTEN / f"{case}.frame.json").read_text())
    from_json = snowleap.load(MLEAP_WRITTEN / f"{case}.json.zip")
    from_proto = snowleap.load(MLEAP_WRITTEN / f"{case}.pb.zip")
    assert from_proto.input_schema == from_json.input_schema
    assert from_proto.output_schema == from_json.output_schema
    columns = read_leapframe(frame)
    _same_frames(from_json.transform(dict(columns)), from_proto.transform(dict(columns)))
    for i in range(len(frame["rows"])):
        row = {n: c[i].tolist() if isinstance(c, np.ndarray) else c[i] for n, c in columns.items()}
        assert _equal_or_both_nan(from_proto.transform_row(row), from_json.transform_row(row))


def test_mleap_written_listings_price_worked_by_hand() -> None:
    model = snowleap.load(MLEAP_WRITTEN / "listings.pb.zip")
    row = model.transform_row({"state": "NY", "bathrooms": 1.0})
    assert row is not None
    # NY -> index 0 -> one-hot [1, 0, 0] (legacy size 3 = width 3); features [1, 1, 0, 0]
    assert row["features"] == [1.0, 1.0, 0.0, 0.0]
    # scaled: (1-1.5)/0.5 = -1, (1-0.4)/0.25 = 2.4, (0-0.3)/0.5 = -0.6, zero std -> 0
    assert row["scaled"] == pytest.approx([-1.0, 2.4, -0.6, 0.0], rel=1e-12)
    # 100 + 12.5*-1 - 3.25*2.4 + 7*-0.6 + 2*0 = 75.5
    assert row["price"] == pytest.approx(75.5, rel=1e-12)


def test_millions_of_unknown_fields_are_skipped_without_being_kept() -> None:
    writer = ProtobufWriter()
    known = writer.model({"op": "x", "attributes": {"a": {"double": 2.5}}})
    data = known + b"\x78\x01" * 300_000  # field 15 (unknown), varint 1, again and again
    assert writer.messages["ml.bundle.Model"].FromString(data).op == "x"  # Google agrees
    tracemalloc.start()
    try:
        model = PROTO.parse_model(data, WHERE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (model.op, model.attributes.get_double("a")) == ("x", 2.5)
    # kept, 300,000 field records would take tens of megabytes
    assert peak < 2_000_000, f"peak {peak} bytes"


# -- Spark pipelines exported by MLeap in both formats (tests/fixtures/<case>/bundle-*.zip) ------

FIXTURES = MLEAP_WRITTEN.parent
GOLDEN = sorted(
    p.name
    for p in FIXTURES.iterdir()
    if (p / "bundle-json.zip").is_file() and (p / "bundle-protobuf.zip").is_file()
)


def test_golden_spark_exports_are_present() -> None:
    assert {"airbnb_random_forest", "room_type_logistic"} <= set(GOLDEN)


@pytest.mark.parametrize("case", GOLDEN)
def test_every_file_of_an_mleap_export_parses_alike_in_both_formats(case: str) -> None:
    with (
        zipfile.ZipFile(FIXTURES / case / "bundle-json.zip") as json_zip,
        zipfile.ZipFile(FIXTURES / case / "bundle-protobuf.zip") as proto_zip,
    ):
        json_files = sorted(n for n in json_zip.namelist() if n.endswith(".json"))
        proto_files = sorted(n for n in proto_zip.namelist() if n.endswith(".pb"))
        assert [n[: -len(".json")] for n in json_files if n != "bundle.json"] == [
            n[: -len(".pb")] for n in proto_files
        ]
        trees = 0
        for name in json_files:
            if name == "bundle.json":
                continue
            pb_name = name[: -len(".json")] + ".pb"
            data, pb_data = json_zip.read(name), proto_zip.read(pb_name)
            if name.endswith("model.json"):
                assert plain(PROTO.parse_model(pb_data, pb_name)) == plain(
                    JSON.parse_model(data, name)
                ), name
            elif name.endswith("node.json"):
                assert PROTO.parse_node(pb_data, pb_name) == JSON.parse_node(data, name), name
            else:
                trees += 1
                assert PROTO.parse_tree(pb_data, pb_name) == JSON.parse_tree(data, name), name
        assert json.loads(proto_zip.read("bundle.json"))["format"] == "protobuf"
    if case == "airbnb_random_forest":
        assert trees == 20, "every tree file of the 20-tree forest was compared"


def test_infinities_and_nan_survive_protobuf_exactly() -> None:
    # NOTE: MLeap's JSON writes these as null; protobuf keeps the IEEE bits (bucketizer splits).
    writer = ProtobufWriter()
    message = writer.new("ml.bundle.Model")
    message.op = "bucketizer"
    splits = message.attributes.list["splits"]
    splits.t.base = 7
    splits.t.shape.dimensions.add(size=4)
    splits.t.value = struct.pack(">4d", -math.inf, 0.0, 10.0, math.inf)
    message.attributes.list["missing"].s.d = math.nan
    model = PROTO.parse_model(message.SerializeToString(), WHERE)
    assert model.attributes.get_double_vector("splits") == [-math.inf, 0.0, 10.0, math.inf]
    assert math.isnan(model.attributes.get_double("missing"))
