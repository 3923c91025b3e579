"""``export_bundle``: a fitted PySpark pipeline written as a bundle zip, checked against Spark.

The bundle is written by snowleap's own writer (``writer="snowleap"``, the default: no JVM, any
Spark version, Spark Connect included) or by MLeap's serializer (``writer="mleap"``: MLeap 0.16's
jars on the session's class path).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import snowleap
from snowleap.spark import jvm as mleap
from snowleap.spark.compare import frame_rows, python_value, row_differences
from snowleap.spark.errors import ExportError, ParityError, StageNotExportableError
from snowleap.spark.snowleap_writer import write_live_model

if TYPE_CHECKING:
    from pyspark.ml import Transformer
    from pyspark.sql import DataFrame

ROW_ID = "__snowleap_row__"
Writer = Literal["snowleap", "mleap"]


def export_bundle(
    pipeline_model: Transformer,
    sample_df: DataFrame,
    path: str | os.PathLike[str],
    format: Literal["json", "protobuf"] = "json",
    check_rows: int = 100,
    writer: Writer = "snowleap",
) -> Path:
    """Write ``pipeline_model`` as a bundle zip at ``path``, then prove snowleap agrees.

    ``writer`` writes the bundle (``format`` picks JSON or protobuf files) next to ``path``:
    ``"snowleap"`` reads each fitted stage's params and data (through Spark's own persistence)
    and writes Bundle.ML as MLeap lays it out; ``"mleap"`` calls MLeap's serializer. snowleap
    loads it and scores the first ``check_rows`` rows of ``sample_df`` with
    ``transform`` and ``transform_row``, which must match Spark's own ``transform`` (see
    ``snowleap.spark.compare``). Only then does the zip replace ``path``, in one rename, so a
    reader never sees a partial or unchecked bundle.

    Raises
    ------
    StageNotExportableError
        A stage the writer cannot write; the message names the stage (uid and class) and why.
    ParityError
        snowleap's output differs from Spark's; the message lists the first differences.
    ExportError
        MLeap is missing from the session, or failed for another reason.

    Example
    -------
    >>> from snowleap.spark import export_bundle, spark_session     # doctest: +SKIP
    >>> model = pipeline.fit(train_df)                               # doctest: +SKIP
    >>> export_bundle(model, train_df, "model.zip", format="json")   # doctest: +SKIP
    PosixPath('/abs/path/model.zip')
    """
    target = Path(path).resolve()
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        written = write_bundle(pipeline_model, sample_df, work / target.name, format, writer)
        problems = spark_differences(snowleap.load(written), pipeline_model, sample_df, check_rows)
        if problems:
            raise ParityError(
                f"bundle for {target} does not reproduce Spark's transform on the first "
                f"{check_rows} sample rows:\n  " + "\n  ".join(problems)
            )
        os.replace(written, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def write_bundle(
    pipeline_model: Transformer,
    sample_df: DataFrame,
    path: str | os.PathLike[str],
    format: Literal["json", "protobuf"] = "json",
    writer: Writer = "snowleap",
) -> Path:
    """The bundle of ``pipeline_model`` at ``path``, written atomically but not checked.

    ``export_bundle`` is this plus the check against Spark; the parity suite calls this one so it
    can compare Spark, snowleap and MLeap's runtime three ways. Raises like ``export_bundle``.

    Example
    -------
    >>> write_bundle(model, train_df, "model.zip", format="protobuf")  # doctest: +SKIP
    PosixPath('/abs/path/model.zip')
    """
    if writer == "snowleap":
        return write_live_model(pipeline_model, sample_df, path, format).path
    if writer != "mleap":
        raise ValueError(f"writer must be 'snowleap' or 'mleap', got {writer!r}")
    return _write_with_mleap(pipeline_model, sample_df, path, format)


def _write_with_mleap(
    pipeline_model: Transformer,
    sample_df: DataFrame,
    path: str | os.PathLike[str],
    format: Literal["json", "protobuf"],
) -> Path:
    spark = sample_df.sparkSession
    jvm: Any = spark._jvm
    gateway: Any = spark.sparkContext._gateway
    mleap.ensure_mleap_available(jvm)
    mleap.serialization_format(jvm, format)  # fail on a bad format before any work
    target = Path(path).resolve()
    java_model = mleap.adapted_for_mleap(jvm, gateway, _java_copy(pipeline_model))
    for stage in mleap.leaf_stages(java_model):
        reason = mleap.missing_op(jvm, stage)
        if reason is not None:
            raise StageNotExportableError(
                f"stage {stage.uid()} ({mleap.class_name(stage)}) cannot be written by MLeap: "
                f"MLeap has no op for it ({reason})"
            )
    transformed = pipeline_model.transform(sample_df)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        written = work / target.name
        _write(jvm, java_model, transformed, written, format, work)
        os.replace(written, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _java_copy(transformer: Any) -> Any:
    """The transformer's Java counterpart; for a PipelineModel a fresh copy of its stage tree."""
    return transformer._to_java()


def _write(
    jvm: Any, java_model: Any, transformed: DataFrame, written: Path, fmt: str, work: Path
) -> None:
    """Serialize with MLeap; on failure, find and name the first stage that fails on its own."""
    try:
        mleap.write_bundle(jvm, java_model, transformed._jdf, str(written), fmt)
        return
    except Exception as exc:  # py4j's Py4JJavaError, carrying MLeap's exception text
        whole_error = mleap.java_error_message(exc)
    for index, stage in enumerate(mleap.leaf_stages(java_model)):
        try:
            mleap.write_bundle(jvm, stage, transformed._jdf, str(work / f"stage{index}.zip"), fmt)
        except Exception as exc:
            raise StageNotExportableError(
                f"stage {stage.uid()} ({mleap.class_name(stage)}) cannot be written by MLeap: "
                f"{mleap.java_error_message(exc)}"
            ) from None
    raise ExportError(f"MLeap could not write the pipeline: {whole_error}")


@dataclass(frozen=True)
class SparkScored:
    """Spark's ``transform`` of sample rows, numbered by ``ROW_ID`` to align with other scorers."""

    sample: list[Any]  # the input rows (pyspark ``Row``), in order
    added: list[str]  # the columns Spark's transform adds
    rows: list[dict[str, Any]]  # Spark's output rows (ROW_ID + added columns), by ROW_ID


def score_with_spark(
    spark_model: Transformer, sample_df: DataFrame, rows: int | None
) -> SparkScored:
    """Spark's output on the first ``rows`` rows of ``sample_df`` (all if ``None``)."""
    from pyspark.sql.types import LongType, StructField, StructType

    sample = sample_df.limit(rows).collect() if rows is not None else sample_df.collect()
    schema = StructType([*sample_df.schema.fields, StructField(ROW_ID, LongType(), False)])
    spark = sample_df.sparkSession
    numbered = spark.createDataFrame([(*row, i) for i, row in enumerate(sample)], schema)
    spark_out = spark_model.transform(numbered)
    added = [c for c in spark_out.columns if c not in schema.names]
    scored = sorted(
        (row.asDict() for row in spark_out.select(ROW_ID, *added).collect()),
        key=lambda row: int(row[ROW_ID]),
    )
    return SparkScored(sample=sample, added=added, rows=scored)


def snowleap_inputs(model: snowleap.Model, sample: list[Any]) -> dict[str, list[Any]]:
    """The bundle's input columns taken from Spark rows, as plain Python values."""
    return {name: [python_value(row[name]) for row in sample] for name in model.input_schema}


def score_with_snowleap(
    model: snowleap.Model, sample: list[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """snowleap's output rows (ROW_ID + outputs), from ``transform`` and from ``transform_row``."""
    inputs = snowleap_inputs(model, sample)
    outputs = list(model.output_schema)
    batch = model.transform({**inputs, ROW_ID: list(range(len(sample)))})
    batch_rows = frame_rows(batch, [ROW_ID, *outputs])
    single_rows = []
    for index in range(len(sample)):
        scored = model.transform_row({name: column[index] for name, column in inputs.items()})
        if scored is not None:
            single_rows.append({ROW_ID: index, **{name: scored[name] for name in outputs}})
    return batch_rows, single_rows


def schema_differences(model: snowleap.Model, spark: SparkScored, columns: list[str]) -> list[str]:
    """Columns Spark adds that the bundle lacks, and the other way round; inputs the data lacks."""
    problems = [
        f"column {c!r}: Spark adds it, the bundle does not output it"
        for c in spark.added
        if c not in model.output_schema
    ]
    problems += [
        f"column {c!r}: the bundle outputs it, Spark does not"
        for c in model.output_schema
        if c not in spark.added
    ]
    missing = [name for name in model.input_schema if name not in columns]
    if missing:
        problems.append(f"the bundle reads columns {missing} that the sample data does not have")
    return problems


def spark_differences(
    model: snowleap.Model,
    spark_model: Transformer,
    sample_df: DataFrame,
    rows: int | None = None,
) -> list[str]:
    """Where snowleap's ``transform`` and ``transform_row`` differ from Spark's on ``sample_df``.

    Uses the first ``rows`` rows (all if ``None``). Every column the bundle outputs is compared;
    a column Spark adds that the bundle lacks is a difference too. Rows Spark drops
    (``handleInvalid="skip"``) must be the rows snowleap drops.

    Example
    -------
    >>> spark_differences(snowleap.load("model.zip"), model, test_df, rows=1000)  # doctest: +SKIP
    []
    """
    spark = score_with_spark(spark_model, sample_df, rows)
    problems = schema_differences(model, spark, sample_df.columns)
    if problems:
        return problems
    batch_rows, single_rows = score_with_snowleap(model, spark.sample)
    columns = [ROW_ID, *model.output_schema]
    return [
        *row_differences(spark.rows, batch_rows, columns, ("spark", "snowleap")),
        *row_differences(spark.rows, single_rows, columns, ("spark", "snowleap transform_row")),
    ]
