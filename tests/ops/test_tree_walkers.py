"""Every tree walker, forced explicitly: the pure-Python row and batch walkers and the compiled
ones (``snowleap._treewalk``), against MLeap's recursive walk written independently
(``tests.conftest.reference_leaf_values``), and against each other to the last bit.
"""

from __future__ import annotations

import json
import math
import random
from array import array
from typing import Any

import numpy as np
import pytest

from snowleap.bundle.json_format import JsonFormat
from snowleap.ops.tree.batch import BLOCK_ELEMENTS
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.scoring import TreeScorer
from snowleap.ops.tree.structure import layout_of
from tests.ops.tree_walkers import WALKERS, scorer_with
from tests.tree_nodes import random_feature_rows, random_tree_nodes, reference_leaf_values

NUM_FEATURES = 4


def random_forest(seed: int, trees: int, width: int = 1) -> tuple[list[Any], TreeLayout]:
    """Seeded trees mixing continuous and categorical splits (both ``is_left``), ``width``
    values per leaf, as JSON tree nodes and as the layout snowleap builds from them."""
    rng = random.Random(seed)
    forest = [
        random_tree_nodes(
            rng, NUM_FEATURES, lambda: [round(rng.uniform(-5, 5), 3) for _ in range(width)], 5
        )
        for _ in range(trees)
    ]
    parsed = [
        JsonFormat().parse_tree("".join(json.dumps(n) + "\n" for n in nodes).encode(), "t.json")
        for nodes in forest
    ]
    return forest, layout_of(parsed, NUM_FEATURES, width)


@pytest.mark.parametrize("walker", WALKERS)
def test_each_row_walk_reaches_mleaps_leaves(walker: str, monkeypatch) -> None:
    forest, layout = random_forest(seed=11, trees=6, width=2)
    assert layout.has_categorical, "the forest must have categorical splits to walk"
    summed = scorer_with(walker, monkeypatch, layout, layout.leaf_values, 2, "sum").row_function()
    first = scorer_with(walker, monkeypatch, layout, layout.leaf_values, 2, "first")
    for x in random_feature_rows(random.Random(5), NUM_FEATURES, 300):
        leaves = [reference_leaf_values(nodes, x) for nodes in forest]
        expected = [0.0, 0.0]
        for values in leaves:
            expected = [expected[0] + values[0], expected[1] + values[1]]
        assert summed(list(x)) == expected, f"{walker} walk of {x}"
        assert first.row_function()(list(x)) == leaves[0]


@pytest.mark.parametrize("walker", WALKERS)
def test_weighted_sum_adds_in_tree_order(walker: str, monkeypatch) -> None:
    forest, layout = random_forest(seed=2, trees=7)
    weights = [0.1, -0.3, 1e-3, 7.0, 0.5, 0.25, 3.0]
    scorer = scorer_with(walker, monkeypatch, layout, layout.leaf_values, 1, "dot", weights)
    for x in random_feature_rows(random.Random(8), NUM_FEATURES, 200):
        total = 0.0
        for nodes, weight in zip(forest, weights, strict=True):
            total += reference_leaf_values(nodes, x)[0] * weight
        assert scorer.row_function()(list(x)) == [total]


@pytest.mark.parametrize("walker", WALKERS)
@pytest.mark.parametrize("blocks", [1, 3])
def test_batch_walk_matches_the_row_walk_in_one_block_and_several(
    walker: str, blocks: int, monkeypatch
) -> None:
    _, layout = random_forest(seed=23, trees=5, width=3)
    # NOTE: the batch routes BLOCK_ELEMENTS // trees rows at a time; the last block is partial.
    rows_per_block = BLOCK_ELEMENTS // layout.num_trees
    count = 7 if blocks == 1 else (blocks - 1) * rows_per_block + 7
    rows = random_feature_rows(random.Random(blocks), NUM_FEATURES, count)
    scorer = scorer_with(walker, monkeypatch, layout, layout.leaf_values, 3, "sum")
    row = scorer.row_function()
    assert scorer.batch(np.array(rows)).tolist() == [row(x) for x in rows]


def test_compiled_and_python_walkers_agree_bit_for_bit(monkeypatch) -> None:
    _, layout = random_forest(seed=31, trees=9, width=2)
    shares = array("d", [v / 3.0 for v in layout.leaf_values])
    rows = random_feature_rows(random.Random(4), NUM_FEATURES, 2000)
    outputs = {}
    for walker in WALKERS:
        scorer = scorer_with(walker, monkeypatch, layout, shares, 2, "sum")
        row = scorer.row_function()
        outputs[walker] = (
            [[v.hex() for v in row(x)] for x in rows],
            [[v.hex() for v in r] for r in scorer.batch(np.array(rows)).tolist()],
        )
    assert len(set(map(json.dumps, outputs.values()))) == 1


def test_a_tree_of_one_leaf_and_a_nan_category(monkeypatch) -> None:
    from snowleap.bundle.definitions import TreeNodeDef

    nan_split = TreeNodeDef(
        "categorical", feature_index=0, categories=(math.nan, 1.0), is_left=True, num_categories=3
    )
    layout = layout_of(
        [
            [TreeNodeDef("leaf", values=(5.0,))],
            [nan_split, TreeNodeDef("leaf", values=(1.0,)), TreeNodeDef("leaf", values=(2.0,))],
        ],
        num_features=1,
    )
    for walker in WALKERS:
        scorer = scorer_with(walker, monkeypatch, layout, layout.leaf_values, 1, "sum")
        # NOTE: NaN is no category (MLeap compares with ==), -0.0 is 0.0, 1.0 is a member
        rows = [[math.nan], [1.0], [-0.0], [0.0]]
        assert [scorer.row_function()(x) for x in rows] == [[7.0], [6.0], [7.0], [7.0]]
        assert scorer.batch(np.array(rows)).tolist() == [[7.0], [6.0], [7.0], [7.0]]
    # NOTE: repr, as NaN equals nothing: the categories come back as written, NaN included
    assert repr(layout.node_defs(1)[0]) == repr(nan_split)


def test_scorer_refuses_weights_that_do_not_fit() -> None:
    _, layout = random_forest(seed=1, trees=2)
    with pytest.raises(ValueError, match="one weight per tree"):
        TreeScorer(layout, layout.leaf_values, 1, "dot", [1.0])


def test_every_kind_of_split_in_lanes_of_uneven_depth(monkeypatch) -> None:
    from snowleap.bundle.definitions import TreeNodeDef

    def leaf(value: float) -> TreeNodeDef:
        return TreeNodeDef("leaf", values=(value,))

    # GIVEN a tree with a continuous split, a bitset of small categories, a searched set (a
    # fraction and a large category), leaves at depths 1 to 3, and a one-leaf tree
    bitset = TreeNodeDef(
        "categorical", feature_index=1, categories=(0.0, 3.0), is_left=False, num_categories=4
    )
    searched = TreeNodeDef(
        "categorical", feature_index=2, categories=(2.5, 9000.0), is_left=True, num_categories=0
    )
    continuous = TreeNodeDef("continuous", feature_index=0, threshold=0.5)
    tree = [continuous, leaf(1.0), bitset, searched, leaf(2.0), leaf(3.0), leaf(4.0)]
    layout = layout_of([tree, [leaf(10.0)], tree], num_features=3)
    values = [math.nan, -0.0, 0.0, 0.5, 1.0, 2.5, 3.0, 3.5, 9000.0, 1e300, -7.0]
    rng = random.Random(12)
    rows = [[rng.choice(values) for _ in range(3)] for _ in range(500)]
    outputs = {}
    for walker in WALKERS:
        scorer = scorer_with(walker, monkeypatch, layout, layout.leaf_values, 1, "sum")
        row = scorer.row_function()
        outputs[walker] = (
            [[v.hex() for v in row(x)] for x in rows],
            [[v.hex() for v in r] for r in scorer.batch(np.array(rows)).tolist()],
        )
        assert outputs[walker][0] == outputs[walker][1], f"{walker}: rows and batch differ"
    # THEN the compiled walker routes every row as the pure-Python one, to the last bit
    assert outputs["compiled"] == outputs["python"]
    assert {r[0] for r in outputs["python"][0]} == {(10.0 + 2 * v).hex() for v in (1, 2, 3, 4)}
