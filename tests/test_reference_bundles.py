"""Real MLeap bundles in ``../shared/mleap-reference`` load and reproduce their expected outputs.

Each ``<bundle>.expected.json`` holds an input LeapFrame and the values MLeap's semantics give for
some output columns (computed independently of snowleap). Both ``transform`` and
``transform_row`` must reproduce them to a relative tolerance of 1e-9.
"""

from __future__ import annotations

import json
import math
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.leapframe import read_leapframe
from snowleap.ops.registry import supported_ops
from tests.conftest import RELATIVE, SHARED, assert_close, expected_value

REFERENCE = SHARED / "mleap-reference"
EXPECTED = sorted(p.name for p in REFERENCE.glob("*.expected.json"))


def load_case(name: str) -> tuple[snowleap.Model, dict[str, Any], dict[str, list[Any]]]:
    case = json.loads((REFERENCE / name).read_text())
    bundle = REFERENCE / case["bundle"]
    # NOTE: a bundle whose ops another branch implements is skipped (named) until they merge.
    missing = sorted(set(_ops_in(bundle)) - set(supported_ops()))
    if missing:
        pytest.skip(f"{case['bundle']} needs ops not registered on this branch: {missing}")
    return snowleap.load(bundle), case["frame"], case["expected"]


def _ops_in(bundle: Path) -> list[str]:
    with zipfile.ZipFile(bundle) as archive:
        return [
            json.loads(archive.read(entry))["op"]
            for entry in archive.namelist()
            if entry.endswith("model.json")
        ]


def test_reference_folder_has_the_documented_bundles() -> None:
    assert {
        "airbnb.model.lr.expected.json",
        "airbnb.model.rf.expected.json",
        "demo.expected.json",
        "min_max_scaler_tf.expected.json",
        "one_hot_encoder_pipeline.expected.json",
    } <= set(EXPECTED)


@pytest.mark.parametrize("name", EXPECTED)
def test_transform_reproduces_expected(name: str) -> None:
    model, frame, expected = load_case(name)
    out = model.transform(read_leapframe(frame))
    for column, values in expected.items():
        assert len(out[column]) == len(values), column
        for i, raw in enumerate(values):
            assert_close(out[column][i], expected_value(raw), f"{name} {column} row {i}")


@pytest.mark.parametrize("name", EXPECTED)
def test_transform_row_reproduces_expected(name: str) -> None:
    model, frame, expected = load_case(name)
    columns = read_leapframe(frame)
    names = list(columns)
    for i in range(len(frame["rows"])):
        row = {n: _row_value(columns[n][i]) for n in names}
        scored = model.transform_row(row)
        assert scored is not None, f"{name} row {i} was skipped"
        for column, values in expected.items():
            assert_close(scored[column], expected_value(values[i]), f"{name} {column} row {i}")


def _row_value(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


def test_first_airbnb_row_gives_mleaps_serving_prediction() -> None:
    # NOTE: 232.62463916840318 is the value MLeap's own serving tests expect for this frame.
    model = snowleap.load(REFERENCE / "airbnb.model.lr.zip")
    columns = read_leapframe(json.loads((REFERENCE / "frame.airbnb.json").read_text()))
    batch = model.transform(columns)["price_prediction"][0]
    row = model.transform_row({name: values[0] for name, values in columns.items()})
    assert row is not None
    assert math.isclose(batch, 232.62463916840318, rel_tol=RELATIVE)
    assert row["price_prediction"] == batch


def test_unlisted_node_in_a_pipeline_folder_is_ignored() -> None:
    # one_hot_encoder_pipeline.zip also holds a vector_assembler node its pipeline does not list
    model = snowleap.load(REFERENCE / "one_hot_encoder_pipeline.zip")
    assert model.ops == ["one_hot_encoder", "string_indexer"]
    assert list(model.input_schema) == ["col_1"]
    assert "col_1_label" not in model.output_schema


def test_column_names_with_colons() -> None:
    model = snowleap.load(REFERENCE / "demo.zip")
    assert list(model.input_schema) == ["demo:a", "demo:c", "demo:d"]
    assert "demo:prediction" in model.output_schema
