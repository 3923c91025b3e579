"""Parity of the regression models beyond linear regression and trees: isotonic regression,
generalized linear models (every family and link, tweedie, offset), AFT survival regression."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from snowleap.bundle import store as attr
from tests.parity.data import ParityData

Parity = Callable[..., dict[str, Any]]


def fit(stages: list[Any], df: Any) -> Any:
    from pyspark.ml import Pipeline

    return Pipeline(stages=stages).fit(df)


@pytest.mark.parametrize("isotonic", [True, False])
def test_isotonic_regression(parity: Parity, data: ParityData, isotonic: bool) -> None:
    from pyspark.ml.regression import IsotonicRegression

    # x1 is a double column: the node has no feature index
    model = IsotonicRegression(labelCol="target", featuresCol="x1", isotonic=isotonic)
    parity(fit([model], data.train), data.clean)


@pytest.mark.parametrize("features", ["assembled", "sparse"])
def test_isotonic_regression_on_a_vector_slot(
    parity: Parity, data: ParityData, features: str
) -> None:
    from pyspark.ml.feature import VectorAssembler
    from pyspark.ml.regression import IsotonicRegression

    if features == "sparse":
        # the raw sparse column: slot 2 is absent (0.0) in most rows
        model = IsotonicRegression(labelCol="target", featuresCol="sparse", featureIndex=2)
        parity(fit([model], data.train), data.clean)
        return
    assembler = VectorAssembler(inputCols=["x2", "x1", "x3"], outputCol="features")
    model = IsotonicRegression(labelCol="label", featureIndex=1, isotonic=False)
    parity(fit([assembler, model], data.train), data.clean)


def glm_features() -> list[Any]:
    from pyspark.ml.feature import StandardScaler, VectorAssembler

    return [
        VectorAssembler(inputCols=["x1", "x2"], outputCol="raw"),
        StandardScaler(inputCol="raw", outputCol="features"),
    ]


# Each family/link pair Spark fits, with a label it accepts: any real (target), 0/1 (label),
# counts (label3), positive (x3).
GLM_LABELS = {"gaussian": "target", "binomial": "label", "poisson": "label3", "gamma": "x3"}
GLM_PAIRS = [
    ("gaussian", "identity"),
    ("gaussian", "log"),
    ("gaussian", "inverse"),
    ("binomial", "logit"),
    ("binomial", "probit"),
    ("binomial", "cloglog"),
    ("poisson", "log"),
    ("poisson", "identity"),
    ("poisson", "sqrt"),
    ("gamma", "inverse"),
    ("gamma", "identity"),
    ("gamma", "log"),
]


def glm_label(family: str, link: str) -> str:
    # NOTE: a log or inverse link of a Gaussian needs a mean far from 0 (IRLS diverges on x3)
    return "level" if family == "gaussian" and link != "identity" else GLM_LABELS[family]


def with_level(train: Any) -> Any:
    """``train`` with ``level``: about 10, linear in x1 and x3 (a mean no link takes to 0)."""
    from pyspark.sql import functions

    return train.withColumn("level", 10.0 + 0.5 * functions.col("x1") + 0.1 * functions.col("x3"))


@pytest.mark.parametrize(("family", "link"), GLM_PAIRS)
def test_generalized_linear_regression(
    parity: Parity, data: ParityData, family: str, link: str
) -> None:
    from pyspark.ml.regression import GeneralizedLinearRegression

    model = GeneralizedLinearRegression(
        family=family,
        link=link,
        labelCol=glm_label(family, link),
        linkPredictionCol="eta",
        maxIter=25,
        regParam=0.01,
    )
    parity(fit([*glm_features(), model], with_level(data.train)), data.clean)


def test_generalized_linear_regression_default_link(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.regression import GeneralizedLinearRegression

    # no link set (MLeap writes none, its runtime takes the family's), no link prediction
    model = GeneralizedLinearRegression(family="poisson", labelCol="label3", maxIter=25)
    parity(fit([*glm_features(), model], data.train), data.clean)


@pytest.mark.parametrize(
    ("variance_power", "link_power"), [(1.5, None), (1.5, 0.0), (0.0, 2.0), (1.0, 0.0)]
)
def test_generalized_linear_regression_tweedie(
    parity: Parity, data: ParityData, variance_power: float, link_power: float | None
) -> None:
    from pyspark.ml.regression import GeneralizedLinearRegression

    from tests.parity.parity import SNOWLEAP_ONLY

    model = GeneralizedLinearRegression(
        family="tweedie",
        variancePower=variance_power,
        labelCol="level",
        linkPredictionCol="eta",
        maxIter=25,
        regParam=0.01,
    )
    if link_power is not None:
        model.setLinkPower(link_power)
    fitted = fit([*glm_features(), model], with_level(data.train))
    if (variance_power, link_power) == (1.0, 0.0):
        # NOTE: MLeap 0.16's writer writes family "tweedie", which its runtime cannot load;
        # snowleap writes this pair by name (Poisson, log), so MLeap's runtime referees it.
        models = parity(fitted, data.clean, writers=SNOWLEAP_ONLY)
        (glm,) = [
            op
            for op in models["json"].root.leaves()
            if op.op_name == "generalized_linear_regression"
        ]
        assert glm.store().model.attributes["family"] == attr.string("poisson")
        assert "variance_power" not in glm.store().model.attributes
        return
    parity(
        fitted,
        data.clean,
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime="MLeap has no tweedie family nor power link (Spark 2.2+ params)",
    )


def test_generalized_linear_regression_offset(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.regression import GeneralizedLinearRegression

    from tests.parity.parity import SNOWLEAP_ONLY

    model = GeneralizedLinearRegression(
        family="poisson",
        link="log",
        labelCol="label3",
        offsetCol="x3",
        linkPredictionCol="eta",
        maxIter=25,
    )
    # NOTE: MLeap's op has no offset (its writer drops offsetCol, its runtime would score
    # without it): snowleap writes the offset port and Spark alone referees.
    parity(
        fit([*glm_features(), model], data.train),
        data.clean,
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime="MLeap's generalized_linear_regression has no offset",
    )


@pytest.mark.parametrize("quantiles", [True, False])
def test_aft_survival_regression(parity: Parity, data: ParityData, quantiles: bool) -> None:
    from pyspark.ml.regression import AFTSurvivalRegression
    from pyspark.sql import functions

    # x3 (lognormal) is the lifetime; about one row in four is censored (censor 0)
    survival = AFTSurvivalRegression(
        labelCol="x3", censorCol="censor", quantileProbabilities=[0.1, 0.5, 0.9], maxIter=50
    )
    if quantiles:
        survival.setQuantilesCol("quantiles")
    train = data.train.withColumn("censor", (functions.col("x2") > 0.0).cast("double"))
    parity(fit([*glm_features(), survival], train), data.clean)
