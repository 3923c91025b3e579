"""The one parity check every op test calls: Spark, snowleap and MLeap's runtime, three ways."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import snowleap
from snowleap.spark.compare import row_differences
from snowleap.spark.export import (
    ROW_ID,
    schema_differences,
    score_with_snowleap,
    score_with_spark,
    write_bundle,
)
from tests.parity.mleap_runtime import MleapRuntime

FORMATS = ("json", "protobuf")
MIN_ROWS = 1000


class MleapSparkDisagreement(UserWarning):
    """MLeap's runtime and Spark give different outputs; snowleap is held to MLeap's."""


def assert_parity(
    spark_model: Any,
    df: Any,
    folder: Path,
    runtime: MleapRuntime,
    formats: tuple[str, ...] = FORMATS,
) -> dict[str, snowleap.Model]:
    """Export ``spark_model`` as JSON and protobuf bundles and prove all three scorers agree.

    For each format: snowleap's ``transform`` and ``transform_row`` must equal Spark's
    ``transform`` on every row of ``df`` (at least ``MIN_ROWS``) and every output column, and
    MLeap's JVM runtime must equal snowleap on the same rows. Where MLeap and Spark disagree the
    test says so (a ``MleapSparkDisagreement`` warning naming the values) and snowleap must follow
    MLeap. Returns the loaded models by format, for op-specific checks.
    """
    spark = score_with_spark(spark_model, df, None)
    assert len(spark.sample) >= MIN_ROWS, f"parity data needs >= {MIN_ROWS} rows"
    problems: list[str] = []
    models: dict[str, snowleap.Model] = {}
    for fmt in formats:
        path = write_bundle(spark_model, df, folder / f"bundle-{fmt}.zip", fmt)
        model = snowleap.load(path)
        models[fmt] = model
        found = schema_differences(model, spark, df.columns)
        if found:
            problems += [f"[{fmt}] {p}" for p in found]
            continue
        columns = [ROW_ID, *model.output_schema]
        batch, single = score_with_snowleap(model, spark.sample)
        mleap = runtime.transform(runtime.load(path), spark.sample, ROW_ID)
        mleap_vs_spark = row_differences(spark.rows, mleap, columns, ("spark", "mleap"))
        if mleap_vs_spark:
            warnings.warn(
                f"[{fmt}] MLeap's runtime and Spark disagree; snowleap follows MLeap:\n  "
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
        problems += [f"[{fmt}] {p}" for p in found]
    assert not problems, "parity failures:\n  " + "\n  ".join(problems)
    return models
