"""One decision tree read from its pre-order node list into flat, validated arrays.

Mirrors how MLeap's ``TreeSerializer`` rebuilds a tree (``ml.combust.bundle.tree.decision``): a
node is followed by its left subtree, then its right subtree. The reader here is iterative, so a
hostile file cannot exhaust the Python stack, and it rejects what MLeap would fail on later or
never: truncated or over-long node lists, trees too deep or too large to be a model, and splits on
features the model does not have. Every error names the tree file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from snowleap.bundle.definitions import TreeNodeDef
from snowleap.errors import BundleError

# NOTE: Spark caps maxDepth at 30; 64 leaves room for other writers while bounding the work a
# batch does (one gather/compare level per depth) and the nesting of the row path's tuples.
MAX_TREE_DEPTH = 64
# NOTE: a full tree of depth 20 has about two million nodes; real forests hold far fewer.
MAX_TREE_NODES = 1 << 21


@dataclass(frozen=True)
class DecisionTree:
    """A tree as parallel per-node lists, indexed in pre-order (the root is node 0).

    A leaf ``i`` has ``left[i] == right[i] == i`` and its ``values``; an internal node has its
    children's indices and either a ``threshold`` (continuous split: left iff ``x <= threshold``)
    or ``categories`` (categorical split: left iff ``(x in categories) == is_left``).
    """

    where: str
    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    categories: tuple[tuple[float, ...] | None, ...]
    is_left: tuple[bool, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    values: tuple[tuple[float, ...], ...]
    depth: int
    num_categories: tuple[int, ...] = ()

    def node_defs(self) -> list[TreeNodeDef]:
        """The nodes as a tree file lists them, in pre-order: ``build_tree``'s inverse."""
        nodes = []
        for i in range(self.size):
            categories = self.categories[i]
            if self.left[i] == i:
                nodes.append(TreeNodeDef("leaf", values=self.values[i]))
            elif categories is not None:
                nodes.append(
                    TreeNodeDef(
                        "categorical",
                        feature_index=self.feature[i],
                        categories=categories,
                        is_left=self.is_left[i],
                        num_categories=self.num_categories[i] if self.num_categories else 0,
                    )
                )
            else:
                nodes.append(
                    TreeNodeDef(
                        "continuous", feature_index=self.feature[i], threshold=self.threshold[i]
                    )
                )
        return nodes

    @property
    def size(self) -> int:
        return len(self.feature)

    def is_leaf(self, index: int) -> bool:
        return self.left[index] == index

    def leaf_indices(self) -> list[int]:
        return [i for i in range(self.size) if self.left[i] == i]

    def check_leaf_width(self, width: int, meaning: str) -> None:
        """Raise unless every leaf holds ``width`` values (``meaning`` says what they are)."""
        for i in self.leaf_indices():
            if len(self.values[i]) != width:
                raise BundleError(
                    f"{self.where}: leaf at node {i} has {len(self.values[i])} values, "
                    f"expected {width} {meaning}"
                )


def build_tree(nodes: Sequence[TreeNodeDef], num_features: int, where: str) -> DecisionTree:
    """Link a pre-order node list into a ``DecisionTree``; ``where`` names the tree file.

    Example
    -------
    >>> from snowleap.bundle.definitions import TreeNodeDef
    >>> tree = build_tree(
    ...     [TreeNodeDef("continuous", feature_index=0, threshold=1.5),
    ...      TreeNodeDef("leaf", values=(10.0,)), TreeNodeDef("leaf", values=(20.0,))],
    ...     num_features=1, where="tree.json")
    >>> tree.left, tree.right, tree.depth
    ((1, 1, 2), (2, 1, 2), 1)
    """
    count = len(nodes)
    if count == 0:
        raise BundleError(f"{where}: the tree file holds no nodes")
    if count > MAX_TREE_NODES:
        raise BundleError(f"{where}: tree has {count} nodes, more than the limit {MAX_TREE_NODES}")
    left = list(range(count))
    right = list(range(count))
    depth_of = [0] * count
    # NOTE: internal nodes whose right child has not been read yet, deepest last.
    open_nodes: list[int] = []
    right_pending = [False] * count
    max_depth = 0
    for index, node in enumerate(nodes):
        if index > 0:
            if not open_nodes:
                raise BundleError(
                    f"{where}: {count - index} node(s) after the end of the tree "
                    f"(the tree is complete after node {index - 1})"
                )
            parent = open_nodes[-1]
            if right_pending[parent]:
                right[parent] = index
                open_nodes.pop()
            else:
                left[parent] = index
                right_pending[parent] = True
            depth_of[index] = depth_of[parent] + 1
            max_depth = max(max_depth, depth_of[index])
            if max_depth > MAX_TREE_DEPTH:
                raise BundleError(
                    f"{where}: tree is deeper than the limit of {MAX_TREE_DEPTH} levels"
                )
        if node.kind != "leaf":
            if not 0 <= node.feature_index < num_features:
                raise BundleError(
                    f"{where}: node {index} splits on feature {node.feature_index}, but the "
                    f"model has {num_features} features"
                )
            open_nodes.append(index)
        elif not node.values:
            raise BundleError(f"{where}: leaf at node {index} has no values")
    if open_nodes:
        raise BundleError(
            f"{where}: tree is truncated: node {open_nodes[-1]} is missing "
            f"{'its right child' if right_pending[open_nodes[-1]] else 'its children'}"
        )
    return DecisionTree(
        where=where,
        feature=tuple(n.feature_index if n.kind != "leaf" else 0 for n in nodes),
        threshold=tuple(n.threshold if n.kind == "continuous" else 0.0 for n in nodes),
        categories=tuple(n.categories if n.kind == "categorical" else None for n in nodes),
        is_left=tuple(n.is_left for n in nodes),
        left=tuple(left),
        right=tuple(right),
        values=tuple(n.values if n.kind == "leaf" else () for n in nodes),
        depth=max_depth,
        num_categories=tuple(n.num_categories for n in nodes),
    )
