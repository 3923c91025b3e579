"""``isotonic_regression``: Java's binary search (ties, -0.0, NaN), both directions, the feature
of a double column or a vector slot, bad bundles and inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.base import DOUBLE, vector
from snowleap.ops.sparse import SparseRows, SparseVector
from tests.conftest import Node, OpCase, double_list, long_value

PORTS = ({"features": "x"}, {"prediction": "p"})


def attributes(boundaries, predictions, isotonic=True, feature_index=None):
    found = {
        "boundaries": double_list(boundaries),
        "predictions": double_list(predictions),
        "isotonic": {"boolean": isotonic},
    }
    if feature_index is not None:
        found["feature_index"] = long_value(feature_index)
    return found


def isotonic(one_node_model, *args, **kwargs):
    return one_node_model("isotonic_regression", attributes(*args, **kwargs), *PORTS)


def test_boundaries_interpolation_and_ends(one_node_model, score_both) -> None:
    model = isotonic(one_node_model, [1.0, 2.0, 4.0], [10.0, 20.0, 21.0])
    x = np.array([0.5, 1.0, 1.5, 3.0, 4.0, 5.0, -math.inf, math.inf])
    out = score_both(model, {"x": x})
    # below all: first; on a boundary: its own; between: the line; above all: last
    assert out["p"].tolist() == [10.0, 10.0, 15.0, 20.5, 21.0, 21.0, 10.0, 21.0]
    assert model.input_schema == {"x": DOUBLE}
    assert model.output_schema == {"p": DOUBLE}


def test_antitonic_predictions_decrease(one_node_model, score_both) -> None:
    # GIVEN an antitonic fit (Spark stores its predictions already decreasing)
    model = isotonic(one_node_model, [0.0, 1.0, 3.0], [5.0, 3.0, 1.0], isotonic=False)
    out = score_both(model, {"x": np.array([-1.0, 0.5, 2.0, 9.0])})
    # THEN it scores through the same line: 5 - 2 * 0.5 = 4, 3 - 2 * 1 / 2 = 2
    assert out["p"].tolist() == [5.0, 4.0, 2.0, 1.0]
    assert model.describe()["root"]["isotonic"] is False


def test_nan_scores_as_the_last_prediction(one_node_model, score_both) -> None:
    # Java orders NaN above +inf: the search ends past the last boundary
    model = isotonic(one_node_model, [1.0, 2.0], [3.0, 4.0])
    assert score_both(model, {"x": np.array([math.nan])})["p"].tolist() == [4.0]


def test_negative_zero_is_below_zero(one_node_model, score_both) -> None:
    # GIVEN a boundary at 0.0: Java's search puts -0.0 just below it
    model = isotonic(one_node_model, [-3.0, 0.0], [0.2, 0.9])
    out = score_both(model, {"x": np.array([-0.0, 0.0])})
    # THEN -0.0 is interpolated (0.2 + 0.7 * 3 / 3 rounds below 0.9); 0.0 hits the boundary
    assert out["p"].tolist() == [0.2 + (0.9 - 0.2) * (-0.0 + 3.0) / 3.0, 0.9]
    assert out["p"][0] == 0.8999999999999999


def test_repeated_boundary_finds_the_one_java_finds(one_node_model, score_both) -> None:
    # GIVEN three equal boundaries: Java's first midpoint, (0 + 3) // 2 = 1, is a hit
    model = isotonic(one_node_model, [1.0, 1.0, 1.0, 2.0], [1.0, 2.0, 3.0, 4.0])
    out = score_both(model, {"x": np.array([1.0, 1.5, 0.0])})
    # THEN the prediction at index 1 (not the first or the last of the three)
    assert out["p"].tolist() == [2.0, 3.5, 1.0]


def test_one_boundary(one_node_model, score_both) -> None:
    model = isotonic(one_node_model, [2.0], [7.0])
    assert score_both(model, {"x": np.array([1.0, 2.0, 3.0])})["p"].tolist() == [7.0] * 3


def test_vector_feature_index(one_node_model, score_both) -> None:
    model = isotonic(one_node_model, [0.0, 10.0], [0.0, 1.0], feature_index=1)
    out = score_both(model, {"x": np.array([[99.0, 5.0, -1.0], [-99.0, 20.0, 0.0]])})
    assert out["p"].tolist() == [0.5, 1.0]
    assert model.input_schema == {"x": vector(None)}


def test_sparse_vector_slot(one_node_model, score_both) -> None:
    # GIVEN sparse vectors: slot 1 stored in the first row, absent (0.0) in the second
    model = isotonic(one_node_model, [0.0, 10.0], [1.0, 2.0], feature_index=1)
    rows = [SparseVector(3, [0, 1], [7.0, 5.0]), SparseVector(3, [2], [9.0])]
    out = score_both(model, {"x": SparseRows.from_vectors(3, rows)})
    # THEN the slot's value, or the prediction of 0.0
    assert out["p"].tolist() == [1.5, 1.0]


def test_vector_too_narrow_for_the_index(one_node_model) -> None:
    model = isotonic(one_node_model, [0.0, 10.0], [0.0, 1.0], feature_index=2)
    message = r"'x': vector has width 2, too narrow for the model's feature index 2"
    with pytest.raises(snowleap.InputError, match=message):
        model.transform_row({"x": [1.0, 2.0]})
    with pytest.raises(snowleap.InputError, match=message):
        model.transform({"x": np.ones((3, 2))})


def test_vector_given_to_a_scalar_model(one_node_model) -> None:
    model = isotonic(one_node_model, [0.0, 10.0], [0.0, 1.0])
    with pytest.raises(snowleap.InputError, match=r"'x'"):
        model.transform({"x": np.ones((3, 2))})


def test_predictions_must_match_boundaries(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"model\.json.*2 boundaries, 1 predictions"):
        isotonic(one_node_model, [0.0, 1.0], [3.0])
    with pytest.raises(snowleap.BundleError, match=r"0 boundaries"):
        isotonic(one_node_model, [], [])


def test_negative_feature_index(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"'feature_index' is negative"):
        isotonic(one_node_model, [0.0], [1.0], feature_index=-1)


def test_isotonic_flag_is_required(one_node_model) -> None:
    found = attributes([0.0], [1.0])
    del found["isotonic"]
    with pytest.raises(snowleap.BundleError, match=r"missing attribute 'isotonic'"):
        one_node_model("isotonic_regression", found, *PORTS)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "isotonic_regression",
            attributes([-3.0, 0.0, 0.0, 2.5], [0.2, 0.9, 1.0, 1.7], feature_index=0),
            {"features": "x"},
            {"prediction": "p"},
        ),
    ),
    {"x": np.array([[-0.0, 1.0], [0.0, 2.0], [1.3, 0.0], [math.nan, 0.0], [-7.0, 0.0]])},
)


def test_row_search_agrees_with_javas_on_many_values(one_node_model, score_both) -> None:
    # GIVEN strictly increasing boundaries around zero (the row path's bisect), and values on,
    # between, beyond them, at both zeros and NaN (Java's search)
    boundaries = [-3.0, -0.0, 0.5, 1.0, 2.5, 7.0]
    model = isotonic(one_node_model, boundaries, [0.0, 1.0, 1.5, 4.0, 4.5, 9.0])
    rng = np.random.default_rng(12)
    x = np.concatenate(
        [boundaries, rng.uniform(-5, 9, 200), [0.0, -0.0, math.nan, math.inf, -math.inf]]
    )
    # THEN every row scores as the batch's vectorised Java search, bit for bit
    score_both(model, {"x": x})
