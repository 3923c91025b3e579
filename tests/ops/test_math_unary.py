"""``math_unary``: each operation with the JVM's answers where Python's ``math`` raises (log of
0 and negatives, sqrt of negatives, exp overflow, trigonometry of infinity), NaN, bad names."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase

EDGES = [0.0, -0.0, -1.0, 1.0, 1e-300, 710.0, math.inf, -math.inf, math.nan, 2.5]


def unary(one_node_model, operation):
    return one_node_model(
        "math_unary", {"operation": {"string": operation}}, {"input": "x"}, {"output": "y"}
    )


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        (
            "log",
            [
                -math.inf,
                -math.inf,
                math.nan,
                0.0,
                math.log(1e-300),
                math.log(710.0),
                math.inf,
                math.nan,
                math.nan,
                math.log(2.5),
            ],
        ),
        (
            "exp",
            [
                1.0,
                1.0,
                math.exp(-1.0),
                math.e,
                1.0,
                math.inf,
                math.inf,
                0.0,
                math.nan,
                math.exp(2.5),
            ],
        ),
        (
            "sqrt",
            [
                0.0,
                -0.0,
                math.nan,
                1.0,
                1e-150,
                math.sqrt(710.0),
                math.inf,
                math.nan,
                math.nan,
                math.sqrt(2.5),
            ],
        ),
        (
            "sin",
            [
                0.0,
                -0.0,
                math.sin(-1.0),
                math.sin(1.0),
                1e-300,
                math.sin(710.0),
                math.nan,
                math.nan,
                math.nan,
                math.sin(2.5),
            ],
        ),
        (
            "cos",
            [
                1.0,
                1.0,
                math.cos(1.0),
                math.cos(1.0),
                1.0,
                math.cos(710.0),
                math.nan,
                math.nan,
                math.nan,
                math.cos(2.5),
            ],
        ),
        (
            "tan",
            [
                0.0,
                -0.0,
                math.tan(-1.0),
                math.tan(1.0),
                1e-300,
                math.tan(710.0),
                math.nan,
                math.nan,
                math.nan,
                math.tan(2.5),
            ],
        ),
        ("abs", [0.0, 0.0, 1.0, 1.0, 1e-300, 710.0, math.inf, math.inf, math.nan, 2.5]),
    ],
)
def test_operation_gives_the_jvm_answer(one_node_model, score_both, operation, expected) -> None:
    out = score_both(unary(one_node_model, operation), {"x": np.array(EDGES)})
    got = out["y"].tolist()
    assert len(got) == len(expected)
    for value, want in zip(got, expected, strict=True):
        assert (math.isnan(value) and math.isnan(want)) or value == want, (operation, got)
    # -0.0 keeps its sign where Java's Math does
    if operation in ("sqrt", "sin", "tan"):
        assert math.copysign(1.0, got[1]) == -1.0


def test_unknown_operation_is_refused_naming_the_file(one_node_model) -> None:
    with pytest.raises(
        snowleap.BundleError, match=r"model\.json: math_unary 'operation' is 'cbrt'"
    ):
        unary(one_node_model, "cbrt")


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node("math_unary", {"operation": {"string": "log"}}, {"input": "x"}, {"output": "l"}),
        Node("math_unary", {"operation": {"string": "tan"}}, {"input": "l"}, {"output": "y"}),
    ),
    {"x": np.array(EDGES)},
)
