"""Parity of the regression models beyond linear regression and trees: isotonic regression."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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


def test_isotonic_regression_on_a_vector_slot(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.feature import VectorAssembler
    from pyspark.ml.regression import IsotonicRegression

    assembler = VectorAssembler(inputCols=["x2", "x1", "x3"], outputCol="features")
    model = IsotonicRegression(labelCol="label", featureIndex=1, isotonic=False)
    parity(fit([assembler, model], data.train), data.clean)
