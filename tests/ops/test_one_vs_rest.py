"""``one_vs_rest``: classes compete on their classifier's probability of class 1 (MLeap's rule),
raw scores per class, a linear SVC inside, wirings and bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError
from tests.conftest import Node, OpCase, double_tensor, long_value

ALL = {"probability": "p", "raw_prediction": "raw", "prediction": "pred"}


def logistic(coefficients, intercept):
    attributes = {
        "num_classes": long_value(2),
        "coefficients": double_tensor(list(coefficients)),
        "intercept": {"double": intercept},
    }
    return ("logistic_regression", attributes, [])


def svc(coefficients, intercept):
    attributes = {
        "num_classes": long_value(2),
        "coefficients": double_tensor(list(coefficients)),
        "intercept": {"double": intercept},
        "threshold": {"double": 0.0},
    }
    return ("linear_svc", attributes, [])


CLASSIFIERS = [logistic([1.0, 0.0], 0.0), logistic([0.0, 1.0], -1.0), logistic([-1.0, -1.0], 0.5)]


def node(classifiers=CLASSIFIERS, outputs=ALL, num_features=2, num_classes=None):
    attributes = {
        "num_classes": long_value(len(classifiers) if num_classes is None else num_classes),
        "num_features": long_value(num_features),
    }
    sub = {f"model{i}": c for i, c in enumerate(classifiers)}
    return Node("one_vs_rest", attributes, {"features": "x"}, outputs, sub_trees=sub)


ROWS = np.array([[2.0, 0.0], [0.0, 3.0], [-2.0, -2.0], [math.nan, 0.0], [0.0, 1.0]])

IDENTITY_CASE = OpCase((node(),), {"x": ROWS})


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def test_classes_compete_on_probability(tree_model, score_both) -> None:
    out = score_both(tree_model.load(node()), {"x": ROWS})
    margins = [[x0, x1 - 1.0, 0.5 - x0 - x1] for x0, x1 in ROWS[[0, 1, 2, 4]].tolist()]
    assert out["raw"][[0, 1, 2, 4]].tolist() == margins
    assert out["pred"].tolist() == [0.0, 1.0, 2.0, 0.0, 0.0]
    # the winning class's probability of class 1: sigmoid(2), sigmoid(2), sigmoid(4.5), ...
    assert out["p"].tolist()[:3] == pytest.approx([sigmoid(2.0), sigmoid(2.0), sigmoid(4.5)])
    # [0, 1]: margins 0, 0, -0.5: the first of the equal probabilities wins
    assert out["p"].tolist()[4] == 0.5


def test_linear_svc_inside_competes_on_its_prediction(tree_model, score_both) -> None:
    inner = [svc([1.0, 0.0], 0.0), svc([0.0, 1.0], 0.0)]
    out = score_both(tree_model.load(node(inner, {"prediction": "pred"})), {"x": ROWS})
    # 0/1 predictions: [2, 0] -> (1, 0); [0, 3] -> (0, 1); [-2, -2] -> (0, 0): the first
    assert out["pred"].tolist() == [0.0, 1.0, 0.0, 0.0, 1.0]


def test_bad_bundles(tree_model) -> None:
    with pytest.raises(BundleError, match=r"root/model0: the classifier reads 2 features, .* is 3"):
        tree_model.load(node(num_features=3))
    with pytest.raises(BundleError, match=r"missing .*model3/model\.json"):
        tree_model.load(node(num_classes=4))
