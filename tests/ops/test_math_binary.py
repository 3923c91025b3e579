"""``math_binary``: each operation, column or constant operands, the JVM's answers for division
by zero, remainders, logarithms and powers at their edges, bad attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops import jvm_math
from tests.conftest import Node, OpCase

A = [6.0, -7.5, 0.0, 1.0, -1.0, math.nan, math.inf, 2.0, -8.0, 1e308]
B = [4.0, 2.0, 0.0, math.inf, -math.inf, 0.0, 3.0, -0.0, 1.0 / 3.0, 10.0]


def binary(one_node_model, operation, inputs=None, constants=None):
    attributes = {"operation": {"string": operation}, **(constants or {})}
    ports = {"input_a": "a", "input_b": "b"} if inputs is None else inputs
    return one_node_model("math_binary", attributes, ports, {"output": "y"})


def same(got: list[float], want: list[float]) -> bool:
    return all(
        (math.isnan(g) and math.isnan(w)) or (g == w and math.copysign(1, g) == math.copysign(1, w))
        for g, w in zip(got, want, strict=True)
    )


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("add", [a + b for a, b in zip(A, B, strict=True)]),
        ("sub", [a - b for a, b in zip(A, B, strict=True)]),
        ("mul", [a * b for a, b in zip(A, B, strict=True)]),
        ("div", [1.5, -3.75, math.nan, 0.0, 0.0, math.nan, math.inf, -math.inf, -24.0, 1e307]),
        (
            "rem",
            [
                2.0,
                -1.5,
                math.nan,
                1.0,
                -1.0,
                math.nan,
                math.nan,
                math.nan,
                math.fmod(-8.0, 1.0 / 3.0),
                math.fmod(1e308, 10.0),
            ],
        ),
        ("pow", [1296.0, 56.25, 1.0, math.nan, math.nan, 1.0, math.inf, 1.0, math.nan, math.inf]),
    ],
)
def test_operation_gives_the_jvm_answer(one_node_model, score_both, operation, expected) -> None:
    out = score_both(binary(one_node_model, operation), {"a": np.array(A), "b": np.array(B)})
    assert same(out["y"].tolist(), expected), (operation, out["y"].tolist())


def test_log_n_is_the_ratio_of_logarithms(one_node_model, score_both) -> None:
    out = score_both(
        binary(one_node_model, "log_n"),
        {"a": np.array([8.0, 0.0, -1.0, 5.0]), "b": np.array([2.0, 10.0, 10.0, 1.0])},
    )
    got = out["y"].tolist()
    assert got[0] == math.log(8.0) / math.log(2.0)
    assert got[1] == -math.inf and math.isnan(got[2]) and got[3] == math.inf


def test_java_pow_edges() -> None:
    assert jvm_math.java_pow(-0.0, -3.0) == -math.inf
    assert jvm_math.java_pow(0.0, -2.0) == math.inf
    assert jvm_math.java_pow(-10.0, 309.0) == -math.inf
    assert jvm_math.java_pow(-10.0, 310.0) == math.inf
    assert math.isnan(jvm_math.java_pow(1.0, math.nan))
    assert jvm_math.java_pow(math.nan, 0.0) == 1.0


def test_constant_operands_stand_for_absent_ports(one_node_model, score_both) -> None:
    model = binary(one_node_model, "sub", {"input_b": "b"}, {"da": {"double": 10.0}})
    assert list(model.input_schema) == ["b"]
    out = score_both(model, {"b": np.array([1.0, 12.5])})
    assert out["y"].tolist() == [9.0, -2.5]
    model = binary(one_node_model, "div", {"input_a": "a"}, {"db": {"double": 4.0}})
    assert score_both(model, {"a": np.array([2.0])})["y"].tolist() == [0.5]


def test_an_operand_without_port_or_constant_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"neither an input port 'input_b' nor.*'db'"):
        binary(one_node_model, "add", {"input_a": "a"})


def test_unknown_operation_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"math_binary 'operation' is 'max'"):
        binary(one_node_model, "max")


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "math_binary",
            {"operation": {"string": "pow"}},
            {"input_a": "a", "input_b": "b"},
            {"output": "p"},
        ),
        Node(
            "math_binary",
            {"operation": {"string": "rem"}, "db": {"double": 3.0}},
            {"input_a": "p"},
            {"output": "y"},
        ),
    ),
    {"a": np.array(A), "b": np.array(B)},
)
