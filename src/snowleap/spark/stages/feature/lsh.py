"""Spark's LSH models -> ``bucketed_random_projection_lsh`` and ``min_hash_lsh``.

``BucketedRandomProjectionLSHModel`` saves its unit vectors as the rows of ``randUnitVectors``;
``MinHashLSHModel`` saves ``randCoefficients`` as ``a0, b0, a1, b1, ...``. Both output one
hash per table (snowleap: a vector of that width).
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import bucketed_random_projection_lsh as projection_op
from snowleap.ops.feature import min_hash_lsh as min_hash_op
from snowleap.spark.columns import Columns
from snowleap.spark.errors import SavedModelError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import matrix_rows
from snowleap.spark.stages.feature.vector_map import vector_in_out

PROJECTION = "org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel"
MIN_HASH = "org.apache.spark.ml.feature.MinHashLSHModel"
SPARK_CLASSES = (PROJECTION, MIN_HASH)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    data = stage.single_row()
    if stage.class_name == PROJECTION:
        units = matrix_rows(data["randUnitVectors"], stage, "randUnitVectors")
        source, target, column = vector_in_out(stage, columns, width=len(units))
        assert column.width is not None
        length = float(stage.param("bucketLength"))
        return [projection_op.stored(stage.uid, source, target, units, length, column.width)]
    flat = [int(c) for c in data["randCoefficients"]]
    if len(flat) % 2:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: randCoefficients should hold (a, b) pairs"
        )
    pairs = list(zip(flat[0::2], flat[1::2], strict=True))
    source, target, column = vector_in_out(stage, columns, width=len(pairs))
    assert column.width is not None
    return [min_hash_op.stored(stage.uid, source, target, pairs, column.width)]
