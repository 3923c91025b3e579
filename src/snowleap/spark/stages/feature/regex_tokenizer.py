"""Spark's ``RegexTokenizer`` -> ``regex_tokenizer`` (``pattern``, ``gaps``, ``minTokenLength``,
``toLowercase``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import regex_tokenizer as regex_tokenizer_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.tokens import text_in_tokens_out

SPARK_CLASSES = ("org.apache.spark.ml.feature.RegexTokenizer",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    source, target = text_in_tokens_out(stage, columns)
    return [
        regex_tokenizer_op.stored(
            stage.uid,
            source,
            target,
            str(stage.param("pattern")),
            bool(stage.param("gaps")),
            int(stage.param("minTokenLength")),
            bool(stage.param("toLowercase")),
        )
    ]
