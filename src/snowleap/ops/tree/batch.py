"""The pure-Python batch walker over the compact layout: numpy, no Python work per row.

The fallback of the compiled walker's batch and its oracle, with the row walker's semantics
(``walk``): every (row, tree) pair starts at its tree's root and moves one level per step,
``depth`` steps of gather / compare / gather; pairs at a leaf stay. A categorical node's
membership is the same binary search as the row path's, run on all such pairs at once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from snowleap.numeric import np
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.walk import Combine

if TYPE_CHECKING:
    from array import array

    from snowleap.numeric import BoolArray, FloatArray, IndexArray

# NOTE: (row, tree) pairs routed at once: a level's temporaries (a few arrays of this many
# 8-byte values) fit in a core's L2 cache. Measured on the airbnb forest (20 trees): blocks of
# 1k to 2k rows were fastest; 100k rows at once 2.5 times slower.
BLOCK_ELEMENTS = 1 << 15
#: Threads of a compiled batch (default: two from PARALLEL_ROWS rows if two cores are ours).
BATCH_THREADS = "SNOWLEAP_TREE_THREADS"
# NOTE: below this many rows a second thread costs more to start than it saves.
PARALLEL_ROWS = 20_000


class BatchWalker:
    """numpy views of a layout (made at the first batch) and the walk over them."""

    def __init__(self, layout: TreeLayout) -> None:
        self.layout = layout

    @cached_property
    def _arrays(self) -> dict[str, IndexArray]:
        layout = self.layout
        ints = {
            name: np.frombuffer(getattr(layout, name), dtype=np.intc).astype(np.intp)
            for name in ("roots", "feature", "left", "right", "split_set", "set_start")
        }
        ints["set_is_left"] = np.frombuffer(layout.set_is_left, dtype=np.intc) == 1
        return ints

    @cached_property
    def _floats(self) -> dict[str, FloatArray]:
        return {
            name: np.frombuffer(getattr(self.layout, name), dtype=np.float64)
            for name in ("threshold", "set_values")
        }

    def leaves(self, features: FloatArray) -> IndexArray:
        """The leaf index each row reaches in each tree, of shape (rows, trees)."""
        rows, width = features.shape
        roots = self._arrays["roots"]
        trees = len(roots)
        reached = np.empty((rows, trees), dtype=np.intp)
        flat = np.ascontiguousarray(features, dtype=np.float64).ravel()
        step = max(1, BLOCK_ELEMENTS // trees)
        for start in range(0, rows, step):
            stop = min(rows, start + step)
            block = stop - start
            node = np.tile(roots, block)
            first = start * width
            row_start = np.repeat(np.arange(first, first + block * width, width), trees)
            reached[start:stop] = (~self._walk(node, row_start, flat)).reshape(block, trees)
        return reached

    def _walk(self, node: IndexArray, row_start: IndexArray, flat: FloatArray) -> IndexArray:
        ints, floats = self._arrays, self._floats
        for _ in range(self.layout.depth):
            inner = np.flatnonzero(node >= 0)
            if not len(inner):
                break
            at = node.take(inner)
            value = flat.take(row_start.take(inner) + ints["feature"].take(at))
            go_left = value <= floats["threshold"].take(at)
            if self.layout.has_categorical:
                slot = ints["split_set"].take(at)
                categorical = np.flatnonzero(slot)
                if len(categorical):
                    sets = slot.take(categorical) - 1
                    member = self._members(value.take(categorical), sets)
                    go_left[categorical] = member == ints["set_is_left"].take(sets)
            node[inner] = np.where(go_left, ints["left"].take(at), ints["right"].take(at))
        return node

    def _members(self, values: FloatArray, sets: IndexArray) -> BoolArray:
        """Whether each value equals one of its set's values: a vectorised ``bisect_left``."""
        set_values = self._floats["set_values"]
        set_start = self._arrays["set_start"]
        low = set_start.take(sets)
        stop = set_start.take(sets + 1)
        if not len(set_values):
            return np.zeros(len(values), dtype=np.bool_)
        high = stop.copy()
        while True:
            searching = low < high
            if not searching.any():
                break
            middle = (low + high) // 2
            below = searching & (set_values.take(np.minimum(middle, len(set_values) - 1)) < values)
            low = np.where(below, middle + 1, low)
            high = np.where(searching & ~below, middle, high)
        equal: BoolArray = set_values.take(np.minimum(low, len(set_values) - 1)) == values
        member: BoolArray = (low < stop) & equal
        return member


def combined_batch(
    leaves: IndexArray,
    leaf_outputs: array[float],
    width: int,
    combine: Combine,
    weights: Sequence[float] = (),
) -> FloatArray:
    """The trees' leaf outputs combined per row, of shape (rows, width): ``walk``'s order."""
    table = np.frombuffer(leaf_outputs, dtype=np.float64).reshape(-1, width)
    if combine == "first":
        return table.take(leaves[:, 0], axis=0)
    total = np.zeros((leaves.shape[0], width), dtype=np.float64)
    for tree in range(leaves.shape[1]):
        # NOTE: in place, tree after tree: the row walker's additions in its order.
        if combine == "dot":
            total += table.take(leaves[:, tree], axis=0) * weights[tree]
        else:
            total += table.take(leaves[:, tree], axis=0)
    return total


def compiled_batch(forest: Any, features: FloatArray, width: int) -> FloatArray:
    """The compiled walker's batch: the same outputs as ``combined_batch``, into a new array."""
    flat = np.ascontiguousarray(features, dtype=np.float64)
    rows = flat.shape[0]
    out = np.empty((rows, width), dtype=np.float64)
    forest.batch(flat, rows, flat.shape[1] if flat.ndim == 2 else 0, out, batch_threads(rows))
    return out


def batch_threads(rows: int) -> int:
    """Threads for a compiled batch: two for large batches where two cores are ours."""
    setting = os.environ.get(BATCH_THREADS, "")
    if setting:
        return max(1, int(setting))
    if rows < PARALLEL_ROWS:
        return 1
    return min(2, len(os.sched_getaffinity(0)))
