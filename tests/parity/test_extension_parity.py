"""MLeap's runtime-only (extension) ops, which no Spark stage writes: golden bundles built here
in MLeap's format (from MLeap's Scala source), the expected values from MLeap's JVM runtime."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.bundle.writer import write_zip
from snowleap.spark.compare import row_differences
from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.conftest import Node, double_list, double_tensor, long_value, write_bundle
from tests.parity.mleap_runtime import MleapRuntime

ROW_ID = "row_id"
ALL = {"raw_prediction": "raw", "probability": "prob", "prediction": "pred"}


def zipped(folder: Path, target: Path) -> Path:
    files = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    buffer = io.BytesIO()
    write_zip(files, buffer)
    target.write_bytes(buffer.getvalue())
    return target


def golden_parity(runtime: MleapRuntime, node: Node, rows: list[dict[str, Any]], tmp: Path) -> None:
    """Snowleap (both paths) = MLeap's runtime on every row, the bundle in JSON and protobuf."""
    folder = write_bundle(tmp / "golden", [node])
    bundles = {
        "json": zipped(folder, tmp / "golden-json.zip"),
        "protobuf": zipped(to_protobuf_bundle(folder, tmp / "golden-pb"), tmp / "golden-pb.zip"),
    }
    problems = []
    for fmt, path in bundles.items():
        model = snowleap.load(path)
        mleap = runtime.transform(runtime.load(path), rows, ROW_ID)
        columns = [ROW_ID, *model.output_schema]
        batch_frame = model.transform({"features": np.array([r["features"] for r in rows])})
        batch = [
            {ROW_ID: i, **{c: np.asarray(batch_frame[c][i]).tolist() for c in model.output_schema}}
            for i in range(len(rows))
        ]
        single = [{ROW_ID: i, **(model.transform_row(dict(r)) or {})} for i, r in enumerate(rows)]
        found = row_differences(mleap, batch, columns, ("mleap", "snowleap"))
        found += row_differences(mleap, single, columns, ("mleap", "snowleap transform_row"))
        problems += [f"[{fmt}] {p}" for p in found]
    assert not problems, "parity failures:\n  " + "\n  ".join(problems)


def svm_rows() -> list[dict[str, Any]]:
    rng = np.random.default_rng(7)
    rows = [{"features": rng.normal(0.0, 2.0, size=3).tolist()} for _ in range(200)]
    rows += [{"features": [0.0, 0.0, 0.0]}, {"features": [1e300, -1e300, 0.5]}]
    return rows


@pytest.mark.parametrize("thresholds", [None, [0.3, 0.7]])
def test_support_vector_machine(
    mleap_runtime: MleapRuntime, tmp_path: Path, thresholds: list[float] | None
) -> None:
    attributes: dict[str, Any] = {
        "coefficients": double_tensor([0.8, -1.5, 0.25]),
        "intercept": {"double": -0.1},
        "num_classes": long_value(2),
    }
    if thresholds is not None:
        attributes["thresholds"] = double_list(thresholds)
    node = Node("support_vector_machine", attributes, {"features": "features"}, ALL)
    golden_parity(mleap_runtime, node, svm_rows(), tmp_path)
