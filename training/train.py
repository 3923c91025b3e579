"""Train the buy-vs-defer model on Snowplow enriched events with Spark, export it for snowleap.

Reads enriched events (TSV or the Analytics SDK's JSON lines; a local path by default, any path
Spark reads, such as ``s3a://bucket/events/``), computes one feature row per session with the
serving code (``snowleap.spark.session_features``: ``mapInPandas`` over ``session_features``),
labels a session 1.0 ("buy") when it holds a purchase, fits StringIndexer + OneHotEncoder +
VectorAssembler + RandomForestClassifier (or GBT), evaluates on held-out sessions, exports the
MLeap bundle with ``snowleap.spark.export_bundle`` and writes a report (metrics JSON, ROC PNG).

Runs as ``python training/train.py`` (local Spark, ``local[*]``) or unchanged under
``spark-submit`` (the master and jars then come from spark-submit).

Example
-------
    python training/train.py --input data/events --out bundles/snowleap-default.zip
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from snowleap.snowplow import FEATURE_SCHEMA
from snowleap.snowplow.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from snowleap.spark.session_features import BUCKET, LABEL, session_rows

LOG = logging.getLogger("snowleap.training")
SALT_ENV = "SNOWLEAP_SESSION_SALT"
CALIBRATION_BINS = 10


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", default="data/events", help="file, folder or glob Spark reads")
    parser.add_argument("--format", choices=("tsv", "json"), default="tsv")
    parser.add_argument("--out", type=Path, default=Path("bundles/snowleap-default.zip"))
    parser.add_argument("--report", type=Path, default=Path("bundles/report"))
    parser.add_argument(
        "--spark-model",
        default="bundles/spark-pipeline",
        help="where Spark's own PipelineModel is saved too (the parity test scores with it)",
    )
    parser.add_argument("--model", choices=("rf", "gbt"), default="rf")
    parser.add_argument("--trees", type=int, default=30, help="forest size / boosting rounds")
    parser.add_argument("--max-depth", type=int, default=6)
    parser.add_argument("--test-percent", type=int, default=20, help="held-out sessions, percent")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--salt",
        default=os.environ.get(SALT_ENV, "snowleap-training"),
        help=f"session key salt (default ${SALT_ENV}); it also fixes the train/test split",
    )
    parser.add_argument(
        "--master", default=None, help="Spark master for a local run (default local[*])"
    )
    return parser.parse_args(argv)


def spark_for(args: argparse.Namespace) -> Any:
    """Under spark-submit, the session it configured; else a local one with MLeap's jars."""
    from pyspark.sql import SparkSession

    # NOTE: spark-submit starts the JVM and hands PySpark its gateway; master and jars are its
    # business, so nothing here may override them.
    if "PYSPARK_GATEWAY_PORT" in os.environ:
        return SparkSession.builder.appName("snowleap-train").getOrCreate()
    from snowleap.spark import spark_session

    return spark_session(app_name="snowleap-train", master=args.master or "local[*]")


def build_pipeline(args: argparse.Namespace) -> Any:
    """Indexers and one-hot encoders for the categorical features, assembler, classifier."""
    from pyspark.ml import Pipeline
    from pyspark.ml.classification import GBTClassifier, RandomForestClassifier
    from pyspark.ml.feature import OneHotEncoder, StringIndexer, VectorAssembler

    # NOTE: one single-column StringIndexer per feature: the multi-column form is newer than the
    # MLeap (0.16) that writes our bundles.
    indexers = [
        StringIndexer(inputCol=name, outputCol=f"{name}_index", handleInvalid="keep")
        for name in CATEGORICAL_FEATURES
    ]
    encoder = OneHotEncoder(
        inputCols=[f"{name}_index" for name in CATEGORICAL_FEATURES],
        outputCols=[f"{name}_vec" for name in CATEGORICAL_FEATURES],
        handleInvalid="keep",
    )
    assembler = VectorAssembler(
        inputCols=[*NUMERIC_FEATURES, *(f"{name}_vec" for name in CATEGORICAL_FEATURES)],
        outputCol="features",
    )
    classifier: Any
    if args.model == "gbt":
        classifier = GBTClassifier(
            labelCol=LABEL, maxIter=args.trees, maxDepth=args.max_depth, seed=args.seed
        )
    else:
        classifier = RandomForestClassifier(
            labelCol=LABEL, numTrees=args.trees, maxDepth=args.max_depth, seed=args.seed
        )
    return Pipeline(stages=[*indexers, encoder, assembler, classifier])


def roc_points(scores: list[float], labels: list[float]) -> tuple[list[float], list[float]]:
    """False and true positive rates at every distinct score threshold, high to low."""
    pairs = sorted(zip(scores, labels, strict=True), key=lambda p: -p[0])
    positives = sum(labels)
    negatives = len(labels) - positives
    fpr, tpr = [0.0], [0.0]
    tp = fp = 0.0
    for i, (score, label) in enumerate(pairs):
        tp += label
        fp += 1.0 - label
        if i + 1 == len(pairs) or pairs[i + 1][0] != score:
            fpr.append(fp / negatives)
            tpr.append(tp / positives)
    return fpr, tpr


def calibration_table(scores: list[float], labels: list[float]) -> list[dict[str, float]]:
    """Held-out sessions in equal-width bins of predicted buy probability: predicted vs observed."""
    table = []
    for b in range(CALIBRATION_BINS):
        low, high = b / CALIBRATION_BINS, (b + 1) / CALIBRATION_BINS
        members = [
            (s, y)
            for s, y in zip(scores, labels, strict=True)
            if low <= s < high or (b == CALIBRATION_BINS - 1 and s == 1.0)
        ]
        if members:
            table.append(
                {
                    "bin": f"[{low:.1f}, {high:.1f})",
                    "sessions": float(len(members)),
                    "mean_predicted": sum(s for s, _ in members) / len(members),
                    "observed_buy_rate": sum(y for _, y in members) / len(members),
                }
            )
    return table


def write_roc_png(path: Path, fpr: list[float], tpr: list[float], auc: float, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot(fpr, tpr, label=f"ROC AUC {auc:.3f}")
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    axes.set_xlabel("false positive rate")
    axes.set_ylabel("true positive rate")
    axes.set_title(title)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    timings: dict[str, float] = {}
    began = time.perf_counter()
    spark = spark_for(args)
    from pyspark.ml.evaluation import BinaryClassificationEvaluator
    from pyspark.ml.functions import vector_to_array
    from pyspark.sql import functions as sf

    from snowleap.spark import export_bundle

    rows = session_rows(spark.read.text(args.input), args.format, args.salt).cache()
    totals = rows.agg(
        sf.count("*").alias("groups"),
        sf.sum("n_parsed").alias("events"),
        sf.sum("n_rejected").alias("rejected"),
        sf.sum(sf.when(sf.col("session_key").isNull(), sf.col("n_parsed")).otherwise(0)).alias(
            "events_without_session"
        ),
        sf.sum(
            sf.when(sf.col("session_key").isNotNull() & (sf.col("n_used") == 0), 1).otherwise(0)
        ).alias("sessions_without_events_before_purchase"),
    ).first()
    rejections = [
        r.first_rejection
        for r in rows.where(sf.col("first_rejection").isNotNull()).limit(5).collect()
    ]
    timings["features_s"] = time.perf_counter() - began
    LOG.info("session rows: %s", totals.asDict())

    usable = rows.where(sf.col("session_key").isNotNull() & (sf.col("n_used") > 0))
    train = usable.where(sf.col(BUCKET) >= args.test_percent).cache()
    test = usable.where(sf.col(BUCKET) < args.test_percent).cache()

    began = time.perf_counter()
    model = build_pipeline(args).fit(train)
    timings["fit_s"] = time.perf_counter() - began

    began = time.perf_counter()
    scored = model.transform(test).select(
        LABEL, "rawPrediction", vector_to_array("probability")[1].alias("p_buy")
    )
    evaluate = BinaryClassificationEvaluator(labelCol=LABEL, rawPredictionCol="rawPrediction")
    roc_auc = evaluate.setMetricName("areaUnderROC").evaluate(scored)
    pr_auc = evaluate.setMetricName("areaUnderPR").evaluate(scored)
    held_out = scored.select("p_buy", LABEL).collect()
    scores = [float(r.p_buy) for r in held_out]
    labels = [float(r[LABEL]) for r in held_out]
    timings["evaluate_s"] = time.perf_counter() - began

    began = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sample = train.select(*FEATURE_SCHEMA).limit(500)
    export_bundle(model, sample, args.out, format="json")
    model.write().overwrite().save(args.spark_model)
    timings["export_s"] = time.perf_counter() - began

    classifier = model.stages[-1]
    assembled = model.stages[-2].getInputCols()
    importances = classifier.featureImportances.toArray().tolist()
    metrics: dict[str, Any] = {
        "input": args.input,
        "format": args.format,
        "model": args.model,
        "params": {
            "trees": args.trees,
            "max_depth": args.max_depth,
            "seed": args.seed,
            "test_percent": args.test_percent,
        },
        "counts": {
            **{k: int(v or 0) for k, v in totals.asDict().items()},
            "train_sessions": train.count(),
            "test_sessions": len(labels),
            "test_buy_rate": sum(labels) / len(labels),
            "first_rejections": rejections,
        },
        "held_out": {"roc_auc": roc_auc, "pr_auc": pr_auc},
        "calibration": calibration_table(scores, labels),
        "feature_columns": list(FEATURE_SCHEMA),
        "assembled_inputs": assembled,
        "feature_importances_by_assembled_slot": importances,
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "bundle": str(args.out),
        "spark_model": args.spark_model,
        "bundle_bytes": args.out.stat().st_size,
    }
    args.report.mkdir(parents=True, exist_ok=True)
    (args.report / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    fpr, tpr = roc_points(scores, labels)
    write_roc_png(args.report / "roc.png", fpr, tpr, roc_auc, f"held-out sessions ({args.model})")
    LOG.info("held-out ROC AUC %.4f, PR AUC %.4f; bundle %s", roc_auc, pr_auc, args.out)
    return metrics


if __name__ == "__main__":
    main()
