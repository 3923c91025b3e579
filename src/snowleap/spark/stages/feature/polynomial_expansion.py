"""Spark's ``PolynomialExpansion`` -> ``polynomial_expansion``."""

from __future__ import annotations

from math import comb

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import polynomial_expansion as polynomial_expansion_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.vector_map import vector_in_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.PolynomialExpansion",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    degree = int(stage.param("degree"))
    width = columns.vector(stage.param("inputCol"), stage.description).width
    assert width is not None
    # NOTE: Spark's output size: every monomial of degree 1..d in n variables.
    source, target, _ = vector_in_out(stage, columns, width=comb(width + degree, degree) - 1)
    return [polynomial_expansion_op.stored(stage.uid, source, target, degree, width)]
