"""A pipeline fitted over Spark Connect, saved, exported with ``snowleap export-spark``.

Spark Connect sessions have no ``_jvm``, which is why MLeap cannot serve their users: snowleap
reads the saved folder. The fit runs in a process of its own (its Connect server bound to
127.0.0.1 on a free port, stopped with it); Spark's outputs there are the referee, MLeap's
runtime loading snowleap's bundle the second.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import snowleap
from snowleap.cli import main
from snowleap.spark.compare import row_differences
from tests.parity.mleap_runtime import MleapRuntime
from tests.parity.parity import spark_major

ROW_ID = "__row__"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def connect_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pyspark")
    if spark_major() < 4:
        pytest.skip("SparkSession.builder.remote('local') needs pyspark 4 (make spark4)")
    out = tmp_path_factory.mktemp("connect")
    subprocess.run(
        [sys.executable, "-m", "tests.parity.connect_job", str(out), str(free_port())],
        check=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )
    return out


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
def test_connect_pipeline_exported_with_export_spark(
    connect_run: Path, mleap_runtime: MleapRuntime, fmt: str, tmp_path: Path
) -> None:
    bundle = tmp_path / f"connect-{fmt}.zip"
    assert main(["export-spark", str(connect_run / "model"), str(bundle), "--format", fmt]) == 0
    spark_rows: list[dict[str, Any]] = json.loads((connect_run / "scored.json").read_text())
    model = snowleap.load(bundle)
    inputs = {name: [row[name] for row in spark_rows] for name in model.input_schema}
    outputs = list(model.output_schema)
    batch = model.transform({name: list(values) for name, values in inputs.items()})
    ours = [
        {
            name: batch[name][i].tolist() if hasattr(batch[name][i], "tolist") else batch[name][i]
            for name in outputs
        }
        for i in range(len(spark_rows))
    ]
    assert row_differences(spark_rows, ours, outputs, ("spark connect", "snowleap")) == []
    single = [model.transform_row({n: row[n] for n in model.input_schema}) for row in spark_rows]
    assert row_differences(spark_rows, single, outputs, ("spark connect", "transform_row")) == []

    class Row(dict[str, Any]):
        pass

    mleap = mleap_runtime.transform(
        mleap_runtime.load(bundle), [Row(r) for r in spark_rows], ROW_ID
    )
    assert row_differences(spark_rows, mleap, outputs, ("spark connect", "mleap")) == []


def test_score_over_connect_equals_the_models_transform(connect_run: Path) -> None:
    """``snowleap.spark.score`` on a Connect DataFrame (no SparkContext, no broadcast), Spark 4."""
    result = json.loads((connect_run / "score.json").read_text())
    ours, theirs = result["columns"]
    assert ours == theirs and "probability" in ours and "prediction" in ours
    assert result["types"][0] == result["types"][1]
    assert "vector" in result["types"][0][ours.index("probability")]
    assert result["rows"] == [1000, 1000]
    assert result["differences"] == []
