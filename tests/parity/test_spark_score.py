"""``snowleap.spark.score`` against Spark's own ``PipelineModel.transform`` on the same model.

Two pipelines: the committed default session model (its bundle and the PipelineModel the training
job saved beside it) on session rows Spark computed from generated events, and the airbnb-style
forest of the benchmarks (indexers, encoders, assembler, scaler, 20 trees) fitted here. Both
scorers run on the shared local[2] session; the cluster test repeats the first on a standalone
cluster (tests/cluster/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from snowleap.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "bundles" / "snowleap-default.zip"
SPARK_MODEL = ROOT / "bundles" / "spark-pipeline"


def assert_scores_like_transform(scored: Any, transformed: Any, key: str) -> None:
    """Same columns, same Spark types, same values row by row (rel 1e-9), matched by ``key``."""
    from snowleap.spark.compare import row_differences

    assert scored.columns == transformed.columns
    spark_types = {f.name: f.dataType for f in transformed.schema.fields}
    assert {f.name: f.dataType for f in scored.schema.fields} == spark_types
    ours = [row.asDict() for row in scored.orderBy(key).collect()]
    theirs = [row.asDict() for row in transformed.orderBy(key).collect()]
    assert len(ours) == len(theirs) > 0
    assert row_differences(theirs, ours, transformed.columns) == []


@pytest.fixture(scope="module")
def sessions(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Feature rows of 400 generated sessions, computed in Spark by the training job's code."""
    from training.generate import generate, write_shards

    from snowleap.snowplow import FEATURE_SCHEMA
    from snowleap.spark.session_features import session_rows

    folder = tmp_path_factory.mktemp("events")
    generated, _ = generate(400, seed=99)
    write_shards(generated, folder, shards=2)
    rows = session_rows(spark.read.text(str(folder)), "tsv", "score-salt")
    return rows.where("session_key is not null").select("session_key", *FEATURE_SCHEMA).cache()


def test_default_model_scores_like_pipeline_model(spark: Any, sessions: Any) -> None:
    from pyspark.ml import PipelineModel

    from snowleap.spark import score

    scored = score(sessions, BUNDLE)
    transformed = PipelineModel.load(str(SPARK_MODEL)).transform(sessions)
    assert_scores_like_transform(scored, transformed, "session_key")


def test_airbnb_style_forest_scores_like_pipeline_model(spark: Any, tmp_path: Path) -> None:
    from benchmarks.cases import airbnb
    from pyspark.sql import functions as sf

    from snowleap.spark import export_bundle, score

    listings = airbnb.listings(1500, seed=3)
    for number, row in enumerate(listings):
        row["listing_id"] = number
    train = spark.createDataFrame(listings[:1000])
    model = airbnb.spark_pipeline().fit(train)
    export_bundle(model, train, tmp_path / "airbnb.zip", format="protobuf")
    # GIVEN listings the forest never saw, and a state it never saw (handle_invalid keep)
    unseen = spark.createDataFrame(listings[1000:]).drop(airbnb.LABEL)
    strangers = unseen.limit(5).withColumn("state", sf.lit("ZZ"))
    unseen = unseen.union(strangers.withColumn("listing_id", sf.col("listing_id") + 10_000))
    unseen = unseen.repartition(3)
    assert_scores_like_transform(
        score(unseen, tmp_path / "airbnb.zip"), model.transform(unseen), "listing_id"
    )
    # AND a choice of outputs comes in the order asked for, nothing else added
    chosen = score(unseen, tmp_path / "airbnb.zip", ["price_prediction", "state_index"])
    assert chosen.columns == [*unseen.columns, "price_prediction", "state_index"]


def test_refused_rows_fail_the_job_or_are_kept_with_their_reason(
    spark: Any, tmp_path: Path
) -> None:
    from pyspark.ml import Pipeline
    from pyspark.ml.feature import StringIndexer

    from snowleap.spark import export_bundle, score

    train = spark.createDataFrame([("a", 1), ("b", 2), ("a", 3)], ["color", "id"])
    model = Pipeline(stages=[StringIndexer(inputCol="color", outputCol="color_i")]).fit(train)
    export_bundle(model, train, tmp_path / "indexer.zip")
    frame = spark.createDataFrame([("a", 1), ("purple", 2), ("b", 3)], ["color", "id"])
    # WHEN a label unseen in training meets handle_invalid "error": the job fails, saying why
    with pytest.raises(Exception, match="cannot be scored") as raised:
        score(frame, tmp_path / "indexer.zip").collect()
    assert "purple" not in str(raised.value).split("cannot be scored")[1]
    # AND with a reason column every row is kept, the refused one with nulls and its reason
    kept = score(frame, tmp_path / "indexer.zip", reason_column="why").orderBy("id").collect()
    assert [(r.id, r.color_i) for r in kept] == [(1, 0.0), (2, None), (3, 1.0)]
    assert [r.why is None for r in kept] == [True, False, True]
    assert "'color'" in kept[1].why and "purple" not in kept[1].why


def test_bad_calls_say_what_is_wrong(spark: Any, sessions: Any) -> None:
    from snowleap.spark import score

    with pytest.raises(InputError, match="no column 'n_events'"):
        score(sessions.drop("n_events"), BUNDLE)
    with pytest.raises(InputError, match="'probabilty' is not a column the model adds"):
        score(sessions, BUNDLE, ["probabilty"])
    with pytest.raises(InputError, match="already has a column 'prediction'"):
        score(sessions.selectExpr("*", "1.0 as prediction"), BUNDLE)
    with pytest.raises(InputError, match="cannot read the bundle"):
        score(sessions, BUNDLE.with_name("missing.zip"))
