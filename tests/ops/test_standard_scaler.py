"""``standard_scaler``: mean and/or std, zero std, both paths."""

from __future__ import annotations

import math
from functools import partial

import numpy as np
import pytest

import snowleap
from snowleap.ops.sparse import SparseVector
from snowleap.ops.tree.compiled import pure_python_trees
from tests.conftest import Node, OpCase, double_tensor, same_value


def test_mean_and_std_centre_then_scale(one_node_model, score_both) -> None:
    model = one_node_model(
        "standard_scaler",
        {"mean": double_tensor([1.0, 10.0]), "std": double_tensor([2.0, 4.0])},
        {"input": "x"},
        {"output": "y"},
    )
    out = score_both(model, {"x": np.array([[3.0, 2.0], [1.0, 10.0]])})
    # (3-1)/2 = 1, (2-10)/4 = -2; the mean row maps to zeros
    assert out["y"].tolist() == [[1.0, -2.0], [0.0, 0.0]]


def test_std_only_scales_without_centring(one_node_model, score_both) -> None:
    model = one_node_model(
        "standard_scaler", {"std": double_tensor([2.0, 0.5])}, {"input": "x"}, {"output": "y"}
    )
    out = score_both(model, {"x": np.array([[3.0, 2.0]])})
    assert out["y"].tolist() == [[1.5, 4.0]]


def test_mean_only_centres(one_node_model, score_both) -> None:
    model = one_node_model(
        "standard_scaler", {"mean": double_tensor([1.0, -1.0])}, {"input": "x"}, {"output": "y"}
    )
    out = score_both(model, {"x": np.array([[3.0, 2.0]])})
    assert out["y"].tolist() == [[2.0, 3.0]]


def test_zero_std_gives_zero_even_for_nan(one_node_model, score_both) -> None:
    model = one_node_model(
        "standard_scaler",
        {"mean": double_tensor([5.0, 0.0]), "std": double_tensor([0.0, 1.0])},
        {"input": "x"},
        {"output": "y"},
    )
    out = score_both(model, {"x": np.array([[7.0, math.nan]])})
    assert out["y"][0, 0] == 0.0
    assert math.isnan(out["y"][0, 1])


def test_wrong_width_is_an_input_error(one_node_model) -> None:
    model = one_node_model(
        "standard_scaler", {"std": double_tensor([1.0, 1.0])}, {"input": "x"}, {"output": "y"}
    )
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        model.transform_row({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        model.transform({"x": np.ones((1, 3))})


def test_neither_mean_nor_std_is_a_bundle_error(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="needs a 'mean' or a 'std'"):
        one_node_model("standard_scaler", {}, {"input": "x"}, {"output": "y"})


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "standard_scaler",
            {"mean": double_tensor([1.0, 10.0, 0.0]), "std": double_tensor([2.0, 0.0, 4.0])},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[3.0, 5.0, 1.0], [math.nan, math.inf, -2.0], [1.0, 10.0, 0.0]])},
)


@pytest.mark.parametrize(
    "attributes",
    [
        {"mean": double_tensor([5.0, 0.1, -3.0]), "std": double_tensor([0.0, 0.3, 7.0])},
        {"std": double_tensor([0.0, 0.3, 7.0])},
        {"mean": double_tensor([5.0, 0.1, -3.0])},
    ],
)
def test_the_compiled_row_step_gives_the_python_steps_bits(one_node_model, attributes) -> None:
    model = one_node_model("standard_scaler", attributes, {"input": "x"}, {"output": "y"})
    with pure_python_trees():
        pure = one_node_model("standard_scaler", attributes, {"input": "x"}, {"output": "y"})
    (step,) = model._row_plan._steps
    (python_step,) = pure._row_plan._steps
    assert isinstance(step, partial)
    # THEN the same floats, NaN and infinities included; a list holding an int or a sparse
    # vector is handed to the Python step
    values: list[object] = [
        [7.0, math.nan, 1e300],
        [math.inf, -0.0, -math.inf],
        [0.1, 0.2, 0.3],
        [1, 0.2, 3.0],
        SparseVector(3, [1], [2.5]),
    ]
    for x in values:
        mine, oracle = {"x": x}, {"x": x}
        step(mine)
        python_step(oracle)
        assert same_value(mine["y"], oracle["y"])
