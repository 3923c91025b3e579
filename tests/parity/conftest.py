"""Parity-suite fixtures: ONE local Spark session (with MLeap's jars) per test run, shared data."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.parity.data import ParityData, make_parity_data
from tests.parity.mleap_runtime import MleapRuntime
from tests.parity.parity import BOTH_WRITERS, FORMATS, assert_parity, spark_major
from tests.parity.text_data import TextData, make_text_data


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="the parity suite needs the `spark` extra (make spark)")
    from snowleap.spark import spark_session

    # NOTE: MLeap's jars (Scala 2.12) belong to Spark 3.5; a Spark 4 session runs without them,
    # so only snowleap's writer writes there (MLeap's runtime still referees, in its own JVM).
    session = spark_session(
        app_name="snowleap-parity", master="local[2]", with_mleap=spark_major() == 3
    )
    yield session
    session.stop()


@pytest.fixture(scope="session")
def mleap_runtime() -> Iterator[MleapRuntime]:
    pytest.importorskip("py4j", reason="the parity suite needs the `spark` extra (make spark)")
    runtime = MleapRuntime()
    yield runtime
    runtime.close()


@pytest.fixture(scope="session")
def data(spark: Any) -> ParityData:
    return make_parity_data(spark)


@pytest.fixture(scope="session")
def text_data(spark: Any) -> TextData:
    return make_text_data(spark)


@pytest.fixture
def parity(mleap_runtime: MleapRuntime, tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """``parity(spark_model, df[, formats, writers])``: every writer, JSON + protobuf; Spark =
    snowleap = MLeap's runtime, and the two writers' bundles node for node."""

    def run(
        spark_model: Any,
        df: Any,
        formats: tuple[str, ...] = FORMATS,
        writers: tuple[str, ...] = BOTH_WRITERS,
        no_mleap_runtime: str | None = None,
    ) -> dict[str, Any]:
        return assert_parity(
            spark_model, df, tmp_path, mleap_runtime, formats, writers, no_mleap_runtime
        )

    return run
