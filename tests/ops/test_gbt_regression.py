"""``gbt_regression``: the weighted sum of the trees, in tree order."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from tests.conftest import Node, OpCase, double_list, long_value, string_list, sub_tree_models
from tests.tree_nodes import tree_category_split, tree_leaf, tree_split

# tree0: x0 <= 0.5 ? 1.0 : -1.0
# tree1: (x1 in {2, 3}) == is_left(True) ? 0.5 : 4.0
TREES = {
    "tree0": [tree_split(0, 0.5), tree_leaf(1.0), tree_leaf(-1.0)],
    "tree1": [tree_category_split(1, [2.0, 3.0], True, 4), tree_leaf(0.5), tree_leaf(4.0)],
}


def boosted_node(trees=None, weights=None) -> Node:
    trees = TREES if trees is None else trees
    tree_attributes = {"num_features": long_value(2)}
    return Node(
        "gbt_regression",
        {
            "num_features": long_value(2),
            "trees": string_list(list(trees)),
            "tree_weights": double_list([1.0, 0.1] if weights is None else weights),
        },
        {"features": "features"},
        {"prediction": "prediction"},
        sub_trees=sub_tree_models("decision_tree_regression", tree_attributes, trees),
    )


def boosted(tree_model, trees=None, weights=None):
    return tree_model.load(boosted_node(trees, weights))


def test_prediction_is_the_weighted_sum(tree_model, score_both) -> None:
    rows = [[0.0, 2.0], [1.0, 0.0], [math.nan, math.nan], [0.5, 3.0]]
    out = score_both(boosted(tree_model), {"features": np.array(rows)})
    assert out["prediction"].tolist() == [
        0.0 + 1.0 * 1.0 + 0.5 * 0.1,  # left, 2 in {2,3} -> left: 1.05
        0.0 + -1.0 * 1.0 + 4.0 * 0.1,  # right, 0 not in -> right: -0.6
        0.0 + -1.0 * 1.0 + 4.0 * 0.1,  # NaN right; NaN no member -> right
        0.0 + 1.0 * 1.0 + 0.5 * 0.1,  # 0.5 <= 0.5 left; 3 in -> left
    ]


def test_trees_are_summed_left_to_right(tree_model, score_both) -> None:
    trees = {"a": [tree_leaf(1e16)], "b": [tree_leaf(1.0)], "c": [tree_leaf(-1e16)]}
    out = score_both(boosted(tree_model, trees, [1.0, 1.0, 1.0]), {"features": np.zeros((1, 2))})
    # (0 + 1e16) + 1 rounds back to 1e16, then - 1e16 gives 0 (another order would give 1)
    assert out["prediction"].tolist() == [0.0]


def test_sub_models_must_be_regression_trees(tree_model, tmp_path) -> None:
    with pytest.raises(snowleap.BundleError, match="tree model has op 'decision_tree_classifier'"):
        tree_model(
            "gbt_regression",
            {
                "num_features": long_value(2),
                "trees": string_list(["tree0"]),
                "tree_weights": double_list([1.0]),
            },
            {"features": "features"},
            {"prediction": "prediction"},
            sub_trees={"tree0": ("decision_tree_classifier", {}, TREES["tree0"])},
        )


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (boosted_node(),),
    {"features": np.array([[0.0, 2.0], [1.0, 0.0], [0.5, 3.0], [math.nan, math.nan]])},
)
