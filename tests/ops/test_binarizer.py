"""``binarizer``: scalar and vector inputs, the strict threshold, NaN, legacy bundles."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase

SCALAR = {"data_shape": {"base": "scalar", "isNullable": False}}


def tensor(size: int) -> dict[str, Any]:
    dims = {"dimensions": [{"size": size, "name": ""}]}
    return {"data_shape": {"base": "tensor", "isNullable": True, "tensorShape": dims}}


def binarizer(one_node_model, threshold: float, shape: dict[str, Any] | None):
    attributes: dict[str, Any] = {"threshold": {"double": threshold}}
    if shape is not None:
        attributes["input_shapes"] = shape
    return one_node_model("binarizer", attributes, {"input": "x"}, {"output": "y"})


def test_scalar_above_threshold_is_one(one_node_model, score_both) -> None:
    model = binarizer(one_node_model, 0.5, SCALAR)
    out = score_both(model, {"x": [0.5, 0.6, -1.0, math.nan, None]})
    # strictly above 0.5 -> 1.0; 0.5 itself, -1, NaN and null (NaN) -> 0.0
    assert out["y"].tolist() == [0.0, 1.0, 0.0, 0.0, 0.0]
    assert model.input_schema == {"x": DOUBLE}
    assert model.output_schema == {"y": DOUBLE}


def test_vector_is_binarized_element_wise(one_node_model, score_both) -> None:
    model = binarizer(one_node_model, 0.0, tensor(3))
    out = score_both(model, {"x": np.array([[-1.0, 0.0, 2.0], [math.nan, 1e-300, -0.0]])})
    assert out["y"].tolist() == [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    assert model.input_schema == {"x": vector(3)}
    assert model.output_schema == {"y": vector(3)}


def test_negative_threshold_turns_zeros_into_ones(one_node_model, score_both) -> None:
    # NOTE: vectors here are dense, so every zero is compared (MLeap's foreachActive on a dense
    # vector visits all of them).
    model = binarizer(one_node_model, -1.0, tensor(2))
    out = score_both(model, {"x": np.array([[0.0, -2.0]])})
    assert out["y"].tolist() == [[1.0, 0.0]]


def test_vector_of_wrong_width(one_node_model) -> None:
    model = binarizer(one_node_model, 0.0, tensor(3))
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform_row({"x": [1.0, 2.0]})


def test_legacy_bundle_without_input_shapes(one_node_model, pipeline_model, score_both) -> None:
    scalar_model = binarizer(one_node_model, 1.0, None)
    assert score_both(scalar_model, {"x": [0.0, 2.0]})["y"].tolist() == [0.0, 1.0]
    one_hot = {
        "category_sizes": {"type": "list", "int": [3]},
        "drop_last": {"boolean": False},
        "handle_invalid": {"string": "error"},
    }
    vector_model = pipeline_model(
        [
            ("ohe", "one_hot_encoder", one_hot, {"input0": "c"}, {"output0": "oh"}),
            ("bin", "binarizer", {"threshold": {"double": 0.5}}, {"input": "oh"}, {"output": "y"}),
        ]
    )
    # the one-hot vector of 1 is [0, 1, 0]; above 0.5 -> [0, 1, 0]
    assert score_both(vector_model, {"c": [1.0]})["y"].tolist() == [[0.0, 1.0, 0.0]]


def test_multi_column_thresholds_are_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="multi-column binarizer"):
        one_node_model(
            "binarizer",
            {"thresholds": {"type": "list", "double": [0.5, 1.0]}},
            {"input0": "a", "input1": "b"},
            {"output0": "y", "output1": "z"},
        )


def test_threshold_is_required(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="missing attribute 'threshold'"):
        one_node_model("binarizer", {"input_shapes": SCALAR}, {"input": "x"}, {"output": "y"})


def test_list_shape_is_refused(one_node_model) -> None:
    shape = {"data_shape": {"base": "list", "isNullable": True}}
    with pytest.raises(snowleap.BundleError, match="binarizer input of shape list"):
        binarizer(one_node_model, 0.0, shape)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "binarizer",
            {"threshold": {"double": 0.0}, "input_shapes": tensor(3)},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[-1.0, 0.0, 2.0], [math.nan, 1e-300, -0.0], [0.5, -0.5, math.inf]])},
)
