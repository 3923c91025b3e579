"""The one parity check every op test calls: Spark, snowleap and MLeap's runtime, three ways.

Every bundle is written by each writer that can write the stage (snowleap's own, and MLeap's
where MLeap 0.16 can: Spark 3.5 only), in both formats; the bundles of the two writers are also
compared node by node (``bundle_diff``).
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import snowleap
from snowleap.ops.tree.compiled import pure_python_trees
from snowleap.spark.columns import dataframe_column_types
from snowleap.spark.compare import row_differences
from snowleap.spark.export import (
    ROW_ID,
    schema_differences,
    score_with_snowleap,
    score_with_spark,
    write_bundle,
)
from snowleap.spark.snowleap_writer import save_with_spark, write_saved_pipeline
from tests.parity.bundle_diff import bundle_differences
from tests.parity.mleap_runtime import MleapRuntime

FORMATS = ("json", "protobuf")
BOTH_WRITERS = ("snowleap", "mleap")
SNOWLEAP_ONLY = ("snowleap",)
MIN_ROWS = 1000


def spark_major() -> int:
    import pyspark

    return int(pyspark.__version__.split(".")[0])


def usable_writers(writers: tuple[str, ...]) -> tuple[str, ...]:
    """The writers this Spark can run: MLeap 0.16's jars are Scala 2.12, Spark 3.5's line."""
    return writers if spark_major() == 3 else tuple(w for w in writers if w != "mleap")


def usable_formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    """The formats to check on this Spark: all on Spark 3.5; the first on Spark 4.

    NOTE: the serialization is the same code whatever fitted the model (and both formats run on
    Spark 3.5 against MLeap's runtime); on Spark 4 the suite proves what does depend on Spark,
    reading its fitted stages, and one format keeps ``make test`` within CI's 30 minutes.
    """
    return formats if spark_major() == 3 else formats[:1]


def written_bundles(
    spark_model: Any, df: Any, folder: Path, formats: tuple[str, ...], writers: tuple[str, ...]
) -> dict[tuple[str, str], Path]:
    """Each writer's bundle in each format; Spark saves the model once for snowleap's writer."""
    paths: dict[tuple[str, str], Path] = {}
    if "snowleap" in writers:
        saved = folder / "spark-saved"
        shutil.rmtree(saved, ignore_errors=True)
        save_with_spark(spark_model, saved)
        types = dataframe_column_types(df)
        for fmt in formats:
            target = folder / f"snowleap-{fmt}.zip"
            paths["snowleap", fmt] = write_saved_pipeline(saved, target, fmt, types).path  # type: ignore[arg-type]
    if "mleap" in writers:
        for fmt in formats:
            target = folder / f"mleap-{fmt}.zip"
            paths["mleap", fmt] = write_bundle(spark_model, df, target, fmt, writer="mleap")  # type: ignore[arg-type]
    return paths


def walker_differences(
    path: Path, sample: list[Any], batch: list[Any], single: list[Any]
) -> list[str]:
    """Where the pure-Python tree walkers' scores differ by a bit from the default (compiled)
    walkers' that the suite holds to Spark and MLeap: so both pass the parity suite."""
    with pure_python_trees():
        pure_batch, pure_single = score_with_snowleap(snowleap.load(path), sample)
    # NOTE: repr round-trips every float exactly and shows NaN, which == would not match.
    return [
        f"the pure-Python tree walkers' {way} differs from the compiled walkers' at row {i}"
        for way, compiled, pure in (("transform", batch, pure_batch), ("row", single, pure_single))
        for i, (a, b) in enumerate(zip(compiled, pure, strict=True))
        if repr(a) != repr(b)
    ]


class MleapSparkDisagreement(UserWarning):
    """MLeap's runtime and Spark give different outputs; snowleap is held to MLeap's."""


def assert_parity(
    spark_model: Any,
    df: Any,
    folder: Path,
    runtime: MleapRuntime,
    formats: tuple[str, ...] = FORMATS,
    writers: tuple[str, ...] = BOTH_WRITERS,
    no_mleap_runtime: str | None = None,
) -> dict[str, snowleap.Model]:
    """Export ``spark_model`` as JSON and protobuf bundles and prove all three scorers agree.

    ``writers`` are the writers that can write the pipeline (``SNOWLEAP_ONLY`` where MLeap 0.16
    cannot); each one's bundles are checked, and where both wrote, they must match node by node.

    For each format: snowleap's ``transform`` and ``transform_row`` must equal Spark's
    ``transform`` on every row of ``df`` (at least ``MIN_ROWS``) and every output column, and
    MLeap's JVM runtime must equal snowleap on the same rows. Where MLeap and Spark disagree the
    test says so (a ``MleapSparkDisagreement`` warning naming the values) and snowleap must follow
    MLeap. Returns the loaded models by format, for op-specific checks.

    MLeap's runtime scores snowleap's bundle of each format; MLeap's own bundle of the same
    format is held to those rows too, once it is shown to match snowleap's node for node (the
    runtime would read the same files), which keeps the suite within CI's time.

    ``no_mleap_runtime`` says why MLeap's runtime cannot load the bundle at all (a model type
    MLeap 0.16 has no code for); then Spark alone referees, and the reason is required.
    """
    spark = score_with_spark(spark_model, df, None)
    assert len(spark.sample) >= MIN_ROWS, f"parity data needs >= {MIN_ROWS} rows"
    problems: list[str] = []
    models: dict[str, snowleap.Model] = {}
    writers = usable_writers(writers)
    formats = usable_formats(formats)
    bundles = written_bundles(spark_model, df, folder, formats, writers)
    referees: dict[str, list[dict[str, Any]]] = {}
    for (writer, fmt), path in bundles.items():
        model = snowleap.load(path)
        if writer == "snowleap":
            models[fmt] = model
        same_files = False
        if ("mleap", fmt) in bundles and writer == "snowleap":
            diff = bundle_differences(path, bundles["mleap", fmt])
            problems += [f"[{fmt}] writers differ: {d}" for d in diff]
            same_files = not diff
        tag = f"{writer} {fmt}"
        found = schema_differences(model, spark, df.columns)
        if found:
            problems += [f"[{tag}] {p}" for p in found]
            continue
        columns = [ROW_ID, *model.output_schema]
        batch, single = score_with_snowleap(model, spark.sample)
        problems += [f"[{tag}] {p}" for p in walker_differences(path, spark.sample, batch, single)]
        if no_mleap_runtime is not None:
            found = row_differences(spark.rows, batch, columns, ("spark", "snowleap"))
            found += row_differences(
                spark.rows, single, columns, ("spark", "snowleap transform_row")
            )
            problems += [f"[{tag}] {p}" for p in found]
            continue
        if fmt in referees:
            mleap = referees[fmt]
        else:
            mleap = runtime.transform(runtime.load(path), spark.sample, ROW_ID)
            if same_files:
                referees[fmt] = mleap
        mleap_vs_spark = row_differences(spark.rows, mleap, columns, ("spark", "mleap"))
        if mleap_vs_spark:
            warnings.warn(
                f"[{tag}] MLeap's runtime and Spark disagree; snowleap follows MLeap:\n  "
                + "\n  ".join(mleap_vs_spark),
                MleapSparkDisagreement,
                stacklevel=2,
            )
        else:
            found = row_differences(spark.rows, batch, columns, ("spark", "snowleap"))
            found += row_differences(
                spark.rows, single, columns, ("spark", "snowleap transform_row")
            )
        found += row_differences(mleap, batch, columns, ("mleap", "snowleap"))
        found += row_differences(mleap, single, columns, ("mleap", "snowleap transform_row"))
        problems += [f"[{tag}] {p}" for p in found]
    assert not problems, "parity failures:\n  " + "\n  ".join(problems)
    return models
