"""``decision_tree_regression``: both split kinds, NaN, unseen categories, malformed trees."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snowleap
from snowleap.ops.tree import structure
from tests.conftest import Node, OpCase, long_value
from tests.tree_nodes import tree_category_split, tree_leaf, tree_split

PORTS = ({"features": "features"}, {"prediction": "prediction"})

# x0 <= 1.5 ?
#   (x1 in {0, 2}) == is_left(True) ?  leaf 10  : leaf 20
#   (x1 in {1})    == is_left(False) ? leaf 30  : leaf 40    (left iff x1 NOT in {1})
MIXED_TREE = [
    tree_split(0, 1.5),
    tree_category_split(1, [0.0, 2.0], True, 3),
    tree_leaf(10.0),
    tree_leaf(20.0),
    tree_category_split(1, [1.0], False, 3),
    tree_leaf(30.0),
    tree_leaf(40.0),
]


def mixed_model(tree_model):
    return tree_model(
        "decision_tree_regression", {"num_features": long_value(2)}, *PORTS, tree=MIXED_TREE
    )


def test_continuous_and_categorical_splits(tree_model, score_both) -> None:
    model = mixed_model(tree_model)
    rows = [
        [1.0, 0.0],  # 1.0 <= 1.5 left; 0 in {0,2} and is_left -> left: 10
        [1.5, 1.0],  # 1.5 <= 1.5 (equal goes left); 1 not in {0,2} -> right: 20
        [2.0, 1.0],  # right; 1 in {1} but is_left false -> right: 40
        [2.0, 0.0],  # right; 0 not in {1} -> left: 30
        [-math.inf, 2.0],  # left; 2 in {0,2} -> 10
        [math.inf, 1.0],  # right; 40
        [1.0, -0.0],  # -0.0 == 0.0 is a member -> 10
    ]
    out = score_both(model, {"features": np.array(rows)})
    assert out["prediction"].tolist() == [10.0, 20.0, 40.0, 30.0, 10.0, 40.0, 10.0]


def test_unseen_category_values_are_not_members(tree_model, score_both) -> None:
    model = mixed_model(tree_model)
    rows = [
        [1.0, 7.0],  # 7 not in {0,2}, is_left -> right: 20
        [2.0, 7.0],  # 7 not in {1}, not is_left -> left: 30
        [1.0, 2.0000001],  # close to 2 is still not 2 -> 20
        [2.0, -1.0],  # -1 not in {1} -> 30
    ]
    out = score_both(model, {"features": np.array(rows)})
    assert out["prediction"].tolist() == [20.0, 30.0, 20.0, 30.0]


def test_nan_goes_right_on_continuous_and_is_no_category(tree_model, score_both) -> None:
    model = mixed_model(tree_model)
    rows = [
        [math.nan, 0.0],  # NaN <= 1.5 is false -> right; 0 not in {1} -> left: 30
        [1.0, math.nan],  # left; NaN not in {0,2}, is_left -> right: 20
        [2.0, math.nan],  # right; NaN not in {1}, not is_left -> left: 30
    ]
    out = score_both(model, {"features": np.array(rows)})
    assert out["prediction"].tolist() == [30.0, 20.0, 30.0]


def test_single_leaf_tree_predicts_its_value(tree_model, score_both) -> None:
    model = tree_model(
        "decision_tree_regression",
        {"num_features": long_value(3)},
        *PORTS,
        tree=[tree_leaf(-2.5)],
    )
    out = score_both(model, {"features": np.zeros((2, 3))})
    assert out["prediction"].tolist() == [-2.5, -2.5]


def test_schema_declares_the_features_width(tree_model) -> None:
    model = mixed_model(tree_model)
    assert str(model.input_schema["features"]) == "vector[2]"
    assert str(model.output_schema["prediction"]) == "double"
    with pytest.raises(snowleap.InputError, match="width 3"):
        model.transform_row({"features": [1.0, 2.0, 3.0]})


def _chain(splits: int) -> list[dict]:
    """``splits`` nested splits ``x0 <= i``, each with a leaf ``i`` on the left; leaf 99 last."""
    nodes = []
    for i in range(splits):
        nodes += [tree_split(0, float(i)), tree_leaf(float(i))]
    return [*nodes, tree_leaf(99.0)]


def test_depth_64_is_read_and_walked_to_the_bottom(tree_model, score_both) -> None:
    model = tree_model(
        "decision_tree_regression", {"num_features": long_value(1)}, *PORTS, tree=_chain(64)
    )
    # 1000 > every threshold 0..63: right 64 times, to the last leaf; 2.5 stops at x0 <= 3
    out = score_both(model, {"features": np.array([[1000.0], [2.5], [-1.0]])})
    assert out["prediction"].tolist() == [99.0, 3.0, 0.0]


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        (_chain(65), "deeper than the limit of 64"),
        ([tree_split(0, 1.0), tree_leaf(1.0)], "truncated: node 0 is missing its right child"),
        ([tree_split(0, 1.0)], "truncated: node 0 is missing its children"),
        ([tree_leaf(1.0), tree_leaf(2.0)], r"node\(s\) after the end of the tree"),
        ([tree_split(2, 1.0), tree_leaf(1.0), tree_leaf(2.0)], "splits on feature 2.*2 features"),
        (
            [tree_category_split(5, [1.0], True, 2), tree_leaf(1.0), tree_leaf(2.0)],
            "splits on feature 5",
        ),
        ([tree_split(0, 1.0), tree_leaf(), tree_leaf(2.0)], "leaf at node 1 has no values"),
        ([], "holds no nodes"),
    ],
)
def test_malformed_trees_are_bundle_errors_naming_the_file(tree_model, nodes, message) -> None:
    with pytest.raises(snowleap.BundleError, match=r"root/tree\.json.*" + message):
        tree_model("decision_tree_regression", {"num_features": long_value(2)}, *PORTS, tree=nodes)


def test_missing_tree_file_is_a_bundle_error(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"missing root/tree\.json"):
        tree_model("decision_tree_regression", {"num_features": long_value(2)}, *PORTS)


def test_leaf_with_several_values_is_a_bundle_error(tree_model) -> None:
    with pytest.raises(snowleap.BundleError, match=r"tree\.json: leaf at node 0 has 2 values"):
        tree_model(
            "decision_tree_regression",
            {"num_features": long_value(1)},
            *PORTS,
            tree=[tree_leaf(1.0, 2.0)],
        )


def test_wrong_width_from_an_upstream_op_is_an_input_error(tree_model) -> None:
    # GIVEN the op alone, fed as a pipeline would feed it (no input conversion in front)
    op = mixed_model(tree_model).root
    shape = r"'features': vector has width 1, the model expects 2 \(decision_tree_regression node"
    with pytest.raises(snowleap.InputError, match=shape):
        op.transform({"features": np.zeros((3, 1))})
    with pytest.raises(
        snowleap.InputError, match=r"'features': vector has width 3, the model expects 2"
    ):
        op.row_step()({"features": [0.0, 1.0, 2.0]})


def test_empty_batch(tree_model) -> None:
    out = mixed_model(tree_model).transform({"features": np.zeros((0, 2))})
    assert out["prediction"].shape == (0,)


def test_node_count_limit(tree_model, monkeypatch) -> None:
    # GIVEN a limit of 5 nodes per tree (the real one is about two million)
    monkeypatch.setattr(structure, "MAX_TREE_NODES", 5)
    with pytest.raises(
        snowleap.BundleError, match=r"tree\.json: tree has more than the limit of 5 nodes"
    ):
        mixed_model(tree_model)


# The registry-driven batch-vs-row check (tests/ops/test_every_op.py) scores this case.
IDENTITY_CASE = OpCase(
    (Node("decision_tree_regression", {"num_features": long_value(2)}, *PORTS, tree=MIXED_TREE),),
    {
        "features": np.array(
            [[0.0, 0.0], [0.0, 1.0], [2.0, 1.0], [2.0, 0.0], [math.nan, 2.0], [1.5, 9.0]]
        )
    },
)
