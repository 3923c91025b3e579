"""Spark's ``OneVsRestModel`` -> ``one_vs_rest``, each class's classifier written by its own
stage module (any binary classifier snowleap writes)."""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.classification import one_vs_rest as one_vs_rest_op
from snowleap.spark.columns import DOUBLE, Columns, vector_column
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import ONE_VS_REST_MODEL, FittedStage
from snowleap.spark.stages.common import features_width, set_outputs

SPARK_CLASSES = (ONE_VS_REST_MODEL,)
OUTPUTS = (("raw_prediction", "rawPredictionCol"), ("prediction", "predictionCol"))


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    # NOTE: imported here: the registry imports this module.
    from snowleap.spark.stages.registry import stage_nodes

    classifiers = []
    for child in stage.children:
        # NOTE: the classifiers' own output columns never reach the frame; a scratch column
        # set keeps them out of the pipeline's.
        found = stage_nodes(
            child,
            Columns(
                {
                    stage.param("featuresCol"): columns.vector(
                        stage.param("featuresCol"), stage.description
                    )
                }
            ),
        )
        if len(found) != 1:
            raise StageNotExportableError(
                f"stage {stage.description}: classifier {child.description} is not one node"
            )
        classifiers.append(found[0].model)
    width = columns.vector(stage.param("featuresCol"), stage.description).width
    if width is None:
        raise StageNotExportableError(
            f"stage {stage.description}: the width of its features is unknown: describe raw "
            "vector inputs with --input-schema NAME=vector:WIDTH"
        )
    features = features_width(stage, columns, width)
    outputs = set_outputs(stage, OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(len(classifiers)))
    model = one_vs_rest_op.stored_model(classifiers, width)
    return [predictor_node(stage.uid, features, outputs, model)]
