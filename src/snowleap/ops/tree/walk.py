"""The pure-Python tree walkers: the fallback of the compiled walker and its oracle.

They read the compact layout (``layout``) exactly as the compiled walker
(``treewalk/forest_walk.c``) does: the same comparisons (``x <= threshold``, membership as a
binary search for an equal value) and the same summation order, so both give bit-identical
numbers. How the trees' leaves combine (``Combine``):

* ``"first"``: the first tree's leaf output (a decision tree);
* ``"sum"``: per output, ``0.0 + tree 0's + tree 1's ...`` in tree order (Scala's ``sum``);
* ``"dot"``: ``0.0 + tree 0's * weight 0 + tree 1's * weight 1 ...`` (boosted trees), one
  output.

``leaf_outputs`` holds ``width`` values per leaf, by leaf index (what a leaf adds for the op).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Literal

from snowleap.ops.tree.layout import TreeLayout

Combine = Literal["first", "sum", "dot"]
RowFunction = Callable[[Sequence[float]], list[float]]


def leaf_finder(layout: TreeLayout) -> Callable[[Sequence[float], int], int]:
    """``reach(x, root)``: the leaf index row ``x`` reaches from a tree's root reference."""
    # NOTE: list copies: indexing a list returns the object it holds, indexing an array boxes a
    # new one, which made this walk about twice as slow. Only the fallback pays the memory.
    feature, threshold = layout.feature.tolist(), layout.threshold.tolist()
    left, right, split_set = layout.left.tolist(), layout.right.tolist(), layout.split_set.tolist()
    set_start, set_values = layout.set_start.tolist(), layout.set_values.tolist()
    set_is_left = layout.set_is_left.tolist()

    def reach(x: Sequence[float], node: int) -> int:
        while node >= 0:
            value = x[feature[node]]
            slot = split_set[node]
            if slot == 0:
                node = left[node] if value <= threshold[node] else right[node]
                continue
            slot -= 1
            stop = set_start[slot + 1]
            found = bisect_left(set_values, value, set_start[slot], stop)
            member = found < stop and set_values[found] == value
            node = left[node] if member == (set_is_left[slot] == 1) else right[node]
        return ~node

    return reach


def python_row_function(
    layout: TreeLayout,
    leaf_outputs: array[float],
    width: int,
    combine: Combine,
    weights: Sequence[float] = (),
) -> RowFunction:
    """The row walker: a row's features to the combined outputs (a new list of ``width``)."""
    reach = leaf_finder(layout)
    roots = layout.roots.tolist()
    outputs = leaf_outputs.tolist()
    if combine == "first":
        root = roots[0]

        def first(x: Sequence[float]) -> list[float]:
            start = reach(x, root) * width
            return outputs[start : start + width]

        return first
    if combine == "dot":
        pairs = list(zip(roots, weights, strict=True))

        def dot(x: Sequence[float]) -> list[float]:
            total = 0.0
            for root, weight in pairs:
                total += outputs[reach(x, root)] * weight
            return [total]

        return dot
    positions = range(width)

    def summed(x: Sequence[float]) -> list[float]:
        totals = [0.0] * width
        for root in roots:
            start = reach(x, root) * width
            for k in positions:
                totals[k] += outputs[start + k]
        return totals

    return summed
