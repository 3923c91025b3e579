"""Golden fixtures: bundles MLeap wrote from real Spark pipelines, with Spark's outputs.

No Spark needed: snowleap must reproduce the outputs Spark gave (``tests/fixtures/*``, made by
``make fixtures``) from both the JSON and the protobuf bundle, batch and row by row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import snowleap
from snowleap.spark.compare import frame_rows, row_differences

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").is_file())


def test_fixtures_are_present() -> None:
    assert {"airbnb_random_forest", "room_type_logistic"} <= set(CASES)


@pytest.mark.parametrize("fmt", ["json", "protobuf"])
@pytest.mark.parametrize("case", CASES)
def test_snowleap_reproduces_spark(case: str, fmt: str) -> None:
    expected: dict[str, Any] = json.loads((FIXTURES / case / "expected.json").read_text())
    model = snowleap.load(FIXTURES / case / f"bundle-{fmt}.zip")
    inputs = {name: expected["inputs"][name] for name in model.input_schema}
    outputs = list(expected["outputs"])
    assert outputs and set(outputs) <= set(model.output_schema)
    spark_rows = [
        {name: expected["outputs"][name][i] for name in outputs}
        for i in range(len(expected["rows"]))
    ]
    batch = frame_rows(model.transform(inputs), outputs)
    assert row_differences(spark_rows, batch, outputs) == []
    count = len(next(iter(inputs.values())))
    singles = [model.transform_row({k: v[i] for k, v in inputs.items()}) for i in range(count)]
    kept = [row for row in singles if row is not None]
    assert row_differences(spark_rows, kept, outputs, ("spark", "transform_row")) == []
