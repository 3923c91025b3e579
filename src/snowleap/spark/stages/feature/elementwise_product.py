"""Spark's ``ElementwiseProduct`` -> ``elementwise_product``."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import elementwise_product as elementwise_product_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.ElementwiseProduct",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    # NOTE: a saved param vector is Spark's JSON of a Vector: {"type": 1, "values": [...]}.
    raw = stage.param("scalingVec")
    scaling = [float(v) for v in raw["values"]] if raw.get("type") == 1 else _sparse(raw)
    source, target, _ = vector_in_out(stage, columns)
    return [elementwise_product_op.stored(stage.uid, source, target, scaling)]


def _sparse(raw: dict[str, list[float]]) -> list[float]:
    dense = [0.0] * int(raw["size"])  # type: ignore[call-overload]
    for index, value in zip(raw["indices"], raw["values"], strict=True):
        dense[int(index)] = float(value)
    return dense
