"""``random_forest_regression``: the mean of the trees, weights ignored, randomized check."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import snowleap
from snowleap.ops.tree import loading
from tests.conftest import (
    Node,
    OpCase,
    double_list,
    long_value,
    string_list,
    sub_tree_models,
)
from tests.ops.assembled_forest import assert_one_step_of_the_same_bits
from tests.tree_nodes import (
    random_feature_rows,
    random_tree_nodes,
    reference_leaf_values,
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


def forest_node(trees=None, num_features=2, weights=None) -> Node:
    trees = TREES if trees is None else trees
    tree_attributes = {"num_features": long_value(num_features)}
    return Node(
        "random_forest_regression",
        {
            "num_features": long_value(num_features),
            "trees": string_list(list(trees)),
            # NOTE: MLeap's forest mean ignores these weights
            "tree_weights": double_list(weights or [5.0] * len(trees)),
        },
        {"features": "features"},
        {"prediction": "prediction"},
        sub_trees=sub_tree_models("decision_tree_regression", tree_attributes, trees),
    )


def forest(tree_model, trees=None, num_features=2, weights=None):
    return tree_model.load(forest_node(trees, num_features, weights))


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


def test_random_forests_match_a_recursive_reference(tree_model, score_both) -> None:
    rng = random.Random(7)
    num_features = 5

    def value() -> list[float]:
        return [round(rng.uniform(-100, 100), 3)]

    trees = {f"t{i}": random_tree_nodes(rng, num_features, value, 8) for i in range(12)}
    model = forest(tree_model, trees, num_features=num_features)
    rows = random_feature_rows(rng, num_features, 4000)
    out = score_both(model, {"features": np.array(rows)})
    for row, prediction in zip(rows, out["prediction"].tolist(), strict=True):
        total = 0.0
        for nodes in trees.values():
            total += reference_leaf_values(nodes, row)[0]
        assert prediction == total / len(trees)


def test_tree_count_and_total_node_limits(tree_model, monkeypatch) -> None:
    monkeypatch.setattr(loading, "MAX_TREES", 1)
    with pytest.raises(snowleap.BundleError, match="2 trees, more than the limit 1"):
        forest(tree_model)
    monkeypatch.setattr(loading, "MAX_TREES", 10)
    monkeypatch.setattr(loading, "MAX_ENSEMBLE_NODES", 5)
    # 3 + 3 nodes
    with pytest.raises(snowleap.BundleError, match="trees hold more than 5 nodes in all"):
        forest(tree_model)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (forest_node(),),
    {"features": np.array([[0.0, 0.0], [2.0, 1.0], [1.0, 3.0], [math.nan, math.nan]])},
)


def test_an_assembler_and_the_forest_are_one_step_of_the_same_bits(tmp_path) -> None:
    # THEN with the extension the assembler's step and the forest's are one C call, of the
    #   same bits as the two Python steps
    compiled = assert_one_step_of_the_same_bits(tmp_path, forest_node())
    assert compiled.transform_row({"a": 0.0, "v": [0.0]})["prediction"] == 10.5
