"""Convert a fitted Spark pipeline to ONNX with onnxmltools, and correct its categorical splits.

``onnxmltools.convert_sparkml`` writes every tree split as ``BRANCH_LEQ`` on a threshold; for a
Spark categorical split (go left when the feature is one of ``leftCategories``) it takes the first
left category as that threshold, which is wrong whenever the set is not ``{0, ..., k}``. The
corrected model rebuilds each ``TreeEnsemble*`` node from the Spark trees themselves: continuous
splits stay ``BRANCH_LEQ``; a categorical split becomes a chain of ``BRANCH_EQ`` tests, one per
category of the smaller side of the split, each leading to its own copy of that side's subtree
(ONNX tree nodes have one parent, so shared subtrees are copied).

Runs inside the Spark phase (it needs the live Spark models). Spark is imported lazily.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_TREE_ENSEMBLE_CLASSES = {
    "RandomForestRegressionModel": "regressor",
    "DecisionTreeRegressionModel": "regressor",
    "GBTRegressionModel": "regressor",
    "RandomForestClassificationModel": "classifier",
    "DecisionTreeClassificationModel": "classifier",
}


@dataclass
class Conversion:
    """The converted model(s) and what was found while converting."""

    converted: bytes | None = None
    # the converted graph with only the Concat casts added: shows the tree converter's own error
    cast_only: bytes | None = None
    corrected: bytes | None = None
    categorical_splits: int = 0
    notes: list[str] = field(default_factory=list)
    error: str | None = None


def convert_pipeline(model: Any, spark: Any, input_types: dict[str, str]) -> Conversion:
    """Convert a fitted ``PipelineModel``; ``input_types`` maps column -> string|double."""
    from onnxmltools import convert_sparkml
    from onnxmltools.convert.common.data_types import FloatTensorType, StringTensorType

    result = Conversion()
    initial_types = [
        (name, StringTensorType([None, 1]) if kind == "string" else FloatTensorType([None, 1]))
        for name, kind in input_types.items()
    ]
    try:
        onnx_model = convert_sparkml(
            model, "snowleap-bench", initial_types, spark_session=spark, target_opset=15
        )
    except Exception as exc:
        result.error = f"onnxmltools.convert_sparkml failed: {type(exc).__name__}: {exc}"[:600]
        return result
    result.converted = onnx_model.SerializeToString()
    cast = _cast_mixed_concat_inputs(onnx_model)
    if cast:
        result.notes.append(
            f"the converter concatenates int64 string indices with float features ({cast} "
            "inputs of Concat): the graph does not load; corrected model casts them to float"
        )
    forests = [stage for stage in model.stages if type(stage).__name__ in _TREE_ENSEMBLE_CLASSES]
    tree_nodes = [node for node in onnx_model.graph.node if node.op_type.startswith("TreeEnsemble")]
    if cast:
        result.cast_only = onnx_model.SerializeToString()
    if not forests:
        result.corrected = result.cast_only
        return result
    if len(forests) != len(tree_nodes):
        result.notes.append(
            f"{len(forests)} Spark tree stages but {len(tree_nodes)} ONNX tree nodes: not corrected"
        )
        return result
    for stage, node in zip(forests, tree_nodes, strict=True):
        kind = _TREE_ENSEMBLE_CLASSES[type(stage).__name__]
        attributes, categorical = _ensemble_attributes(stage, kind)
        result.categorical_splits += categorical
        _replace_attributes(node, attributes)
    result.notes.append(
        f"{result.categorical_splits} categorical splits: the converter writes them as "
        "BRANCH_LEQ thresholds (wrong); corrected model uses BRANCH_EQ chains"
    )
    result.corrected = onnx_model.SerializeToString()
    return result


def _trees_and_weights(stage: Any) -> list[tuple[Any, float]]:
    name = type(stage).__name__
    if name.startswith("DecisionTree"):
        return [(stage._java_obj.rootNode(), 1.0)]
    trees = stage.trees
    if name.startswith("GBT"):
        return [
            (tree._java_obj.rootNode(), float(w))
            for tree, w in zip(trees, stage.treeWeights, strict=True)
        ]
    return [(tree._java_obj.rootNode(), 1.0 / len(trees)) for tree in trees]


class _TreeWriter:
    """Accumulates the flat ``nodes_*`` and leaf attribute lists of a tree ensemble.

    Leaves are written the way onnxmltools writes them: a regressor's leaf holds its prediction
    times the tree's weight (``target_*``); a classifier's holds its normalized class counts times
    the tree's weight (``class_*``), only class 1's for two classes (ONNX's binary form).
    """

    def __init__(self, kind: str) -> None:
        self.leaf = "target" if kind == "regressor" else "class"
        self.lists: dict[str, list[Any]] = {
            key: []
            for key in (
                "nodes_treeids",
                "nodes_nodeids",
                "nodes_featureids",
                "nodes_modes",
                "nodes_values",
                "nodes_truenodeids",
                "nodes_falsenodeids",
                "nodes_missing_value_tracks_true",
                "nodes_hitrates",
                f"{self.leaf}_treeids",
                f"{self.leaf}_nodeids",
                f"{self.leaf}_ids",
                f"{self.leaf}_weights",
            )
        }
        self.categorical = 0
        self._next_id = 0
        self._tree_start = 0

    def _new_node(self, tree_id: int, mode: str, feature: int, value: float) -> int:
        node_id = self._next_id
        self._next_id += 1
        lists = self.lists
        lists["nodes_treeids"].append(tree_id)
        lists["nodes_nodeids"].append(node_id)
        lists["nodes_featureids"].append(feature)
        lists["nodes_modes"].append(mode)
        lists["nodes_values"].append(value)
        lists["nodes_truenodeids"].append(0)
        lists["nodes_falsenodeids"].append(0)
        lists["nodes_missing_value_tracks_true"].append(0)
        lists["nodes_hitrates"].append(1.0)
        return node_id

    def _link(self, node_id: int, true_id: int, false_id: int) -> None:
        # NOTE: node ids restart at 0 in each tree; the lists hold every tree, hence the offset.
        position = self._tree_start + node_id
        self.lists["nodes_truenodeids"][position] = true_id
        self.lists["nodes_falsenodeids"][position] = false_id

    def start_tree(self) -> None:
        self._next_id = 0
        self._tree_start = len(self.lists["nodes_nodeids"])

    def write(self, java_node: Any, tree_id: int, weight: float) -> int:
        """Write ``java_node`` and its subtree; returns the id of the node written first."""
        if java_node.getClass().getSimpleName() == "LeafNode":
            node_id = self._new_node(tree_id, "LEAF", 0, 0.0)
            if self.leaf == "target":
                values = [float(java_node.prediction())]
            else:
                counts = [float(c) for c in java_node.impurityStats().stats()]
                total = sum(counts) or 1.0
                values = [c / total for c in counts]
                values = values[1:] if len(values) == 2 else values
            for index, value in enumerate(values):
                self.lists[f"{self.leaf}_treeids"].append(tree_id)
                self.lists[f"{self.leaf}_nodeids"].append(node_id)
                self.lists[f"{self.leaf}_ids"].append(index)
                self.lists[f"{self.leaf}_weights"].append(value * weight)
            return node_id
        split = java_node.split()
        feature = int(split.featureIndex())
        left, right = java_node.leftChild(), java_node.rightChild()
        if split.getClass().getSimpleName() == "ContinuousSplit":
            node_id = self._new_node(tree_id, "BRANCH_LEQ", feature, float(split.threshold()))
            true_id = self.write(left, tree_id, weight)
            self._link(node_id, true_id, self.write(right, tree_id, weight))
            return node_id
        self.categorical += 1
        left_set = [float(c) for c in split.leftCategories()]
        right_set = [float(c) for c in split.rightCategories()]
        # NOTE: test the smaller side, so the chain (and the copies of its subtree) stay short.
        tested, hit, miss = (
            (left_set, left, right) if len(left_set) <= len(right_set) else (right_set, right, left)
        )
        return self._chain(tested, feature, hit, miss, tree_id, weight)

    def _chain(
        self,
        categories: list[float],
        feature: int,
        hit: Any,
        miss: Any,
        tree_id: int,
        weight: float,
    ) -> int:
        node_id = self._new_node(tree_id, "BRANCH_EQ", feature, categories[0])
        true_id = self.write(hit, tree_id, weight)
        if len(categories) == 1:
            false_id = self.write(miss, tree_id, weight)
        else:
            false_id = self._chain(categories[1:], feature, hit, miss, tree_id, weight)
        self._link(node_id, true_id, false_id)
        return node_id


def _ensemble_attributes(stage: Any, kind: str) -> tuple[dict[str, Any], int]:
    writer = _TreeWriter(kind)
    for tree_id, (root, weight) in enumerate(_trees_and_weights(stage)):
        writer.start_tree()
        writer.write(root, tree_id, weight)
    attributes: dict[str, Any] = dict(writer.lists)
    if kind == "regressor":
        attributes["n_targets"] = 1
    attributes["post_transform"] = "NONE"
    return attributes, writer.categorical


def _replace_attributes(node: Any, attributes: dict[str, Any]) -> None:
    from onnx import helper

    keep = [a for a in node.attribute if a.name not in attributes and a.name != "base_values"]
    del node.attribute[:]
    node.attribute.extend(keep)
    for name, value in attributes.items():
        node.attribute.append(helper.make_attribute(name, value))


def _cast_mixed_concat_inputs(onnx_model: Any) -> int:
    """Insert ``Cast(to=float)`` before int64 inputs of ``Concat`` nodes; returns how many."""
    import onnx
    from onnx import TensorProto, helper

    inferred = onnx.shape_inference.infer_shapes(onnx_model)
    elem_types = {
        value.name: value.type.tensor_type.elem_type
        for value in (*inferred.graph.value_info, *inferred.graph.input, *inferred.graph.output)
    }
    graph = onnx_model.graph
    casts = 0
    for position in range(len(graph.node) - 1, -1, -1):
        node = graph.node[position]
        if node.op_type != "Concat":
            continue
        for index, name in enumerate(node.input):
            if elem_types.get(name) != TensorProto.INT64:
                continue
            cast_name = f"{name}_as_float"
            graph.node.insert(
                position,
                helper.make_node(
                    "Cast", [name], [cast_name], to=TensorProto.FLOAT, name=f"Cast_{cast_name}"
                ),
            )
            node.input[index] = cast_name
            casts += 1
    return casts
