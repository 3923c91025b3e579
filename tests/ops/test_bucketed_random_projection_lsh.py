"""``bucketed_random_projection_lsh``: floor(x . u / bucket_length) per hash table; negative,
zero, NaN and infinite projections; widths and attribute errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import vector
from tests.conftest import Node, OpCase, tensor_list

UNITS = [[0.6, 0.8], [1.0, 0.0], [0.0, -1.0]]


def lsh_attributes(units: list[list[float]], length: float, size: int) -> dict[str, object]:
    return {
        "random_unit_vectors": tensor_list(units),
        "bucket_length": {"double": length},
        "input_size": {"int": size},
    }


def lsh(one_node_model, units=UNITS, length=2.0, size=2):
    return one_node_model(
        "bucketed_random_projection_lsh",
        lsh_attributes(units, length, size),
        {"input": "x"},
        {"output": "h"},
    )


def test_hashes_are_floored_projections_per_table(one_node_model, score_both) -> None:
    model = lsh(one_node_model)
    assert model.input_schema["x"] == vector(2)
    assert model.output_schema["h"] == vector(3)
    out = score_both(model, {"x": np.array([[3.0, 4.0], [-1.0, 0.5], [0.0, 0.0]])})
    # (3,4): 5/2 -> 2, 3/2 -> 1, -4/2 -> -2; (-1, 0.5): -0.2/2 -> -1, -0.5 -> -1, -0.25 -> -1
    assert out["h"].tolist() == [[2.0, 1.0, -2.0], [-1.0, -1.0, -1.0], [0.0, 0.0, -0.0]]


def test_nan_and_infinity_stay_as_they_are(one_node_model, score_both) -> None:
    out = score_both(lsh(one_node_model), {"x": np.array([[math.nan, 1.0], [math.inf, 0.0]])})
    assert all(math.isnan(v) for v in out["h"][0])
    assert out["h"][1, 1] == math.inf and math.isnan(out["h"][1, 2])  # inf * 0 = NaN


def test_wrong_width_names_the_column(one_node_model) -> None:
    with pytest.raises(snowleap.InputError, match=r"'x'.*width 3.*expects 2"):
        lsh(one_node_model).transform_row({"x": [1.0, 2.0, 3.0]})


def test_unit_vector_of_another_width_is_refused(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"unit vector of 2 values for 'input_size' 3"):
        lsh(one_node_model, size=3)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "bucketed_random_projection_lsh",
            lsh_attributes(UNITS, 0.75, 2),
            {"input": "x"},
            {"output": "h"},
        ),
    ),
    {"x": np.array([[3.0, 4.0], [-1e-300, 0.0], [math.nan, 2.0], [1e308, 1e308]])},
)
