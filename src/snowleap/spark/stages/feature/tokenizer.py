"""Spark's ``Tokenizer`` -> ``tokenizer`` (no parameters but its columns)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import tokenizer as tokenizer_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.tokens import text_in_tokens_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.Tokenizer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    source, target = text_in_tokens_out(stage, columns)
    return [tokenizer_op.stored(stage.uid, source, target)]
