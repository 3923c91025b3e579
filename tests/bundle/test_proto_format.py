"""The protobuf format's Bundle.ML mapping: files written with Google's ``protobuf``, read by
snowleap's decoder, parse to the structures their JSON form parses to.

Expected values are worked out by hand (``tests.bundle.proto_cases``).
"""

from __future__ import annotations

import json
import math
import struct

import pytest

from snowleap.bundle.definitions import ModelDef, NodeDef, TreeNodeDef
from snowleap.bundle.values import DataShape
from tests.bundle.proto_cases import (
    EVERY_VALUE,
    JSON,
    PROTO,
    TREE,
    TREE_NODES,
    WHERE,
    as_data,
    both,
)
from tests.bundle.protobuf_bundles import ProtobufWriter, tensor_bytes


@pytest.mark.parametrize("packed", [True, False], ids=["packed", "unpacked"])
def test_every_value_kind_parses_like_its_json_form(packed: bool) -> None:
    from_json, from_proto = both(EVERY_VALUE, packed)
    assert as_data(from_proto) == as_data(from_json)


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
