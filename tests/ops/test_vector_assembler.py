"""``vector_assembler``: scalars and vectors by input_shapes, NaN, widths, legacy bundles."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase

SCALAR = {"base": "scalar", "isNullable": True}


def tensor(size: int) -> dict[str, Any]:
    return {
        "base": "tensor",
        "isNullable": True,
        "tensorShape": {"dimensions": [{"size": size, "name": ""}]},
    }


def shapes(*items: dict[str, Any]) -> dict[str, Any]:
    return {"input_shapes": {"type": "list", "data_shape": list(items)}}


def test_scalars_and_vectors_in_port_order(one_node_model, score_both) -> None:
    model = one_node_model(
        "vector_assembler",
        shapes(SCALAR, tensor(2), SCALAR),
        {"input0": "a", "input1": "v", "input2": "b"},
        {"output": "out"},
    )
    out = score_both(
        model, {"a": [1.0, 0.0], "v": np.array([[2.0, 3.0], [0.0, -1.0]]), "b": [4.0, 5.0]}
    )
    # a, then v's two values, then b
    assert out["out"].tolist() == [[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, -1.0, 5.0]]
    assert model.input_schema == {"a": DOUBLE, "v": vector(2), "b": DOUBLE}
    assert model.output_schema == {"out": vector(4)}


def test_only_scalars(one_node_model, score_both) -> None:
    model = one_node_model(
        "vector_assembler",
        shapes(SCALAR, SCALAR),
        {"input0": "x", "input1": "y"},
        {"output": "out"},
    )
    out = score_both(model, {"x": [1.5, 3.0], "y": [-2.0, 4]})
    assert out["out"].tolist() == [[1.5, -2.0], [3.0, 4.0]]


def test_missing_scalar_is_assembled_as_nan(one_node_model, score_both) -> None:
    # NOTE: MLeap passes NaN through; a null arrives as NaN in snowleap, so it does too.
    model = one_node_model(
        "vector_assembler",
        shapes(SCALAR, tensor(1)),
        {"input0": "x", "input1": "v"},
        {"output": "out"},
    )
    out = score_both(model, {"x": [None, math.nan], "v": np.array([[1.0], [math.nan]])})
    assert math.isnan(out["out"][0, 0]) and out["out"][0, 1] == 1.0
    assert np.isnan(out["out"][1]).all()


def test_null_vector_is_an_input_error(one_node_model) -> None:
    model = one_node_model(
        "vector_assembler", shapes(tensor(2)), {"input0": "v"}, {"output": "out"}
    )
    with pytest.raises(snowleap.InputError, match="'v': expected a vector"):
        model.transform_row({"v": None})
    with pytest.raises(snowleap.InputError, match="'v'"):
        model.transform({"v": [[1.0, 2.0], None]})


def test_input_vector_of_wrong_width(one_node_model) -> None:
    model = one_node_model(
        "vector_assembler",
        shapes(SCALAR, tensor(2)),
        {"input0": "a", "input1": "v"},
        {"output": "out"},
    )
    with pytest.raises(snowleap.InputError, match=r"'v'.*width 3.*expects 2"):
        model.transform_row({"a": 1.0, "v": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'v'.*width 3.*expects 2"):
        model.transform({"a": [1.0], "v": np.ones((1, 3))})


def one_hot(size: int) -> dict[str, Any]:
    return {
        "category_sizes": {"type": "list", "int": [size]},
        "drop_last": {"boolean": False},
        "handle_invalid": {"string": "error"},
    }


def test_produced_vector_of_wrong_width_is_named(pipeline_model) -> None:
    # the one-hot vector has 3 slots, but the assembler was told 2
    model = pipeline_model(
        [
            ("ohe", "one_hot_encoder", one_hot(3), {"input0": "c"}, {"output0": "oh"}),
            ("va", "vector_assembler", shapes(tensor(2)), {"input0": "oh"}, {"output": "out"}),
        ],
    )
    with pytest.raises(
        snowleap.InputError,
        match=r"'oh': vector has width 3, the model expects 2 \(vector_assembler node 'va'\)",
    ):
        model.transform_row({"c": 1.0})
    with pytest.raises(
        snowleap.InputError,
        match=r"'oh': vector has width 3, the model expects 2 \(vector_assembler node 'va'\)",
    ):
        model.transform({"c": [1.0]})


def test_legacy_bundle_without_input_shapes_reads_shapes_from_data(
    pipeline_model, score_both
) -> None:
    model = pipeline_model(
        [
            ("ohe", "one_hot_encoder", one_hot(3), {"input0": "c"}, {"output0": "oh"}),
            ("va", "vector_assembler", {}, {"input0": "x", "input1": "oh"}, {"output": "out"}),
        ],
    )
    out = score_both(model, {"c": [2.0, 0.0], "x": [7.0, None]})
    # x, then the 3 one-hot slots of c
    assert out["out"][0].tolist() == [7.0, 0.0, 0.0, 1.0]
    assert math.isnan(out["out"][1, 0]) and out["out"][1, 1:].tolist() == [1.0, 0.0, 0.0]
    assert model.input_schema == {"c": DOUBLE, "x": DOUBLE}
    assert model.output_schema["out"] == vector(None)


def test_shape_count_must_match_inputs(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="2 input shapes for 1 inputs"):
        one_node_model(
            "vector_assembler", shapes(SCALAR, SCALAR), {"input0": "a"}, {"output": "out"}
        )


def test_list_shape_is_a_bundle_error(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="only scalars and 1-D tensors"):
        one_node_model(
            "vector_assembler",
            shapes({"base": "list", "isNullable": True}),
            {"input0": "a"},
            {"output": "out"},
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "vector_assembler",
            shapes(SCALAR, tensor(2), SCALAR, SCALAR),
            {"input0": "a", "input1": "v", "input2": "b", "input3": "c"},
            {"output": "out"},
        ),
    ),
    {
        "a": [1.0, None, -0.0],
        "v": np.array([[2.0, 3.0], [math.nan, 1.0], [0.0, -1.0]]),
        "b": [4.0, 5.0, math.inf],
        "c": [0.5, 0.25, 0.125],
    },
)


def test_a_sparse_input_gives_a_sparse_output_on_both_paths(tmp_path, score_both) -> None:
    from snowleap.ops.sparse import SparseRows, SparseVector
    from tests.conftest import Node, OpCase

    shapes = {
        "type": "list",
        "data_shape": [
            {
                "base": "tensor",
                "isNullable": True,
                "tensorShape": {"dimensions": [{"size": 1 << 18, "name": ""}]},
            },
            {"base": "scalar", "isNullable": True},
        ],
    }
    node = Node(
        "vector_assembler",
        {"input_shapes": shapes},
        {"input0": "tf", "input1": "x"},
        {"output": "features"},
    )
    model = OpCase((node,), {}).load(tmp_path / "b")
    columns = {
        "tf": [SparseVector(1 << 18, [3, 70000], [2.0, 1.0]), SparseVector(1 << 18, [], [])],
        "x": [0.0, float("nan")],
    }
    out = score_both(model, columns)
    assert isinstance(out["features"], SparseRows)
    # the scalar's slot comes after the 2^18 hashed slots; a zero is not stored, NaN is
    assert out["features"][0] == SparseVector((1 << 18) + 1, [3, 70000], [2.0, 1.0])
    nan_row = out["features"][1]
    assert nan_row.indices == [1 << 18] and nan_row.values[0] != nan_row.values[0]
