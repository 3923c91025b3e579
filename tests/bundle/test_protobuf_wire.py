"""The protobuf wire decoder (``snowleap.bundle.protobuf_wire``): unknown fields skipped and not
kept, repeated messages merged as Google's parser does, and corrupt or truncated files refused
with a ``BundleError`` naming the file and the problem, never anything else.
"""

from __future__ import annotations

import contextlib
import random
import tracemalloc

import pytest

import snowleap
from tests.bundle.proto_cases import EVERY_VALUE, PROTO, TREE, WHERE
from tests.bundle.protobuf_bundles import ProtobufWriter
from tests.conftest import (
    double_tensor,
)


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
