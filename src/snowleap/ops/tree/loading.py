"""Reading trees from a bundle: a model's own ``tree`` file, or an ensemble's sub-model folders.

Mirrors MLeap's tree ops: a decision tree model writes ``tree.json`` / ``tree.pb`` beside its
``model`` file; a forest or boosted ensemble lists its trees' folder names in attribute ``trees``
(weights in ``tree_weights``), each folder holding a decision tree model of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from snowleap.bundle.reader import ModelContext
from snowleap.errors import BundleError
from snowleap.ops.tree.ensemble import FlatEnsemble
from snowleap.ops.tree.structure import DecisionTree, build_tree

# NOTE: Spark forests have tens to hundreds of trees; the bounds stop a hostile bundle.
MAX_TREES = 10_000
MAX_ENSEMBLE_NODES = 1 << 23


@dataclass(frozen=True)
class LoadedEnsemble:
    """The trees of an ensemble model with their weights (as listed in ``tree_weights``)."""

    ensemble: FlatEnsemble
    weights: tuple[float, ...]


def num_features_of(model: ModelContext) -> int:
    """The ``num_features`` attribute: the width of the features vector the model reads."""
    count = model.attributes.get_long("num_features")
    if count < 0:
        raise BundleError(f"{model.where}: 'num_features' is negative ({count})")
    return count


def read_tree(model: ModelContext, num_features: int) -> DecisionTree:
    """The decision tree in ``model``'s folder (its ``tree`` file)."""
    where = model.file_where(f"tree.{model.format.extension}")
    return build_tree(model.read_tree("tree"), num_features, where)


def read_single_tree(model: ModelContext, num_features: int) -> FlatEnsemble:
    return FlatEnsemble([read_tree(model, num_features)])


def read_ensemble(model: ModelContext, tree_op: str, num_features: int) -> LoadedEnsemble:
    """The trees listed in attribute ``trees``; each sub-model must be a ``tree_op`` model."""
    names = model.attributes.get_string_list("trees")
    weights = tuple(model.attributes.get_double_list("tree_weights"))
    if not names:
        raise BundleError(f"{model.where}: attribute 'trees' lists no trees")
    if len(names) > MAX_TREES:
        raise BundleError(f"{model.where}: {len(names)} trees, more than the limit {MAX_TREES}")
    if len(weights) != len(names):
        raise BundleError(
            f"{model.where}: {len(names)} trees but {len(weights)} values in 'tree_weights'"
        )
    trees = []
    total_nodes = 0
    for name in names:
        sub_model = model.sub_model(name)
        if sub_model.op != tree_op:
            raise BundleError(
                f"{sub_model.where}: tree model has op {sub_model.op!r}, expected {tree_op!r}"
            )
        tree = read_tree(sub_model, num_features)
        total_nodes += tree.size
        if total_nodes > MAX_ENSEMBLE_NODES:
            raise BundleError(
                f"{model.where}: the trees hold more than {MAX_ENSEMBLE_NODES} nodes in all"
            )
        trees.append(tree)
    return LoadedEnsemble(ensemble=FlatEnsemble(trees), weights=weights)
