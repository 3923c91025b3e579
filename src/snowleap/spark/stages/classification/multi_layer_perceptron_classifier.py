"""Spark's ``MultilayerPerceptronClassificationModel`` -> ``multi_layer_perceptron_classifier``.

MLeap 0.16's writer refuses this stage; snowleap's writes it as MLeap's runtime reads it.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode, predictor_node
from snowleap.ops.classification import multi_layer_perceptron_classifier as mlp_op
from snowleap.spark.columns import DOUBLE, Columns, vector_column
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import (
    CLASSIFIER_OUTPUTS,
    features_width,
    set_outputs,
    vector_values,
)

SPARK_CLASSES = ("org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel",)


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    weights = vector_values(stage.single_row()["weights"], stage, "weights")
    sizes = [int(size) for size in stage.param("layers")]
    thresholds = (
        [float(t) for t in stage.param("thresholds")] if stage.is_set("thresholds") else None
    )
    features = features_width(stage, columns, sizes[0])
    outputs = set_outputs(stage, CLASSIFIER_OUTPUTS)
    for port, column in outputs:
        columns.add(column, DOUBLE if port == "prediction" else vector_column(sizes[-1]))
    model = mlp_op.stored_model(sizes, weights, thresholds)
    return [predictor_node(stage.uid, features, outputs, model)]
