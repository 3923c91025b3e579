"""``snowleap.spark.score`` beside Spark's own ``PipelineModel.transform``, 1M rows, R rounds.

``python -m benchmarks.spark_score [--rows N] [--rounds R]``: on one local Spark session
(``local[2]``), two pipelines: the committed default session model (its bundle, and the
PipelineModel the training job saved with it) on session rows Spark computed from generated
events, repeated to N rows; and the airbnb-style 20-tree forest of ``benchmarks/cases/airbnb.py``
fitted here and exported with snowleap's writer, on N generated listings. The input is cached and
counted first; each timing then computes every column the pipeline adds for every row, written
to Spark's ``noop`` sink. The two scorers take turns, R rounds; the figures are rows per second
of the median round, with the ratio to Spark's. Before any timing, both scorers' outputs on the
first 2,000 rows are compared (rel 1e-9). Results: ``benchmarks/results/spark_score.{json,md}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.settings import REPO_ROOT, RESULTS_DIR

BUNDLE = REPO_ROOT / "bundles" / "snowleap-default.zip"
SPARK_MODEL = REPO_ROOT / "bundles" / "spark-pipeline"
CHECK_ROWS = 2000


def session_input(spark: Any, rows: int, work: Path) -> Any:
    from pyspark.sql import functions as sf
    from training.generate import generate, write_shards

    from snowleap.snowplow import FEATURE_SCHEMA
    from snowleap.spark.session_features import session_rows

    generated, _ = generate(2000, seed=5)
    write_shards(generated, work / "events", shards=2)
    sessions = session_rows(spark.read.text(str(work / "events")), "tsv", "bench")
    base = sessions.where("session_key is not null").select(*FEATURE_SCHEMA).cache()
    copies = -(-rows // base.count())
    repeated = base.crossJoin(spark.range(copies).withColumnRenamed("id", "copy"))
    return repeated.limit(rows).withColumn("row_id", sf.monotonically_increasing_id())


def airbnb_input(spark: Any, rows: int, work: Path) -> tuple[Any, Path, Any]:
    from benchmarks.cases import airbnb
    from snowleap.spark import export_bundle

    train = spark.createDataFrame(airbnb.listings(airbnb.TRAIN_ROWS, seed=1))
    model = airbnb.spark_pipeline().fit(train)
    bundle = work / "airbnb.zip"
    export_bundle(model, train, bundle, format="json")
    listings = airbnb.listings(rows, seed=2)
    for number, row in enumerate(listings):
        row.pop(airbnb.LABEL)
        row["row_id"] = number
    return spark.createDataFrame(listings), bundle, model


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def compare_case(
    name: str, frame: Any, bundle: Path, spark_model: Any, rounds: int
) -> dict[str, Any]:
    from snowleap.spark import score
    from snowleap.spark.compare import row_differences

    frame = frame.repartition(8).cache()
    rows = frame.count()
    sample = frame.orderBy("row_id").limit(CHECK_ROWS).cache()
    ours = [r.asDict() for r in score(sample, bundle).orderBy("row_id").collect()]
    theirs = [r.asDict() for r in spark_model.transform(sample).orderBy("row_id").collect()]
    columns = list(theirs[0])
    problems = row_differences(theirs, ours, columns)
    contenders = {
        "snowleap.spark.score": lambda: (
            score(frame, bundle).write.format("noop").mode("overwrite").save()
        ),
        "PipelineModel.transform": lambda: (
            spark_model.transform(frame).write.format("noop").mode("overwrite").save()
        ),
    }
    for action in contenders.values():
        action()  # NOTE: warm-up: Python workers started, bundle loaded, JIT warmed
    seconds: dict[str, list[float]] = {who: [] for who in contenders}
    for round_number in range(rounds):
        order = list(contenders) if round_number % 2 == 0 else list(reversed(contenders))
        for who in order:
            seconds[who].append(timed(contenders[who]))
    results = {
        who: {
            "median_s": statistics.median(times),
            "rows_per_s": rows / statistics.median(times),
            "rounds_s": [round(t, 3) for t in times],
        }
        for who, times in seconds.items()
    }
    spark_rate = results["PipelineModel.transform"]["rows_per_s"]
    for figures in results.values():
        figures["ratio_to_spark"] = figures["rows_per_s"] / spark_rate
    frame.unpersist()
    return {
        "case": name,
        "rows": rows,
        "columns_added": len(columns) - len(frame.columns),
        "check": f"{len(ours)}/{len(theirs)} rows compared, {len(problems)} differences"
        + (f": {problems[:3]}" if problems else ""),
        "agrees": not problems and len(ours) == len(theirs),
        "results": results,
    }


def report_markdown(report: dict[str, Any]) -> str:
    lines = [
        "# snowleap.spark.score vs PipelineModel.transform",
        "",
        f"{report['when']} on {report['machine']} (load {report['load']}); pyspark "
        f"{report['pyspark']}, master {report['master']}; {report['rounds']} rounds, "
        "turns alternating; rows/s of the median round; ratio = rows/s ÷ Spark's.",
        "",
        "| pipeline | rows | columns added | check (first 2,000 rows) | contender | median s "
        "| rows/s | ratio |",
        "|---|---:|---:|---|---|---:|---:|---:|",
    ]
    for case in report["cases"]:
        for who, figures in case["results"].items():
            lines.append(
                f"| {case['case']} | {case['rows']:,} | {case['columns_added']} | {case['check']} "
                f"| {who} | {figures['median_s']:.2f} | {figures['rows_per_s']:,.0f} "
                f"| x{figures['ratio_to_spark']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from pyspark.ml import PipelineModel

    from snowleap.spark import spark_session

    spark = spark_session(app_name="snowleap-bench-score", master="local[2]", with_mleap=False)
    spark.conf.set("spark.sql.shuffle.partitions", "8")
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            cases = [
                compare_case(
                    "Snowplow session model (default bundle)",
                    session_input(spark, args.rows, work),
                    BUNDLE,
                    PipelineModel.load(str(SPARK_MODEL)),
                    args.rounds,
                )
            ]
            listings, bundle, model = airbnb_input(spark, args.rows, work)
            cases.append(
                compare_case("airbnb-style 20-tree forest", listings, bundle, model, args.rounds)
            )
        import pyspark

        report = {
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
            "load": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
            "pyspark": pyspark.__version__,
            "master": spark.sparkContext.master,
            "rounds": args.rounds,
            "cases": cases,
        }
    finally:
        spark.stop()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "spark_score.json").write_text(json.dumps(report, indent=1) + "\n")
    (RESULTS_DIR / "spark_score.md").write_text(report_markdown(report))
    print(report_markdown(report))
    return report


if __name__ == "__main__":
    main()
