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


def drilldown_rows() -> list[dict[str, Any]]:
    rng = np.random.default_rng(11)
    labels = ["mobile", "desktop", "tablet"]
    return [
        {"device": labels[int(rng.integers(0, 3))], "features": rng.normal(0, 3, 3).tolist()}
        for _ in range(300)
    ]


def test_categorical_drilldown(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    # GIVEN a drilldown of three linear regressions, one per device label, in MLeap's format
    labels = ["mobile", "desktop", "tablet"]
    models = {
        f"model{i}": (
            "linear_regression",
            {"coefficients": double_tensor(c), "intercept": {"double": b}},
        )
        for i, (c, b) in enumerate(
            [([2.0, -1.0, 0.5], 0.5), ([0.0, 10.0, -0.25], -3.0), ([1e-3, 1.0, 1.0], 100.0)]
        )
    }
    node = Node(
        "categorical_drilldown",
        {"labels": {"type": "list", "string": labels}},
        {"label": "device", "drilldown.features": "features"},
        {"drilldown.prediction": "price"},
        sub_models=models,
    )
    rows = drilldown_rows()
    folder = write_bundle(tmp_path / "drilldown", [node])
    for fmt, path in {
        "json": zipped(folder, tmp_path / "drilldown-json.zip"),
        "protobuf": zipped(to_protobuf_bundle(folder, tmp_path / "pb"), tmp_path / "pb.zip"),
    }.items():
        # THEN MLeap 0.16's own runtime cannot load it: its loader casts each sub-model's model
        # (here a LinearRegressionModel) to a Transformer. So MLeap referees each label's model
        # as a bundle of its own instead, on that label's rows.
        with pytest.raises(Exception, match=r"ClassCastException"):
            mleap_runtime.load(path)
        model = snowleap.load(path)
        batch_frame = model.transform(
            {
                "device": np.array([r["device"] for r in rows], dtype=object),
                "features": np.array([r["features"] for r in rows]),
            }
        )
        batch = batch_frame["price"].tolist()
        single = [(model.transform_row(dict(r)) or {}).get("price") for r in rows]
        assert batch == single, f"[{fmt}] transform and transform_row differ"
        for i, label in enumerate(labels):
            alone = Node(*models[f"model{i}"], {"features": "features"}, {"prediction": "price"})
            sub_folder = write_bundle(tmp_path / f"{fmt}-model{i}", [alone])
            sub_path = zipped(sub_folder, tmp_path / f"{fmt}-model{i}.zip")
            mine = [(index, r) for index, r in enumerate(rows) if r["device"] == label]
            mleap = mleap_runtime.transform(
                mleap_runtime.load(sub_path), [r for _, r in mine], ROW_ID
            )
            want = [{ROW_ID: n, "price": row["price"]} for n, row in enumerate(mleap)]
            got = [{ROW_ID: n, "price": batch[index]} for n, (index, _) in enumerate(mine)]
            assert mine, f"no row of label {label!r}"
            found = row_differences(want, got, [ROW_ID, "price"], ("mleap", "snowleap"))
            assert found == [], f"[{fmt}] label {label!r}: " + "; ".join(found)
