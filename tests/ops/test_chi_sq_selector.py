"""``chi_sq_selector``: the features at ``filter_indices``, in that order; widths and bad
attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase


def selector_attributes(indices: list[int], size: int) -> dict[str, object]:
    return {"filter_indices": {"type": "list", "long": indices}, "input_size": {"int": size}}


def selector(one_node_model, indices, size):
    return one_node_model(
        "chi_sq_selector", selector_attributes(indices, size), {"input": "x"}, {"output": "y"}
    )


def test_keeps_the_selected_features_in_their_order(one_node_model, score_both) -> None:
    model = selector(one_node_model, [3, 0, 1], 4)
    assert model.input_schema["x"] == vector(4)
    assert model.output_schema["y"] == vector(3)
    out = score_both(model, {"x": np.array([[1.0, 2.0, 3.0, 4.0], [math.nan, -0.0, 5.0, 0.0]])})
    assert out["y"][0].tolist() == [4.0, 1.0, 2.0]
    assert math.isnan(out["y"][1, 1]) and out["y"][1, 2] == 0.0


def test_no_selected_feature_gives_empty_vectors(one_node_model, score_both) -> None:
    out = score_both(selector(one_node_model, [], 2), {"x": np.array([[1.0, 2.0]])})
    assert out["y"].shape == (1, 0)


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = selector(one_node_model, [0], 3)
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 2.*expects 3"):
        model.transform_row({"x": [1.0, 2.0]})


def test_index_outside_the_input_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json: .*\[5\] do not fit.*3"):
        selector(one_node_model, [0, 5], 3)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("chi_sq_selector", selector_attributes([2, 0], 3), {"input": "x"}, {"output": "y"}),),
    {"x": np.array([[1.5, 3.0, -2.0], [math.nan, math.inf, 0.0]])},
)
