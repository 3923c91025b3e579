"""Shared cases of the protobuf tests: every value kind of a model, a tree with both split kinds,
and helpers that parse the same document from its JSON and its protobuf form.

Fixtures are encoded by ``tests.bundle.protobuf_bundles`` (message definitions built from the
Bundle.ML spec, Google's encoder); expected values are worked out by hand.
"""

from __future__ import annotations

import json
from typing import Any

from snowleap.bundle.definitions import ModelDef, TreeNodeDef
from snowleap.bundle.json_format import JsonFormat
from snowleap.bundle.proto_format import ProtoFormat
from snowleap.bundle.values import Attributes, Tensor, Value
from tests.bundle.protobuf_bundles import ProtobufWriter

WHERE = "bundle.zip: root/model.pb"
PROTO = ProtoFormat()
JSON = JsonFormat()


def as_data(item: Any) -> Any:
    """Parsed structures as plain data, so tensors compare by value and value type."""
    if isinstance(item, ModelDef):
        return {"op": item.op, "attributes": as_data(item.attributes)}
    if isinstance(item, Attributes):
        return {name: as_data(item[name]) for name in item}
    if isinstance(item, Value):
        fields = dict(item.fields)
        if item.kind == "scalar":
            # NOTE: proto3 cannot tell an absent scalar field from a zero one; MLeap's JSON
            # writer omits zeros, its Python writer does not: both read as zero.
            fields = {k: v for k, v in fields.items() if v not in (0, False, "", b"")}
        return {"kind": item.kind, "fields": as_data(fields), "tensor": as_data(item.tensor)}
    if isinstance(item, Tensor):
        kinds = tuple(type(value).__name__ for value in item.values)
        return ("tensor", item.base, item.dimensions, kinds, list(item.values))
    if isinstance(item, dict):
        return {key: as_data(value) for key, value in item.items()}
    if isinstance(item, list):
        return [as_data(value) for value in item]
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
