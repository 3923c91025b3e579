"""PySpark ``PipelineModel.transform`` on ``local[*]``: the Spark everyone starts from.

Measured inside the Spark phase, which owns the only Spark session: one row as a one-row
DataFrame, ``transform``, ``collect`` (checked against Spark's batch output on the first rows
before timing); batches as cached DataFrames written to Spark's ``noop`` sink, which computes
every output column without collecting them.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.settings import Settings
from benchmarks.timing import latency_summary

NAME = "pyspark"
CHECKED_ROWS = 5


def available() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"pyspark not installed (the `spark` extra): {exc}"
    return None


def spark_schema(types: dict[str, str]) -> Any:
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    return StructType(
        [
            StructField(n, StringType() if t == "string" else DoubleType(), True)
            for n, t in types.items()
        ]
    )


def measure(
    spark: Any,
    model: Any,
    outputs: tuple[str, ...],
    rows: list[dict[str, Any]],
    settings: Settings,
    reference: dict[str, list[Any]],
) -> dict[str, Any]:
    """PySpark's single-row latency and batch throughput, after checking its one-row answers."""
    from benchmarks.checks import EXACT_TOL, compare, verdict
    from snowleap.spark.compare import python_value

    schema = spark_schema(
        {n: "string" if isinstance(v, str) else "double" for n, v in rows[0].items()}
    )
    columns = list(outputs)

    def score_one(row: dict[str, Any]) -> list[Any]:
        frame = spark.createDataFrame([row], schema)
        return model.transform(frame).select(*columns).collect()

    checked = rows[:CHECKED_ROWS]
    answers = [score_one(row)[0] for row in checked]
    check = compare(
        {name: reference[name][: len(checked)] for name in columns},
        {name: [python_value(a[name]) for a in answers] for name in columns},
        EXACT_TOL,
    )
    result: dict[str, Any] = {"check": check, "status": verdict(check)}
    if result["status"] != "ok":
        return result
    samples = []
    for _ in range(settings.pyspark_row_repeats):
        start = time.perf_counter()
        score_one(rows[0])
        samples.append(time.perf_counter() - start)
    result["row"] = latency_summary(samples)
    base = spark.createDataFrame(rows, schema).cache()
    base.count()
    batches = []
    for size in settings.pyspark_batch_sizes:
        if size <= len(rows):
            batch = base.limit(size)
        else:
            copies = -(-size // len(rows))
            batch = base.crossJoin(spark.range(copies).withColumnRenamed("id", "_copy"))
            batch = batch.drop("_copy").limit(size)
        batch = batch.cache()
        batch.count()
        scored = model.transform(batch)
        scored.write.format("noop").mode("overwrite").save()
        repeats, start = 0, time.perf_counter()
        while repeats < 2 or time.perf_counter() - start < settings.batch_seconds:
            scored.write.format("noop").mode("overwrite").save()
            repeats += 1
        elapsed = time.perf_counter() - start
        batches.append({"size": size, "repeats": repeats, "rows_per_s": size * repeats / elapsed})
        batch.unpersist()
    result["batches"] = batches
    return result
