"""Reading trees from a bundle: a model's own ``tree`` file, or an ensemble's sub-model folders.

Mirrors MLeap's tree ops: a decision tree model writes ``tree.json`` / ``tree.pb`` beside its
``model`` file; a forest or boosted ensemble lists its trees' folder names in attribute ``trees``
(weights in ``tree_weights``), each folder holding a decision tree model of its own. Every tree's
nodes go straight from the file's decoder into one compact layout (``structure.LayoutBuilder``).
"""

from __future__ import annotations

from dataclasses import dataclass

from snowleap.bundle.reader import ModelContext
from snowleap.errors import BundleError
from snowleap.ops.tree.layout import TreeLayout
from snowleap.ops.tree.parsing import read_tree_into
from snowleap.ops.tree.structure import LayoutBuilder

# NOTE: Spark forests have tens to hundreds of trees; the bounds stop a hostile bundle.
MAX_TREES = 10_000
MAX_ENSEMBLE_NODES = 1 << 23


@dataclass(frozen=True)
class LoadedEnsemble:
    """The trees of an ensemble model with their weights (as listed in ``tree_weights``)."""

    layout: TreeLayout
    weights: tuple[float, ...]


@dataclass(frozen=True)
class LeafShape:
    """What every leaf of a model's trees holds: ``width`` values meaning ``meaning``."""

    width: int
    meaning: str


PREDICTION = LeafShape(1, "prediction value")


def class_counts(num_classes: int) -> LeafShape:
    return LeafShape(num_classes, "class counts")


def num_features_of(model: ModelContext) -> int:
    """The ``num_features`` attribute: the width of the features vector the model reads."""
    count = model.attributes.get_long("num_features")
    if count < 0:
        raise BundleError(f"{model.where}: 'num_features' is negative ({count})")
    return count


def read_single_tree(model: ModelContext, num_features: int, leaves: LeafShape) -> TreeLayout:
    """The decision tree in ``model``'s folder (its ``tree`` file)."""
    builder = LayoutBuilder(num_features, leaves.width, leaves.meaning)
    read_tree_into(model, builder)
    return builder.layout()


def read_ensemble(
    model: ModelContext, tree_op: str, num_features: int, leaves: LeafShape
) -> LoadedEnsemble:
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
    builder = LayoutBuilder(num_features, leaves.width, leaves.meaning)
    for name in names:
        sub_model = model.sub_model(name)
        if sub_model.op != tree_op:
            raise BundleError(
                f"{sub_model.where}: tree model has op {sub_model.op!r}, expected {tree_op!r}"
            )
        read_tree_into(sub_model, builder)
        if builder.num_nodes > MAX_ENSEMBLE_NODES:
            raise BundleError(
                f"{model.where}: the trees hold more than {MAX_ENSEMBLE_NODES} nodes in all"
            )
    return LoadedEnsemble(layout=builder.layout(), weights=weights)
