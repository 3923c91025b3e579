"""``random_forest_regression``: the mean of the trees, weights ignored, randomized check."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import snowleap
from tests.conftest import (
    double_list,
    long_value,
    string_list,
    tree_category_split,
    tree_leaf,
    tree_split,
)

# tree0: x0 <= 1 ? 1.0 : 2.0
# tree1: (x1 in {0}) == is_left(False) ? 10.0 : 20.0     (left iff x1 is NOT 0)
TREES = {
    "tree0": [tree_split(0, 1.0), tree_leaf(1.0), tree_leaf(2.0)],
    "tree1": [tree_category_split(1, [0.0], False, 2), tree_leaf(10.0), tree_leaf(20.0)],
}


def forest(tree_model, trees=None, num_features=2, weights=None):
    trees = TREES if trees is None else trees
    return tree_model(
        "random_forest_regression",
        {
            "num_features": long_value(num_features),
            "trees": string_list(list(trees)),
            # NOTE: MLeap's forest mean ignores these weights
            "tree_weights": double_list(weights or [5.0] * len(trees)),
        },
        {"features": "features"},
        {"prediction": "prediction"},
        sub_trees={
            name: ("decision_tree_regression", {"num_features": long_value(num_features)}, nodes)
            for name, nodes in trees.items()
        },
    )


def test_prediction_is_the_mean_of_the_trees(tree_model, score_both) -> None:
    rows = [
        [0.0, 0.0],  # 1.0; 0 in {0}, not is_left -> right 20.0; (1 + 20) / 2 = 10.5
        [2.0, 3.0],  # 2.0; 3 not in {0} -> left 10.0; 12 / 2 = 6
        [math.nan, math.nan],  # NaN right 2.0; NaN is no category -> left 10.0; 6
        [1.0, 1.0],  # 1 <= 1 left 1.0; left 10.0; 5.5
    ]
    out = score_both(forest(tree_model), {"features": np.array(rows)})
    assert out["prediction"].tolist() == [10.5, 6.0, 6.0, 5.5]


def test_tree_folders_are_read_by_the_names_listed(tree_model, score_both) -> None:
    trees = {"b": TREES["tree1"], "a": TREES["tree0"], "c": [tree_leaf(3.0)]}
    out = score_both(forest(tree_model, trees), {"features": np.array([[0.0, 0.0]])})
    # 20 + 1 + 3 = 24, / 3 = 8
    assert out["prediction"].tolist() == [8.0]


def test_no_trees_is_a_bundle_error(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="'trees' lists no trees"):
        forest(tree_model, trees={})


def test_bad_feature_index_in_a_sub_tree_names_its_file(tree_model) -> None:
    trees = {"tree0": [tree_split(4, 1.0), tree_leaf(1.0), tree_leaf(2.0)]}
    with pytest.raises(snowleap.BundleError, match=r"root/tree0/tree\.json: node 0 splits on"):
        forest(tree_model, trees)


def random_tree(rng: random.Random, num_features: int, depth: int) -> list:
    if depth == 0 or (depth < 6 and rng.random() < 0.15):
        return [tree_leaf(round(rng.uniform(-100, 100), 3))]
    feature = rng.randrange(num_features)
    if rng.random() < 0.5:
        categories = [float(c) for c in rng.sample(range(8), rng.randint(1, 4))]
        node = tree_category_split(feature, categories, rng.random() < 0.5, 8)
    else:
        node = tree_split(feature, rng.choice([0.0, 1.0, 2.5, rng.uniform(-5, 10)]))
    left = random_tree(rng, num_features, depth - 1)
    right = random_tree(rng, num_features, depth - 1)
    return [node, *left, *right]


def reference_prediction(nodes: list, x: list[float]) -> float:
    """MLeap's recursive ``predictImpl`` over the pre-order list: returns (value, next index)."""

    def walk(position: int) -> tuple[float, int]:
        node = nodes[position]
        if node["type"] == "leaf":
            return node["values"][0], position + 1
        split = node["split"]
        value = x[split["featureIndex"]]
        if split["type"] == "continuous":
            go_left = value <= split["threshold"]
        else:
            go_left = (value in split["categories"]) == split["isLeft"]
        left, after_left = walk(position + 1)
        right, after_right = walk(after_left)
        return (left if go_left else right), after_right

    return walk(0)[0]


def test_random_forests_match_a_recursive_reference(tree_model, score_both) -> None:
    rng = random.Random(7)
    num_features = 5
    trees = {f"t{i}": random_tree(rng, num_features, 8) for i in range(12)}
    model = forest(tree_model, trees, num_features=num_features)
    pool = [0.0, 1.0, 2.0, 2.5, 3.0, 7.0, 8.0, -0.0, -1.0, math.nan, math.inf, -math.inf]
    rows = [
        [rng.choice(pool) if rng.random() < 0.6 else rng.uniform(-6, 11) for _ in range(5)]
        for _ in range(4000)
    ]
    out = score_both(model, {"features": np.array(rows)})
    for row, prediction in zip(rows, out["prediction"].tolist(), strict=True):
        total = 0.0
        for nodes in trees.values():
            total += reference_prediction(nodes, row)
        assert prediction == total / len(trees)
