"""Spark's ``LocalLDAModel`` (LDA's ``online`` optimizer) -> ``lda_local_model_op``.

MLeap's attributes (``vocabSize``, ``docConcentration``: the model's estimated alpha,
``topicConcentration``, ``topicMatrix``) plus ``gamma_shape`` and the ``seed`` Spark's transform
draws each document's start with. That seed is not the fitted ``seed`` param: Spark's
``LocalLDAModel`` seeds its inner model in its constructor, before the params are copied in, so
every fitted or loaded model infers with the param's default (``lda_inference``).
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.clustering import lda_local_model_op
from snowleap.ops.clustering.lda_inference import SPARK_MODEL_SEED
from snowleap.spark.columns import Columns, vector_column
from snowleap.spark.errors import SavedModelError, StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, matrix_rows, set_outputs, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.clustering.LocalLDAModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    outputs = set_outputs(stage, (("prediction", "topicDistributionCol"),))
    if not outputs:
        raise StageNotExportableError(
            f"stage {stage.description}: topicDistributionCol is empty, so Spark's transform "
            f"adds no column; set it or drop the stage from the pipeline"
        )
    row = stage.single_row()
    try:
        topics = matrix_rows(row["topicsMatrix"], stage, "topicsMatrix")
        alpha = vector_values(row["docConcentration"], stage, "docConcentration")
        topic_concentration = float(row["topicConcentration"])
        gamma_shape = float(row["gammaShape"])
        vocab_size = int(row["vocabSize"])
    except KeyError as exc:
        raise SavedModelError(
            f"{stage.path}: {stage.description}: its data has no column {exc} of an LDA model"
        ) from None
    if len(topics) != vocab_size or not topics or len(topics[0]) != len(alpha):
        raise SavedModelError(
            f"{stage.path}: {stage.description}: topicsMatrix of {len(topics)} rows for "
            f"vocabSize {vocab_size} and {len(alpha)} topic concentrations"
        )
    features = features_width(stage, columns, vocab_size)
    for _, column in outputs:
        columns.add(column, vector_column(len(alpha)))
    model = lda_local_model_op.stored_model(
        topics, alpha, topic_concentration, gamma_shape, SPARK_MODEL_SEED
    )
    return [predictor_node(stage.uid, features, outputs, model)]
