"""``gaussian_mixture``: probabilities against a hand-computed density, singular covariances,
prediction with and without the probability port, bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError
from snowleap.ops.clustering.multivariate_gaussian import EPSILON, symmetric_eigen
from tests.conftest import Node, OpCase, double_list, tensor_list

MEANS = [[0.0, 0.0], [4.0, 1.0]]
# column-major values of [[2, 0.5], [0.5, 1]] and [[1, 0], [0, 3]] (symmetric: same either way)
COVS = [([2.0, 0.5, 0.5, 1.0], [2, 2]), ([1.0, 0.0, 0.0, 3.0], [2, 2])]
WEIGHTS = [0.3, 0.7]
BOTH = {"prediction": "cluster", "probability": "p"}


def attributes(means=MEANS, covs=COVS, weights=WEIGHTS):
    return {"means": tensor_list(means), "covs": tensor_list(covs), "weights": double_list(weights)}


def mixture(one_node_model, outputs=BOTH, **kwargs):
    return one_node_model("gaussian_mixture", attributes(**kwargs), {"features": "x"}, outputs)


def density(x, mean, cov):
    inverse = np.linalg.inv(np.array(cov))
    delta = np.array(x) - np.array(mean)
    determinant = np.linalg.det(np.array(cov))
    return math.exp(-0.5 * delta @ inverse @ delta) / (2 * math.pi * math.sqrt(determinant))


ROWS = np.array([[0.0, 0.0], [4.0, 1.0], [2.0, 0.5], [30.0, -20.0], [math.nan, 1.0]])

IDENTITY_CASE = OpCase(
    (Node("gaussian_mixture", attributes(), {"features": "x"}, BOTH),),
    {"x": ROWS},
)


def test_probabilities_are_the_weighted_densities(one_node_model, score_both) -> None:
    out = score_both(mixture(one_node_model), {"x": ROWS[:3]})
    covariances = [[[2.0, 0.5], [0.5, 1.0]], [[1.0, 0.0], [0.0, 3.0]]]
    for row, probability in zip(ROWS[:3].tolist(), out["p"].tolist(), strict=True):
        parts = [
            EPSILON + w * density(row, m, c)
            for w, m, c in zip(WEIGHTS, MEANS, covariances, strict=True)
        ]
        assert probability == pytest.approx([p / sum(parts) for p in parts], rel=1e-12)
    assert out["cluster"].tolist() == [0, 1, int(np.argmax(out["p"][2]))]
    assert out["cluster"].dtype == np.int32


def test_far_and_nan_rows(one_node_model, score_both) -> None:
    out = score_both(mixture(one_node_model), {"x": ROWS[3:]})
    # both densities underflow to 0: EPSILON each, so 1/2 each and the first cluster
    assert out["p"].tolist()[0] == [0.5, 0.5]
    assert out["cluster"].tolist()[0] == 0
    assert all(math.isnan(v) for v in out["p"].tolist()[1])
    assert out["cluster"].tolist()[1] == 0


def test_prediction_without_the_probability_port(one_node_model, score_both) -> None:
    with_p = score_both(mixture(one_node_model), {"x": ROWS})
    alone = score_both(mixture(one_node_model, {"prediction": "cluster"}), {"x": ROWS})
    assert "p" not in alone
    assert alone["cluster"].tolist() == with_p["cluster"].tolist()


def test_singular_covariance_uses_the_supported_subspace(one_node_model, score_both) -> None:
    # all of the first Gaussian's mass on the line x1 = x0: pseudo-determinant 2
    covs = [([1.0, 1.0, 1.0, 1.0], [2, 2]), ([1.0, 0.0, 0.0, 1.0], [2, 2])]
    out = score_both(mixture(one_node_model, covs=covs), {"x": np.array([[1.0, 1.0]])})
    line = math.exp(-0.5) / (2 * math.pi * math.sqrt(2.0))  # Spark: k = 2, not the rank
    plane = math.exp(-0.5 * ((1 - 4) ** 2 + 0.0)) / (2 * math.pi)
    parts = [EPSILON + 0.3 * line, EPSILON + 0.7 * plane]
    assert out["p"].tolist()[0] == pytest.approx([p / sum(parts) for p in parts], rel=1e-12)


def test_jacobi_eigen_decomposes() -> None:
    matrix = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]]
    values, vectors = symmetric_eigen(matrix)
    assert sorted(values) == pytest.approx(sorted(np.linalg.eigvalsh(matrix)), rel=1e-14)
    rebuilt = np.array(vectors) @ np.diag(values) @ np.array(vectors).T
    assert rebuilt == pytest.approx(np.array(matrix), abs=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": [1.0]}, r"root: 2 'means', 2 'covs' and 1 'weights'"),
        ({"covs": [([1.0], [1, 1]), COVS[1]]}, r"Gaussian 0: covariance of shape \[1, 1\]"),
        ({"covs": [([0.0] * 4, [2, 2]), COVS[1]]}, r"Gaussian 0: .*no non-zero eigenvalue"),
    ],
)
def test_bad_bundles(one_node_model, kwargs, message) -> None:
    with pytest.raises(BundleError, match=message):
        mixture(one_node_model, **kwargs)
