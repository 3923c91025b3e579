"""The airbnb-style pipeline: string indexers, one-hot encoders, assembler, scaler, 20-tree forest.

It mirrors the shape of MLeap's own airbnb random-forest benchmark model. The listings are
synthetic (a seeded generator) because the original data set cannot be fetched here; what matters
for the benchmark is the pipeline's shape, including the forest's categorical splits: the room
type and cancellation policy are one-hot encoded (binary features, which Spark treats as
categorical with two values) and the state index enters the forest directly (a nominal feature with
several values, so splits on it test membership in a set of categories).
"""

from __future__ import annotations

from typing import Any

import numpy as np

STATES = ("NY", "CA", "TX", "FL", "WA", "IL", "MA", "CO", "OR", "NV")
ROOM_TYPES = ("Entire home/apt", "Private room", "Shared room")
CANCELLATION = ("flexible", "moderate", "strict", "super_strict_30")
FLAGS = ("t", "f")

CONTINUOUS = (
    "bathrooms",
    "bedrooms",
    "security_deposit",
    "cleaning_fee",
    "extra_people",
    "number_of_reviews",
    "square_feet",
    "review_scores_rating",
)
CATEGORICAL = ("state", "room_type", "cancellation_policy", "host_is_superhost", "instant_bookable")
ONE_HOT = ("room_type", "cancellation_policy")
OUTPUTS = ("price_prediction",)
LABEL = "price"
NUM_TREES = 20


def listings(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` synthetic listings (inputs and the ``price`` label), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    state = rng.choice(len(STATES), count, p=_weights(len(STATES)))
    room = rng.choice(len(ROOM_TYPES), count, p=(0.6, 0.35, 0.05))
    cancel = rng.choice(len(CANCELLATION), count)
    superhost = rng.integers(0, 2, count)
    instant = rng.integers(0, 2, count)
    bedrooms = rng.integers(0, 6, count).astype(float)
    bathrooms = np.maximum(1.0, np.round(bedrooms * rng.uniform(0.5, 1.2, count) * 2) / 2)
    square_feet = np.round(300 + bedrooms * 350 + rng.normal(0, 120, count))
    cleaning = np.round(rng.gamma(2.0, 25.0, count))
    deposit = np.round(rng.choice((0.0, 100.0, 250.0, 500.0), count))
    extra = np.round(rng.choice((0.0, 10.0, 20.0, 35.0), count))
    reviews = rng.poisson(25, count).astype(float)
    rating = np.clip(np.round(rng.normal(93, 6, count)), 20, 100)
    state_premium = np.array([80, 60, 10, 20, 40, 25, 55, 30, 15, 35])[state]
    room_factor = np.array([1.0, 0.55, 0.3])[room]
    price = (
        (40 + 45 * bedrooms + 20 * bathrooms + 0.02 * square_feet + state_premium) * room_factor
        + 0.3 * cleaning
        + 5 * superhost
        + rng.normal(0, 15, count)
    )
    return [
        {
            "state": STATES[state[i]],
            "room_type": ROOM_TYPES[room[i]],
            "cancellation_policy": CANCELLATION[cancel[i]],
            "host_is_superhost": FLAGS[superhost[i]],
            "instant_bookable": FLAGS[instant[i]],
            "bathrooms": float(bathrooms[i]),
            "bedrooms": float(bedrooms[i]),
            "security_deposit": float(deposit[i]),
            "cleaning_fee": float(cleaning[i]),
            "extra_people": float(extra[i]),
            "number_of_reviews": float(reviews[i]),
            "square_feet": float(square_feet[i]),
            "review_scores_rating": float(rating[i]),
            LABEL: float(round(max(price[i], 10.0), 2)),
        }
        for i in range(count)
    ]


def _weights(count: int) -> list[float]:
    raw = np.linspace(2.0, 1.0, count)
    return list(raw / raw.sum())


def spark_pipeline() -> Any:
    """The unfitted Spark ``Pipeline`` (pyspark imported lazily: only the Spark phase needs it)."""
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import OneHotEncoder, StandardScaler, StringIndexer, VectorAssembler
    from pyspark.ml.regression import RandomForestRegressor

    indexers = [
        StringIndexer(inputCol=name, outputCol=f"{name}_index", handleInvalid="keep")
        for name in CATEGORICAL
    ]
    encoder = OneHotEncoder(
        inputCols=[f"{name}_index" for name in ONE_HOT],
        outputCols=[f"{name}_oh" for name in ONE_HOT],
        # NOTE: ("keep", dropLast) is one of the two settings onnxmltools can convert.
        handleInvalid="keep",
        dropLast=True,
    )
    continuous = VectorAssembler(inputCols=list(CONTINUOUS), outputCol="continuous_features")
    scaler = StandardScaler(
        inputCol="continuous_features",
        outputCol="scaled_continuous_features",
        withMean=True,
        withStd=True,
    )
    features = VectorAssembler(
        inputCols=[
            "scaled_continuous_features",
            *(f"{name}_oh" for name in ONE_HOT),
            "state_index",
            "host_is_superhost_index",
            "instant_bookable_index",
        ],
        outputCol="features",
    )
    forest = RandomForestRegressor(
        featuresCol="features",
        labelCol=LABEL,
        predictionCol="price_prediction",
        numTrees=NUM_TREES,
        maxDepth=6,
        seed=7,
    )
    return Pipeline(stages=[*indexers, encoder, continuous, scaler, features, forest])


TRAIN_ROWS = 5000


def spark_model(spark: Any, bundle_path: Any) -> tuple[Any, str | None]:
    """Fit in Spark on synthetic listings, export with MLeap to ``bundle_path``.

    Returns the fitted model and why snowleap's export check refused the bundle (or None).
    """
    from benchmarks.export import export

    train = spark.createDataFrame(listings(TRAIN_ROWS, seed=1))
    model = spark_pipeline().fit(train)
    return model, export(model, train, bundle_path)


def bench_rows(spark: Any, model: Any, count: int) -> list[dict[str, Any]]:
    """``count`` listings unseen in training, without the label."""
    rows = listings(count, seed=2)
    for row in rows:
        del row[LABEL]
    return rows
