"""``logistic_regression``: binary and multinomial, thresholds, wirings, edge values."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase, double_list, double_tensor, long_value

ALL = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}
RAW_ONLY = {"raw_prediction": "raw", "prediction": "pred"}


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def binary(one_node_model, outputs=ALL, threshold=None, coefficients=(2.0, -1.0), intercept=0.5):
    attributes = {
        "num_classes": long_value(2),
        "coefficients": double_tensor(list(coefficients)),
        "intercept": {"double": intercept},
    }
    if threshold is not None:
        attributes["threshold"] = {"double": threshold}
    return one_node_model("logistic_regression", attributes, {"features": "features"}, outputs)


BINARY_ROWS = np.array([[1.0, 2.0], [0.0, 3.0], [0.25, 0.0]])
# margins: 1*2 + 2*(-1) + 0.5 = 0.5;  0*2 + 3*(-1) + 0.5 = -2.5;  0.25*2 + 0 + 0.5 = 1.0
BINARY_MARGINS = [0.5, -2.5, 1.0]


def test_binary_raw_probability_prediction(one_node_model, score_both) -> None:
    out = score_both(binary(one_node_model), {"features": BINARY_ROWS})
    assert out["raw"].tolist() == [[-m, m] for m in BINARY_MARGINS]
    for probability, m in zip(out["prob"].tolist(), BINARY_MARGINS, strict=True):
        # MLeap applies the logistic function to each raw value (not 1 - p)
        assert probability == pytest.approx([sigmoid(-m), sigmoid(m)], rel=1e-14)
    # p1 = 0.62, 0.08, 0.73 against the default threshold 0.5
    assert out["pred"].tolist() == [1.0, 0.0, 1.0]
    assert str(binary(one_node_model).input_schema["features"]) == "vector[2]"


def test_binary_threshold_on_probability_and_on_raw(one_node_model, score_both) -> None:
    for outputs in (ALL, RAW_ONLY, {"prediction": "pred"}):
        out = score_both(binary(one_node_model, outputs, 0.7), {"features": BINARY_ROWS})
        # p1 > 0.7, or equally m > log(0.7 / 0.3) = 0.847: only the margin 1.0 passes
        assert out["pred"].tolist() == [0.0, 0.0, 1.0]


def test_binary_threshold_0_and_1_use_infinite_raw_thresholds(one_node_model, score_both) -> None:
    rows = {"features": np.array([[0.0, 3.0], [0.0, 800.0]])}  # margins -2.5 and -799.5
    out = score_both(binary(one_node_model, RAW_ONLY, 0.0), rows)
    assert out["pred"].tolist() == [1.0, 1.0]  # any margin > -inf
    # via probabilities p1 > 0: p1 of -799.5 underflows to exactly 0, so that row is 0
    out = score_both(binary(one_node_model, ALL, 0.0), rows)
    assert out["prob"][1].tolist() == [1.0, 0.0]
    assert out["pred"].tolist() == [1.0, 0.0]
    out = score_both(binary(one_node_model, RAW_ONLY, 1.0), {"features": np.array([[9.0, 0.0]])})
    assert out["pred"].tolist() == [0.0]  # no margin > +inf


def test_binary_nan_features_give_nan_scores_and_class_0(one_node_model, score_both) -> None:
    out = score_both(binary(one_node_model), {"features": np.array([[math.nan, 0.0]])})
    assert all(math.isnan(v) for v in out["raw"][0].tolist() + out["prob"][0].tolist())
    assert out["pred"].tolist() == [0.0]


def test_binary_dot_product_sums_features_in_order(one_node_model, score_both) -> None:
    model = binary(one_node_model, coefficients=(1.0, 1.0, 1.0), intercept=0.0)
    out = score_both(model, {"features": np.array([[1.0, 1e16, -1e16]])})
    # (0 + 1) + 1e16 rounds to 1e16, minus 1e16 is 0 (summing the big ones first would give 1)
    assert out["raw"][0, 1] == 0.0


# -- multinomial ----------------------------------------------------------------------------------

# A = [[1, 0], [0, 1], [-1, -1]] (classes x features), stored column-major as MLeap writes it
MATRIX = double_tensor([1.0, 0.0, -1.0, 0.0, 1.0, -1.0], [3, 2])
INTERCEPTS = [0.0, 0.5, -1.0]


def multinomial(one_node_model, outputs=ALL, thresholds=None, matrix=MATRIX, intercepts=None):
    attributes = {
        "num_classes": long_value(3),
        "coefficient_matrix": matrix,
        "intercept_vector": double_tensor(INTERCEPTS if intercepts is None else intercepts),
    }
    if thresholds is not None:
        attributes["thresholds"] = double_list(thresholds)
    return one_node_model("logistic_regression", attributes, {"features": "features"}, outputs)


def test_multinomial_softmax_with_positive_max_shifts(one_node_model, score_both) -> None:
    out = score_both(multinomial(one_node_model), {"features": np.array([[1.0, 2.0]])})
    # margins: 0 + 1*1 + 2*0 = 1;  0.5 + 0 + 2*1 = 2.5;  -1 - 1 - 2 = -4
    assert out["raw"].tolist() == [[1.0, 2.5, -4.0]]
    # max 2.5 > 0: exp(m - 2.5) = [e^-1.5, 1, e^-6.5], times 1 / their sum
    exps = [math.exp(-1.5), 1.0, math.exp(-6.5)]
    expected = [e * (1.0 / sum(exps)) for e in exps]
    assert out["prob"][0].tolist() == pytest.approx(expected, rel=1e-14)
    assert out["pred"].tolist() == [1.0]


def test_multinomial_softmax_without_shift_when_max_not_positive(
    one_node_model, score_both
) -> None:
    out = score_both(multinomial(one_node_model), {"features": np.array([[-0.25, -0.5]])})
    # margins: -0.25;  0.5 - 0.5 = 0;  -1 + 0.25 + 0.5 = -0.25; max 0 is not > 0: plain exp
    assert out["raw"].tolist() == [[-0.25, 0.0, -0.25]]
    exps = [math.exp(-0.25), 1.0, math.exp(-0.25)]
    expected = [e * (1.0 / sum(exps)) for e in exps]
    assert out["prob"][0].tolist() == pytest.approx(expected, rel=1e-14)
    assert out["pred"].tolist() == [1.0]


def test_multinomial_infinite_margin_is_one_hot(one_node_model, score_both) -> None:
    out = score_both(multinomial(one_node_model), {"features": np.array([[math.inf, 0.0]])})
    # margins: inf;  0.5 + inf * 0 = NaN;  -1 - inf = -inf. argmax skips NaN: class 0
    raw = out["raw"][0].tolist()
    assert raw[0] == math.inf and math.isnan(raw[1]) and raw[2] == -math.inf
    assert out["prob"].tolist() == [[1.0, 0.0, 0.0]]
    assert out["pred"].tolist() == [0.0]


def test_multinomial_thresholds(one_node_model, score_both) -> None:
    model = multinomial(one_node_model, thresholds=[0.1, 1.0, 1.0])
    out = score_both(model, {"features": np.array([[1.0, 2.0]])})
    # p = [0.18, 0.82, 0.001] -> scaled [1.8, 0.82, 0.001] -> class 0
    assert out["pred"].tolist() == [0.0]


def test_multinomial_wirings(one_node_model, score_both) -> None:
    rows = {"features": np.array([[1.0, 2.0], [-3.0, 0.0]])}
    # second row margins: -3, 0.5, 2 -> class 2
    for outputs in (RAW_ONLY, {"probability": "prob", "prediction": "pred"}, {"prediction": "p"}):
        out = score_both(multinomial(one_node_model, outputs), rows)
        assert out[outputs["prediction"]].tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    ("matrix", "intercepts", "thresholds", "message"),
    [
        (double_tensor([1.0] * 4, [2, 2]), None, None, r"shape \[2, 2\].*3 classes"),
        (double_tensor([1.0] * 6), None, None, "should be a 2-D double tensor"),
        (double_tensor([1.0] * 5, [3, 2]), None, None, "holds 5 values"),
        (MATRIX, [0.0, 1.0], None, "'intercept_vector' has 2 values for 3 classes"),
        (MATRIX, None, [0.5, 0.5], "'thresholds' has 2 values for 3 classes"),
    ],
)
def test_multinomial_shape_errors(one_node_model, matrix, intercepts, thresholds, message) -> None:
    with pytest.raises(snowleap.BundleError, match=message):
        multinomial(one_node_model, ALL, thresholds, matrix, intercepts)


def test_missing_num_classes_is_a_bundle_error(one_node_model) -> None:
    with pytest.raises(snowleap.BundleError, match="missing attribute 'num_classes'"):
        one_node_model(
            "logistic_regression",
            {"coefficients": double_tensor([1.0]), "intercept": {"double": 0.0}},
            {"features": "features"},
            ALL,
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "logistic_regression",
            {
                "num_classes": long_value(3),
                "coefficient_matrix": MATRIX,
                "intercept_vector": double_tensor(INTERCEPTS),
            },
            {"features": "features"},
            ALL,
        ),
    ),
    {"features": np.array([[1.0, 2.0], [-3.0, 0.5], [800.0, -1.0], [0.0, 0.0]])},
)
