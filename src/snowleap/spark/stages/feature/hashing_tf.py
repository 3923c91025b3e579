"""Spark's ``HashingTF`` -> ``hashing_term_frequency`` (``numFeatures``, ``binary``).

Spark 3 and 4 hash strings with ``hashUnsafeBytes2``; a ``HashingTF`` saved by Spark 2 keeps the
old hash (Spark's own ``HashingTF.load`` does the same). The version is written as newer MLeaps
write it (``hashUnsafeBytesVersion``); MLeap 0.16's runtime ignores it and always hashes the
Spark 2 way, so it disagrees with Spark 3 on most strings.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import hashing_term_frequency as hashing_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.tokens import tokens_to_vector

SPARK_CLASSES = ("org.apache.spark.ml.feature.HashingTF",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    width = int(stage.param("numFeatures"))
    source, target = tokens_to_vector(stage, columns, width)
    spark_major = int(str(stage.metadata.get("sparkVersion", "3")).split(".")[0])
    version = 2 if spark_major >= 3 else 1
    binary = bool(stage.param("binary"))
    return [hashing_op.stored(stage.uid, source, target, width, binary, version)]
