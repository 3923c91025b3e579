"""``max_abs_scaler``: division, clipping, zero max_abs, NaN, widths, bad attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase, double_tensor


def scaler(one_node_model, max_abs):
    return one_node_model(
        "max_abs_scaler", {"maxAbs": double_tensor(max_abs)}, {"input": "x"}, {"output": "y"}
    )


def test_divides_by_max_abs_and_clips(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [4.0, 2.0])
    assert model.output_schema["y"] == vector(2)
    out = score_both(model, {"x": np.array([[-2.0, 1.0], [1.0, 5.0], [-8.0, -3.0]])})
    # -2/4 = -0.5, 1/2 = 0.5; 1/4 = 0.25, 5/2 = 2.5 -> 1.0; -8/4 = -2 -> -1.0, -3/2 -> -1.0
    assert out["y"].tolist() == [[-0.5, 0.5], [0.25, 1.0], [-1.0, -1.0]]


def test_zero_max_abs_divides_by_one(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [0.0])
    out = score_both(model, {"x": np.array([[0.5], [3.0], [-0.25]])})
    # 0.5/1, 3/1 clipped to 1, -0.25/1
    assert out["y"].tolist() == [[0.5], [1.0], [-0.25]]


def test_nan_stays_nan_and_infinity_clips(one_node_model, score_both) -> None:
    model = scaler(one_node_model, [2.0, 2.0])
    out = score_both(model, {"x": np.array([[math.nan, -math.inf]])})
    assert math.isnan(out["y"][0, 0])
    assert out["y"][0, 1] == -1.0  # -inf/2 = -inf, clipped


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = scaler(one_node_model, [1.0, 1.0, 1.0])
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform_row({"x": [1.0, 2.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform({"x": np.ones((2, 2))})


def test_missing_max_abs_names_the_file(one_node_model) -> None:
    # MLeap's attribute is camelCase 'maxAbs'; a snake_case one is not read
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*missing attribute 'maxAbs'"):
        one_node_model(
            "max_abs_scaler", {"max_abs": double_tensor([1.0])}, {"input": "x"}, {"output": "y"}
        )


def test_non_numeric_max_abs_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'maxAbs'"):
        one_node_model(
            "max_abs_scaler", {"maxAbs": {"string": "4"}}, {"input": "x"}, {"output": "y"}
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "max_abs_scaler",
            {"maxAbs": double_tensor([4.0, 0.0, 2.0])},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[-2.0, 3.0, 1.0], [9.0, -0.5, math.nan], [0.0, 0.0, -8.0]])},
)
