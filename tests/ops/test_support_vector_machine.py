"""``support_vector_machine``: margins, raw scores as probabilities, thresholds, bad bundles.
(MLeap's runtime scores the same golden bundles in ``tests/parity/test_extension_parity.py``.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError
from tests.conftest import Node, OpCase, double_list, double_tensor, long_value

ALL = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}


def attributes(thresholds=None, classes=2):
    found = {
        "coefficients": double_tensor([2.0, -1.0]),
        "intercept": {"double": 0.5},
        "num_classes": long_value(classes),
    }
    if thresholds is not None:
        found["thresholds"] = double_list(thresholds)
    return found


ROWS = np.array([[1.0, 2.0], [0.0, 3.0], [0.25, 0.0], [math.nan, 0.0], [0.0, 0.5]])
# margins 0.5, -2.5, 1.0, NaN, 0.0

IDENTITY_CASE = OpCase(
    (Node("support_vector_machine", attributes(), {"features": "x"}, ALL),), {"x": ROWS}
)


def svm(one_node_model, outputs=ALL, **kwargs):
    return one_node_model(
        "support_vector_machine", attributes(**kwargs), {"features": "x"}, outputs
    )


def test_raw_scores_are_the_probabilities(one_node_model, score_both) -> None:
    out = score_both(svm(one_node_model), {"x": ROWS})
    assert out["raw"].tolist()[:3] == [[-0.5, 0.5], [2.5, -2.5], [-1.0, 1.0]]
    assert out["prob"].tolist()[:3] == out["raw"].tolist()[:3]
    # argmax; a tie (margin 0: [0.0, -0.0]... [-0, 0]) keeps class 0; NaN never wins
    assert out["pred"].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]


def test_thresholds_scale_the_scores(one_node_model, score_both) -> None:
    # p / t: [-0.5 / 0.5, 0.5 / 2] = [-1, 0.25] -> 1; [2.5 / 0.5, -2.5 / 2] -> 0
    out = score_both(svm(one_node_model, thresholds=[0.5, 2.0]), {"x": ROWS[:3]})
    assert out["pred"].tolist() == [1.0, 0.0, 1.0]
    raw_only = {"raw_prediction": "raw", "prediction": "pred"}
    alone = score_both(svm(one_node_model, raw_only, thresholds=[0.5, 2.0]), {"x": ROWS[:3]})
    assert alone["pred"].tolist() == out["pred"].tolist()


def test_bad_bundle(one_node_model) -> None:
    with pytest.raises(BundleError, match=r"root: 'num_classes' is 3; MLeap's SVM has 2"):
        svm(one_node_model, classes=3)
    with pytest.raises(BundleError, match=r"'thresholds' has 1 values for 2 classes"):
        svm(one_node_model, thresholds=[0.5])
