"""``linear_svc``: margins, the threshold on the margin, wirings, edge values, bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError
from tests.conftest import Node, OpCase, double_tensor, long_value

BOTH = {"raw_prediction": "raw", "prediction": "pred"}


def attributes(threshold=None, classes=2):
    found = {
        "num_classes": long_value(classes),
        "coefficients": double_tensor([2.0, -1.0]),
        "intercept": {"double": 0.5},
    }
    if threshold is not None:
        found["threshold"] = {"double": threshold}
    return found


def svc(one_node_model, outputs=BOTH, **kwargs):
    return one_node_model("linear_svc", attributes(**kwargs), {"features": "x"}, outputs)


ROWS = np.array([[1.0, 2.0], [0.0, 3.0], [0.25, 0.0], [math.nan, 0.0], [0.0, 0.5]])
# margins 0.5, -2.5, 1.0, NaN, 0.0

IDENTITY_CASE = OpCase((Node("linear_svc", attributes(), {"features": "x"}, BOTH),), {"x": ROWS})


def test_margins_and_default_threshold(one_node_model, score_both) -> None:
    out = score_both(svc(one_node_model), {"x": ROWS})
    assert out["raw"].tolist()[:3] == [[-0.5, 0.5], [2.5, -2.5], [-1.0, 1.0]]
    # class 1 iff the margin is above 0: a margin of exactly 0 and NaN are class 0
    assert out["pred"].tolist() == [1.0, 0.0, 1.0, 0.0, 0.0]


def test_threshold_on_the_margin_and_prediction_alone(one_node_model, score_both) -> None:
    out = score_both(svc(one_node_model, {"prediction": "pred"}, threshold=0.75), {"x": ROWS})
    assert "raw" not in out
    assert out["pred"].tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    low = score_both(svc(one_node_model, threshold=-3.0), {"x": ROWS})
    assert low["pred"].tolist() == [1.0, 1.0, 1.0, 0.0, 1.0]


def test_bad_bundle(one_node_model) -> None:
    with pytest.raises(BundleError, match=r"root: 'num_classes' is 3; a linear SVC has 2 classes"):
        svc(one_node_model, classes=3)
