"""Regenerate the golden fixtures in ``tests/fixtures``: real bundles plus Spark's own outputs.

Run ``make fixtures`` (or ``python -m tests.parity.make_fixtures``). Each fixture folder holds
``bundle-json.zip`` and ``bundle-protobuf.zip`` written by MLeap (``export_bundle`` with
``writer="mleap"``, which already checks snowleap against Spark) and ``expected.json``: input
rows and Spark's output columns for them, so ``tests/test_golden_fixtures.py`` checks parity
without starting Spark.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from snowleap.spark import export_bundle, spark_session
from snowleap.spark.compare import python_value
from snowleap.spark.export import ROW_ID, score_with_spark

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED_ROWS = 60
STATES = ["NY", "CA", "TX", "FL", "WA", "IL", "MA"]
ROOM_TYPES = ["Entire home/apt", "Private room", "Shared room"]
POLICIES = ["flexible", "moderate", "strict", "super_strict_30"]
YES_NO = ["t", "f"]
NUMERIC = ["bathrooms", "bedrooms", "security_deposit", "cleaning_fee", "extra_people",
           "number_of_reviews", "review_scores_rating", "square_feet"]  # fmt: skip
CATEGORICAL = ["state", "room_type", "host_is_superhost", "cancellation_policy", "instant_bookable"]


def listings(spark: Any, rows: int, seed: int) -> Any:
    """Airbnb-like listings with a price that depends on both kinds of column."""
    rng = np.random.default_rng(seed)
    data = []
    for _ in range(rows):
        state, room = rng.choice(STATES), rng.choice(ROOM_TYPES, p=[0.6, 0.35, 0.05])
        bedrooms = float(rng.integers(0, 6))
        numbers = [
            float(rng.integers(1, 5)) / 2 + 0.5, bedrooms, float(rng.choice([0, 100, 250, 500])),
            float(rng.uniform(0, 150)), float(rng.integers(0, 50)), float(rng.integers(0, 300)),
            float(rng.uniform(60, 100)), float(rng.uniform(200, 2500)),
        ]  # fmt: skip
        price = (
            40 + 35 * bedrooms + 20 * numbers[0] + 0.02 * numbers[7]
            + 60 * STATES.index(state) % 90 - 45 * ROOM_TYPES.index(room)
            + rng.normal(0, 15)
        )  # fmt: skip
        data.append(
            (*numbers, str(state), str(room), str(rng.choice(YES_NO)), str(rng.choice(POLICIES)),
             str(rng.choice(YES_NO)), float(price))
        )  # fmt: skip
    return spark.createDataFrame(data, [*NUMERIC, *CATEGORICAL, "price"])


def airbnb_pipeline() -> Any:
    """5 string indexers, one-hot encoders, assemblers, a standard scaler, a 20-tree forest.

    Two indices go into the forest's features as they are: their nominal metadata gives the
    trees categorical splits.
    """
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler
    from pyspark.ml.regression import RandomForestRegressor

    indexers = [StringIndexer(inputCol=c, outputCol=f"{c}_index") for c in CATEGORICAL]
    encoded = ["state", "room_type", "cancellation_policy"]
    encoders = [OneHotEncoder(inputCol=f"{c}_index", outputCol=f"{c}_vec") for c in encoded]
    return Pipeline(
        stages=[
            *indexers,
            *encoders,
            VectorAssembler(inputCols=NUMERIC, outputCol="numeric"),
            StandardScaler(inputCol="numeric", outputCol="numeric_scaled", withMean=True),
            VectorAssembler(
                inputCols=[
                    "numeric_scaled",
                    *(f"{c}_vec" for c in encoded),
                    "host_is_superhost_index",
                    "instant_bookable_index",
                ],
                outputCol="features",
            ),
            RandomForestRegressor(
                featuresCol="features", labelCol="price", numTrees=20, maxDepth=6, seed=42
            ),
        ]
    )


def classifier_pipeline() -> Any:
    """String indexing with unseen labels kept, one-hot, a multinomial logistic regression."""
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import OneHotEncoder, StringIndexer, VectorAssembler

    return Pipeline(
        stages=[
            StringIndexer(inputCol="room_type", outputCol="label"),
            StringIndexer(inputCol="state", outputCol="state_index", handleInvalid="keep"),
            OneHotEncoder(inputCol="state_index", outputCol="state_vec"),
            VectorAssembler(inputCols=["state_vec", *NUMERIC[:4]], outputCol="features"),
            LogisticRegression(regParam=0.05, maxIter=50),
        ]
    )


def write_fixture(name: str, model: Any, df: Any) -> None:
    folder = FIXTURES / name
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in ("json", "protobuf"):
        export_bundle(
            model,
            df,
            folder / f"bundle-{fmt}.zip",
            format=fmt,
            check_rows=len_of(df),
            writer="mleap",
        )
    spark = score_with_spark(model, df, EXPECTED_ROWS)
    inputs = {c: [python_value(row[c]) for row in spark.sample] for c in df.columns}
    outputs = {
        c: [python_value(row[c]) for row in spark.rows]
        for c in spark.added
        if not c.endswith("_index") or c == "label"
    }
    expected = {"rows": [row[ROW_ID] for row in spark.rows], "inputs": inputs, "outputs": outputs}
    (folder / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def len_of(df: Any) -> int:
    return int(df.count())


def main() -> None:
    spark = spark_session(app_name="snowleap-fixtures", master="local[2]")
    try:
        train = listings(spark, 2000, seed=1)
        scored = listings(spark, 300, seed=2)
        forest = airbnb_pipeline().fit(train)
        assert "in {" in forest.stages[-1].toDebugString, "the forest needs categorical splits"
        write_fixture("airbnb_random_forest", forest, scored)
        write_fixture("room_type_logistic", classifier_pipeline().fit(train), scored)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
