"""Spark's ``Word2VecModel`` -> ``word_to_vector`` (the words and their vectors, Spark's float32
values read exactly as doubles)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.feature import word_to_vector as word_to_vector_op
from snowleap.spark.columns import Columns
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.feature.tokens import tokens_to_vector

SPARK_CLASSES = ("org.apache.spark.ml.feature.Word2VecModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    rows = sorted(stage.rows(), key=lambda row: str(row["word"]))
    if not rows:
        raise StageNotExportableError(f"stage {stage.description}: the model has no words")
    words = [str(row["word"]) for row in rows]
    vectors = [[float(v) for v in row["vector"]] for row in rows]
    source, target = tokens_to_vector(stage, columns, len(vectors[0]))
    return [word_to_vector_op.stored(stage.uid, source, target, words, vectors, "default")]
