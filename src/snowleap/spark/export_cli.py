"""``snowleap export-spark``: a saved ``PipelineModel`` folder to a bundle, no Spark, no JVM."""

from __future__ import annotations

from typing import TextIO

from snowleap.bundle.writer import Format
from snowleap.spark.columns import parse_input_schema
from snowleap.spark.errors import ExportError
from snowleap.spark.snowleap_writer import write_saved_pipeline


def export_spark(saved: str, out: str, fmt: Format, input_schema: str, stdout: TextIO) -> int:
    """Write the bundle; prints where it went and which raw inputs were taken as scalars."""
    try:
        schema = parse_input_schema(input_schema)
    except ValueError as exc:
        raise ExportError(f"--input-schema: {exc}") from None
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ExportError(
            "export-spark reads Spark's Parquet files with pyarrow: pip install 'snowleap[export]'"
        ) from None
    written = write_saved_pipeline(saved, out, fmt, schema)
    print(f"wrote {written.path} ({fmt})", file=stdout)
    if written.assumed_inputs:
        print(
            "raw input columns taken as the scalars their stages read (describe others with "
            f"--input-schema): {', '.join(written.assumed_inputs)}",
            file=stdout,
        )
    return 0
