"""``imputer``: NaN, null and the missing_value marker get the surrogate."""

from __future__ import annotations

import math

import pytest

import snowleap
from snowleap.ops.base import DOUBLE
from tests.conftest import Node, OpCase


def imputer(one_node_model, **attributes: object) -> snowleap.Model:
    values = {"strategy": {"string": "mean"}, **attributes}
    return one_node_model("imputer", values, {"input": "x"}, {"output": "y"})


def test_nan_and_null_get_the_surrogate(one_node_model, score_both) -> None:
    model = imputer(one_node_model, surrogate_value={"double": 2.5})
    out = score_both(model, {"x": [1.0, math.nan, None, -3.0]})
    # no missing_value attribute: only NaN (and null, which arrives as NaN) are missing
    assert out["y"].tolist() == [1.0, 2.5, 2.5, -3.0]
    assert model.input_schema == {"x": DOUBLE}
    assert model.output_schema == {"y": DOUBLE}


def test_missing_value_marker_also_gets_the_surrogate(one_node_model, score_both) -> None:
    model = imputer(
        one_node_model, surrogate_value={"double": 10.0}, missing_value={"double": -1.0}
    )
    out = score_both(model, {"x": [-1.0, 4.0, math.nan, -1.5]})
    assert out["y"].tolist() == [10.0, 4.0, 10.0, -1.5]


def test_zero_missing_value_written_without_its_field(one_node_model, score_both) -> None:
    # NOTE: a zero double is omitted from its value ({}), like proto3; it still means 0.0.
    model = imputer(one_node_model, surrogate_value={"double": 1.0}, missing_value={})
    out = score_both(model, {"x": [0.0, 2.0]})
    assert out["y"].tolist() == [1.0, 2.0]


def test_surrogate_is_required(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="missing attribute 'surrogate_value'"):
        imputer(one_node_model)


def test_strategy_is_required(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="missing attribute 'strategy'"):
        one_node_model(
            "imputer", {"surrogate_value": {"double": 1.0}}, {"input": "x"}, {"output": "y"}
        )


def test_text_input_is_an_input_error(one_node_model) -> None:
    model = imputer(one_node_model, surrogate_value={"double": 1.0})
    with pytest.raises(snowleap.InputError, match="'x': expected a number"):
        model.transform_row({"x": "1.0"})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "imputer",
            {
                "strategy": {"string": "mean"},
                "surrogate_value": {"double": 3.5},
                "missing_value": {"double": -1.0},
            },
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": [1.0, math.nan, None, -1.0, 2.0, -0.0]},
)
