"""Time the tree ensembles' row path and batch path on seeded random forests.

Usage: ``python benchmarks/tree_ensembles.py``. Builds forests of 20 and 100 trees of depth 6
and 8, with continuous splits only and with about a third categorical, and prints microseconds
per row for the row path (a random forest classifier's raw votes, a GBT's margin) and for a
batch of 10,000 rows; best of several runs. Nothing here is asserted: speed goals are shown, not
tested (the machine may be shared).
"""

from __future__ import annotations

import random
import timeit
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from snowleap.bundle.definitions import TreeNodeDef
from snowleap.ops.classification.random_forest_classifier import RandomForestClassification
from snowleap.ops.regression.gbt_regression import GBTRegression
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.structure import layout_of

NUM_FEATURES = 20
NUM_CLASSES = 3


def random_nodes(
    rng: random.Random, depth: int, categorical_share: float, width: int
) -> list[TreeNodeDef]:
    """Pre-order nodes of a random tree, built with an explicit stack (no recursion)."""
    nodes: list[TreeNodeDef] = []
    pending = [depth]
    while pending:
        left_levels = pending.pop()
        if left_levels == 0 or (left_levels < depth - 1 and rng.random() < 0.1):
            nodes.append(TreeNodeDef("leaf", values=tuple(rng.random() for _ in range(width))))
            continue
        feature = rng.randrange(NUM_FEATURES)
        if rng.random() < categorical_share:
            categories = tuple(float(c) for c in rng.sample(range(8), 3))
            nodes.append(
                TreeNodeDef(
                    "categorical",
                    feature_index=feature,
                    categories=categories,
                    is_left=rng.random() < 0.5,
                    num_categories=8,
                )
            )
        else:
            nodes.append(
                TreeNodeDef("continuous", feature_index=feature, threshold=rng.uniform(0, 8))
            )
        pending += [left_levels - 1, left_levels - 1]
    return nodes


def forest(rng: random.Random, trees: int, depth: int, share: float, width: int) -> TreeLayout:
    return layout_of(
        [random_nodes(rng, depth, share, width) for _ in range(trees)], NUM_FEATURES, width
    )


def best_us(function: Callable[[], Any], number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=7)) / number * 1e6


def main() -> None:
    rng = random.Random(42)

    def feature() -> float:
        return float(rng.randrange(8)) if rng.random() < 0.5 else rng.uniform(0, 8)

    rows = np.array([[feature() for _ in range(NUM_FEATURES)] for _ in range(10_000)])
    x = rows[0].tolist()
    print(f"{'model':48s} {'row µs':>8s} {'batch µs/row':>13s}")
    for trees, depth in ((20, 6), (20, 8), (100, 6)):
        for share in (0.0, 0.33):
            label = f"{trees} trees, depth {depth}, {share:.0%} categorical"
            votes = RandomForestClassification(
                forest(rng, trees, depth, share, NUM_CLASSES), NUM_FEATURES, NUM_CLASSES, None
            )
            raw = votes.raw_row_function()
            boosted = forest(rng, trees, depth, share, 1)
            margin = GBTRegression(boosted, (0.1,) * trees, NUM_FEATURES)
            predict = margin.predict_row_function()
            for name, row_call, batch_call in (
                ("rf votes", partial(raw, x), partial(votes.raw_batch, rows)),
                ("gbt margin", partial(predict, x), partial(margin.predict_batch, rows)),
            ):
                row_us = best_us(row_call, 2000)
                batch_us = best_us(batch_call, 1) / len(rows)
                print(f"{name + ', ' + label:48s} {row_us:8.2f} {batch_us:13.3f}")


if __name__ == "__main__":
    main()
