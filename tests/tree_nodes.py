"""Decision-tree nodes for op tests: Bundle.ML ``tree.json`` lines, seeded random trees, rows
that probe every comparison edge, and an independent recursive walk to check leaf values."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any


def tree_leaf(*values: float) -> dict[str, Any]:
    """A leaf line of a Bundle.ML ``tree.json`` (class counts, or one prediction value)."""
    return {"type": "leaf", "values": list(values)}


def tree_split(feature: int, threshold: float) -> dict[str, Any]:
    """An internal node with a continuous split: left iff ``x[feature] <= threshold``."""
    return {
        "type": "internal",
        "split": {"type": "continuous", "featureIndex": feature, "threshold": threshold},
    }


def tree_category_split(
    feature: int, categories: list[float], is_left: bool, num_categories: int
) -> dict[str, Any]:
    """An internal node with a categorical split: left iff ``(x in categories) == is_left``."""
    return {
        "type": "internal",
        "split": {
            "type": "categorical",
            "featureIndex": feature,
            "categories": categories,
            "isLeft": is_left,
            "numCategories": num_categories,
        },
    }


def random_tree_nodes(
    rng: random.Random, num_features: int, leaf: Callable[[], list[float]], depth: int
) -> list[dict[str, Any]]:
    """Pre-order nodes of a seeded random tree: about half the splits categorical (either
    ``is_left``), thresholds often equal to feature values, leaves from ``leaf()``."""
    if depth == 0 or rng.random() < 0.12:
        return [tree_leaf(*leaf())]
    feature = rng.randrange(num_features)
    if rng.random() < 0.5:
        categories = sorted(float(c) for c in rng.sample(range(8), rng.randint(1, 4)))
        node = tree_category_split(feature, categories, rng.random() < 0.5, 8)
    else:
        node = tree_split(feature, rng.choice([0.0, 1.0, 2.5, round(rng.uniform(-5, 10), 2)]))
    left = random_tree_nodes(rng, num_features, leaf, depth - 1)
    right = random_tree_nodes(rng, num_features, leaf, depth - 1)
    return [node, *left, *right]


def reference_leaf_values(nodes: list[dict[str, Any]], x: list[float]) -> list[float]:
    """The leaf values ``x`` reaches: MLeap's recursive ``predictImpl`` over pre-order nodes,
    written independently of snowleap's flat arrays to check them."""

    def walk(position: int) -> tuple[list[float], int]:
        node = nodes[position]
        if node["type"] == "leaf":
            return node["values"], position + 1
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


def random_feature_rows(rng: random.Random, num_features: int, count: int) -> list[list[float]]:
    """Rows mixing category values 0..7, unseen ones, fractions, signed zeros, inf and NaN."""
    pool = [0.0, 1.0, 2.0, 2.5, 3.0, 7.0, 9.0, -0.0, -1.0, math.nan, math.inf, -math.inf]

    def value() -> float:
        return rng.choice(pool) if rng.random() < 0.6 else rng.uniform(-6, 11)

    return [[value() for _ in range(num_features)] for _ in range(count)]
