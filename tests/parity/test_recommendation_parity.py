"""Parity of ``als``: Spark's ALSModel, snowleap and MLeap's runtime on the same ratings, cold
starts (ids never seen in training) included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from tests.parity.parity import SNOWLEAP_ONLY

Parity = Callable[..., dict[str, Any]]
USERS, ITEMS, RANK = 300, 60, 6


@pytest.fixture(scope="module")
def ratings(spark: Any) -> tuple[Any, Any]:
    """(train, score): seeded ratings of a low-rank taste model; ``score`` asks for known pairs
    and, one row in eight, a user or an item training never saw (ids from 10,000)."""
    from pyspark.sql.types import FloatType, IntegerType, StructField, StructType

    rng = np.random.default_rng(20261202)
    taste = rng.normal(size=(USERS, 3))
    appeal = rng.normal(size=(ITEMS, 3))
    pairs = rng.integers(0, [USERS, ITEMS], size=(6000, 2))
    train = [(int(u), int(i), float(taste[u] @ appeal[i] + rng.normal(0, 0.3))) for u, i in pairs]
    score = []
    for u, i in rng.integers(0, [USERS, ITEMS], size=(1200, 2)):
        cold = rng.random()
        score.append(
            (
                int(u) + (10_000 if cold < 0.0625 else 0),
                int(i) + (10_000 if 0.0625 <= cold < 0.125 else 0),
                0.0,
            )
        )
    schema = StructType(
        [
            StructField("user", IntegerType(), False),
            StructField("item", IntegerType(), False),
            StructField("rating", FloatType(), False),
        ]
    )
    return spark.createDataFrame(train, schema), spark.createDataFrame(score, schema)


def fit_als(train: Any, cold_start: str) -> Any:
    from pyspark.ml import Pipeline
    from pyspark.ml.recommendation import ALS

    als = ALS(
        rank=RANK,
        maxIter=5,
        regParam=0.05,
        seed=7,
        userCol="user",
        itemCol="item",
        ratingCol="rating",
        coldStartStrategy=cold_start,
    )
    return Pipeline(stages=[als]).fit(train)


def test_als(parity: Parity, ratings: tuple[Any, Any]) -> None:
    train, score = ratings
    models = parity(fit_als(train, "nan"), score)
    cold = models["json"].transform_row({"user": 10_000, "item": 1})
    assert cold is not None and cold["prediction"] != cold["prediction"]


def test_als_cold_start_drop(parity: Parity, ratings: tuple[Any, Any]) -> None:
    train, score = ratings
    # NOTE: MLeap's format has no cold-start strategy: its runtime scores an unknown id NaN
    # where Spark's "drop" drops the row. snowleap's writer keeps the strategy (an attribute
    # MLeap ignores) and snowleap drops the same rows as Spark: Spark alone referees.
    models = parity(
        fit_als(train, "drop"),
        score,
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime="MLeap 0.16's als scores cold starts NaN; it cannot drop them",
    )
    # NOTE: any format the run checked (Spark 4 checks JSON only)
    model = next(iter(models.values()))
    assert model.transform_row({"user": 10_000, "item": 1}) is None
