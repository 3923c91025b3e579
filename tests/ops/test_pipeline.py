"""``pipeline``: children run in order; the pipeline reads what no child produces, nests."""

from __future__ import annotations

import math

import numpy as np

from snowleap.ops.base import DOUBLE, STRING, vector
from tests.conftest import (
    Node,
    OpCase,
    double_tensor,
    load_bundle,
    string_list,
    write_bundle_json,
    write_node,
)

INDEX = Node(
    "string_indexer",
    {"labels": string_list(["NY", "CA"]), "handle_invalid": {"string": "keep"}},
    {"input": "state"},
    {"output": "state_index"},
)
ENCODE = Node(
    "one_hot_encoder",
    {
        "category_sizes": {"type": "list", "int": [3]},
        "drop_last": {"boolean": False},
        "handle_invalid": {"string": "error"},
    },
    {"input0": "state_index"},
    {"output0": "state_vec"},
)
ASSEMBLE = Node(
    "vector_assembler",
    {
        "input_shapes": {
            "type": "list",
            "data_shape": [
                {
                    "base": "tensor",
                    "isNullable": True,
                    "tensorShape": {"dimensions": [{"size": 3}]},
                },
                {"base": "scalar", "isNullable": True},
            ],
        }
    },
    {"input0": "state_vec", "input1": "rooms"},
    {"output": "features"},
)
PREDICT = Node(
    "linear_regression",
    {"coefficients": double_tensor([1.0, 2.0, 4.0, 0.5]), "intercept": {"double": 10.0}},
    {"features": "features"},
    {"prediction": "price"},
)


def test_children_run_in_order_and_feed_each_other(tmp_path, score_both) -> None:
    model = OpCase((INDEX, ENCODE, ASSEMBLE, PREDICT), {}).load(tmp_path)
    assert model.root.op_name == "pipeline"
    # GIVEN inputs only the first child and the assembler read; WHEN scored on both paths
    out = score_both(model, {"state": ["CA", "NY", "TX"], "rooms": [2.0, 4.0, math.nan]})
    # THEN CA -> 1 -> [0, 1, 0]; NY -> 0; TX unseen -> kept as 2 -> [0, 0, 1]
    assert out["state_vec"].tolist() == [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert out["price"][:2].tolist() == [10.0 + 2.0 + 1.0, 10.0 + 1.0 + 2.0]
    assert math.isnan(out["price"][2])
    assert model.input_schema == {"state": STRING, "rooms": DOUBLE}
    assert model.output_schema == {
        "state_index": DOUBLE,
        "state_vec": vector(3),
        "features": vector(4),
        "price": DOUBLE,
    }


def test_nested_pipelines_flatten_into_one_row_step(tmp_path, score_both) -> None:
    # GIVEN a root pipeline whose first child is itself a pipeline of two nodes
    folder = tmp_path / "nested"
    write_bundle_json(folder)
    root = folder / "root"
    write_node(root, "outer", "pipeline", {"nodes": string_list(["inner", "va", "lr"])}, {}, {})
    inner = root / "inner.node"
    write_node(inner, "inner", "pipeline", {"nodes": string_list(["si", "ohe"])}, {}, {})
    children = [
        (inner, "si", INDEX),
        (inner, "ohe", ENCODE),
        (root, "va", ASSEMBLE),
        (root, "lr", PREDICT),
    ]
    for parent, name, node in children:
        write_node(
            parent / f"{name}.node", name, node.op, node.attributes, node.inputs, node.outputs
        )
    model = load_bundle(folder)
    assert [child.op_name for child in model.root.children] == [
        "pipeline",
        "vector_assembler",
        "linear_regression",
    ]
    assert model.ops == [
        "linear_regression",
        "one_hot_encoder",
        "string_indexer",
        "vector_assembler",
    ]
    # WHEN scored on both paths THEN the nested children run first, in order
    out = score_both(model, {"state": ["NY"], "rooms": [1.0]})
    assert out["price"].tolist() == [10.0 + 1.0 + 0.5]
    described = model.describe()["root"]
    assert [node["op"] for node in described["nodes"][0]["nodes"]] == [
        "string_indexer",
        "one_hot_encoder",
    ]
    assert described["nodes"][1]["ports"]["inputs"] == [
        {"port": "input0", "name": "state_vec"},
        {"port": "input1", "name": "rooms"},
    ]


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (INDEX, ENCODE, ASSEMBLE, PREDICT),
    {
        "state": ["CA", "NY", "TX", None],
        "rooms": np.array([2.0, 4.0, math.nan, -1.0]),
    },
)
