"""Trees and ensembles as flat arrays for batches, and as nested tuples for single rows.

Batch path (hummingbird's layout): the nodes of all trees are concatenated into flat arrays of
feature, threshold, left and right child; a leaf points to itself, so routing every row through
every tree is a fixed loop of ``depth`` steps of gather / compare / ``where`` over a
``(rows, trees)`` array of node indices, with no Python per row.

Categorical splits (MLeap's ``CategoricalSplit``: left iff ``(x in categories) == is_left``, the
category being the feature's double value) use a table beside the thresholds: each distinct
category value of the ensemble gets a code, feature values are coded once per batch with a binary
search (a value equal to no category, NaN included, gets the extra "unseen" code), and each
categorical node has a row of the table saying, per code, whether the row goes left. Continuous
splits (MLeap's ``ContinuousSplit``) go left iff ``x <= threshold``, so NaN goes right.

Row path: each tree becomes nested tuples ``(feature, threshold, left, right)`` whose leaves are
the op's leaf payloads (never tuples); a categorical node holds ``~feature`` (negative), a
frozenset of its categories in place of the threshold, and its children ordered so that
membership means the first child.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from snowleap.errors import BundleError
from snowleap.ops.tree.structure import DecisionTree

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]
RowWalker = Callable[[list[float]], list[Any]]
LeafOutput = Callable[[tuple[float, ...]], Any]

# NOTE: bounds the memory of the categorical table (one byte per categorical node and code).
MAX_CATEGORY_TABLE = 1 << 26


class FlatEnsemble:
    """The trees of a model (one for a single decision tree), ready to route rows to leaves.

    Example
    -------
    >>> from snowleap.bundle.definitions import TreeNodeDef
    >>> from snowleap.ops.tree.structure import build_tree
    >>> tree = build_tree(
    ...     [TreeNodeDef("continuous", feature_index=0, threshold=1.5),
    ...      TreeNodeDef("leaf", values=(10.0,)), TreeNodeDef("leaf", values=(20.0,))],
    ...     num_features=1, where="tree.json")
    >>> ensemble = FlatEnsemble([tree])
    >>> ensemble.leaf_nodes(np.array([[1.0], [2.0]])).tolist()
    [[1], [2]]
    >>> ensemble.leaf_table(lambda values: values[0])[[1, 2]].tolist()
    [10.0, 20.0]
    """

    def __init__(self, trees: Sequence[DecisionTree]) -> None:
        if not trees:
            raise ValueError("an ensemble needs at least one tree")
        self.trees = tuple(trees)
        offsets = np.cumsum([0] + [tree.size for tree in trees])
        self.roots: IndexArray = offsets[:-1].astype(np.intp)
        self.depth = max(tree.depth for tree in trees)
        self.feature: IndexArray = np.concatenate(
            [np.asarray(tree.feature, dtype=np.intp) for tree in trees]
        )
        self.threshold: FloatArray = np.concatenate(
            [np.asarray(tree.threshold, dtype=np.float64) for tree in trees]
        )
        starts = offsets[:-1].tolist()
        self.left: IndexArray = np.concatenate(
            [np.asarray(t.left, dtype=np.intp) + s for t, s in zip(trees, starts, strict=True)]
        )
        self.right: IndexArray = np.concatenate(
            [np.asarray(t.right, dtype=np.intp) + s for t, s in zip(trees, starts, strict=True)]
        )
        self._build_category_table()

    def _build_category_table(self) -> None:
        splits = [
            (categories, is_left)
            for tree in self.trees
            for categories, is_left in zip(tree.categories, tree.is_left, strict=True)
        ]
        categorical = [categories is not None for categories, _ in splits]
        self.is_categorical = np.asarray(categorical, dtype=np.bool_)
        self.has_categorical = any(categorical)
        # NOTE: NaN equals no category in MLeap (``Array.contains`` compares with ``==``).
        known = sorted(
            {c for categories, _ in splits if categories is not None for c in categories if c == c}
        )
        self.category_values: FloatArray = np.asarray(known, dtype=np.float64)
        unseen = len(known)
        slots = int(self.is_categorical.sum())
        if (slots + 1) * (unseen + 1) > MAX_CATEGORY_TABLE:
            raise BundleError(
                f"{self.trees[0].where} (and the model's other trees): {slots} categorical "
                f"splits over {unseen} category values are more than snowleap's table allows "
                f"({MAX_CATEGORY_TABLE} entries)"
            )
        # NOTE: row 0 serves continuous nodes and leaves; it is never selected for them.
        table = np.zeros((slots + 1, unseen + 1), dtype=np.bool_)
        slot_of = np.zeros(len(splits), dtype=np.intp)
        slot = 0
        for index, (categories, is_left) in enumerate(splits):
            if categories is None:
                continue
            slot += 1
            slot_of[index] = slot
            member = np.zeros(unseen + 1, dtype=np.bool_)
            codes = np.searchsorted(self.category_values, [c for c in categories if c == c])
            member[codes] = True
            table[slot] = member if is_left else ~member
        self.category_slot: IndexArray = slot_of
        self.goes_left: npt.NDArray[np.bool_] = table

    @property
    def num_trees(self) -> int:
        return len(self.trees)

    def _category_codes(self, features: FloatArray) -> IndexArray:
        """Each feature value's category code; values equal to no category get the last code."""
        known = self.category_values
        if len(known) == 0:
            return np.zeros(features.shape, dtype=np.intp)
        position = np.searchsorted(known, features)
        clipped = np.minimum(position, len(known) - 1)
        return np.where(known[clipped] == features, clipped, len(known))

    def leaf_nodes(self, features: FloatArray) -> IndexArray:
        """The leaf each row reaches in each tree: global node indices of shape (rows, trees)."""
        rows, width = features.shape
        node = np.repeat(self.roots[np.newaxis, :], rows, axis=0)
        if self.depth == 0:
            return node
        # NOTE: gathers through ``take`` on flat positions are numpy's fastest fancy indexing.
        flat = np.ascontiguousarray(features).ravel()
        row_start = (np.arange(rows, dtype=np.intp) * width)[:, np.newaxis]
        codes = self._category_codes(flat) if self.has_categorical else None
        for _ in range(self.depth):
            position = row_start + self.feature.take(node)
            go_left = flat.take(position) <= self.threshold.take(node)
            if codes is not None:
                go_left = np.where(
                    self.is_categorical.take(node),
                    self.goes_left[self.category_slot.take(node), codes.take(position)],
                    go_left,
                )
            node = np.where(go_left, self.left.take(node), self.right.take(node))
        return node

    def leaf_table(self, leaf_output: LeafOutput) -> FloatArray:
        """``leaf_output(values)`` of every leaf, by global node index (zeros for inner nodes)."""
        outputs = {
            offset + i: leaf_output(tree.values[i])
            for tree, offset in zip(self.trees, self.roots.tolist(), strict=True)
            for i in tree.leaf_indices()
        }
        sample = np.asarray(next(iter(outputs.values())), dtype=np.float64)
        table = np.zeros((len(self.feature), *sample.shape), dtype=np.float64)
        for index, output in outputs.items():
            table[index] = output
        return table

    def row_walker(self, leaf_output: LeafOutput) -> RowWalker:
        """A function giving, for one row's feature list, each tree's ``leaf_output(values)``.

        The outputs are built once here, so the row path shares them with ``leaf_table``.
        """
        roots = tuple(_nested(tree, leaf_output) for tree in self.trees)
        if self.has_categorical:
            return _mixed_walker(roots)
        return _continuous_walker(roots)


def _nested(tree: DecisionTree, leaf_output: LeafOutput) -> Any:
    """The tree as nested tuples, built bottom-up (children follow parents in pre-order)."""
    built: list[Any] = [None] * tree.size
    for i in range(tree.size - 1, -1, -1):
        if tree.is_leaf(i):
            output = leaf_output(tree.values[i])
            if isinstance(output, tuple):
                raise TypeError("leaf outputs of the row path must not be tuples")
            built[i] = output
            continue
        categories = tree.categories[i]
        left, right = built[tree.left[i]], built[tree.right[i]]
        if categories is None:
            built[i] = (tree.feature[i], tree.threshold[i], left, right)
        else:
            members = frozenset(c for c in categories if c == c)
            first, second = (left, right) if tree.is_left[i] else (right, left)
            # NOTE: the complemented (negative) feature index marks the node categorical: an
            # int sign test is the cheapest check on the row path's hot loop.
            built[i] = (~tree.feature[i], members, first, second)
    return built[0]


def _continuous_walker(roots: tuple[Any, ...]) -> RowWalker:
    def leaves(x: list[float]) -> list[Any]:
        reached = []
        for node in roots:
            while node.__class__ is tuple:
                feature, threshold, left, right = node
                node = left if x[feature] <= threshold else right
            reached.append(node)
        return reached

    return leaves


def _mixed_walker(roots: tuple[Any, ...]) -> RowWalker:
    def leaves(x: list[float]) -> list[Any]:
        reached = []
        for node in roots:
            while node.__class__ is tuple:
                feature, test, first, second = node
                if feature >= 0:
                    node = first if x[feature] <= test else second
                else:
                    node = first if x[~feature] in test else second
            reached.append(node)
        return reached

    return leaves
