"""``elementwise_product``: feature-by-feature weights, NaN and infinity, widths, attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase, double_tensor


def product(one_node_model, weights):
    return one_node_model(
        "elementwise_product",
        {"scaling_vec": double_tensor(weights)},
        {"input": "x"},
        {"output": "y"},
    )


def test_multiplies_each_feature_by_its_weight(one_node_model, score_both) -> None:
    model = product(one_node_model, [2.0, -1.0, 0.5])
    assert model.input_schema["x"] == vector(3)
    out = score_both(model, {"x": np.array([[1.5, 3.0, -4.0], [0.0, 0.0, 1.0]])})
    # 1.5*2 = 3, 3*-1 = -3, -4*0.5 = -2; 0*2 = 0, 0*-1 = -0.0 (== 0), 1*0.5 = 0.5
    assert out["y"].tolist() == [[3.0, -3.0, -2.0], [0.0, 0.0, 0.5]]


def test_nan_and_infinity_follow_ieee(one_node_model, score_both) -> None:
    model = product(one_node_model, [0.0, 2.0])
    out = score_both(model, {"x": np.array([[math.inf, math.nan]])})
    # inf * 0 = NaN, NaN * 2 = NaN (MLeap multiplies every element, no special case)
    assert math.isnan(out["y"][0, 0])
    assert math.isnan(out["y"][0, 1])


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = product(one_node_model, [1.0, 2.0])
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 1.*expects 2"):
        model.transform_row({"x": [1.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 1.*expects 2"):
        model.transform({"x": np.ones((3, 1))})


def test_matrix_scaling_vec_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'scaling_vec'.*vector"):
        one_node_model(
            "elementwise_product",
            {"scaling_vec": double_tensor([1.0, 2.0, 3.0, 4.0], [2, 2])},
            {"input": "x"},
            {"output": "y"},
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "elementwise_product",
            {"scaling_vec": double_tensor([2.0, -1.0, 0.5])},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[1.5, 3.0, -2.0], [math.nan, math.inf, 0.0], [-0.0, 1e308, 7.0]])},
)
