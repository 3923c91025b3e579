"""The compact tree layout: every tree of a model in a few contiguous arrays, no object per node.

Built once at load (``structure.LayoutBuilder``, fed straight by the JSON and protobuf readers)
and read by every walker: the compiled one (``snowleap._treewalk``) and the pure-Python ones
(``walk``), for single rows and batches alike. ``array.array`` buffers, so loading a tree model
and scoring a row import no numpy, and a batch or the C walker reads them without a copy.

Internal nodes of all trees are numbered together, leaves apart. A child reference ``c`` is an
internal node if ``c >= 0`` and leaf ``~c`` otherwise; a tree's root is such a reference too (a
tree that is one leaf has a negative root). An internal node ``i`` reads feature ``feature[i]``:

* continuous split (``split_set[i] == 0``): left iff ``x <= threshold[i]``, so NaN goes right
  (MLeap's ``ContinuousSplit``);
* categorical split (``split_set[i] == s + 1``): left iff ``(x in categories) == is_left``
  (MLeap's ``CategoricalSplit``), where membership is a binary search for a value *equal* to
  ``x`` in set ``s``: ``set_values[set_start[s]:set_start[s + 1]]``, sorted, without NaN (NaN
  equals no category, as Scala's ``Array.contains``), so ``-0.0`` finds ``0.0``. This one scheme
  serves the row and the batch paths, compiled or not.

Leaf ``j`` holds ``width`` values at ``leaf_values[j * width:(j + 1) * width]`` (class counts or a
prediction, as the file has them). The categories as written (order, duplicates, NaN) are kept
apart (``written_*``) so that storing the model writes back the very file it came from.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from snowleap.bundle.definitions import TreeNodeDef


@dataclass(frozen=True)
class TreeLayout:
    """The trees of one model (one for a decision tree, in file order for an ensemble)."""

    num_features: int
    width: int
    roots: array[int]
    depths: array[int]
    wheres: tuple[str, ...]
    feature: array[int]
    threshold: array[float]
    left: array[int]
    right: array[int]
    split_set: array[int]
    set_start: array[int]
    set_values: array[float]
    set_is_left: array[int]
    written_start: array[int]
    written_values: array[float]
    written_num_categories: array[int]
    leaf_values: array[float]

    @property
    def num_trees(self) -> int:
        return len(self.roots)

    @property
    def num_leaves(self) -> int:
        return len(self.leaf_values) // self.width

    @property
    def num_nodes(self) -> int:
        return len(self.feature) + self.num_leaves

    @property
    def depth(self) -> int:
        return max(self.depths)

    @property
    def has_categorical(self) -> bool:
        return len(self.set_is_left) > 0

    def leaf(self, index: int) -> tuple[float, ...]:
        """Leaf ``index``'s values, as the tree file lists them."""
        start = index * self.width
        return tuple(self.leaf_values[start : start + self.width])

    def node_defs(self, tree: int) -> list[TreeNodeDef]:
        """Tree ``tree``'s nodes in pre-order, as its file lists them (the loader's inverse)."""
        nodes: list[TreeNodeDef] = []
        pending = [self.roots[tree]]
        while pending:
            reference = pending.pop()
            if reference < 0:
                nodes.append(TreeNodeDef("leaf", values=self.leaf(~reference)))
                continue
            nodes.append(self._split_def(reference))
            # NOTE: right pushed first, so the left subtree is listed first (pre-order).
            pending.append(self.right[reference])
            pending.append(self.left[reference])
        return nodes

    def _split_def(self, node: int) -> TreeNodeDef:
        slot = self.split_set[node]
        if slot == 0:
            return TreeNodeDef(
                "continuous", feature_index=self.feature[node], threshold=self.threshold[node]
            )
        index = slot - 1
        start, stop = self.written_start[index], self.written_start[index + 1]
        return TreeNodeDef(
            "categorical",
            feature_index=self.feature[node],
            categories=tuple(self.written_values[start:stop]),
            is_left=bool(self.set_is_left[index]),
            num_categories=self.written_num_categories[index],
        )
