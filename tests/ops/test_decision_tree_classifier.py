"""``decision_tree_classifier``: raw counts, normalised probabilities, thresholds, wirings."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase, double_list, long_value
from tests.tree_nodes import tree_category_split, tree_leaf, tree_split

ALL_OUTPUTS = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}

# x0 <= 0.5 ?
#   leaf counts [3, 1, 0]
#   (x1 in {1, 2}) == is_left(False) ? leaf [0, 2, 6] : leaf [2, 2, 0]   (left iff x1 NOT in)
TREE = [
    tree_split(0, 0.5),
    tree_leaf(3.0, 1.0, 0.0),
    tree_category_split(1, [1.0, 2.0], False, 4),
    tree_leaf(0.0, 2.0, 6.0),
    tree_leaf(2.0, 2.0, 0.0),
]
ROWS = np.array(
    [
        [0.0, 0.0],  # left: [3, 1, 0]
        [1.0, 0.0],  # right; 0 not in {1,2} -> left: [0, 2, 6]
        [1.0, 2.0],  # right; 2 in {1,2} -> right: [2, 2, 0]
        [math.nan, 9.0],  # NaN goes right; unseen 9 -> left: [0, 2, 6]
    ]
)


def classifier(tree_model, outputs, thresholds=None, tree=None):
    attributes = {"num_features": long_value(2), "num_classes": long_value(3)}
    if thresholds is not None:
        attributes["thresholds"] = double_list(thresholds)
    return tree_model(
        "decision_tree_classifier",
        attributes,
        {"features": "features"},
        outputs,
        tree=TREE if tree is None else tree,
    )


def test_raw_is_leaf_counts_and_probability_their_share(tree_model, score_both) -> None:
    out = score_both(classifier(tree_model, ALL_OUTPUTS), {"features": ROWS})
    assert out["raw"].tolist() == [[3, 1, 0], [0, 2, 6], [2, 2, 0], [0, 2, 6]]
    # [3,1,0]/4; [0,2,6]/8; [2,2,0]/4
    assert out["prob"].tolist() == [
        [0.75, 0.25, 0.0],
        [0.0, 0.25, 0.75],
        [0.5, 0.5, 0.0],
        [0.0, 0.25, 0.75],
    ]
    # argmax; the tie [0.5, 0.5, 0] goes to the first class
    assert out["pred"].tolist() == [0.0, 2.0, 0.0, 2.0]


def test_thresholds_scale_probabilities_before_argmax(tree_model, score_both) -> None:
    model = classifier(tree_model, ALL_OUTPUTS, thresholds=[0.9, 0.2, 0.5])
    out = score_both(model, {"features": ROWS})
    # [0.75/0.9, 0.25/0.2, 0] = [0.83, 1.25, 0] -> 1;  [0, 1.25, 1.5] -> 2;
    # [0.5/0.9, 0.5/0.2, 0] = [0.56, 2.5, 0] -> 1
    assert out["pred"].tolist() == [1.0, 2.0, 1.0, 2.0]


def test_zero_threshold_counts_as_infinity(tree_model, score_both) -> None:
    model = classifier(tree_model, ALL_OUTPUTS, thresholds=[1.0, 1.0, 0.0])
    out = score_both(model, {"features": ROWS})
    # class 2's scaled probability is +inf on every row, even where it is 0
    assert out["pred"].tolist() == [2.0, 2.0, 2.0, 2.0]


def test_only_wired_outputs_are_computed(tree_model, score_both) -> None:
    model = classifier(tree_model, {"prediction": "pred"})
    assert list(model.output_schema) == ["pred"]
    out = score_both(model, {"features": ROWS})
    assert "raw" not in out and "prob" not in out
    assert out["pred"].tolist() == [0.0, 2.0, 0.0, 2.0]


def test_raw_only_wiring_predicts_from_raw_or_via_thresholds(tree_model, score_both) -> None:
    wiring = {"raw_prediction": "raw", "prediction": "pred"}
    out = score_both(classifier(tree_model, wiring), {"features": ROWS})
    assert "prob" not in out
    assert out["pred"].tolist() == [0.0, 2.0, 0.0, 2.0]  # argmax of the counts
    out = score_both(classifier(tree_model, wiring, [0.9, 0.2, 0.5]), {"features": ROWS})
    assert out["pred"].tolist() == [1.0, 2.0, 1.0, 2.0]  # same as with probabilities wired


def test_probability_only_wiring(tree_model, score_both) -> None:
    model = classifier(tree_model, {"probability": "prob", "prediction": "pred"})
    out = score_both(model, {"features": ROWS})
    assert "raw" not in out
    assert out["prob"][0].tolist() == [0.75, 0.25, 0.0]
    assert out["pred"].tolist() == [0.0, 2.0, 0.0, 2.0]


def test_all_zero_counts_stay_zero_and_predict_class_0(tree_model, score_both) -> None:
    model = classifier(tree_model, ALL_OUTPUTS, tree=[tree_leaf(0.0, 0.0, 0.0)])
    out = score_both(model, {"features": ROWS[:1]})
    # sum 0: MLeap leaves the vector as it is; argmax of equal values is the first
    assert out["prob"].tolist() == [[0.0, 0.0, 0.0]]
    assert out["pred"].tolist() == [0.0]


def test_schema_widths(tree_model) -> None:
    model = classifier(tree_model, ALL_OUTPUTS)
    assert {k: str(v) for k, v in model.output_schema.items()} == {
        "raw": "vector[3]",
        "prob": "vector[3]",
        "pred": "double",
    }
    assert str(model.input_schema["features"]) == "vector[2]"


def test_leaf_width_must_match_num_classes(tree_model) -> None:
    tree = [tree_split(0, 0.5), tree_leaf(1.0, 2.0), tree_leaf(1.0, 2.0, 3.0)]
    with pytest.raises(snowleap.BundleError, match=r"tree\.json: leaf at node 1 has 2 values"):
        classifier(tree_model, ALL_OUTPUTS, tree=tree)


def test_thresholds_must_match_num_classes(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="'thresholds' has 2 values for 3 classes"):
        classifier(tree_model, ALL_OUTPUTS, thresholds=[0.5, 0.5])


def test_prediction_port_is_required(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="no output port 'prediction'"):
        classifier(tree_model, {"probability": "prob"})


def test_num_classes_must_be_positive(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="'num_classes' should be at least 1, got 0"):
        tree_model(
            "decision_tree_classifier",
            {"num_features": long_value(2), "num_classes": long_value(0)},
            {"features": "features"},
            ALL_OUTPUTS,
            tree=TREE,
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (
        Node(
            "decision_tree_classifier",
            {"num_features": long_value(2), "num_classes": long_value(3)},
            {"features": "features"},
            ALL_OUTPUTS,
            tree=TREE,
        ),
    ),
    {"features": ROWS},
)
