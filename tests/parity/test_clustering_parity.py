"""Parity of the clustering models (cluster index as an int, mixture probabilities)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.parity.data import ParityData
from tests.parity.parity import SNOWLEAP_ONLY
from tests.parity.text_data import TextData

Parity = Callable[..., dict[str, Any]]


def fit(stages: list[Any], df: Any) -> Any:
    from pyspark.ml import Pipeline

    return Pipeline(stages=stages).fit(df)


def numeric_features() -> Any:
    from pyspark.ml.feature import VectorAssembler

    return VectorAssembler(inputCols=["x1", "x2", "x3"], outputCol="features")


def test_k_means(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.clustering import KMeans

    model = fit([numeric_features(), KMeans(k=4, seed=7, maxIter=20)], data.train)
    parity(model, data.clean)


def test_k_means_cosine(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.clustering import KMeans

    kmeans = KMeans(k=4, seed=7, maxIter=20, distanceMeasure="cosine")
    model = fit([numeric_features(), kmeans], data.train)
    # NOTE: MLeap's k_means has no distance measure (its writer drops it, its runtime measures
    # Euclidean distances), so only snowleap's writer keeps the model's meaning. Spark's cosine
    # centers have norm 1, for which the nearest center by angle is also the nearest in Euclidean
    # distance: MLeap's runtime, scoring snowleap's bundle, still referees the same clusters.
    parity(model, data.clean, writers=SNOWLEAP_ONLY)


@pytest.mark.parametrize("probability", [True, False])
def test_gaussian_mixture(parity: Parity, data: ParityData, probability: bool) -> None:
    from pyspark.ml.clustering import GaussianMixture

    mixture = GaussianMixture(k=3, seed=7, maxIter=20, tol=0.01)
    if not probability:
        mixture.setProbabilityCol("")
    parity(fit([numeric_features(), mixture], data.train), data.clean)


def test_bisecting_k_means(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.clustering import BisectingKMeans

    model = fit([numeric_features(), BisectingKMeans(k=5, seed=7, maxIter=10)], data.train)
    parity(model, data.clean)


def test_bisecting_k_means_cosine(parity: Parity, data: ParityData) -> None:
    from pyspark.ml.clustering import BisectingKMeans

    bisecting = BisectingKMeans(k=4, seed=7, maxIter=10, distanceMeasure="cosine")
    model = fit([numeric_features(), bisecting], data.train)
    # NOTE: as for k_means: MLeap's format has no distance measure, so only snowleap's writer
    # keeps it; Spark's cosine centroids have norm 1, so MLeap's runtime (Euclidean distances)
    # still picks the same child at every level and referees the clusters.
    parity(model, data.clean, writers=SNOWLEAP_ONLY)


LDA_NOT_IN_MLEAP = (
    "MLeap 0.16 cannot referee LDA here: its LDA classes need Breeze 1.x and fail to load "
    "beside Spark 3.5's Breeze 2.1 (its registry is left without them, "
    "src/snowleap/spark/mleap-ops.conf), and its LDA draws each document's start unseeded, a "
    "different result every call; Spark alone referees"
)


def test_lda_local_model_op(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.clustering import LDA
    from pyspark.ml.feature import CountVectorizer

    # GIVEN word counts (sparse; the score rows add empty and unseen-word documents) and LDA's
    # online optimizer, which also estimates an asymmetric docConcentration
    counts = CountVectorizer(inputCol="words", outputCol="counts", vocabSize=12)
    # NOTE: few full-batch iterations keep the fit to seconds (CI's budget)
    lda = LDA(k=3, maxIter=3, seed=7, featuresCol="counts", subsamplingRate=1.0)
    model = fit([counts, lda], text_data.train)
    # THEN snowleap's topic distributions are Spark's, from the same seeded start
    parity(
        model,
        text_data.score.select("words"),
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime=LDA_NOT_IN_MLEAP,
    )
