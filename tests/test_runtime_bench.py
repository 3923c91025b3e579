"""The runtime benchmark's building blocks work (no timing is asserted: speed is shown in
``make bench``, never in unit tests)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from benchmarks.runtime_bench import (
    batch_columns,
    bench_case,
    frame_rows,
    markdown,
    time_transform,
    time_transform_row,
)
from benchmarks.runtime_cases import Case, default_bundle_cases, find_cases, generated_session_case

import snowleap
from snowleap.leapframe import read_leapframe
from tests.conftest import SHARED, double_tensor, write_bundle_json, write_node

REFERENCE = SHARED / "mleap-reference"


def test_reference_bundles_are_found_with_their_frames(tmp_path: Path) -> None:
    cases = {case.name: case for case in find_cases(REFERENCE, tmp_path / "no_fixtures")}
    assert sorted(cases) == [
        "airbnb.model.lr",
        "airbnb.model.rf",
        "demo",
        "min_max_scaler_tf",
        "one_hot_encoder_pipeline",
    ]
    assert cases["demo"].bundle == REFERENCE / "demo.zip"
    assert len(frame_rows(cases["demo"].columns)) == 20


def test_fixture_bundle_without_a_frame_is_scored_on_a_covering_reference_frame(
    tmp_path: Path,
) -> None:
    fixtures = tmp_path / "fixtures"
    folder = fixtures / "bathroom_scaler"
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "asm",
        "vector_assembler",
        {"input_shapes": {"type": "list", "data_shape": [{"base": "scalar"}]}},
        {"input0": "bathrooms"},
        {"output": "v"},
    )
    cases = [c for c in find_cases(REFERENCE, fixtures) if c.name.startswith("fixtures/")]
    assert [c.name for c in cases] == ["fixtures/bathroom_scaler"]
    assert "bathrooms" in cases[0].columns
    assert cases[0].source == REFERENCE / "airbnb.model.lr.expected.json"


def test_fixture_with_spark_style_expected_inputs_is_scored_on_them(tmp_path: Path) -> None:
    fixtures = tmp_path / "fixtures"
    folder = fixtures / "golden" / "bundle-json"
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "s",
        "binarizer",
        {"threshold": {"double": 0.5}},
        {"input": "x"},
        {"output": "y"},
    )
    (fixtures / "golden" / "expected.json").write_text(
        json.dumps({"rows": [0, 1], "inputs": {"x": [0.2, 0.9]}, "outputs": {"y": [0.0, 1.0]}})
    )
    (case,) = [c for c in find_cases(REFERENCE, fixtures) if c.name.startswith("fixtures/")]
    assert case.name == "fixtures/golden/bundle-json"
    assert frame_rows(case.columns) == [{"x": 0.2}, {"x": 0.9}]


def test_a_case_may_hold_a_leapframe_document() -> None:
    frame = json.loads((REFERENCE / "frame.airbnb.json").read_text())
    case = Case("airbnb", REFERENCE / "airbnb.model.lr.zip", frame, REFERENCE / "frame.airbnb.json")
    assert frame_rows(case.columns)[0]["state"] == "NY"


def test_batch_columns_repeat_the_frame_rows() -> None:
    frame = json.loads((REFERENCE / "frame.airbnb.json").read_text())
    columns = batch_columns(read_leapframe(frame), 5)
    assert columns["state"].tolist() == ["NY"] * 5
    assert columns["bathrooms"].dtype == np.float64 and len(columns["bathrooms"]) == 5


def test_timings_and_report_of_a_small_model(tmp_path: Path) -> None:
    write_bundle_json(tmp_path / "b")
    write_node(
        tmp_path / "b" / "root",
        "s",
        "standard_scaler",
        {"std": double_tensor([2.0])},
        {"input": "x"},
        {"output": "y"},
    )
    model = snowleap.load(tmp_path / "b")
    row = time_transform_row(model, {"x": [1.0]}, warmup=5, calls=50)
    assert row.calls == 50 and 0 < row.min_us <= row.median_us <= row.p99_us
    batch = time_transform(model, {"x": np.ones((100, 1))}, repeats=2)
    assert batch.rows == 100 and batch.rows_per_s > 0

    case = next(c for c in find_cases(REFERENCE, tmp_path) if c.name == "demo")
    result = bench_case(case, rows=50, row_calls=20, repeats=1)
    assert result["ops"] == ["linear_regression", "standard_scaler", "vector_assembler"]
    report = {
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "load_average_1_5_15": [0, 0, 0],
            "python": "3",
            "numpy": "2",
            "snowleap": "0",
            "commit": "x",
        },
        "settings": {"rows": 50, "row_calls": 20, "repeats": 1},
        "bundles": [result, {"name": "broken", "skipped": "bad zip"}],
    }
    table = markdown(report)
    assert "| demo | 3: linear_regression, standard_scaler, vector_assembler |" in table
    assert "| broken | not loadable: bad zip | | | | |" in table


def test_default_bundle_is_scored_on_the_sessions_of_the_sample_events() -> None:
    from snowleap.snowplow import FEATURE_SCHEMA

    # GIVEN the committed default bundle and events/sessions.json (two sessions)
    (case,) = default_bundle_cases()
    # THEN each session is one row holding every feature column, and the model scores it
    assert list(case.columns) == list(FEATURE_SCHEMA)
    rows = frame_rows(case.columns)
    assert len(rows) == 2
    scored = snowleap.load(case.bundle).transform_row(rows[0])
    assert scored is not None and len(scored["probability"]) == 2


def test_no_default_bundle_case_without_the_bundle(tmp_path: Path) -> None:
    assert default_bundle_cases(tmp_path / "missing.zip") == []


def test_generated_sessions_give_varied_feature_rows_the_default_model_scores() -> None:
    from snowleap.snowplow import FEATURE_SCHEMA

    # GIVEN 60 simulated sessions, each cut after 1, 2, 3, 5, 8... events
    case = generated_session_case(sessions=60, seed=5)
    assert case is not None
    rows = frame_rows(case.columns)
    # THEN there are several rows per session, nearly all distinct, with every feature column,
    #   and both paths of the default model score them alike
    assert list(case.columns) == list(FEATURE_SCHEMA)
    assert len(rows) > 2 * 60
    assert len({tuple(row.values()) for row in rows}) > 0.9 * len(rows)
    model = snowleap.load(case.bundle)
    batch = model.transform(dict(case.columns))["probability"]
    for i in (0, len(rows) // 2, len(rows) - 1):
        single = model.transform_row(rows[i])
        assert single is not None and list(single["probability"]) == list(batch[i])


def test_no_generated_session_case_without_the_bundle(tmp_path: Path) -> None:
    assert generated_session_case(bundle=tmp_path / "missing.zip") is None
