"""Fit, transform and save a pipeline over Spark Connect (run in a process of its own).

``python -m tests.parity.connect_job OUT PORT``: starts a local Spark Connect server bound to
127.0.0.1:PORT (``SparkSession.builder.remote("local")``, pyspark 4), fits a pipeline through it,
saves the fitted model to ``OUT/model`` and writes the scored rows to ``OUT/scored.json``: the
inputs and Spark's outputs, the referee of the Connect test. Over Connect there is no ``_jvm``.
Then ``snowleap export-spark`` turns the saved folder into ``OUT/model.zip`` and
``snowleap.spark.score`` scores the same DataFrame with it over Connect (no broadcast there:
the bundle travels inside the function); ``OUT/score.json`` holds how that compares with the
model's own transform (columns, Spark types, row differences).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(out: Path, port: int) -> None:
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import LogisticRegression
    from pyspark.ml.feature import OneHotEncoder, StringIndexer, VectorAssembler
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as sf
    from pyspark.sql.connect.session import SparkSession as ConnectSession

    from snowleap.cli import main as snowleap_cli
    from snowleap.ops.sparse import SparseVector
    from snowleap.spark import score
    from snowleap.spark.compare import python_value, row_differences

    def dense(value: object) -> list[float]:
        # NOTE: python_value keeps Spark's sparse one-hot vectors sparse; JSON holds them dense
        # (a few slots each), and the comparison reads a dense list against a sparse vector.
        if isinstance(value, SparseVector):
            return value.to_dense()
        raise TypeError(f"cannot write a {type(value).__name__} as JSON")

    # NOTE: the server runs in a local Spark (its Connect plugin) bound to 127.0.0.1 on the
    # given port (remote("local") would listen on all interfaces, port 15002); the client then
    # dials it, as a notebook on a Connect cluster does. Everything below goes over gRPC.
    # NOTE: score()'s Python workers need this interpreter (numpy, pyarrow, snowleap); the
    #   server's Python runner reads the environment, as a local session's does
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    server = (
        SparkSession.builder.master("local[2]")
        .config("spark.plugins", "org.apache.spark.sql.connect.SparkConnectPlugin")
        .config("spark.connect.grpc.binding.address", "127.0.0.1")
        .config("spark.connect.grpc.binding.port", str(port))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    # NOTE: what builder.remote() sets so that pyspark.ml runs its Connect implementation.
    os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
    spark = ConnectSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()
    try:
        assert not hasattr(spark, "_jvm") or spark._jvm is None
        colors, sizes = ["red", "green", "blue", "black"], ["s", "m", "l"]
        rows = [
            (colors[i % 4], sizes[(i * 7) % 3], (i % 17) / 3.0, ((i * 13) % 29) - 9.5, float(i % 2))
            for i in range(1000)
        ]
        df = spark.createDataFrame(rows, ["color", "size", "x1", "x2", "label"])
        model = Pipeline(
            stages=[
                StringIndexer(inputCols=["color", "size"], outputCols=["ci", "si"]),
                OneHotEncoder(inputCols=["ci", "si"], outputCols=["cv", "sv"]),
                VectorAssembler(inputCols=["cv", "sv", "x1", "x2"], outputCol="features"),
                LogisticRegression(regParam=0.01),
            ]
        ).fit(df)
        model.write().save(str(out / "model"))
        scored = model.transform(df).collect()
        out.joinpath("scored.json").write_text(
            json.dumps(
                [{k: python_value(v) for k, v in r.asDict().items()} for r in scored], default=dense
            )
        )
        bundle = out / "model.zip"
        assert snowleap_cli(["export-spark", str(out / "model"), str(bundle)]) == 0
        keyed = df.withColumn("row", sf.monotonically_increasing_id())
        ours, theirs = score(keyed, bundle), model.transform(keyed)
        out.joinpath("score.json").write_text(
            json.dumps(
                {
                    "columns": [ours.columns, theirs.columns],
                    "types": [
                        [f.dataType.simpleString() for f in frame.schema.fields]
                        for frame in (ours, theirs)
                    ],
                    "rows": [ours.count(), theirs.count()],
                    "differences": row_differences(
                        [r.asDict() for r in theirs.orderBy("row").collect()],
                        [r.asDict() for r in ours.orderBy("row").collect()],
                        theirs.columns,
                    ),
                },
                default=str,
            )
        )
    finally:
        spark.stop()
        server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
