"""The benchmark's correction of ONNX tree ensembles: categorical splits as BRANCH_EQ chains.

Spark's tree nodes are stood in for by small objects answering the same calls the writer makes
on the py4j proxies (``getClass().getSimpleName()``, ``split()``, ``leftChild()`` ...). The flat
ONNX attribute lists are then walked with ONNX's node semantics (``BRANCH_EQ``: true when the
feature equals the value; ``BRANCH_LEQ``: true when it is at most the value) and must route every
input the way Spark's split would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from benchmarks.onnx_conversion import _TreeWriter


@dataclass
class _Name:
    simple: str

    def getSimpleName(self) -> str:  # noqa: N802 - the Java method name
        return self.simple


@dataclass
class _Split:
    kind: str
    feature: int
    cut: float = 0.0
    left: tuple[float, ...] = ()
    right: tuple[float, ...] = ()

    def getClass(self) -> _Name:  # noqa: N802
        return _Name(self.kind)

    def featureIndex(self) -> int:  # noqa: N802
        return self.feature

    def threshold(self) -> float:
        return self.cut

    def leftCategories(self) -> tuple[float, ...]:  # noqa: N802
        return self.left

    def rightCategories(self) -> tuple[float, ...]:  # noqa: N802
        return self.right


@dataclass
class _Stats:
    counts: tuple[float, ...]

    def stats(self) -> tuple[float, ...]:
        return self.counts


@dataclass
class _Node:
    prediction_value: float = 0.0
    split_: _Split | None = None
    left: _Node | None = None
    right: _Node | None = None
    counts: tuple[float, ...] = field(default_factory=tuple)

    def getClass(self) -> _Name:  # noqa: N802
        return _Name("LeafNode" if self.split_ is None else "InternalNode")

    def prediction(self) -> float:
        return self.prediction_value

    def impurityStats(self) -> _Stats:  # noqa: N802
        return _Stats(self.counts)

    def split(self) -> _Split:
        assert self.split_ is not None
        return self.split_

    def leftChild(self) -> _Node:  # noqa: N802
        assert self.left is not None
        return self.left

    def rightChild(self) -> _Node:  # noqa: N802
        assert self.right is not None
        return self.right


def _walk(lists: dict[str, list[Any]], features: list[float], leaf: str = "target") -> float:
    """Score one tree (id 0) of the flat lists with ONNX's semantics; the leaf's weight sum."""
    nodes = {
        node_id: i
        for i, (tree, node_id) in enumerate(
            zip(lists["nodes_treeids"], lists["nodes_nodeids"], strict=True)
        )
        if tree == 0
    }
    position = nodes[0]
    for _ in range(100):
        mode = lists["nodes_modes"][position]
        if mode == "LEAF":
            node_id = lists["nodes_nodeids"][position]
            return sum(
                w
                for t, n, w in zip(
                    lists[f"{leaf}_treeids"],
                    lists[f"{leaf}_nodeids"],
                    lists[f"{leaf}_weights"],
                    strict=True,
                )
                if t == 0 and n == node_id
            )
        value = features[lists["nodes_featureids"][position]]
        threshold = lists["nodes_values"][position]
        go_true = value == threshold if mode == "BRANCH_EQ" else value <= threshold
        target = lists["nodes_truenodeids" if go_true else "nodes_falsenodeids"][position]
        position = nodes[target]
    raise AssertionError("the tree has a cycle")


def _tree(left_categories: tuple[float, ...], right_categories: tuple[float, ...]) -> _Node:
    # feature 1 categorical: left -> leaf 10; right -> (feature 0 <= 0.5 ? leaf 20 : leaf 30)
    return _Node(
        split_=_Split("CategoricalSplit", 1, left=left_categories, right=right_categories),
        left=_Node(prediction_value=10.0),
        right=_Node(
            split_=_Split("ContinuousSplit", 0, cut=0.5),
            left=_Node(prediction_value=20.0),
            right=_Node(prediction_value=30.0),
        ),
    )


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ((0.0, 2.0), (1.0,)),  # the right side is smaller: its one category is tested
        ((0.0, 2.0), (1.0, 3.0, 4.0)),  # the left side is smaller: a chain of two tests
    ],
)
def test_categorical_split_routes_every_category_as_spark_does(
    left: tuple[float, ...], right: tuple[float, ...]
) -> None:
    writer = _TreeWriter("regressor")
    writer.start_tree()
    writer.write(_tree(left, right), tree_id=0, weight=1.0)
    assert writer.categorical == 1
    assert "BRANCH_EQ" in writer.lists["nodes_modes"]
    for category in left:
        assert _walk(writer.lists, [0.3, category]) == 10.0
    for category in right:
        assert _walk(writer.lists, [0.3, category]) == 20.0
        assert _walk(writer.lists, [0.7, category]) == 30.0


def test_chain_of_two_copies_the_tested_subtree_once_per_category() -> None:
    writer = _TreeWriter("regressor")
    writer.start_tree()
    writer.write(_tree((0.0, 2.0), (1.0, 3.0, 4.0)), tree_id=0, weight=1.0)
    # EQ(0) -> leaf 10 | EQ(2) -> leaf 10 | right subtree (LEQ + 2 leaves): 7 nodes in all
    assert writer.lists["nodes_modes"].count("BRANCH_EQ") == 2
    assert len(writer.lists["nodes_nodeids"]) == 7
    assert sorted(writer.lists["nodes_nodeids"]) == list(range(7))


def test_classifier_leaves_hold_class_one_share_times_tree_weight() -> None:
    # a binary forest of 2 trees: weight 1/2 each; leaf counts 3 vs 1 -> P(class 1) = 0.25
    writer = _TreeWriter("classifier")
    writer.start_tree()
    writer.write(_Node(counts=(3.0, 1.0)), tree_id=0, weight=0.5)
    assert writer.lists["class_ids"] == [0]
    assert writer.lists["class_weights"] == [0.125]
    assert _walk(writer.lists, [0.0], leaf="class") == 0.125
