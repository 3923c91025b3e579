"""``random_forest_classifier``: per-tree normalised votes, thresholds, ensemble loading."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

import snowleap
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

OUTPUTS = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}
TREE_ATTRIBUTES = {"num_features": long_value(2), "num_classes": long_value(2)}

# tree0: x0 <= 0 ? [4, 0] : [1, 3]
# tree1: (x1 in {1}) == is_left(True) ? [0, 0] (adds nothing) : [2, 2]
TREES = {
    "tree0": [tree_split(0, 0.0), tree_leaf(4.0, 0.0), tree_leaf(1.0, 3.0)],
    "tree1": [tree_category_split(1, [1.0], True, 3), tree_leaf(0.0, 0.0), tree_leaf(2.0, 2.0)],
}


def forest_node(
    trees=None,
    weights=None,
    thresholds=None,
    tree_op=None,
    outputs=None,
    num_features=2,
    num_classes=2,
) -> Node:
    trees = TREES if trees is None else trees
    attributes = {
        "num_features": long_value(num_features),
        "num_classes": long_value(num_classes),
        "trees": string_list(list(trees)),
        # NOTE: MLeap ignores the weights of a random forest; these would change every vote
        "tree_weights": double_list([2.0, 0.5] if weights is None else weights),
    }
    if thresholds is not None:
        attributes["thresholds"] = double_list(thresholds)
    sub_trees = sub_tree_models(tree_op or "decision_tree_classifier", TREE_ATTRIBUTES, trees)
    return Node(
        "random_forest_classifier",
        attributes,
        {"features": "features"},
        OUTPUTS if outputs is None else outputs,
        sub_trees=sub_trees,
    )


def forest(tree_model, protobuf=False, **options):
    return tree_model.load(forest_node(**options), protobuf)


ROWS = np.array(
    [
        [-1.0, 1.0],  # [4,0]/4 = [1, 0]; tree1 [0,0] skipped -> raw [1, 0]
        [1.0, 0.0],  # [1,3]/4 = [.25,.75]; [2,2]/4 = [.5,.5] -> raw [.75, 1.25]
        [1.0, 1.0],  # [.25, .75]; tree1 skipped -> raw [.25, .75]
        [-1.0, 5.0],  # [1, 0]; unseen 5 not in {1} -> right [.5,.5] -> raw [1.5, .5]
    ]
)


def test_votes_are_per_tree_class_shares_summed(tree_model, score_both) -> None:
    out = score_both(forest(tree_model), {"features": ROWS})
    assert out["raw"].tolist() == [[1.0, 0.0], [0.75, 1.25], [0.25, 0.75], [1.5, 0.5]]
    # probabilities: raw / sum(raw) = raw/1, raw/2, raw/1, raw/2
    assert out["prob"].tolist() == [[1.0, 0.0], [0.375, 0.625], [0.25, 0.75], [0.75, 0.25]]
    assert out["pred"].tolist() == [0.0, 1.0, 1.0, 0.0]


def test_protobuf_bundle_gives_the_same_votes(tree_model, score_both) -> None:
    out = score_both(forest(tree_model, protobuf=True), {"features": ROWS})
    assert out["raw"].tolist() == [[1.0, 0.0], [0.75, 1.25], [0.25, 0.75], [1.5, 0.5]]
    assert out["pred"].tolist() == [0.0, 1.0, 1.0, 0.0]


def test_thresholds(tree_model, score_both) -> None:
    out = score_both(forest(tree_model, thresholds=[0.3, 0.7]), {"features": ROWS})
    # row 1: [0.375/0.3, 0.625/0.7] = [1.25, 0.89] -> 0;  row 2: [0.83, 1.07] -> 1
    assert out["pred"].tolist() == [0.0, 0.0, 1.0, 0.0]


def test_prediction_only_wiring(tree_model, score_both) -> None:
    out = score_both(forest(tree_model, outputs={"prediction": "p"}), {"features": ROWS})
    assert list(out) == ["features", "p"]
    assert out["p"].tolist() == [0.0, 1.0, 1.0, 0.0]


def test_sub_models_must_be_classifier_trees(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="tree0: tree model has op 'decision_tree_reg"):
        forest(tree_model, tree_op="decision_tree_regression")


def test_tree_weights_must_match_trees(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match="2 trees but 1 values in 'tree_weights'"):
        forest(tree_model, weights=[1.0])


def test_leaf_width_error_names_the_sub_tree_file(tree_model) -> None:
    trees = {"tree0": TREES["tree0"], "tree1": [tree_leaf(1.0, 2.0, 3.0)]}
    with pytest.raises(snowleap.BundleError, match=r"root/tree1/tree\.json: leaf at node 0"):
        forest(tree_model, trees=trees)


def test_missing_sub_model_is_a_bundle_error(tree_model, tmp_path) -> None:
    attributes = {
        "num_features": long_value(2),
        "num_classes": long_value(2),
        "trees": string_list(["tree0", "gone"]),
        "tree_weights": double_list([1.0, 1.0]),
    }
    with pytest.raises(snowleap.BundleError, match=r"missing root/gone/model\.json"):
        tree_model(
            "random_forest_classifier",
            attributes,
            {"features": "features"},
            OUTPUTS,
            sub_trees={"tree0": ("decision_tree_classifier", TREE_ATTRIBUTES, TREES["tree0"])},
        )


# -- randomized: flat-array batch against a recursive reference walker ---------------------------


def test_random_forests_match_a_recursive_reference(tree_model, score_both) -> None:
    rng = random.Random(20261126)
    num_features, num_classes = 4, 3

    def counts() -> list[float]:
        return [float(rng.randrange(0, 5)) for _ in range(num_classes)]

    trees = {f"tree{i}": random_tree_nodes(rng, num_features, counts, 7) for i in range(9)}
    model = forest(
        tree_model,
        trees=trees,
        weights=[1.0] * len(trees),
        outputs={"raw_prediction": "raw", "prediction": "pred"},
        num_features=num_features,
        num_classes=num_classes,
    )
    rows = random_feature_rows(rng, num_features, 3000)
    out = score_both(model, {"features": np.array(rows)})
    for row, raw in zip(rows, out["raw"].tolist(), strict=True):
        votes = [0.0] * num_classes
        for nodes in trees.values():
            leaf = reference_leaf_values(nodes, row)
            total = leaf[0] + leaf[1] + leaf[2]
            if total != 0:
                votes = [v + c / total for v, c in zip(votes, leaf, strict=True)]
        assert raw == votes


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (forest_node(),),
    {"features": np.array([[0.0, 1.0], [1.0, 0.0], [-1.0, 2.0], [math.nan, math.nan]])},
)


def test_an_assembler_and_the_forest_are_one_step_of_the_same_bits(tmp_path) -> None:
    # THEN with the extension the assembler's step and the forest's are one C call, of the
    #   same bits as the two Python steps
    compiled = assert_one_step_of_the_same_bits(tmp_path, forest_node())
    scored = compiled.transform_row({"a": 0.0, "v": [0.0]})
    # tree0 votes [4, 0], tree1 [2, 2]: shares [1, 0] and [0.5, 0.5], class 0
    assert scored is not None and list(scored["prob"]) == [0.75, 0.25] and scored["pred"] == 0.0
