"""Parity of the text ops: Spark's transform = snowleap = MLeap's runtime, JSON and protobuf.

The scored rows hold every edge case of ``text_data`` (empty strings, empty token lists, unicode,
unseen words). Hashed slots must be the very same indices (``values_agree`` on sparse vectors).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests.parity.parity import SNOWLEAP_ONLY, MleapSparkDisagreement, spark_major
from tests.parity.text_data import TextData

Parity = Callable[..., dict[str, Any]]

HASH_V1 = (
    "MLeap 0.16's runtime hashes strings with Spark 2's hashUnsafeBytes whatever the bundle "
    "says; Spark 3 hashes with hashUnsafeBytes2 (test_hashing_term_frequency_spark2_hash has "
    "MLeap's runtime referee the old hash)"
)


def fit(stages: list[Any], df: Any) -> Any:
    from pyspark.ml import Pipeline

    return Pipeline(stages=stages).fit(df)


def test_tokenizer(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.feature import Tokenizer

    stage = Tokenizer(inputCol="text", outputCol="tokens")
    parity(fit([stage], text_data.train), text_data.score.select("text"))


@pytest.mark.parametrize(
    ("pattern", "gaps", "min_length", "lowercase"),
    [(r"\s+", True, 1, True), (r"\W+", True, 2, False), (r"[a-z]+|\d+", False, 1, True)],
)
def test_regex_tokenizer(
    parity: Parity, text_data: TextData, pattern: str, gaps: bool, min_length: int, lowercase: bool
) -> None:
    from pyspark.ml.feature import RegexTokenizer

    stage = RegexTokenizer(
        inputCol="text",
        outputCol="tokens",
        pattern=pattern,
        gaps=gaps,
        minTokenLength=min_length,
        toLowercase=lowercase,
    )
    parity(fit([stage], text_data.train), text_data.score.select("text"))


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_stopwords_remover(parity: Parity, text_data: TextData, case_sensitive: bool) -> None:
    from pyspark.ml.feature import StopWordsRemover, Tokenizer

    stages = [
        Tokenizer(inputCol="text", outputCol="tokens"),
        StopWordsRemover(
            inputCol="tokens",
            outputCol="kept",
            caseSensitive=case_sensitive,
            stopWords=[*StopWordsRemover.loadDefaultStopWords("english"), "Straße", "ΟΔΟΣ"],
        ),
    ]
    parity(fit(stages, text_data.train), text_data.score.select("text"))


def test_ngram(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.feature import NGram, Tokenizer

    stages = [
        Tokenizer(inputCol="text", outputCol="tokens"),
        NGram(n=2, inputCol="tokens", outputCol="bigrams"),
    ]
    parity(fit(stages, text_data.train), text_data.score.select("text"))


@pytest.mark.parametrize("binary", [False, True])
def test_hashing_term_frequency(parity: Parity, text_data: TextData, binary: bool) -> None:
    from pyspark.ml.feature import HashingTF

    stage = HashingTF(inputCol="words", outputCol="tf", binary=binary)  # 2^18 slots
    parity(
        fit([stage], text_data.train),
        text_data.score.select("words"),
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime=HASH_V1,
    )


def test_hashing_term_frequency_spark2_hash(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.feature import HashingTF

    if spark_major() != 3:
        pytest.skip("MLeap 0.16's writer runs on Spark 3.5 only")
    # GIVEN MLeap 0.16's own bundle of a HashingTF: it records no hash version
    stage = HashingTF(inputCol="words", outputCol="tf", numFeatures=1 << 10)
    # THEN snowleap reads it with the old hash, as MLeap's runtime does (which Spark 3 does not)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", MleapSparkDisagreement)
        parity(fit([stage], text_data.train), text_data.score.select("words"), writers=("mleap",))
    assert any(issubclass(w.category, MleapSparkDisagreement) for w in caught)


@pytest.mark.parametrize(("min_tf", "binary"), [(1.0, False), (0.3, True), (2.0, False)])
def test_count_vectorizer(parity: Parity, text_data: TextData, min_tf: float, binary: bool) -> None:
    from pyspark.ml.feature import CountVectorizer

    stage = CountVectorizer(
        inputCol="words", outputCol="counts", minTF=min_tf, binary=binary, vocabSize=15
    )
    parity(fit([stage], text_data.train), text_data.score.select("words"))


def test_idf(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.feature import IDF, CountVectorizer

    stages = [
        CountVectorizer(inputCol="words", outputCol="counts"),
        IDF(inputCol="counts", outputCol="tfidf", minDocFreq=2),
    ]
    parity(fit(stages, text_data.train), text_data.score.select("words"))


def test_text_classifier_on_hashed_features(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import IDF, HashingTF, NGram, StopWordsRemover, Tokenizer
    from pyspark.sql import functions as sf

    labelled = text_data.train.withColumn(
        "label", sf.when(sf.col("text").contains("cat"), 1.0).otherwise(0.0)
    )
    stages = [
        Tokenizer(inputCol="text", outputCol="tokens"),
        StopWordsRemover(inputCol="tokens", outputCol="kept"),
        NGram(n=2, inputCol="kept", outputCol="bigrams"),
        HashingTF(inputCol="bigrams", outputCol="tf"),
        IDF(inputCol="tf", outputCol="features"),
        LogisticRegression(maxIter=20, regParam=0.01),
    ]
    models = parity(
        fit(stages, labelled),
        text_data.score.select("text"),
        writers=SNOWLEAP_ONLY,
        no_mleap_runtime=HASH_V1,
    )
    # the hashed vector stays sparse through IDF to the classifier, on the batch path
    from snowleap.ops.sparse import SparseRows

    batch = models["json"].transform({"text": ["the cat sat", ""]})
    assert isinstance(batch["tf"], SparseRows) and isinstance(batch["features"], SparseRows)


def test_word_to_vector(parity: Parity, text_data: TextData) -> None:
    from pyspark.ml.feature import Word2Vec

    stage = Word2Vec(
        inputCol="words", outputCol="embedding", vectorSize=5, minCount=1, seed=7, maxIter=2
    )
    parity(fit([stage], text_data.train), text_data.score.select("words"))


def test_feature_hasher(parity: Parity, spark: Any) -> None:
    from pyspark.ml.feature import FeatureHasher

    rows = [
        (
            float(i % 7) * 1.5 if i % 11 else None,
            i % 5,
            ["NY", "Zürich", "東京", "", None][i % 5],
            bool(i % 2),
            float(i % 3),
        )
        for i in range(1100)
    ]
    df = spark.createDataFrame(
        rows, "real double, count int, city string, flag boolean, code double"
    )
    stage = FeatureHasher(
        inputCols=["real", "count", "city", "flag", "code"], outputCol="h", categoricalCols=["code"]
    )
    parity(fit([stage], df), df)
