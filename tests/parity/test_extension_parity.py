"""MLeap's runtime-only (extension) ops, which no Spark stage writes: golden bundles built here
in MLeap's format (from MLeap's Scala source), the expected values from MLeap's JVM runtime."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.bundle.writer import write_zip
from snowleap.spark.compare import row_differences
from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.conftest import (
    Node,
    double_list,
    double_tensor,
    long_value,
    plain,
    string_list,
    write_bundle,
)
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


def golden_parity(
    runtime: MleapRuntime, nodes: Node | Sequence[Node], rows: list[dict[str, Any]], tmp: Path
) -> None:
    """Snowleap (both paths) = MLeap's runtime on every row, the bundle in JSON and protobuf."""
    folder = write_bundle(tmp / "golden", [nodes] if isinstance(nodes, Node) else list(nodes))
    bundles = {
        "json": zipped(folder, tmp / "golden-json.zip"),
        "protobuf": zipped(to_protobuf_bundle(folder, tmp / "golden-pb"), tmp / "golden-pb.zip"),
    }
    problems = []
    for fmt, path in bundles.items():
        model = snowleap.load(path)
        mleap = runtime.transform(runtime.load(path), rows, ROW_ID)
        columns = [ROW_ID, *model.output_schema]
        inputs = {name: [r[name] for r in rows] for name in model.input_schema}
        batch_frame = model.transform(inputs)
        batch = [
            {ROW_ID: i, **{c: plain(batch_frame[c][i]) for c in model.output_schema}}
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


# -- MLeap's extension feature ops (MLeap's Scala source defines their format and math) ------

# NOTE: MLeap's JSON LeapFrames (how its runtime's outputs reach the test) write an infinite
# double as null, like NaN; the inputs here keep every output finite or NaN, and the unit tests
# cover the infinities (log 0, exp overflow, x / 0, as java.lang.Math gives them).
DOUBLES = [0.5, -1.0, 1.0, 2.5, -7.25, 1e-300, 300.0, 700.0, -0.5, 3.0]


def double_rows(**columns: list[float]) -> list[dict[str, Any]]:
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


@pytest.mark.parametrize("operation", ["log", "exp", "sqrt", "sin", "cos", "tan", "abs"])
def test_math_unary(mleap_runtime: MleapRuntime, tmp_path: Path, operation: str) -> None:
    node = Node("math_unary", {"operation": {"string": operation}}, {"input": "x"}, {"output": "y"})
    rng = np.random.default_rng(3)
    xs = DOUBLES + rng.normal(0.0, 50.0, size=100).tolist()
    golden_parity(mleap_runtime, node, double_rows(x=xs), tmp_path)


@pytest.mark.parametrize("operation", ["add", "sub", "mul", "div", "rem", "log_n", "pow"])
def test_math_binary(mleap_runtime: MleapRuntime, tmp_path: Path, operation: str) -> None:
    rng = np.random.default_rng(5)
    a = DOUBLES + rng.normal(0.0, 10.0, size=100).tolist()
    b = [2.0, 0.5, -3.0, 0.125, 3.5, 4.0, -0.25, 1e-3, 7.0, 2.0, *rng.normal(0, 3, 100).tolist()]
    node = Node(
        "math_binary",
        {"operation": {"string": operation}},
        {"input_a": "a", "input_b": "b"},
        {"output": "y"},
    )
    golden_parity(mleap_runtime, node, double_rows(a=a, b=b), tmp_path)


def test_math_binary_with_a_constant(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    node = Node(
        "math_binary",
        {"operation": {"string": "pow"}, "db": {"double": 1.5}},
        {"input_a": "a"},
        {"output": "y"},
    )
    golden_parity(mleap_runtime, node, double_rows(a=[abs(x) for x in DOUBLES]), tmp_path)


STRINGS = ["NY", "", "Zürich", "東京", "ny", " NY", "unseen", "emoji 🚀"]


def test_string_map(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    attributes = {
        "labels": string_list(["NY", "", "Zürich", "東京", "emoji 🚀"]),
        "values": double_list([1.0, -2.0, 3.5, 4.0, 0.125]),
        "handle_invalid": {"string": "keep"},
        "default_value": {"double": 9.5},
    }
    node = Node("string_map", attributes, {"input": "s"}, {"output": "v"})
    golden_parity(mleap_runtime, node, [{"s": s} for s in STRINGS * 3], tmp_path)


def test_regex_indexer(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    attributes = {
        "regexes": string_list(["^$", "[0-9]{3}", "é|東", "(?i)mobile", "^ "]),
        "indices": {"type": "list", "int": [4, 3, 2, 1, 0]},
        "default_value": {"int": 7},
    }
    node = Node("regex_indexer", attributes, {"input": "s"}, {"output": "i"})
    rows = [{"s": s} for s in [*STRINGS, "MOBILE 123", "call 555", "Mobile", "desktop"]]
    golden_parity(mleap_runtime, node, rows, tmp_path)


def test_coalesce(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    node = Node(
        "coalesce",
        {"nullable_inputs": {"type": "list", "boolean": [True, True, True]}},
        {"input0": "a", "input1": "b", "input2": "c"},
        {"output": "y"},
    )
    values = [None, 1.5, -0.0, 2.0]
    rows = [{"a": a, "b": b, "c": c} for a in values for b in values for c in values]
    golden_parity(mleap_runtime, node, rows, tmp_path)


def test_multinomial_labeler(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    node = Node(
        "multinomial_labeler",
        {"threshold": {"double": 0.25}, "labels": string_list(["home", "", "買い物", "cart"])},
        {"features": "p"},
        {"probabilities": "top_p", "labels": "top_l"},
    )
    rng = np.random.default_rng(9)
    rows = [{"p": (rng.dirichlet(np.ones(4))).tolist()} for _ in range(100)]
    rows += [{"p": [0.0, 0.0, 0.0, 0.0]}, {"p": [0.25, 0.25, 0.25, 0.25]}]
    golden_parity(mleap_runtime, node, rows, tmp_path)


def test_sklearn_binarizer(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    dims = {"dimensions": [{"size": 3, "name": ""}]}
    shape = {"base": "tensor", "isNullable": True, "tensorShape": dims}
    node = Node(
        "sklearn_binarizer",
        {"threshold": {"double": 0.5}, "input_shapes": {"type": "list", "data_shape": [shape]}},
        {"input": "x"},
        {"output": "y"},
    )
    rng = np.random.default_rng(11)
    rows = [{"x": rng.normal(0.5, 1.0, size=3).tolist()} for _ in range(100)]
    rows += [{"x": [0.5, 0.0, -0.0]}]
    golden_parity(mleap_runtime, node, rows, tmp_path)


def test_sklearn_polynomial_expansion(mleap_runtime: MleapRuntime, tmp_path: Path) -> None:
    node = Node(
        "sklearn_polynomial_expansion",
        {"combinations": {"string": "1,x0,x1,x0^2,x0 x1,x1^2,x0^3 x1"}},
        {"input": "x"},
        {"output": "y"},
    )
    rng = np.random.default_rng(13)
    rows = [{"x": rng.normal(0.0, 3.0, size=2).tolist()} for _ in range(100)]
    rows += [{"x": [0.0, -0.0]}, {"x": [1e100, 1e-100]}]
    golden_parity(mleap_runtime, node, rows, tmp_path)
