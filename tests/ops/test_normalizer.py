"""``normalizer``: p = 1, 2, inf and a general p; zero vector; NaN; widths; bad attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase


def normalizer(one_node_model, p, input_size=None):
    attributes = {"p_norm": {"double": p}}
    if input_size is not None:
        attributes["input_size"] = {"int": input_size}
    return one_node_model("normalizer", attributes, {"input": "x"}, {"output": "y"})


def test_l2_norm(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, 2.0, input_size=2)
    assert model.input_schema["x"] == vector(2)
    out = score_both(model, {"x": np.array([[3.0, 4.0], [0.0, -2.0]])})
    # sqrt(9 + 16) = 5: 3/5 = 0.6, 4/5 = 0.8; sqrt(0 + 4) = 2: 0/2 = 0, -2/2 = -1
    assert out["y"].tolist() == [[0.6, 0.8], [0.0, -1.0]]


def test_l1_norm(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, 1.0)
    out = score_both(model, {"x": np.array([[1.0, -3.0]])})
    # |1| + |-3| = 4: 1/4 = 0.25, -3/4 = -0.75
    assert out["y"].tolist() == [[0.25, -0.75]]


def test_infinity_norm_skips_nan_like_spark(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, math.inf)
    out = score_both(model, {"x": np.array([[-2.0, 1.0, math.nan], [0.5, -4.0, 2.0]])})
    # Spark keeps the largest |x| with `value > max`, which NaN never passes: max(2, 1) = 2
    # -> -2/2 = -1, 1/2 = 0.5, NaN/2 = NaN; second row max(0.5, 4, 2) = 4
    assert out["y"][0, :2].tolist() == [-1.0, 0.5]
    assert math.isnan(out["y"][0, 2])
    assert out["y"][1].tolist() == [0.125, -1.0, 0.5]


def test_general_p(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, 3.0)
    out = score_both(model, {"x": np.array([[2.0, 0.0], [3.0, 4.0]])})
    # (|2|^3 + 0)^(1/3) = 8^(1/3) = 2 -> [1, 0]
    assert out["y"][0].tolist() == [1.0, 0.0]
    # 27 + 64 = 91, 91^(1/3) = 4.497941445275415 -> 3/4.4979..., 4/4.4979...
    assert out["y"][1].tolist() == pytest.approx([0.6669716, 0.8892955], rel=1e-6)


def test_general_p_overflow_gives_infinity_not_an_error(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, 3.0)
    out = score_both(model, {"x": np.array([[1e200, 1.0]])})
    # (1e200)^3 overflows to inf (Java's Math.pow does the same), inf^(1/3) = inf, x/inf = 0
    assert out["y"].tolist() == [[0.0, 0.0]]


def test_zero_vector_is_returned_unchanged(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, 2.0)
    out = score_both(model, {"x": np.array([[0.0, -0.0]])})
    assert out["y"].tolist() == [[0.0, 0.0]]
    assert math.copysign(1.0, out["y"][0, 1]) == -1.0  # the very input values, sign kept


def test_nan_makes_the_whole_vector_nan(one_node_model, score_both) -> None:
    model = normalizer(one_node_model, 2.0)
    out = score_both(model, {"x": np.array([[1.0, math.nan]])})
    assert all(math.isnan(v) for v in out["y"][0])


def test_without_input_size_any_width_is_accepted(one_node_model, score_both) -> None:
    # MLeap before 0.9 wrote no input_size
    model = normalizer(one_node_model, 1.0)
    assert model.input_schema["x"] == vector(None)
    out = score_both(model, {"x": np.array([[1.0, 1.0, 2.0]])})
    assert out["y"].tolist() == [[0.25, 0.25, 0.5]]  # 1/4, 1/4, 2/4


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = normalizer(one_node_model, 2.0, input_size=3)
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform_row({"x": [1.0, 2.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform({"x": np.ones((1, 2))})


@pytest.mark.parametrize("p", [0.5, -1.0, math.nan])
def test_p_below_one_names_the_file(one_node_model, p) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*'p_norm' should be at least 1"):
        normalizer(one_node_model, p)


def test_missing_p_names_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*missing attribute 'p_norm'"):
        one_node_model("normalizer", {}, {"input": "x"}, {"output": "y"})


@pytest.mark.parametrize("p", [1.0, 2.0, 2.5, math.inf])
def test_both_paths_agree_bit_for_bit_on_random_data(one_node_model, score_both, p) -> None:
    # numpy's SIMD pow differs from libm's in the last bit for a few percent of inputs on
    # AVX-512 machines; 400 values make a difference all but certain to show if it slipped in
    model = normalizer(one_node_model, p)
    values = np.random.default_rng(7).uniform(-100.0, 100.0, size=(80, 5))
    out = score_both(model, {"x": values})
    assert np.all(np.abs(out["y"]) <= 1.0)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "normalizer",
            {"p_norm": {"double": 3.0}, "input_size": {"int": 3}},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[3.0, -4.0, 1.0], [0.0, 0.0, 0.0], [1e300, 1.0, math.nan], [0.1, 0.2, 0.3]])},
)
