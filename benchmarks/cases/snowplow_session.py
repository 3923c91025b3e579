"""The default Snowplow session model: the bundle ``make train`` commits under ``bundles/``.

PySpark and ONNX Runtime need the fitted Spark pipeline itself: the training job saves it beside
the bundle (``bundles/spark-pipeline``, Spark's own format), so they run exactly the model
snowleap serves. Without that folder, MLeap's Spark deserializer reads the bundle back (MLeap
0.16 cannot do that on Spark 3.5 for tree classifiers: the error is reported). Benchmark rows
are session feature rows
(``snowleap.snowplow.FEATURE_SCHEMA``) with plausible values: counts and durations drawn from a
seeded generator, strings from the labels the model's string indexers learned.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.settings import REPO_ROOT

DEFAULT_BUNDLE = REPO_ROOT / "bundles" / "snowleap-default.zip"
SPARK_PIPELINE = REPO_ROOT / "bundles" / "spark-pipeline"
OUTPUTS = ("probability", "prediction")


class CaseUnavailableError(RuntimeError):
    """A case's pipeline cannot be obtained on this checkout; the message says why."""


def spark_model(spark: Any, bundle_path: Path) -> tuple[Any, str | None]:
    """The default bundle, copied to ``bundle_path`` and read into Spark by MLeap."""
    from pyspark.ml import PipelineModel

    if not DEFAULT_BUNDLE.is_file():
        missing = DEFAULT_BUNDLE.relative_to(REPO_ROOT)
        raise CaseUnavailableError(f"{missing} missing: run make train")
    shutil.copyfile(DEFAULT_BUNDLE, bundle_path)
    if SPARK_PIPELINE.is_dir():
        return PipelineModel.load(str(SPARK_PIPELINE)), None
    serializer = spark._jvm.ml.combust.mleap.spark.SimpleSparkSerializer()
    java_model = serializer.deserializeFromBundle(f"jar:file:{Path(bundle_path).resolve()}")
    return PipelineModel._from_java(java_model), None


def _string_labels(model: Any) -> dict[str, list[str]]:
    labels: dict[str, list[str]] = {}
    for stage in _leaf_stages(model):
        if type(stage).__name__ == "StringIndexerModel":
            java = stage._java_obj
            inputs = (
                list(java.getInputCols()) if java.isSet(java.inputCols()) else [java.getInputCol()]
            )
            for column, values in zip(inputs, stage.labelsArray, strict=True):
                labels[column] = list(values)
    return labels


def _leaf_stages(model: Any) -> list[Any]:
    stages = getattr(model, "stages", None)
    if stages is None:
        return [model]
    return [leaf for stage in stages for leaf in _leaf_stages(stage)]


def bench_rows(spark: Any, model: Any, count: int) -> list[dict[str, Any]]:
    """``count`` session feature rows, reproducible."""
    try:
        from snowleap.snowplow import FEATURE_SCHEMA
    except ImportError as exc:
        raise CaseUnavailableError(f"snowleap.snowplow not available: {exc}") from None
    rng = np.random.default_rng(3)
    labels = _string_labels(model)
    events = rng.integers(1, 60, count)
    rows: list[dict[str, Any]] = []
    for i in range(count):
        row: dict[str, Any] = {}
        for name, kind in FEATURE_SCHEMA.items():
            if kind == "string":
                choices = labels.get(name) or ["unknown"]
                row[name] = choices[int(rng.integers(0, len(choices)))]
            elif name == "n_events":
                row[name] = float(events[i])
            elif name.startswith("n_"):
                row[name] = float(rng.integers(0, events[i] + 1))
            elif name == "start_hour":
                row[name] = float(rng.integers(0, 24))
            elif name == "start_weekday":
                row[name] = float(rng.integers(0, 7))
            elif name == "visit_number":
                row[name] = float(rng.integers(1, 12))
            else:
                row[name] = float(np.round(rng.gamma(2.0, 60.0), 1))
        rows.append(row)
    return rows
