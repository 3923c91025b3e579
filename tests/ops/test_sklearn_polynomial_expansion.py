"""``sklearn_polynomial_expansion``: sklearn's feature names as products of powers; the bias
term, widths, NaN and zero to the power zero."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from snowleap.ops.feature.sklearn_polynomial_expansion import parse_combinations
from tests.conftest import Node, OpCase

COMBINATIONS = "1,x0,x1,x0^2,x0 x1,x1^2"


def expansion(one_node_model, combinations=COMBINATIONS):
    return one_node_model(
        "sklearn_polynomial_expansion",
        {"combinations": {"string": combinations}},
        {"input": "x"},
        {"output": "y"},
    )


def test_each_combination_is_a_product_of_powers(one_node_model, score_both) -> None:
    model = expansion(one_node_model)
    assert model.output_schema["y"] == vector(6)
    out = score_both(model, {"x": np.array([[2.0, 3.0], [-1.5, 0.0]])})
    assert out["y"].tolist() == [[1.0, 2.0, 3.0, 4.0, 6.0, 9.0], [1.0, -1.5, 0.0, 2.25, -0.0, 0.0]]


def test_terms_may_come_in_any_order_and_power(score_both, one_node_model) -> None:
    assert parse_combinations("x2^3 x0,1") == [[(2, 3), (0, 1)], []]
    out = score_both(expansion(one_node_model, "x2^3 x0"), {"x": np.array([[2.0, 9.0, -2.0]])})
    assert out["y"].tolist() == [[-16.0]]


def test_nan_and_infinity(one_node_model, score_both) -> None:
    out = score_both(expansion(one_node_model), {"x": np.array([[math.nan, math.inf]])})
    got = out["y"][0].tolist()
    assert got[0] == 1.0 and math.isnan(got[1]) and got[2] == math.inf and math.isnan(got[4])


def test_too_narrow_input_names_the_column(one_node_model) -> None:
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 1.*use feature 1"):
        expansion(one_node_model).transform_row({"x": [1.0]})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "sklearn_polynomial_expansion",
            {"combinations": {"string": COMBINATIONS}},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[1.5, -2.0], [1e200, 1e200], [math.nan, 0.0], [-0.0, 3.0]])},
)
