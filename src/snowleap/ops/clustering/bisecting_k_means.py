"""``bisecting_k_means``: a walk down the tree of cluster centers; mirrors MLeap's
``BisectingKMeansModel`` (Spark's ``ClusteringTreeNode.predict``).

The model file has no attributes: the tree is the ``tree.json``/``tree.pb`` file beside it, one
``ctree.Node`` per node in depth-first order (its center, the center's norm, how many children
follow). From the root, a row moves to the child whose center is nearest (the first of equal
distances) until it reaches a leaf; the leaf's ``index`` is the cluster. As with ``k_means``,
MLeap measures Euclidean distances only: snowleap's writer adds ``distance_measure = "cosine"``
for Spark's cosine models (MLeap's runtime ignores it), scored with Spark's cosine distance and
the stored norms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from snowleap.bundle import store as attr
from snowleap.bundle.definitions import ClusterNodeDef
from snowleap.bundle.store import StoredModel
from snowleap.bundle.values import Value
from snowleap.errors import BundleError
from snowleap.numeric import np
from snowleap.ops.clustering.clusterer import Clusterer, ClustererOp, argmin_batch, argmin_row
from snowleap.ops.clustering.distances import (
    COSINE,
    DISTANCE_MEASURES,
    EUCLIDEAN,
    cosine,
    distances_batch,
    norm,
    squared_distance,
)
from snowleap.ops.linalg import sequential_dot

if TYPE_CHECKING:
    from snowleap.bundle.reader import NodeContext
    from snowleap.numeric import AnyArray, FloatArray

#: bounds a hostile tree file (Spark's trees have 2k - 1 nodes; k is rarely above a few hundred)
MAX_DEPTH = 10_000


@dataclass(frozen=True)
class ClusterTree:
    """The tree in flat lists by pre-order position: each node's cluster index (leaves >= 0),
    center, center norm and children's positions."""

    indices: list[int]
    centers: list[list[float]]
    norms: list[float]
    children: list[list[int]]

    @property
    def num_features(self) -> int:
        return len(self.centers[0])

    @property
    def leaves(self) -> list[int]:
        return [i for i, kids in enumerate(self.children) if not kids]

    def node_defs(self) -> list[ClusterNodeDef]:
        return [
            ClusterNodeDef(index, node_norm, tuple(center), len(kids))
            for index, center, node_norm, kids in zip(
                self.indices, self.centers, self.norms, self.children, strict=True
            )
        ]


def build_tree(nodes: Sequence[ClusterNodeDef], where: str) -> ClusterTree:
    """The tree of a file's nodes in depth-first order, checked as MLeap's reader checks it."""
    if not nodes:
        raise BundleError(f"{where}: the clustering tree has no node")
    children: list[list[int]] = [[] for _ in nodes]
    # NOTE: an explicit stack (position, children still to read), not recursion: a deep file
    # must not overflow Python's stack.
    pending: list[list[int]] = [[0, nodes[0].num_children]]
    for position in range(1, len(nodes)):
        while pending and pending[-1][1] == 0:
            pending.pop()
        if not pending:
            raise BundleError(
                f"{where}: {len(nodes) - position} node(s) after the tree's last node"
            )
        parent = pending[-1]
        parent[1] -= 1
        children[parent[0]].append(position)
        if nodes[position].num_children:
            if len(pending) >= MAX_DEPTH:
                raise BundleError(f"{where}: the clustering tree is deeper than {MAX_DEPTH}")
            pending.append([position, nodes[position].num_children])
    if any(left for _, left in pending):
        raise BundleError(f"{where}: the file ends before the tree does (children missing)")
    width = len(nodes[0].values)
    for position, node in enumerate(nodes):
        if len(node.values) != width:
            raise BundleError(
                f"{where}: node {position} has a center of {len(node.values)} values, the "
                f"root's has {width}"
            )
        if (node.num_children == 0) != (node.index >= 0):
            raise BundleError(
                f"{where}: node {position} has index {node.index} and {node.num_children} "
                "children: leaves have an index >= 0, internal nodes a negative one"
            )
    if width == 0:
        raise BundleError(f"{where}: the cluster centers have no value")
    return ClusterTree(
        [n.index for n in nodes], [list(n.values) for n in nodes], [n.norm for n in nodes], children
    )


class BisectingKMeans(Clusterer):
    def __init__(self, tree: ClusterTree, distance_measure: str = EUCLIDEAN) -> None:
        super().__init__(tree.num_features, len(tree.leaves))
        self.tree = tree
        self.distance_measure = distance_measure

    @cached_property
    def _internal(self) -> list[tuple[int, AnyArray, list[list[float]], list[float]]]:
        """Each internal node in pre-order (parents first): position, children's positions as
        an array, their centers and norms."""
        tree = self.tree
        return [
            (
                position,
                np.asarray(kids, dtype=np.intp),
                [tree.centers[c] for c in kids],
                [tree.norms[c] for c in kids],
            )
            for position, kids in enumerate(tree.children)
            if kids
        ]

    @cached_property
    def _cluster_of_position(self) -> AnyArray:
        return np.asarray(self.tree.indices, dtype=np.int32)

    def predict_batch(self, features: FloatArray) -> AnyArray:
        position = np.zeros(features.shape[0], dtype=np.intp)
        for node, kids, centers, norms in self._internal:
            here = np.flatnonzero(position == node)
            if here.size:
                distances = distances_batch(features[here], centers, norms, self.distance_measure)
                position[here] = kids[argmin_batch(distances)]
        result: AnyArray = self._cluster_of_position[position]
        return result

    def predict_row_function(self) -> Callable[[list[float]], int]:
        tree = self.tree
        # (children's positions, their centers, their norms) by position; None for a leaf
        steps = [
            (kids, [tree.centers[c] for c in kids], [tree.norms[c] for c in kids]) if kids else None
            for kids in tree.children
        ]
        indices = tree.indices
        by_angle = self.distance_measure == COSINE

        def predict(x: list[float]) -> int:
            position = 0
            x_norm = norm(x) if by_angle else 0.0
            step = steps[0]
            while step is not None:
                kids, centers, norms = step
                if by_angle:
                    distances = [
                        cosine(sequential_dot(x, c), x_norm, c_norm)
                        for c, c_norm in zip(centers, norms, strict=True)
                    ]
                else:
                    distances = [squared_distance(x, c) for c in centers]
                position = kids[argmin_row(distances)]
                step = steps[position]
            return indices[position]

        return predict


class BisectingKMeansOp(ClustererOp):
    op_name = "bisecting_k_means"

    @classmethod
    def from_bundle(cls, node: NodeContext) -> BisectingKMeansOp:
        tree = build_tree(
            node.read_cluster_tree(), node.file_where(f"tree.{node.format.extension}")
        )
        measure = node.attributes.get_string("distance_measure", EUCLIDEAN)
        if measure not in DISTANCE_MEASURES:
            raise BundleError(
                f"{node.where}: 'distance_measure' {measure!r} is not one of "
                f"{', '.join(DISTANCE_MEASURES)}"
            )
        return cls.wired(node, BisectingKMeans(tree, measure))

    def stored_model(self) -> StoredModel:
        model = self.model
        assert isinstance(model, BisectingKMeans), "from_bundle builds a BisectingKMeans"
        return stored_model(model.tree.node_defs(), model.distance_measure)


def stored_model(nodes: Sequence[ClusterNodeDef], distance_measure: str = EUCLIDEAN) -> StoredModel:
    """The ``bisecting_k_means`` model MLeap writes: no attribute, the tree in ``tree.<ext>``;
    a cosine model adds ``distance_measure``."""
    attributes: dict[str, Value] = {}
    if distance_measure != EUCLIDEAN:
        attributes["distance_measure"] = attr.string(distance_measure)
    return StoredModel("bisecting_k_means", attributes, trees={"tree": list(nodes)})
