"""Parity of regression, classification, tree-ensemble models and nested pipelines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.parity.data import ParityData

Parity = Callable[[Any, Any], dict[str, Any]]


def features(*numeric: str) -> list[Any]:
    """Stages that index ``color`` and ``size`` and assemble them with ``numeric`` columns.

    The indices carry Spark's nominal-attribute metadata into the assembled vector, which is what
    makes tree learners split on them as categories (``in {...}``) instead of thresholds.
    """
    from pyspark.ml.feature import StringIndexer, VectorAssembler

    return [
        StringIndexer(inputCol="color", outputCol="color_index"),
        StringIndexer(inputCol="size", outputCol="size_index"),
        VectorAssembler(inputCols=["color_index", "size_index", *numeric], outputCol="features"),
    ]


def fit(stages: list[Any], df: Any) -> Any:
    from pyspark.ml import Pipeline

    return Pipeline(stages=stages).fit(df)


def has_categorical_split(pipeline_model: Any) -> bool:
    return "in {" in pipeline_model.stages[-1].toDebugString


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression(parity: Parity, data: ParityData, fit_intercept: bool) -> None:
    from pyspark.ml.regression import LinearRegression

    model = LinearRegression(labelCol="target", fitIntercept=fit_intercept, regParam=0.01)
    parity(fit([*features("x1", "x2", "x3", "constant"), model], data.train), data.clean)


@pytest.mark.parametrize("label", ["label", "label3"])
def test_logistic_regression(parity: Parity, data: ParityData, label: str) -> None:
    from pyspark.ml.classification import LogisticRegression

    model = LogisticRegression(labelCol=label, regParam=0.01, maxIter=50)
    parity(fit([*features("x1", "x2", "x3"), model], data.train), data.clean)


def tree_learner(kind: str, label: str) -> Any:
    from pyspark.ml import classification, regression

    learners = {
        "decision_tree_classifier": lambda: classification.DecisionTreeClassifier(maxDepth=5),
        "random_forest_classifier": lambda: classification.RandomForestClassifier(
            numTrees=10, maxDepth=5, seed=7
        ),
        "gbt_classifier": lambda: classification.GBTClassifier(maxIter=10, maxDepth=3, seed=7),
        "decision_tree_regression": lambda: regression.DecisionTreeRegressor(maxDepth=5),
        "random_forest_regression": lambda: regression.RandomForestRegressor(
            numTrees=10, maxDepth=5, seed=7
        ),
        "gbt_regression": lambda: regression.GBTRegressor(maxIter=10, maxDepth=3, seed=7),
    }
    return learners[kind]().setLabelCol(label)


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("decision_tree_classifier", "label3"),
        ("random_forest_classifier", "label3"),
        ("gbt_classifier", "label"),
        ("decision_tree_regression", "target"),
        ("random_forest_regression", "target"),
        ("gbt_regression", "target"),
    ],
)
def test_tree_models(parity: Parity, data: ParityData, kind: str, label: str) -> None:
    pipeline_model = fit([*features("x1", "x2", "x3"), tree_learner(kind, label)], data.train)
    assert has_categorical_split(pipeline_model), "the data must give the trees categorical splits"
    parity(pipeline_model, data.clean)


def test_nested_pipeline(parity: Parity, data: ParityData) -> None:
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler

    encode = Pipeline(
        stages=[
            StringIndexer(inputCol="color", outputCol="color_index", handleInvalid="keep"),
            OneHotEncoder(inputCol="color_index", outputCol="color_vec", handleInvalid="keep"),
        ]
    )
    scale = Pipeline(
        stages=[
            VectorAssembler(inputCols=["x2", "x3"], outputCol="numeric"),
            StandardScaler(inputCol="numeric", outputCol="numeric_scaled", withMean=True),
        ]
    )
    model = Pipeline(
        stages=[
            encode,
            scale,
            VectorAssembler(inputCols=["color_vec", "numeric_scaled"], outputCol="features"),
            LogisticRegression(labelCol="label", regParam=0.01),
        ]
    ).fit(data.train)
    models = parity(model, data.dirty.select("color", "x2", "x3"))
    assert all(m.root.op_name == "pipeline" for m in models.values())


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
def test_export_bundle_writes_only_a_checked_zip(data: ParityData, tmp_path: Any, fmt: str) -> None:
    from pyspark.ml.regression import LinearRegression

    import snowleap
    from snowleap.spark import export_bundle

    model = fit([*features("x1", "x2"), LinearRegression(labelCol="target")], data.train)
    target = tmp_path / "model.zip"
    assert export_bundle(model, data.clean, target, format=fmt, check_rows=50) == target
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.zip"], "no temp files left"
    assert snowleap.load(target).describe()["format"] == fmt
    assert set(snowleap.load(target).output_schema) == {
        "color_index",
        "size_index",
        "features",
        "prediction",
    }


@pytest.mark.parametrize("label", ["label", "label3"])
def test_multi_layer_perceptron_classifier(parity: Parity, data: ParityData, label: str) -> None:
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.feature import StandardScaler

    from tests.parity.parity import SNOWLEAP_ONLY

    classes = 2 if label == "label" else 3
    model = fit(
        [
            *features("x1", "x2", "x3"),
            StandardScaler(inputCol="features", outputCol="scaled"),
            MultilayerPerceptronClassifier(
                labelCol=label, featuresCol="scaled", layers=[5, 6, 4, classes], maxIter=30, seed=7
            ),
        ],
        data.train,
    )
    # NOTE: MLeap 0.16's writer has no op for this stage (it refuses it): snowleap writes the
    # bundle and MLeap's runtime, which has the op, scores it.
    parity(model, data.clean, writers=SNOWLEAP_ONLY)


@pytest.mark.parametrize("threshold", [0.0, 0.4])
def test_linear_svc(parity: Parity, data: ParityData, threshold: float) -> None:
    from pyspark.ml.classification import LinearSVC

    model = LinearSVC(labelCol="label", regParam=0.01, maxIter=30, threshold=threshold)
    parity(fit([*features("x1", "x2", "x3"), model], data.train), data.clean)


def naive_bayes_inputs(model_type: str) -> list[Any]:
    """Features each model type accepts: counts (>= 0), 0/1 indicators, or any numbers."""
    from pyspark.ml.feature import OneHotEncoder, StringIndexer, VectorAssembler

    if model_type == "bernoulli":
        return [
            StringIndexer(inputCol="color", outputCol="color_index"),
            StringIndexer(inputCol="size", outputCol="size_index"),
            OneHotEncoder(inputCols=["color_index", "size_index"], outputCols=["c1h", "s1h"]),
            VectorAssembler(inputCols=["c1h", "s1h"], outputCol="features"),
        ]
    if model_type == "gaussian":
        return [VectorAssembler(inputCols=["x1", "x2", "x3"], outputCol="features")]
    return features("x3")


@pytest.mark.parametrize("model_type", ["multinomial", "bernoulli", "complement", "gaussian"])
def test_naive_bayes(parity: Parity, data: ParityData, model_type: str) -> None:
    from pyspark.ml.classification import NaiveBayes

    from tests.parity.parity import SNOWLEAP_ONLY

    model = fit(
        [*naive_bayes_inputs(model_type), NaiveBayes(labelCol="label3", modelType=model_type)],
        data.train,
    )
    if model_type in ("multinomial", "bernoulli"):
        parity(model, data.clean)
        return
    # NOTE: MLeap 0.16 knows multinomial and Bernoulli naive Bayes only (its runtime cannot load
    # a Gaussian or complement model, and its writer would drop the variances): snowleap writes
    # it, and Spark alone referees.
    parity(
        model,
        data.clean,
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime=f"MLeap 0.16 has no {model_type} naive Bayes",
    )


@pytest.mark.parametrize("inner", ["logistic_regression", "gbt_classifier", "naive_bayes"])
def test_one_vs_rest(parity: Parity, data: ParityData, inner: str) -> None:
    from pyspark.ml.classification import GBTClassifier, LogisticRegression, NaiveBayes, OneVsRest

    classifiers = {
        "logistic_regression": lambda: LogisticRegression(regParam=0.01, maxIter=30),
        "gbt_classifier": lambda: GBTClassifier(maxIter=5, maxDepth=2, seed=7),
        "naive_bayes": lambda: NaiveBayes(),
    }
    model = OneVsRest(classifier=classifiers[inner](), labelCol="label3")
    parity(fit([*features("x3"), model], data.train), data.clean)
