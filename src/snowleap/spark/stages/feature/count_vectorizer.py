"""Spark's ``CountVectorizerModel`` -> ``count_vectorizer`` (``vocabulary``, ``minTF``,
``binary``)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import count_vectorizer as count_vectorizer_op
from snowleap.spark.columns import Columns
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.tokens import tokens_to_vector

SPARK_CLASSES = ("org.apache.spark.ml.feature.CountVectorizerModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    vocabulary = [str(word) for word in stage.single_row()["vocabulary"]]
    source, target = tokens_to_vector(stage, columns, len(vocabulary))
    return [
        count_vectorizer_op.stored(
            stage.uid,
            source,
            target,
            vocabulary,
            bool(stage.param("binary")),
            float(stage.param("minTF")),
        )
    ]
