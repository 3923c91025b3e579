"""What the Spark-stage modules share: Spark's saved vectors and matrices, column params, trees."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from snowleap.bundle.definitions import TreeNodeDef
from snowleap.spark.columns import Columns
from snowleap.spark.errors import SavedModelError, StageNotExportableError
from snowleap.spark.saved import FittedStage


def vector_values(raw: Mapping[str, Any], stage: FittedStage, what: str) -> list[float]:
    """A Spark ``Vector`` as saved in Parquet (``type`` 1 dense, 0 sparse) as a dense list."""
    try:
        values = [float(v) for v in raw["values"]]
        if raw["type"] == 1:
            return values
        dense = [0.0] * int(raw["size"])
        for index, value in zip(raw["indices"], values, strict=True):
            dense[int(index)] = value
        return dense
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: {what} is not a vector ({exc})"
        ) from None


def matrix_rows(raw: Mapping[str, Any], stage: FittedStage, what: str) -> list[list[float]]:
    """A Spark ``Matrix`` as saved in Parquet as a list of rows (dense or sparse, any layout)."""
    try:
        rows, cols = int(raw["numRows"]), int(raw["numCols"])
        values = [float(v) for v in raw["values"]]
        transposed = bool(raw.get("isTransposed"))
        out = [[0.0] * cols for _ in range(rows)]
        if raw["type"] == 1:
            for i, value in enumerate(values):
                r, c = (i // cols, i % cols) if transposed else (i % rows, i // rows)
                out[r][c] = value
            return out
        # NOTE: sparse (CSC, or CSR when transposed): pointers over the major dimension.
        pointers, indices = raw["colPtrs"], raw["rowIndices"]
        for major in range(len(pointers) - 1):
            for k in range(pointers[major], pointers[major + 1]):
                r, c = (major, indices[k]) if transposed else (indices[k], major)
                out[r][c] = values[k]
        return out
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: {what} is not a matrix ({exc})"
        ) from None


def in_out_columns(stage: FittedStage) -> list[tuple[str, str]]:
    """``(input, output)`` column pairs of a stage set with ``inputCol(s)``/``outputCol(s)``."""
    if stage.is_set("inputCols"):
        inputs, outputs = stage.param("inputCols"), stage.param("outputCols")
        if len(inputs) != len(outputs):
            raise StageNotExportableError(
                f"stage {stage.description}: {len(inputs)} inputCols but {len(outputs)} outputCols"
            )
        return list(zip(inputs, outputs, strict=True))
    return [(stage.param("inputCol"), stage.param("outputCol"))]


def split_names(stage: FittedStage, count: int) -> list[str]:
    """Node names for a stage written as one node per column (MLeap 0.16 ops are per column)."""
    return [stage.uid] if count == 1 else [f"{stage.uid}_{i}" for i in range(count)]


def set_outputs(stage: FittedStage, ports: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``(port, column)`` for each output param that is set to a non-empty column name."""
    return [(port, stage.param(param)) for port, param in ports if stage.param(param, "")]


def features_width(stage: FittedStage, columns: Columns, expected: int) -> str:
    """The stage's ``featuresCol``, checked to hold the ``expected`` number of features."""
    features = stage.param("featuresCol")
    width = columns.vector(features, stage.description).width
    if width != expected:
        raise StageNotExportableError(
            f"stage {stage.description} reads {expected} features, but column {features!r} "
            f"holds {width}: describe raw vector inputs with --input-schema NAME=vector:WIDTH"
        )
    return str(features)


CLASSIFIER_OUTPUTS = (
    ("raw_prediction", "rawPredictionCol"),
    ("probability", "probabilityCol"),
    ("prediction", "predictionCol"),
)


def tree_nodes(
    rows: Sequence[Mapping[str, Any]], impurities: bool, where: str
) -> list[TreeNodeDef]:
    """A Spark tree's saved nodes (``id``, children, ``split``) in MLeap's depth-first order.

    Leaves hold the class counts (``impurities``, classification trees) or the prediction;
    a categorical split keeps the shorter of its left and right category sets, as MLeap's
    ``SparkNodeWrapper`` does.
    """
    by_id = {int(row["id"]): row for row in rows}
    if 0 not in by_id:
        raise SavedModelError(f"{where}: tree has no root node (id 0)")
    out: list[TreeNodeDef] = []
    pending = [0]
    while pending:
        node = by_id.get(pending.pop())
        if node is None or len(out) > len(by_id):
            raise SavedModelError(f"{where}: tree nodes do not link into one tree")
        left, right = int(node["leftChild"]), int(node["rightChild"])
        if left < 0:
            values = node["impurityStats"] if impurities else [node["prediction"]]
            out.append(TreeNodeDef("leaf", values=tuple(float(v) for v in values)))
            continue
        split = node["split"]
        feature, count = int(split["featureIndex"]), int(split["numCategories"])
        given = [float(v) for v in split["leftCategoriesOrThreshold"]]
        if count < 0:
            out.append(TreeNodeDef("continuous", feature_index=feature, threshold=given[0]))
        else:
            right_set = [float(c) for c in range(count) if float(c) not in set(given)]
            is_left = len(given) < len(right_set)
            out.append(
                TreeNodeDef(
                    "categorical",
                    feature_index=feature,
                    categories=tuple(given if is_left else right_set),
                    is_left=is_left,
                    num_categories=count,
                )
            )
        pending += (right, left)
    return out


def trees_by_id(stage: FittedStage) -> tuple[list[list[dict[str, Any]]], list[float]]:
    """An ensemble's trees (node rows by tree) and weights, from ``data`` and ``treesMetadata``.

    NOTE: Spark 4 writes the ``treesMetadata`` columns as ``_1``, ``_2``, ``_3`` (Spark 3:
    ``treeID``, ``metadata``, ``weights``), so they are read by position.
    """
    weights: dict[int, float] = {}
    for row in stage.rows("treesMetadata"):
        tree_id, _, weight = list(row.values())[:3]
        weights[int(tree_id)] = float(weight)
    nodes: dict[int, list[dict[str, Any]]] = {tree_id: [] for tree_id in weights}
    for row in stage.rows("data"):
        tree_id = int(row["treeID"])
        if tree_id not in nodes:
            raise SavedModelError(
                f"{stage.path}/data: node of tree {tree_id}, not in treesMetadata"
            )
        nodes[tree_id].append(row["nodeData"])
    order = sorted(weights)
    return [nodes[i] for i in order], [weights[i] for i in order]
