"""``bisecting_k_means``: the walk down the tree of centers (Euclidean, cosine), int leaf
indices, edge values, tree files in both formats, bad trees."""

from __future__ import annotations

import math

import numpy as np
import pytest

from snowleap.errors import BundleError, InputError
from tests.conftest import Node, OpCase


def cluster_node(index, center, children=0):
    """A ``tree.json`` line of a clustering tree (``ctree.Node`` as spray-json writes it)."""
    return {
        "index": index,
        "norm": math.sqrt(sum(v * v for v in center)),
        "values": center,
        "numChildren": children,
    }


# root -> A (centered on 0) -> leaves 0 and 1; root -> B (centered on 10) -> leaves 2 and 3
TREE = [
    cluster_node(-1, [5.0, 0.0], 2),
    cluster_node(-2, [0.0, 0.0], 2),
    cluster_node(0, [-4.0, 0.0]),
    cluster_node(1, [2.0, 0.0]),
    cluster_node(-3, [10.0, 0.0], 2),
    cluster_node(2, [6.0, 0.0]),
    cluster_node(3, [14.0, 0.0]),
]

ROWS = np.array(
    [
        [4.9, 0.0],
        [-3.0, 1.0],
        [7.0, 0.0],
        [20.0, 0.0],
        [5.0, 0.0],
        [math.nan, 0.0],
        [math.inf, 0.0],
        [-0.0, 0.0],
    ]
)


def bisecting(tree_model, tree=TREE, attributes=None, protobuf=False):
    return tree_model(
        "bisecting_k_means",
        attributes or {},
        {"features": "features"},
        {"prediction": "cluster"},
        tree=tree,
        protobuf=protobuf,
    )


IDENTITY_CASE = OpCase(
    (Node("bisecting_k_means", {}, {"features": "f"}, {"prediction": "c"}, tree=TREE),),
    {"f": ROWS},
)


@pytest.mark.parametrize("protobuf", [False, True])
def test_walks_down_the_tree(tree_model, score_both, protobuf) -> None:
    model = bisecting(tree_model, protobuf=protobuf)
    out = score_both(model, {"features": ROWS})
    # [4.9, 0] is nearest leaf 2 ([6, 0]) overall, but nearer A's center (24.01) than B's
    # (26.01): the walk takes A, then leaf 1 ([2, 0]). [5, 0] is as far from A as from B: the
    # first child wins. NaN and inf give NaN distances: the first child at every level.
    # -0.0 is nearer [2, 0] than [-4, 0].
    assert out["cluster"].tolist() == [1, 0, 2, 3, 1, 0, 0, 1]
    assert out["cluster"].dtype == np.int32
    assert str(model.output_schema["cluster"]) == "int"
    assert model.transform_row({"features": [7.0, 0.0]}) == {"features": [7.0, 0.0], "cluster": 2}


def test_cluster_index_is_the_leaf_index_not_its_position(tree_model, score_both) -> None:
    tree = [cluster_node(-1, [0.0], 2), cluster_node(5, [-1.0]), cluster_node(2, [1.0])]
    out = score_both(bisecting(tree_model, tree=tree), {"features": np.array([[-2.0], [3.0]])})
    assert out["cluster"].tolist() == [5, 2]


def test_cosine_uses_angles_and_the_stored_norms(tree_model, score_both) -> None:
    tree = [
        cluster_node(-1, [1.0, 1.0], 2),
        cluster_node(0, [10.0, 0.0]),
        cluster_node(1, [0.0, 1.0]),
    ]
    rows = np.array([[3.0, 2.0], [0.0, 0.0], [-1.0, 5.0]])
    euclidean = score_both(bisecting(tree_model, tree=tree), {"features": rows})
    cosine = score_both(
        bisecting(tree_model, tree=tree, attributes={"distance_measure": {"string": "cosine"}}),
        {"features": rows},
    )
    # [3, 2]: 10 from [0, 1] against 53 from [10, 0]; but 34 degrees from [10, 0], 56 from [0, 1]
    assert euclidean["cluster"].tolist() == [1, 1, 1]
    # the zero vector: 0 / 0 distances (NaN), the first child
    assert cosine["cluster"].tolist() == [0, 0, 1]


def test_a_single_leaf_tree(tree_model, score_both) -> None:
    out = score_both(
        bisecting(tree_model, tree=[cluster_node(0, [1.0, 2.0])]),
        {"features": np.array([[0.0, 0.0], [9.0, 9.0]])},
    )
    assert out["cluster"].tolist() == [0, 0]


def test_width_errors_and_empty_batch(tree_model) -> None:
    model = bisecting(tree_model)
    with pytest.raises(InputError, match=r"vector has width 3, the model expects 2"):
        model.transform({"features": np.zeros((1, 3))})
    with pytest.raises(InputError, match=r"column 'features': vector has width 1"):
        model.transform_row({"features": [1.0]})
    assert model.transform({"features": np.zeros((0, 2))})["cluster"].tolist() == []


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([], r"tree\.json: the clustering tree has no node"),
        (TREE[:-1], r"tree\.json: the file ends before the tree does"),
        ([*TREE, cluster_node(4, [0.0, 0.0])], r"1 node\(s\) after the tree's last node"),
        (
            [cluster_node(-1, [0.0, 0.0], 2), cluster_node(0, [1.0]), cluster_node(1, [2.0, 0.0])],
            r"node 1 has a center of 1 values, the root's has 2",
        ),
        (
            [cluster_node(-1, [0.0], 2), cluster_node(-2, [1.0]), cluster_node(1, [2.0])],
            r"node 1 has index -2 and 0 children: leaves have an index >= 0",
        ),
        ([cluster_node(0, [0.0], 1), cluster_node(1, [1.0])], r"node 0 has index 0 and 1 children"),
        ([cluster_node(0, [])], r"the cluster centers have no value"),
    ],
)
def test_bad_trees(tree_model, tree, message) -> None:
    with pytest.raises(BundleError, match=message):
        bisecting(tree_model, tree=tree)


def test_bad_distance_measure(tree_model) -> None:
    with pytest.raises(BundleError, match=r"'distance_measure' 'manhattan' is not one of"):
        bisecting(tree_model, attributes={"distance_measure": {"string": "manhattan"}})


def test_a_missing_tree_file(one_node_model) -> None:
    with pytest.raises(BundleError, match=r"tree\.json"):
        one_node_model("bisecting_k_means", {}, {"features": "f"}, {"prediction": "c"})
