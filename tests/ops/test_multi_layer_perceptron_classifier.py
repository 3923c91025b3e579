"""``multi_layer_perceptron_classifier``: the forward pass against hand-computed numbers, the
weight layout, thresholds, wirings and bad bundles."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError
from tests.conftest import Node, OpCase, double_list, double_tensor

ALL = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}
# layers 2 -> 2 -> 3. Hidden W = [[1, -1], [0.5, 2]] (column-major: 1, 0.5, -1, 2), b = [0, -1];
# top W = [[1, 0], [0, 1], [-1, 1]] (column-major: 1, 0, -1, 0, 1, 1), b = [0.1, 0.2, 0.3]
WEIGHTS = [1.0, 0.5, -1.0, 2.0, 0.0, -1.0, 1.0, 0.0, -1.0, 0.0, 1.0, 1.0, 0.1, 0.2, 0.3]


def attributes(layers=(2, 2, 3), weights=WEIGHTS, thresholds=None):
    found = {"layers": {"type": "list", "long": list(layers)}, "weights": double_tensor(weights)}
    if thresholds is not None:
        found["thresholds"] = double_list(thresholds)
    return found


def mlp(one_node_model, outputs=ALL, **kwargs):
    return one_node_model(
        "multi_layer_perceptron_classifier", attributes(**kwargs), {"features": "x"}, outputs
    )


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def expected_raw(x0: float, x1: float) -> list[float]:
    h = [sigmoid(x0 - x1), sigmoid(0.5 * x0 + 2.0 * x1 - 1.0)]
    return [h[0] + 0.1, h[1] + 0.2, -h[0] + h[1] + 0.3]


ROWS = np.array([[1.0, 2.0], [0.0, 0.0], [-3.0, 0.5], [math.nan, 1.0], [800.0, -800.0]])

IDENTITY_CASE = OpCase(
    (Node("multi_layer_perceptron_classifier", attributes(), {"features": "x"}, ALL),),
    {"x": ROWS},
)


def test_forward_pass_and_softmax(one_node_model, score_both) -> None:
    out = score_both(mlp(one_node_model), {"x": ROWS[:3]})
    for row, raw, probability in zip(ROWS[:3].tolist(), out["raw"], out["prob"], strict=True):
        want = expected_raw(*row)
        assert raw.tolist() == pytest.approx(want, rel=1e-14)
        exps = [math.exp(v - max(want)) for v in want]
        assert probability.tolist() == pytest.approx([e / sum(exps) for e in exps], rel=1e-14)
    assert out["pred"].tolist() == [float(np.argmax(p)) for p in out["prob"]]


def test_saturated_and_nan_rows(one_node_model, score_both) -> None:
    out = score_both(mlp(one_node_model), {"x": ROWS[3:]})
    assert all(math.isnan(v) for v in out["prob"][0].tolist())
    assert out["pred"].tolist()[0] == 0.0  # a NaN never wins the argmax
    # x0 - x1 = 1600: the hidden units saturate at 1 and 0 exactly
    assert out["raw"][1].tolist() == pytest.approx([1.1, 0.2, -0.7], rel=1e-14)


def test_thresholds_and_raw_only(one_node_model, score_both) -> None:
    rows = {"x": ROWS[:3]}
    plain = score_both(mlp(one_node_model), rows)
    raw_only = score_both(
        mlp(one_node_model, {"raw_prediction": "raw", "prediction": "pred"}), rows
    )
    assert raw_only["pred"].tolist() == plain["pred"].tolist()
    # a tiny threshold for class 2 makes it win everywhere
    favoured = score_both(mlp(one_node_model, thresholds=[1.0, 1.0, 1e-6]), rows)
    assert favoured["pred"].tolist() == [2.0, 2.0, 2.0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weights": WEIGHTS[:-1]}, r"root: layers \[2, 2, 3\] take 15 weights, found 14"),
        ({"layers": (2,), "weights": []}, r"'layers' \[2\] should be two or more widths"),
        ({"thresholds": [0.5, 0.5]}, r"'thresholds' has 2 values for 3 classes"),
    ],
)
def test_bad_bundles(one_node_model, kwargs, message) -> None:
    with pytest.raises(BundleError, match=message):
        mlp(one_node_model, **kwargs)
