"""``min_max_scaler``: default and custom target range, zero range, NaN, widths, bad attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase, double_tensor


def scaler(one_node_model, lows, highs, **target):
    attributes = {"min": double_tensor(lows), "max": double_tensor(highs)}
    attributes.update({name: {"double": value} for name, value in target.items()})
    return one_node_model("min_max_scaler", attributes, {"input": "x"}, {"output": "y"})


def test_default_range_is_zero_to_one(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [0.0, 10.0], [4.0, 20.0])
    assert model.input_schema["x"] == vector(2)
    out = score_both(model, {"x": np.array([[1.0, 15.0], [8.0, 5.0]])})
    # (1-0)/4 = 0.25, (15-10)/10 = 0.5; outside the training range is not clipped:
    # (8-0)/4 = 2.0, (5-10)/10 = -0.5
    assert out["y"].tolist() == [[0.25, 0.5], [2.0, -0.5]]


def test_custom_target_range(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [0.0, 10.0], [4.0, 20.0], minValue=-1.0, maxValue=1.0)
    out = score_both(model, {"x": np.array([[1.0, 15.0]])})
    # raw 0.25 * (1 - -1) + -1 = -0.5; raw 0.5 * 2 + -1 = 0.0
    assert out["y"].tolist() == [[-0.5, 0.0]]


def test_zero_range_maps_to_middle_of_target(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [3.0, 0.0], [3.0, 2.0], minValue=-1.0, maxValue=3.0)
    out = score_both(model, {"x": np.array([[3.0, 1.0], [-7.0, 2.0], [math.inf, 0.0]])})
    # zero range: 0.5 * (3 - -1) + -1 = 1.0 whatever x is (even inf);
    # second feature: (1-0)/2 * 4 - 1 = 1.0, (2-0)/2 * 4 - 1 = 3.0, 0/2 * 4 - 1 = -1.0
    assert out["y"].tolist() == [[1.0, 1.0], [1.0, 3.0], [1.0, -1.0]]


def test_nan_stays_nan_even_with_zero_range(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [3.0, 0.0], [3.0, 2.0])
    out = score_both(model, {"x": np.array([[math.nan, math.nan]])})
    assert all(math.isnan(v) for v in out["y"][0])


def test_legacy_list_attributes_load(one_node_model, score_both) -> None:
    # MLeap before 0.5 wrote vectors as double lists rather than tensors
    model = one_node_model(
        "min_max_scaler",
        {"min": {"type": "list", "double": [2.0]}, "max": {"type": "list", "double": [6.0]}},
        {"input": "x"},
        {"output": "y"},
    )
    out = score_both(model, {"x": np.array([[3.0]])})
    assert out["y"].tolist() == [[0.25]]  # (3-2)/4


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = scaler(one_node_model, [0.0, 0.0], [1.0, 1.0])
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        model.transform_row({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        model.transform({"x": np.ones((1, 3))})
    # an intermediate column is checked by the op itself, in both paths
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 1.*expects 2.*min_max_scaler"):
        model.root.transform({"x": np.ones((4, 1))})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 1.*expects 2.*min_max_scaler"):
        model.root.row_step()({"x": [1.0]})


def test_min_and_max_of_different_lengths_name_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'min' has 2 values, 'max' 1"):
        scaler(one_node_model, [0.0, 1.0], [2.0])


def test_missing_max_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*missing attribute 'max'"):
        one_node_model(
            "min_max_scaler", {"min": double_tensor([0.0])}, {"input": "x"}, {"output": "y"}
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "min_max_scaler",
            {"min": double_tensor([0.0, 1.0, 5.0]), "max": double_tensor([4.0, 1.0, 10.0])},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[1.0, 1.0, 7.5], [math.nan, 3.0, 5.0], [-4.0, math.inf, 11.0]])},
)
