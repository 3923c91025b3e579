"""Parity of the stages only snowleap's writer can export (MLeap 0.16 cannot write them), of
tuning models, and of the writer's refusals: Spark = snowleap = MLeap's runtime, both formats.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.parity.data import ParityData
from tests.parity.parity import BOTH_WRITERS, FORMATS, SNOWLEAP_ONLY

Parity = Callable[..., dict[str, Any]]


def fit(stages: list[Any], df: Any) -> Any:
    from pyspark.ml import Pipeline

    return Pipeline(stages=stages).fit(df)


@pytest.mark.parametrize("handle_invalid", ["error", "keep", "skip"])
def test_multi_column_string_indexer(parity: Parity, data: ParityData, handle_invalid: str) -> None:
    # NOTE: the Spark 3 idiom MLeap 0.16 refuses ("fit on multiple columns"): one node per column.
    from pyspark.ml.feature import OneHotEncoder, StringIndexer

    stages = [
        StringIndexer(
            inputCols=["color", "size"],
            outputCols=["color_index", "size_index"],
            handleInvalid=handle_invalid,
        ),
        OneHotEncoder(
            inputCols=["color_index", "size_index"], outputCols=["color_vec", "size_vec"]
        ).setHandleInvalid("keep"),
    ]
    scored = data.clean if handle_invalid == "error" else data.dirty
    models = parity(fit(stages, data.train), scored.select("color", "size"), FORMATS, SNOWLEAP_ONLY)
    assert [leaf.op_name for leaf in models["json"].root.leaves()] == [
        "string_indexer",
        "string_indexer",
        "one_hot_encoder",
    ]


@pytest.mark.parametrize("strategy", ["mean", "median", "mode"])
def test_imputer(parity: Parity, data: ParityData, strategy: str) -> None:
    from pyspark.ml.feature import Imputer

    imputer = Imputer(
        inputCols=["x1", "x2"], outputCols=["x1_filled", "x2_filled"], strategy=strategy
    )
    parity(fit([imputer], data.train), data.dirty.select("x1", "x2"), FORMATS, SNOWLEAP_ONLY)


def test_multi_column_bucketizer_and_binarizer(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import Binarizer, Bucketizer

    inf = float("inf")
    stages = [
        Bucketizer(
            inputCols=["x1", "x2"],
            outputCols=["x1_bucket", "x2_bucket"],
            splitsArray=[[-inf, -1.0, 0.0, 2.0, inf], [-inf, 0.0, 50.0, inf]],
            handleInvalid="keep",
        ),
        Binarizer(
            inputCols=["x2", "x3"], outputCols=["x2_high", "x3_high"], thresholds=[40.0, 1.0]
        ),
    ]
    parity(fit(stages, data.train), data.dirty.select("x1", "x2", "x3"), FORMATS, SNOWLEAP_ONLY)


def test_stages_mapped_onto_existing_ops(parity: Parity, data: ParityData) -> None:
    # NOTE: RobustScaler is a standard scaler of (median, range); the selectors are slicers.
    from pyspark.ml.feature import (
        RobustScaler,
        UnivariateFeatureSelector,
        VarianceThresholdSelector,
        VectorAssembler,
    )

    stages = [
        VectorAssembler(inputCols=["x1", "x2", "x3", "constant"], outputCol="features"),
        RobustScaler(inputCol="features", outputCol="robust", withCentering=True),
        VarianceThresholdSelector(featuresCol="sparse", outputCol="varied", varianceThreshold=1.0),
        UnivariateFeatureSelector(featuresCol="features", outputCol="best", labelCol="target")
        .setFeatureType("continuous")
        .setLabelType("continuous")
        .setSelectionThreshold(2),
    ]
    parity(fit(stages, data.train), data.clean, FORMATS, SNOWLEAP_ONLY)


def test_cross_validator_and_train_validation_split_export_their_best_model(
    parity: Parity, data: ParityData
) -> None:
    from pyspark.ml import Pipeline
    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.ml.feature import VectorAssembler
    from pyspark.ml.regression import LinearRegression
    from pyspark.ml.tuning import CrossValidator, ParamGridBuilder, TrainValidationSplit

    regression = LinearRegression(labelCol="target")
    grid = ParamGridBuilder().addGrid(regression.regParam, [0.0, 0.5]).build()
    evaluator = RegressionEvaluator(labelCol="target")
    pipeline = Pipeline(
        stages=[VectorAssembler(inputCols=["x1", "x2"], outputCol="features"), regression]
    )
    cv = CrossValidator(
        estimator=pipeline, estimatorParamMaps=grid, evaluator=evaluator, numFolds=2, seed=3
    ).fit(data.train)
    models = parity(cv, data.clean, FORMATS, SNOWLEAP_ONLY)
    assert models["json"].root.name == cv.uid
    tvs = TrainValidationSplit(
        estimator=pipeline, estimatorParamMaps=grid, evaluator=evaluator, seed=3
    ).fit(data.train)
    parity(tvs, data.clean, ("protobuf",), SNOWLEAP_ONLY)


def refused_cases() -> dict[str, tuple[Callable[[], list[Any]], str]]:
    """Pipelines the writer refuses, with what the message must say (stage, class, remedy)."""

    def binary_multinomial() -> list[Any]:
        from pyspark.ml.classification import LogisticRegression

        return [LogisticRegression(labelCol="label", family="multinomial", maxIter=5)]

    def skipping_assembler() -> list[Any]:
        from pyspark.ml.feature import VectorAssembler

        return [VectorAssembler(inputCols=["x1", "x2"], outputCol="both", handleInvalid="skip")]

    return {
        "binary_multinomial": (
            binary_multinomial,
            r"LogisticRegression_\w+ \(LogisticRegressionModel\).*family='binomial'",
        ),
        "skipping_assembler": (
            skipping_assembler,
            r"VectorAssembler_\w+ \(VectorAssembler\).*handleInvalid='skip'",
        ),
    }


@pytest.mark.parametrize("case", ["binary_multinomial", "skipping_assembler"])
def test_refused_stage_names_the_stage_and_leaves_no_zip(
    spark: Any, data: ParityData, tmp_path: Path, case: str
) -> None:
    from pyspark.ml.feature import VectorAssembler

    from snowleap.spark import StageNotExportableError, export_bundle

    stages, message = refused_cases()[case]
    model = fit(
        [VectorAssembler(inputCols=["x1", "x2"], outputCol="features"), *stages()], data.train
    )
    with pytest.raises(StageNotExportableError, match=message):
        export_bundle(model, data.clean, tmp_path / "refused.zip")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("writer", BOTH_WRITERS)
def test_imputer_export_by_writer(
    spark: Any, data: ParityData, tmp_path: Path, writer: str
) -> None:
    # NOTE: MLeap writes imputers only from its own extension estimator, never from Spark's
    # ImputerModel (and that jar is not on the Maven mirror); snowleap writes Spark's.
    from pyspark.ml.feature import Imputer

    from snowleap.spark import StageNotExportableError, export_bundle
    from tests.parity.parity import usable_writers

    if writer not in usable_writers((writer,)):
        pytest.skip("MLeap 0.16 runs on Spark 3.5 only")
    model = fit([Imputer(inputCols=["x1"], outputCols=["x1_filled"])], data.train)
    target = tmp_path / "imputer.zip"
    if writer == "mleap":
        with pytest.raises(StageNotExportableError, match=r"Imputer_\w+ .*ImputerModel"):
            export_bundle(model, data.dirty, target, writer="mleap")
        assert not target.exists()
    else:
        assert export_bundle(model, data.dirty, target) == target
