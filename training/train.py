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
import sys
import time
from pathlib import Path
from typing import Any

from snowleap.serving.scoring import CALIBRATED_COLUMN, DECISION_COLUMN
from snowleap.snowplow import FEATURE_SCHEMA
from snowleap.snowplow.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from snowleap.spark.session_features import BUCKET, LABEL, PREFIX_LENGTH, session_rows

# NOTE: run as a script (python training/train.py, spark-submit), the repository root is not on
# the path; the metrics module beside this file is imported as training.evaluation either way.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training.evaluation import (
    best_f1_threshold,
    calibration_table,
    roc_auc,
    roc_points,
    summary,
)

LOG = logging.getLogger("snowleap.training")
SALT_ENV = "SNOWLEAP_SESSION_SALT"
#: prefixes a training session is cut at (events before its purchase), besides the whole session:
#: the same lengths for buyers and non-buyers, so a cut says nothing about the label
TRAIN_PREFIXES = (1, 2, 3, 5, 8, 13, 21, 34)
#: the prefix lengths the report gives held-out metrics for
REPORT_PREFIXES = (1, 3, 5, 10)


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
    parser.add_argument(
        "--calibration-percent",
        type=int,
        default=15,
        help="sessions (percent) that fit the isotonic calibration and choose the threshold",
    )
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


def prefix_rows(spark: Any, args: argparse.Namespace) -> Any:
    """Every session's whole row and its prefix rows (``session_rows`` with prefixes), cached."""
    lengths = sorted({*TRAIN_PREFIXES, *REPORT_PREFIXES})
    lines = spark.read.text(args.input)
    return session_rows(lines, args.format, args.salt, prefixes=lengths).cache()


def calibrated_model(args: argparse.Namespace, train: Any, calibration: Any) -> tuple[Any, float]:
    """Forest pipeline fit on ``train``; isotonic calibration and the threshold from
    ``calibration``; one PipelineModel of all three (what the bundle holds)."""
    from pyspark.ml import PipelineModel
    from pyspark.ml.feature import Binarizer
    from pyspark.ml.regression import IsotonicRegression

    forest = build_pipeline(args).fit(train)
    scored = forest.transform(calibration)
    isotonic = IsotonicRegression(
        featuresCol="probability", featureIndex=1, labelCol=LABEL, predictionCol=CALIBRATED_COLUMN
    ).fit(scored)
    calibrated = isotonic.transform(scored).select(CALIBRATED_COLUMN, LABEL)
    collected = sorted((float(r[0]), float(r[1])) for r in calibrated.collect())
    threshold = best_f1_threshold([p for p, _ in collected], [y for _, y in collected])
    decision = Binarizer(inputCol=CALIBRATED_COLUMN, outputCol=DECISION_COLUMN, threshold=threshold)
    stages = [*forest.stages, isotonic, decision]
    return PipelineModel(stages=stages), threshold


def held_out_metrics(model: Any, test: Any, threshold: float) -> dict[str, Any]:
    """Metrics of the calibrated model on held-out rows: by prefix length, whole sessions, all."""
    from pyspark.ml.functions import vector_to_array
    from pyspark.sql import functions as sf

    scored = model.transform(test).select(
        vector_to_array("probability")[1].alias("raw"),
        sf.col(CALIBRATED_COLUMN),
        sf.col(LABEL),
        sf.col(PREFIX_LENGTH),
        (sf.col(PREFIX_LENGTH) == sf.col("n_used")).alias("whole"),
    )
    rows = sorted(tuple(r) for r in scored.collect())

    def summarise(keep: Any) -> dict[str, float]:
        chosen = [r for r in rows if keep(r)]
        raw, calibrated, labels = ([r[i] for r in chosen] for i in range(3))
        return summary(raw, calibrated, labels, threshold)

    train_like = set(TRAIN_PREFIXES)
    return {
        "by_prefix_length": {
            str(length): summarise(lambda r, n=length: r[3] == n) for length in REPORT_PREFIXES
        },
        "whole_sessions": summarise(lambda r: r[4]),
        "all_prefixes": summarise(lambda r: r[4] or r[3] in train_like),
        "calibration": calibration_table(
            [r[1] for r in rows if r[4]], [r[2] for r in rows if r[4]]
        ),
        "whole_session_scores": ([r[0] for r in rows if r[4]], [r[2] for r in rows if r[4]]),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    timings: dict[str, float] = {}
    began = time.perf_counter()
    spark = spark_for(args)
    from pyspark.sql import functions as sf

    from snowleap.spark import export_bundle

    rows = prefix_rows(spark, args)
    whole = rows.where(sf.col(PREFIX_LENGTH) == sf.col("n_used"))
    totals = whole.agg(
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
        for r in whole.where(sf.col("first_rejection").isNotNull()).limit(5).collect()
    ]
    timings["features_s"] = time.perf_counter() - began
    LOG.info("session rows: %s", totals.asDict())

    usable = rows.where(sf.col("session_key").isNotNull() & (sf.col("n_used") > 0))
    # NOTE: training and calibration rows are the prefixes a scorer meets (and the whole session);
    # the report's extra lengths (10) are held-out rows only.
    train_like = sf.col(PREFIX_LENGTH).isin(*TRAIN_PREFIXES) | (
        sf.col(PREFIX_LENGTH) == sf.col("n_used")
    )
    bucket = sf.col(BUCKET)
    first_train = args.test_percent + args.calibration_percent
    test = usable.where(bucket < args.test_percent)
    calibration = usable.where((bucket >= args.test_percent) & (bucket < first_train) & train_like)
    train = usable.where((bucket >= first_train) & train_like).cache()

    began = time.perf_counter()
    model, threshold = calibrated_model(args, train, calibration)
    timings["fit_s"] = time.perf_counter() - began

    began = time.perf_counter()
    evaluated = held_out_metrics(model, test, threshold)
    scores, labels = evaluated.pop("whole_session_scores")
    timings["evaluate_s"] = time.perf_counter() - began

    began = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sample = train.select(*FEATURE_SCHEMA).limit(500)
    export_bundle(model, sample, args.out, format="json")
    model.write().overwrite().save(args.spark_model)
    timings["export_s"] = time.perf_counter() - began

    forest = model.stages[-3]
    assembled = model.stages[-4].getInputCols()
    importances = forest.featureImportances.toArray().tolist()
    counts = {k: int(v or 0) for k, v in totals.asDict().items()}
    metrics: dict[str, Any] = {
        "input": args.input,
        "format": args.format,
        "model": args.model,
        "spark_master": spark.sparkContext.master,
        "params": {
            "trees": args.trees,
            "max_depth": args.max_depth,
            "seed": args.seed,
            "test_percent": args.test_percent,
            "calibration_percent": args.calibration_percent,
            "train_prefix_lengths": list(TRAIN_PREFIXES),
        },
        "counts": {
            **counts,
            "train_rows": train.count(),
            "train_sessions": train.select("session_key").distinct().count(),
            "test_sessions": int(evaluated["whole_sessions"]["sessions"]),
            "first_rejections": rejections,
        },
        "threshold": {
            "value": threshold,
            "chosen_by": "best F1 of calibrated_probability > threshold on calibration sessions",
        },
        "held_out": {
            "roc_auc": evaluated["whole_sessions"]["roc_auc"],
            "pr_auc": evaluated["whole_sessions"]["pr_auc"],
        },
        "by_prefix_length": evaluated["by_prefix_length"],
        "whole_sessions": evaluated["whole_sessions"],
        "all_prefixes": evaluated["all_prefixes"],
        "calibration": evaluated["calibration"],
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
    title = f"held-out whole sessions ({args.model}, before calibration)"
    write_roc_png(args.report / "roc.png", fpr, tpr, roc_auc(scores, labels), title)
    for length, figures in evaluated["by_prefix_length"].items():
        LOG.info("after %s events: %s", length, figures)
    LOG.info("threshold %.4f; bundle %s", threshold, args.out)
    return metrics


if __name__ == "__main__":
    main()
