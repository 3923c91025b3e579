"""``pca``: MLeap's column-major matrix, feature-order sums, NaN, widths, bad attributes."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase, double_tensor


def pca(one_node_model, values, dims):
    return one_node_model(
        "pca",
        {"principal_components": double_tensor(values, dims)},
        {"input": "x"},
        {"output": "y"},
    )


def test_projects_with_column_major_components(one_node_model, score_both) -> None:
    # Spark's pc is (features=3) x (k=2); MLeap writes its values column by column:
    # component 0 = (1, 0, 2), component 1 = (0, 1, -1)
    model = pca(one_node_model, [1.0, 0.0, 2.0, 0.0, 1.0, -1.0], [3, 2])
    assert model.input_schema["x"] == vector(3)
    assert model.output_schema["y"] == vector(2)
    out = score_both(model, {"x": np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])})
    # 1*1 + 0*2 + 2*3 = 7; 0*1 + 1*2 + -1*3 = -1 (read row-major it would be 8 and -3)
    assert out["y"].tolist() == [[7.0, -1.0], [0.0, 0.0]]


def test_sums_run_in_feature_order(one_node_model, score_both) -> None:
    model = pca(one_node_model, [1.0, 1.0, 1.0], [3, 1])
    out = score_both(model, {"x": np.array([[1e16, 1.0, -1e16]])})
    # ((0 + 1e16) + 1) = 1e16 (the 1 is below half an ulp of 1e16), then - 1e16 = 0.0,
    # as Spark's dgemv loop adds; a pairwise or reordered sum could give 1.0
    assert out["y"].tolist() == [[0.0]]


def test_nan_spreads_to_every_component(one_node_model, score_both) -> None:
    model = pca(one_node_model, [1.0, 0.0, 0.0, 1.0], [2, 2])
    out = score_both(model, {"x": np.array([[math.nan, 1.0]])})
    # NaN*1 and NaN*0 are both NaN
    assert all(math.isnan(v) for v in out["y"][0])


def test_both_paths_agree_bit_for_bit_on_random_data(one_node_model, score_both) -> None:
    rng = np.random.default_rng(3)
    model = pca(one_node_model, rng.normal(size=18).tolist(), [6, 3])
    values = rng.normal(scale=50.0, size=(60, 6))
    out = score_both(model, {"x": values})
    assert out["y"].shape == (60, 3)


def test_wrong_width_names_the_column(one_node_model) -> None:
    model = pca(one_node_model, [1.0, 0.0, 0.0, 1.0], [2, 2])
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        model.transform_row({"x": [1.0, 2.0, 3.0]})
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        model.transform({"x": np.ones((1, 3))})


def test_one_dimensional_components_name_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*2-D double tensor.*\[4\]"):
        pca(one_node_model, [1.0, 0.0, 0.0, 1.0], [4])


def test_values_not_matching_the_shape_name_the_file(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*principal_components"):
        pca(one_node_model, [1.0, 0.0, 0.0], [2, 2])


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "pca",
            {"principal_components": double_tensor([1.0, 0.0, 2.0, 0.0, 1.0, -1.0], [3, 2])},
            {"input": "x"},
            {"output": "y"},
        ),
    ),
    {"x": np.array([[1.0, 2.0, 3.0], [1e16, 1.0, -1e16], [math.nan, 0.0, 1.0]])},
)
