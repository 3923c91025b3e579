"""A spark-submit job: ``snowleap.spark.score`` against ``PipelineModel.transform`` on a cluster.

Run by tests/cluster/test_cluster.py as ``spark-submit --master spark://... score_job.py EVENTS
OUT.json``. On the session rows of EVENTS (computed on the executors by the training job's code)
it scores the committed default bundle and Spark's saved PipelineModel of it; then it fits the
airbnb-style forest of the benchmarks on the cluster, exports it (snowleap's writer, whose own
check also runs here) and scores it both ways. OUT.json records each comparison's differences,
the rows compared, and which executors and Python workers ran the tasks.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def differences(scored: Any, transformed: Any, key: str) -> dict[str, Any]:
    from snowleap.spark.compare import row_differences

    ours = [row.asDict() for row in scored.orderBy(key).collect()]
    theirs = [row.asDict() for row in transformed.orderBy(key).collect()]
    return {
        "rows": len(ours),
        "columns_equal": scored.columns == transformed.columns,
        "types_equal": [f.dataType for f in scored.schema.fields]
        == [f.dataType for f in transformed.schema.fields],
        "differences": row_differences(theirs, ours, transformed.columns),
    }


def python_workers(spark: Any) -> dict[str, Any]:
    """Which interpreters and Python daemons (one per executor) ran eight small tasks."""

    def where(_: Any) -> Any:
        import snowleap

        yield (os.getppid(), sys.executable, snowleap.__file__)

    seen = spark.sparkContext.parallelize(range(8), 8).mapPartitions(where).collect()
    executors = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
    return {
        "executors": executors,
        "python_daemons": len({pid for pid, _, _ in seen}),
        "executables": sorted({exe for _, exe, _ in seen}),
    }


def main(events: str, out: str) -> None:
    from benchmarks.cases import airbnb
    from pyspark.ml import PipelineModel
    from pyspark.sql import SparkSession

    from snowleap.snowplow import FEATURE_SCHEMA
    from snowleap.spark import export_bundle, score
    from snowleap.spark.session_features import session_rows

    spark = SparkSession.builder.appName("snowleap-cluster-score").getOrCreate()
    result: dict[str, Any] = {"master": spark.sparkContext.master}
    sessions = session_rows(spark.read.text(events), "tsv", "cluster-salt")
    sessions = sessions.where("session_key is not null").select("session_key", *FEATURE_SCHEMA)
    sessions = sessions.cache()
    default = ROOT / "bundles" / "snowleap-default.zip"
    pipeline = PipelineModel.load(str(ROOT / "bundles" / "spark-pipeline"))
    result["default"] = differences(
        score(sessions, default), pipeline.transform(sessions), "session_key"
    )

    listings = airbnb.listings(400, seed=3)
    for number, row in enumerate(listings):
        row["listing_id"] = number
    train = spark.createDataFrame(listings[:300]).repartition(2)
    model = airbnb.spark_pipeline().fit(train)
    bundle = Path(out).with_name("airbnb.zip")
    export_bundle(model, train, bundle, format="protobuf")
    unseen = spark.createDataFrame(listings[300:]).drop(airbnb.LABEL).repartition(2)
    result["airbnb"] = differences(score(unseen, bundle), model.transform(unseen), "listing_id")
    result["workers"] = python_workers(spark)
    Path(out).write_text(json.dumps(result, indent=1))
    spark.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1], sys.argv[2])
