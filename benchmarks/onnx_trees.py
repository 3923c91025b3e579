"""A snowleap tree model as an ONNX ``TreeEnsemble*`` model, for ONNX Runtime to score the same
trees on the same features (``benchmarks/tree_runtime.py``).

The nodes are written by ``onnx_conversion``'s own tree writer (its categorical splits as
``BRANCH_EQ`` chains, leaves as onnxmltools writes them), fed through a small adapter that shows
the layout's nodes with the accessors of Spark's tree nodes it reads.
"""

from __future__ import annotations

from typing import Any

from benchmarks.onnx_conversion import _TreeWriter
from snowleap.ops.tree.layout import TreeLayout


class _Name:
    def __init__(self, name: str) -> None:
        self.name = name

    def getSimpleName(self) -> str:  # noqa: N802 (Spark's accessor names)
        return self.name


class _Stats:
    def __init__(self, values: tuple[float, ...]) -> None:
        self.values = values

    def stats(self) -> tuple[float, ...]:
        return self.values


class _Split:
    def __init__(self, layout: TreeLayout, node: int) -> None:
        self.layout, self.node = layout, node
        self.slot = layout.split_set[node]

    def getClass(self) -> _Name:  # noqa: N802
        return _Name("ContinuousSplit" if self.slot == 0 else "CategoricalSplit")

    def featureIndex(self) -> int:  # noqa: N802
        return self.layout.feature[self.node]

    def threshold(self) -> float:
        return self.layout.threshold[self.node]

    def _sides(self) -> tuple[list[float], list[float]]:
        layout, index = self.layout, self.slot - 1
        members = layout.set_values[layout.set_start[index] : layout.set_start[index + 1]].tolist()
        count = layout.written_num_categories[index] or int(max(members, default=0.0)) + 1
        others = [float(c) for c in range(count) if float(c) not in members]
        return (members, others) if layout.set_is_left[index] else (others, members)

    def leftCategories(self) -> list[float]:  # noqa: N802
        return self._sides()[0]

    def rightCategories(self) -> list[float]:  # noqa: N802
        return self._sides()[1]


class _Node:
    """A layout node (child reference) with the accessors ``_TreeWriter`` calls."""

    def __init__(self, layout: TreeLayout, reference: int) -> None:
        self.layout, self.reference = layout, reference

    def getClass(self) -> _Name:  # noqa: N802
        return _Name("LeafNode" if self.reference < 0 else "InternalNode")

    def prediction(self) -> float:
        return self.layout.leaf(~self.reference)[0]

    def impurityStats(self) -> _Stats:  # noqa: N802
        return _Stats(self.layout.leaf(~self.reference))

    def split(self) -> _Split:
        return _Split(self.layout, self.reference)

    def leftChild(self) -> _Node:  # noqa: N802
        return _Node(self.layout, self.layout.left[self.reference])

    def rightChild(self) -> _Node:  # noqa: N802
        return _Node(self.layout, self.layout.right[self.reference])


def onnx_forest(layout: TreeLayout, kind: str, mean: bool) -> bytes:
    """An ONNX model scoring ``layout``'s trees: ``kind`` ``"regressor"`` (output ``Y``, the
    trees' mean if ``mean`` else their sum) or ``"classifier"`` (``label``, ``probabilities``:
    a forest's mean vote)."""
    from onnx import TensorProto, helper

    writer = _TreeWriter(kind)
    weight = 1.0 / layout.num_trees if mean or kind == "classifier" else 1.0
    for tree in range(layout.num_trees):
        writer.start_tree()
        writer.write(_Node(layout, layout.roots[tree]), tree, weight)
    attributes: dict[str, Any] = dict(writer.lists)
    attributes["post_transform"] = "NONE"
    features = helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, layout.num_features])
    if kind == "regressor":
        attributes["n_targets"] = 1
        outputs = [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [None, 1])]
        node = helper.make_node(
            "TreeEnsembleRegressor", ["X"], ["Y"], domain="ai.onnx.ml", **attributes
        )
    else:
        attributes["classlabels_int64s"] = list(range(max(2, layout.width)))
        outputs = [
            helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
            helper.make_tensor_value_info(
                "probabilities", TensorProto.FLOAT, [None, max(2, layout.width)]
            ),
        ]
        node = helper.make_node(
            "TreeEnsembleClassifier",
            ["X"],
            ["label", "probabilities"],
            domain="ai.onnx.ml",
            **attributes,
        )
    graph = helper.make_graph([node], "snowleap_forest", [features], outputs)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.ml", 3)],
    )
    model.ir_version = 8
    serialized: bytes = model.SerializeToString()
    return serialized
