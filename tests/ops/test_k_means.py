"""``k_means``: nearest center (Euclidean, cosine), int predictions, edge values, bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError, InputError
from tests.conftest import Node, OpCase, long_value, tensor_list

CENTERS = [[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]


def attributes(centers=CENTERS, measure=None, num_features=2):
    found = {"cluster_centers": tensor_list(centers), "num_features": long_value(num_features)}
    if measure is not None:
        found["distance_measure"] = {"string": measure}
    return found


def k_means(one_node_model, **kwargs):
    return one_node_model(
        "k_means", attributes(**kwargs), {"features": "features"}, {"prediction": "cluster"}
    )


ROWS = np.array(
    [[1.0, 1.0], [9.0, 1.0], [1.0, 9.0], [5.0, 5.0], [math.nan, 0.0], [math.inf, 0.0], [-0.0, 0.0]]
)

IDENTITY_CASE = OpCase(
    (Node("k_means", attributes(), {"features": "f"}, {"prediction": "c"}),),
    {"f": ROWS},
)


def test_nearest_center_as_int(one_node_model, score_both) -> None:
    model = k_means(one_node_model)
    out = score_both(model, {"features": ROWS})
    # [5, 5] is equally far from the three... no: 50 from [0, 0], 50 from the others: first wins
    # NaN and inf give NaN distances everywhere: no center is nearer than +inf, so cluster 0
    assert out["cluster"].tolist() == [0, 1, 2, 0, 0, 0, 0]
    assert out["cluster"].dtype == np.int32
    assert str(model.output_schema["cluster"]) == "int"
    assert model.transform_row({"features": [9.0, 1.0]}) == {"features": [9.0, 1.0], "cluster": 1}


def test_cosine_picks_the_center_of_the_nearest_angle(one_node_model, score_both) -> None:
    centers = [[1.0, 0.0], [10.0, 10.0]]
    rows = np.array([[5.0, 4.0], [100.0, 1.0], [0.0, 0.0], [-1.0, -1.0]])
    euclidean = score_both(k_means(one_node_model, centers=centers), {"features": rows})
    cosine = score_both(
        k_means(one_node_model, centers=centers, measure="cosine"), {"features": rows}
    )
    # [5, 4] is 4.1 from [1, 0] against 7.8 from [10, 10], but 6 degrees from [10, 10]'s 45
    assert euclidean["cluster"].tolist()[:2] == [0, 1]
    # zero vector: 0 / 0 distances (NaN): cluster 0; [-1, -1] points the way of [10, 10] least
    # badly: cos = -1 for it, -0.707 for [1, 0], so [1, 0] is nearer
    assert cosine["cluster"].tolist() == [1, 0, 0, 0]


def test_width_and_shape_errors(one_node_model) -> None:
    model = k_means(one_node_model)
    with pytest.raises(InputError, match=r"vector has width 3, the model expects 2"):
        model.transform({"features": np.zeros((1, 3))})
    with pytest.raises(InputError, match=r"column 'features': vector has width 1"):
        model.transform_row({"features": [1.0]})


def test_empty_batch(one_node_model) -> None:
    out = k_means(one_node_model).transform({"features": np.zeros((0, 2))})
    assert out["cluster"].tolist() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"num_features": 3}, r"root: cluster center 0 has 2 values, 'num_features' is 3"),
        ({"centers": []}, r"'cluster_centers' holds no center"),
        ({"measure": "manhattan"}, r"'distance_measure' 'manhattan' is not one of"),
    ],
)
def test_bad_bundles(one_node_model, kwargs, message) -> None:
    with pytest.raises(BundleError, match=message):
        k_means(one_node_model, **kwargs)
