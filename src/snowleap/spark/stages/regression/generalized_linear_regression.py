"""Spark's ``GeneralizedLinearRegressionModel`` -> ``generalized_linear_regression``.

A tweedie model that is one of MLeap's named family/link pairs is written by name (MLeap's
runtime then reads it); any other keeps its powers (``variance_power``, ``link_power``), which
snowleap reads. ``offsetCol`` becomes the node's ``offset`` input.
"""

from __future__ import annotations

from snowleap.bundle.store import StoredNode
from snowleap.ops.regression import generalized_linear_regression as glm_op
from snowleap.ops.regression.glm_links import TWEEDIE, GlmParams
from snowleap.spark.columns import DOUBLE, Columns
from snowleap.spark.errors import StageNotExportableError
from snowleap.spark.saved import FittedStage
from snowleap.spark.stages.common import features_width, vector_values

SPARK_CLASSES = ("org.apache.spark.ml.regression.GeneralizedLinearRegressionModel",)


def family_params(stage: FittedStage) -> GlmParams:
    """The node's ``family``, ``link``, ``variance_power`` and ``link_power`` for the stage."""
    family = str(stage.param("family")).lower()
    link = str(stage.param("link")).lower() if stage.is_set("link") else None
    if family != TWEEDIE:
        return GlmParams(family, link)
    variance_power = float(stage.param("variancePower"))
    link_power = float(stage.param("linkPower")) if stage.is_set("linkPower") else None
    params = GlmParams(TWEEDIE, None, variance_power, link_power)
    pair = params.resolved(stage.description)
    return GlmParams(pair.family, pair.link) if pair.named else params


def nodes(stage: FittedStage, columns: Columns) -> list[StoredNode]:
    row = stage.single_row()
    coefficients = vector_values(row["coefficients"], stage, "coefficients")
    ports = {"features": features_width(stage, columns, len(coefficients))}
    offset = stage.param("offsetCol", "")
    if offset:
        columns.get(offset, stage.description)
        ports["offset"] = offset
    prediction = stage.param("predictionCol", "")
    if not prediction:
        raise StageNotExportableError(
            f"stage {stage.description}: an empty predictionCol cannot be written (MLeap's node "
            "always has its prediction); set predictionCol"
        )
    ports["prediction"] = prediction
    link_prediction = stage.param("linkPredictionCol", "")
    if link_prediction:
        ports["link_prediction"] = link_prediction
        columns.add(link_prediction, DOUBLE)
    columns.add(prediction, DOUBLE)
    params = family_params(stage)
    return [glm_op.stored(stage.uid, ports, coefficients, float(row["intercept"]), params)]
