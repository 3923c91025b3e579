"""``linear_regression``: dot + intercept, summed in feature order in both paths."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from tests.conftest import Node, OpCase, double_tensor


def regression(one_node_model, coefficients: list[float], intercept: float):
    return one_node_model(
        "linear_regression",
        {"coefficients": double_tensor(coefficients), "intercept": {"double": intercept}},
        {"features": "f"},
        {"prediction": "p"},
    )


def test_prediction_is_dot_plus_intercept(one_node_model, score_both) -> None:
    model = regression(one_node_model, [2.0, -1.0, 0.5], 1.0)
    out = score_both(model, {"f": np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 0.0]])})
    # 2*1 - 1*2 + 0.5*4 + 1 = 3; zeros give the intercept 1
    assert out["p"].tolist() == [3.0, 1.0]
    assert model.input_schema == {"f": vector(3)}
    assert model.output_schema == {"p": DOUBLE}


def test_features_are_added_in_order(one_node_model, score_both) -> None:
    model = regression(one_node_model, [1.0, 1.0, 1.0], 0.0)
    out = score_both(model, {"f": np.array([[1e16, 1.0, -1e16], [0.1, 0.2, 0.3]])})
    # (1e16 + 1) rounds back to 1e16, then - 1e16 = 0 (an exact sum would be 1)
    assert out["p"][0] == 0.0
    # ((0 + 0.1) + 0.2) + 0.3 in doubles is 0.6000000000000001
    assert out["p"][1] == ((0.0 + 0.1) + 0.2) + 0.3 == 0.6000000000000001


def test_nan_feature_gives_nan(one_node_model, score_both) -> None:
    model = regression(one_node_model, [1.0, 2.0], 0.5)
    out = score_both(model, {"f": np.array([[math.nan, 1.0]])})
    assert math.isnan(out["p"][0])


def test_legacy_coefficients_as_a_double_list(one_node_model, score_both) -> None:
    model = one_node_model(
        "linear_regression",
        {"coefficients": {"type": "list", "double": [3.0]}, "intercept": {"double": -1.0}},
        {"features": "f"},
        {"prediction": "p"},
    )
    # 3*2 - 1 = 5
    assert score_both(model, {"f": np.array([[2.0]])})["p"].tolist() == [5.0]


def test_zero_intercept_written_without_its_field(one_node_model, score_both) -> None:
    model = one_node_model(
        "linear_regression",
        {"coefficients": double_tensor([1.5]), "intercept": {}},
        {"features": "f"},
        {"prediction": "p"},
    )
    assert score_both(model, {"f": np.array([[2.0]])})["p"].tolist() == [3.0]


def test_input_of_wrong_width(one_node_model) -> None:
    model = regression(one_node_model, [1.0, 2.0], 0.0)
    with pytest.raises(snowleap.InputError, match=r"'f'.*width 3.*expects 2"):
        model.transform_row({"f": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'f'.*width 3.*expects 2"):
        model.transform({"f": np.ones((2, 3))})


def test_produced_features_of_wrong_width(pipeline_model) -> None:
    one_hot = {
        "category_sizes": {"type": "list", "int": [3]},
        "drop_last": {"boolean": False},
        "handle_invalid": {"string": "error"},
    }
    regression_attributes = {"coefficients": double_tensor([1.0, 2.0]), "intercept": {}}
    model = pipeline_model(
        [
            ("ohe", "one_hot_encoder", one_hot, {"input0": "c"}, {"output0": "oh"}),
            (
                "lr",
                "linear_regression",
                regression_attributes,
                {"features": "oh"},
                {"prediction": "p"},
            ),
        ]
    )
    with pytest.raises(
        snowleap.InputError,
        match=r"'oh': vector has width 3, the model expects 2 \(linear_regression node 'lr'\)",
    ):
        model.transform_row({"c": 0.0})
    with pytest.raises(
        snowleap.InputError,
        match=r"'oh': vector has width 3, the model expects 2 \(linear_regression node 'lr'\)",
    ):
        model.transform({"c": [0.0]})


def test_intercept_is_required(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="missing attribute 'intercept'"):
        one_node_model(
            "linear_regression",
            {"coefficients": double_tensor([1.0])},
            {"features": "f"},
            {"prediction": "p"},
        )


def test_features_port_is_required(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="no input port 'features'"):
        one_node_model(
            "linear_regression",
            {"coefficients": double_tensor([1.0]), "intercept": {"double": 0.0}},
            {"input": "f"},
            {"prediction": "p"},
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "linear_regression",
            {"coefficients": double_tensor([2.0, -1.0, 0.5]), "intercept": {"double": 0.25}},
            {"features": "f"},
            {"prediction": "p"},
        ),
    ),
    {"f": np.array([[1.0, 2.0, 3.0], [1e16, 1.0, -1e16], [math.nan, 0.0, 1.0]])},
)
