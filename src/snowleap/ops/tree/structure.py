"""Trees read from their pre-order node lists straight into the compact layout (``layout``).

Mirrors how MLeap's ``TreeSerializer`` rebuilds a tree (``ml.combust.bundle.tree.decision``): a
node is followed by its left subtree, then its right subtree. The format readers hand each node
to a ``LayoutBuilder`` as they decode it (``SerializationFormat.parse_tree_into``), so no object
per node is ever kept. The linking is iterative, so a hostile file cannot exhaust the Python
stack, and it rejects what MLeap would fail on later or never: truncated or over-long node lists,
trees too deep or too large to be a model, splits on features the model does not have, and
leaves of the wrong width. Every error names the tree file.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Any

from snowleap.bundle.definitions import TreeNodeDef
from snowleap.errors import BundleError
from snowleap.ops.tree.layout import TreeLayout

# NOTE: Spark caps maxDepth at 30; 64 leaves room for other writers while bounding the work a
# batch does (one gather/compare level per depth).
MAX_TREE_DEPTH = 64
# NOTE: a full tree of depth 20 has about two million nodes; real forests hold far fewer.
MAX_TREE_NODES = 1 << 21


class LayoutBuilder:
    """Appends trees to one ``TreeLayout``: ``begin_tree``, one call per node, ``end_tree``.

    ``width`` is the number of values every leaf must hold, ``meaning`` what they are (for the
    error message).
    """

    def __init__(self, num_features: int, width: int, meaning: str) -> None:
        self.num_features = num_features
        self.width = width
        self.meaning = meaning
        self.roots = array("i")
        self.depths = array("i")
        self.wheres: list[str] = []
        self.feature = array("i")
        self.threshold = array("d")
        self.left = array("i")
        self.right = array("i")
        self.split_set = array("i")
        self.set_start = array("i", [0])
        self.set_values = array("d")
        self.set_is_left = array("i")
        self.written_start = array("i", [0])
        self.written_values = array("d")
        self.written_num_categories = array("i")
        self.leaf_values = array("d")
        self._where = ""
        self._count = 0
        # NOTE: internal nodes still missing a child, deepest last, with their depth and
        # whether their left child has been read.
        self._open: list[int] = []
        self._open_depth: list[int] = []
        self._right_pending: list[bool] = []
        self._depth = 0

    @property
    def num_nodes(self) -> int:
        return len(self.feature) + len(self.leaf_values) // self.width

    def begin_tree(self, where: str) -> None:
        self._where = where
        self._count = 0
        self._depth = 0

    def _attach(self, reference: int) -> int:
        """Link a new node to its parent; its depth."""
        index = self._count
        self._count = index + 1
        if index == 0:
            self.roots.append(reference)
            return 0
        if not self._open:
            raise BundleError(
                f"{self._where}: node(s) after the end of the tree "
                f"(the tree is complete after node {index - 1})"
            )
        if index >= MAX_TREE_NODES:
            raise BundleError(
                f"{self._where}: tree has more than the limit of {MAX_TREE_NODES} nodes"
            )
        parent = self._open[-1]
        depth = self._open_depth[-1] + 1
        if self._right_pending[-1]:
            self.right[parent] = reference
            self._open.pop()
            self._open_depth.pop()
            self._right_pending.pop()
        else:
            self.left[parent] = reference
            self._right_pending[-1] = True
        if depth > self._depth:
            if depth > MAX_TREE_DEPTH:
                raise BundleError(
                    f"{self._where}: tree is deeper than the limit of {MAX_TREE_DEPTH} levels"
                )
            self._depth = depth
        return depth

    def _split(self, feature: int) -> None:
        if not 0 <= feature < self.num_features:
            raise BundleError(
                f"{self._where}: node {self._count} splits on feature {feature}, but the model "
                f"has {self.num_features} features"
            )
        node = len(self.feature)
        depth = self._attach(node)
        self.feature.append(feature)
        self.left.append(0)
        self.right.append(0)
        self._open.append(node)
        self._open_depth.append(depth)
        self._right_pending.append(False)

    def continuous(self, feature: int, threshold: float) -> None:
        self._split(feature)
        self.threshold.append(threshold)
        self.split_set.append(0)

    def categorical(
        self, feature: int, categories: Sequence[float], is_left: bool, num_categories: int
    ) -> None:
        self._split(feature)
        self.threshold.append(0.0)
        self.split_set.append(len(self.set_is_left) + 1)
        # NOTE: NaN equals no category in MLeap (``Array.contains`` compares with ``==``).
        self.set_values.extend(sorted({c for c in categories if not math.isnan(c)}))
        self.set_start.append(len(self.set_values))
        self.set_is_left.append(1 if is_left else 0)
        self.written_values.extend(categories)
        self.written_start.append(len(self.written_values))
        self.written_num_categories.append(num_categories)

    def leaf(self, values: Sequence[float]) -> None:
        if len(values) != self.width:
            if not values:
                raise BundleError(f"{self._where}: leaf at node {self._count} has no values")
            raise BundleError(
                f"{self._where}: leaf at node {self._count} has {len(values)} values, "
                f"expected {self.width} {self.meaning}"
            )
        self._attach(~(len(self.leaf_values) // self.width))
        self.leaf_values.extend(values)

    def node(self, node: TreeNodeDef) -> None:
        """One node given as a ``TreeNodeDef`` (the slower readers' and the tests' way)."""
        if node.kind == "leaf":
            self.leaf(node.values)
        elif node.kind == "continuous":
            self.continuous(node.feature_index, node.threshold)
        else:
            self.categorical(node.feature_index, node.categories, node.is_left, node.num_categories)

    def append_compiled(self, module: Any, data: bytes) -> bool:
        """The whole tree from a ``tree.pb`` through the compiled decoder; ``False`` (nothing
        appended) where the file is not canonical or not valid: the caller decodes it then."""
        parts = module.parse_protobuf_tree(
            data,
            self.num_features,
            self.width,
            MAX_TREE_NODES,
            MAX_TREE_DEPTH,
            len(self.feature),
            len(self.leaf_values) // self.width,
            len(self.set_is_left),
            len(self.set_values),
            len(self.written_values),
        )
        if parts is None:
            return False
        root, depth, count, *blobs = parts
        targets: tuple[array[Any], ...] = (
            self.feature,
            self.threshold,
            self.left,
            self.right,
            self.split_set,
            self.set_start,
            self.set_values,
            self.set_is_left,
            self.written_start,
            self.written_values,
            self.written_num_categories,
            self.leaf_values,
        )
        for target, blob in zip(targets, blobs, strict=True):
            target.frombytes(blob)
        self.roots.append(root)
        self._count = count
        self._depth = depth
        return True

    def end_tree(self) -> None:
        if self._count == 0:
            raise BundleError(f"{self._where}: the tree file holds no nodes")
        if self._open:
            raise BundleError(
                f"{self._where}: tree is truncated: node {self._open[-1]} is missing "
                f"{'its right child' if self._right_pending[-1] else 'its children'}"
            )
        self.depths.append(self._depth)
        self.wheres.append(self._where)

    def layout(self) -> TreeLayout:
        if not self.roots:
            raise ValueError("a tree layout needs at least one tree")
        return TreeLayout(
            num_features=self.num_features,
            width=self.width,
            roots=self.roots,
            depths=self.depths,
            wheres=tuple(self.wheres),
            feature=self.feature,
            threshold=self.threshold,
            left=self.left,
            right=self.right,
            split_set=self.split_set,
            set_start=self.set_start,
            set_values=self.set_values,
            set_is_left=self.set_is_left,
            written_start=self.written_start,
            written_values=self.written_values,
            written_num_categories=self.written_num_categories,
            leaf_values=self.leaf_values,
        )


def layout_of(
    trees: Sequence[Sequence[TreeNodeDef]], num_features: int, width: int = 1, where: str = "tree"
) -> TreeLayout:
    """The layout of trees given as node lists (tests and benchmarks build trees this way).

    Example
    -------
    >>> from snowleap.bundle.definitions import TreeNodeDef
    >>> layout = layout_of(
    ...     [[TreeNodeDef("continuous", feature_index=0, threshold=1.5),
    ...       TreeNodeDef("leaf", values=(10.0,)), TreeNodeDef("leaf", values=(20.0,))]],
    ...     num_features=1)
    >>> layout.roots.tolist(), layout.left.tolist(), layout.right.tolist()
    ([0], [-1], [-2])
    """
    builder = LayoutBuilder(num_features, width, "values")
    for number, nodes in enumerate(trees):
        builder.begin_tree(f"{where}{number}")
        for node in nodes:
            builder.node(node)
        builder.end_tree()
    return builder.layout()
