"""Every tree walker, forced explicitly rather than picked by the data: the batch walk (one block
of rows and several) and each of the row path's ways through categorical splits
(``ensemble.CATEGORY_WALKS``), all against MLeap's recursive walk written independently
(``tests.conftest.reference_leaf_values``). A new walker joins ``CATEGORY_WALKS`` and is tested.
"""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest

from snowleap.bundle.json_format import JsonFormat
from snowleap.ops.tree.ensemble import BLOCK_ELEMENTS, CATEGORY_WALKS, FlatEnsemble
from snowleap.ops.tree.structure import build_tree
from tests.conftest import random_feature_rows, random_tree_nodes, reference_leaf_values

NUM_FEATURES = 4


def random_forest(seed: int, trees: int) -> tuple[list[list[dict[str, Any]]], FlatEnsemble]:
    """Seeded trees mixing continuous and categorical splits (both ``is_left``), one value per
    leaf, as JSON tree nodes and as the ensemble snowleap builds from them."""
    rng = random.Random(seed)
    forest = [
        random_tree_nodes(rng, NUM_FEATURES, lambda: [round(rng.uniform(-5, 5), 3)], depth=5)
        for _ in range(trees)
    ]
    parsed = [
        JsonFormat().parse_tree("".join(json.dumps(n) + "\n" for n in nodes).encode(), "t.json")
        for nodes in forest
    ]
    return forest, FlatEnsemble([build_tree(nodes, NUM_FEATURES, "t.json") for nodes in parsed])


def first_value(values: tuple[float, ...]) -> float:
    return values[0]


@pytest.mark.parametrize("walk", CATEGORY_WALKS)
def test_each_row_walk_reaches_mleaps_leaves(walk: str) -> None:
    forest, ensemble = random_forest(seed=11, trees=6)
    assert ensemble.has_categorical, "the forest must have categorical splits to walk"
    walker = ensemble.row_walker(first_value, walk)
    for x in random_feature_rows(random.Random(5), NUM_FEATURES, 300):
        expected = [reference_leaf_values(nodes, x)[0] for nodes in forest]
        assert walker(list(x)) == expected, f"{walk} walk of {x}"


def test_the_default_row_walk_is_one_of_the_forced_ones() -> None:
    _, ensemble = random_forest(seed=3, trees=4)
    rows = random_feature_rows(random.Random(1), NUM_FEATURES, 50)
    default = ensemble.row_walker(first_value)
    forced = [ensemble.row_walker(first_value, walk) for walk in CATEGORY_WALKS]
    for x in rows:
        assert all(walker(list(x)) == default(list(x)) for walker in forced)


@pytest.mark.parametrize("blocks", [1, 3])
def test_batch_walk_reaches_mleaps_leaves_in_one_block_and_several(blocks: int) -> None:
    forest, ensemble = random_forest(seed=23, trees=5)
    # NOTE: the batch routes BLOCK_ELEMENTS // trees rows at a time; the last block is partial.
    rows_per_block = BLOCK_ELEMENTS // ensemble.num_trees
    count = 7 if blocks == 1 else (blocks - 1) * rows_per_block + 7
    rows = random_feature_rows(random.Random(blocks), NUM_FEATURES, count)
    table = ensemble.leaf_table(first_value)
    reached = table.take(ensemble.leaf_nodes(np.array(rows)))
    expected = [[reference_leaf_values(nodes, x)[0] for nodes in forest] for x in rows]
    assert reached.tolist() == expected
