"""Spark's ``NGram`` -> ``ngram`` (``n``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import ngram as ngram_op
from snowleap.spark.columns import TOKENS, Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.tokens import tokens_in

SPARK_CLASSES = ("org.apache.spark.ml.feature.NGram",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    source, target = stage.param("inputCol"), stage.param("outputCol")
    tokens_in(stage, columns, source, target, TOKENS)
    return [ngram_op.stored(stage.uid, source, target, int(stage.param("n")))]
