"""The two pipelines every contender is measured on, and how the Spark phase obtains each.

A case gives the Spark phase a fitted Spark ``PipelineModel`` (fitted here, or read back from the
committed MLeap bundle), the bundle MLeap wrote for it, and the benchmark rows (inputs only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks.cases import airbnb, snowplow_session


@dataclass(frozen=True)
class Case:
    """One benchmarked pipeline."""

    name: str
    title: str
    outputs: tuple[str, ...]  # the columns every contender must reproduce
    # (spark, bundle_path) -> (fitted PipelineModel, why snowleap's export check refused it)
    spark_model: Callable[[Any, Any], Any]
    # (spark, fitted model, count) -> input rows
    bench_rows: Callable[[Any, Any, int], list[dict[str, Any]]]


CASES = (
    Case(
        name="snowplow_session",
        title="Snowplow session model (default bundle)",
        outputs=snowplow_session.OUTPUTS,
        spark_model=snowplow_session.spark_model,
        bench_rows=snowplow_session.bench_rows,
    ),
    Case(
        name="airbnb_rf",
        title="airbnb-style, 20-tree random forest",
        outputs=airbnb.OUTPUTS,
        spark_model=airbnb.spark_model,
        bench_rows=airbnb.bench_rows,
    ),
)
