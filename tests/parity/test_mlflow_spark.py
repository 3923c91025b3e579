"""A pipeline logged with ``mlflow.spark.log_model`` becomes a bundle with snowleap's writer (from
the model's ``sparkml/`` folder, no JVM), then a snowleap MLflow model: both score as Spark does.
Skipped without the ``mlflow`` extra; ``make test`` installs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import snowleap
from snowleap.spark.compare import row_differences
from snowleap.spark.export import ROW_ID, score_with_snowleap, score_with_spark
from tests.parity.data import ParityData

pytest.importorskip("mlflow", reason="the mlflow extra is not installed")
pytest.importorskip("pyarrow", reason="snowleap's writer reads Spark's Parquet with pyarrow")

import mlflow
import mlflow.spark

import snowleap.mlflow as snowleap_mlflow


def fitted_pipeline(data: ParityData) -> Any:
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import StringIndexer, VectorAssembler
    from pyspark.ml.regression import RandomForestRegressor

    return Pipeline(
        stages=[
            StringIndexer(inputCol="color", outputCol="color_index", handleInvalid="keep"),
            VectorAssembler(inputCols=["color_index", "x1", "x2", "x3"], outputCol="features"),
            RandomForestRegressor(labelCol="target", numTrees=5, maxDepth=4, seed=7),
        ]
    ).fit(data.train)


def test_a_model_logged_with_mlflow_spark_becomes_a_bundle_scoring_as_spark(
    data: ParityData, tracking: Path, tmp_path: Path
) -> None:
    # GIVEN a fitted Spark pipeline logged with MLflow's own Spark flavor
    spark_model = fitted_pipeline(data)
    with mlflow.start_run():
        # NOTE: explicit requirements: inferring them would load the model in a second Spark
        logged = mlflow.spark.log_model(spark_model, "spark_model", pip_requirements=[])
    # WHEN its sparkml/ folder is written as a bundle by snowleap
    bundle = snowleap_mlflow.bundle_from_spark_model(logged.model_uri, tmp_path / "model.zip")
    # THEN the bundle scores every row as Spark does, on both of snowleap's paths
    model = snowleap.load(bundle)
    spark = score_with_spark(spark_model, data.clean, None)
    batch, single = score_with_snowleap(model, spark.sample)
    columns = [ROW_ID, *model.output_schema]
    assert row_differences(spark.rows, batch, columns) == []
    assert row_differences(spark.rows, single, columns, ("spark", "transform_row")) == []
    # AND logged back as a snowleap MLflow model, pyfunc predicts Spark's predictions
    with mlflow.start_run():
        ours = snowleap_mlflow.log_model(bundle, "snowleap_model", output_fields=["prediction"])
    frame = data.clean.select("color", "x1", "x2", "x3").toPandas()
    predicted = mlflow.pyfunc.load_model(ours.model_uri).predict(frame)
    expected = [row["prediction"] for row in spark.rows]
    assert predicted["prediction"].tolist() == pytest.approx(expected, rel=1e-12, abs=0.0)


def test_a_model_without_the_spark_flavor_is_refused_clearly(tmp_path: Path) -> None:
    bundle = Path(__file__).resolve().parents[1] / "fixtures" / "room_type_logistic"
    snowleap_mlflow.save_model(bundle / "bundle-json.zip", tmp_path / "not_spark")
    with pytest.raises(mlflow.exceptions.MlflowException, match="has no 'spark' flavor"):
        snowleap_mlflow.bundle_from_spark_model(str(tmp_path / "not_spark"), tmp_path / "x.zip")
