"""``gbt_classifier``: raw [-m, m], log-loss probabilities, MLeap's margin > 0 prediction."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase, double_list, long_value, string_list, sub_tree_models
from tests.tree_nodes import tree_category_split, tree_leaf, tree_split

ALL = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}
# tree0: x0 <= 0.5 ? 1.0 : -1.0;  tree1: (x1 in {2, 3}) == is_left(True) ? 0.5 : 4.0
TREES = {
    "tree0": [tree_split(0, 0.5), tree_leaf(1.0), tree_leaf(-1.0)],
    "tree1": [tree_category_split(1, [2.0, 3.0], True, 4), tree_leaf(0.5), tree_leaf(4.0)],
}
ROWS = np.array([[0.0, 2.0], [1.0, 0.0]])
# margins with weights [1.0, 0.1]: 1.0 + 0.05 and -1.0 + 0.4
MARGINS = [0.0 + 1.0 * 1.0 + 0.5 * 0.1, 0.0 + -1.0 * 1.0 + 4.0 * 0.1]


def boosted_node(outputs, trees=None, weights=None, **extra) -> Node:
    trees = TREES if trees is None else trees
    attributes = {
        "num_features": long_value(2),
        "num_classes": long_value(2),
        "trees": string_list(list(trees)),
        "tree_weights": double_list([1.0, 0.1] if weights is None else weights),
        **extra,
    }
    sub_trees = sub_tree_models("decision_tree_regression", {"num_features": long_value(2)}, trees)
    return Node(
        "gbt_classifier", attributes, {"features": "features"}, outputs, sub_trees=sub_trees
    )


def boosted(tree_model, outputs, trees=None, weights=None, protobuf=False, **extra):
    return tree_model.load(boosted_node(outputs, trees, weights, **extra), protobuf)


def test_raw_probability_and_prediction(tree_model, score_both) -> None:
    out = score_both(boosted(tree_model, ALL), {"features": ROWS})
    assert out["raw"].tolist() == [[-m, m] for m in MARGINS]
    for probability, m in zip(out["prob"].tolist(), MARGINS, strict=True):
        # class 0: 1 / (1 + exp(-2 * raw[0])) = 1 / (1 + exp(2m)); class 1: the rest
        negative = 1.0 / (1.0 + math.exp(2.0 * m))
        assert probability[0] == pytest.approx(negative, rel=1e-14)
        assert probability[1] == 1.0 - probability[0]
    # m = 1.05 -> p1 = 0.89 -> 1;  m = -0.6 -> p1 = 0.23 -> 0
    assert out["pred"].tolist() == [1.0, 0.0]


def test_tiny_margin_prediction_depends_on_the_wiring(tree_model, score_both) -> None:
    trees = {"only": [tree_leaf(1e-20)]}
    rows = {"features": np.zeros((1, 2))}
    # no outputs wired: MLeap's predict is margin > 0 -> 1
    out = score_both(boosted(tree_model, {"prediction": "p"}, trees, [1.0]), rows)
    assert out["p"].tolist() == [1.0]
    # probability wired: 1 / (1 + exp(-2e-20)) rounds to 0.5 for both classes; argmax -> 0
    out = score_both(boosted(tree_model, ALL, trees, [1.0]), rows)
    assert out["prob"].tolist() == [[0.5, 0.5]]
    assert out["pred"].tolist() == [0.0]
    # raw only: argmax of [-1e-20, 1e-20] -> 1
    raw_only = {"raw_prediction": "raw", "prediction": "pred"}
    out = score_both(boosted(tree_model, raw_only, trees, [1.0]), rows)
    assert out["pred"].tolist() == [1.0]


def test_thresholds_apply_to_the_probabilities(tree_model, score_both) -> None:
    thresholds = {"thresholds": double_list([0.1, 0.95])}
    for outputs in (ALL, {"prediction": "pred"}, {"raw_prediction": "raw", "prediction": "pred"}):
        out = score_both(boosted(tree_model, outputs, **thresholds), {"features": ROWS})
        # row 0: p = [0.109, 0.891] -> [1.09, 0.94] -> 0;  row 1: [0.77, 0.24] -> 0
        assert out["pred"].tolist() == [0.0, 0.0]


def test_large_margins_saturate_without_errors(tree_model, score_both) -> None:
    trees = {"only": [tree_split(0, 0.0), tree_leaf(-1000.0), tree_leaf(1000.0)]}
    rows = {"features": np.array([[-1.0, 0.0], [1.0, 0.0]])}
    out = score_both(boosted(tree_model, ALL, trees, [1.0]), rows)
    # exp(2000) overflows to inf: p0 = 1 / inf = 0;  exp(-2000) = 0: p0 = 1
    assert out["prob"].tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert out["pred"].tolist() == [0.0, 1.0]


def test_only_two_classes_and_logistic_loss(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="2 classes only"):
        boosted(tree_model, ALL, num_classes=long_value(3))
    with pytest.raises(snowleap.BundleError, match=r"loss 'logistic' only.*'squared'"):
        boosted(tree_model, ALL, lossType={"string": "squared"})
    model = boosted(tree_model, ALL, lossType={"string": "logistic"})
    assert model.ops == ["gbt_classifier"]


def test_protobuf_bundle_scores_like_json(tree_model, score_both) -> None:
    # GIVEN the same model in both formats (tree.pb: length-prefixed messages, pre-order)
    json_out = score_both(boosted(tree_model, ALL), {"features": ROWS})
    proto_out = score_both(boosted(tree_model, ALL, protobuf=True), {"features": ROWS})
    for column in ("raw", "prob", "pred"):
        assert proto_out[column].tolist() == json_out[column].tolist()


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (boosted_node(ALL),),
    {"features": np.array([[0.0, 2.0], [1.0, 0.0], [0.5, 3.0], [math.nan, math.nan]])},
)
