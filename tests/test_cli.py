"""The ``snowleap`` command, run as a subprocess through its installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.bundle.protobuf_bundles import to_protobuf_bundle
from tests.bundle.small_bundles import unknown_ops_pipeline
from tests.conftest import SHARED, double_tensor, write_bundle_json, write_node

REFERENCE = SHARED / "mleap-reference"
EXPECTED = sorted(p.name for p in REFERENCE.glob("*.expected.json"))
SNOWLEAP = Path(sys.executable).parent / "snowleap"


def run(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    assert SNOWLEAP.is_file(), f"the snowleap entry point is not installed at {SNOWLEAP}"
    return subprocess.run(
        [str(SNOWLEAP), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def leapframe_columns(doc: dict[str, Any]) -> dict[str, list[Any]]:
    names = [field["name"] for field in doc["schema"]["fields"]]
    return {name: [row[i] for row in doc["rows"]] for i, name in enumerate(names)}


def assert_one_line_error(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for part in parts:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"


# -- score reproduces MLeap's expected outputs -------------------------------------------------


@pytest.mark.parametrize("case_name", EXPECTED)
def test_score_reproduces_the_reference_outputs(case_name: str, tmp_path: Path) -> None:
    case = json.loads((REFERENCE / case_name).read_text())
    frame = tmp_path / "frame.json"
    frame.write_text(json.dumps(case["frame"]))
    result = run("score", REFERENCE / case["bundle"], frame)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    output = json.loads(result.stdout)
    columns = leapframe_columns(output)
    input_names = [field["name"] for field in case["frame"]["schema"]["fields"]]
    assert list(columns)[: len(input_names)] == input_names, "inputs come first, in order"
    for name, want in case["expected"].items():
        got = columns[name]
        assert len(got) == len(want), name
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            if isinstance(w, dict):
                # vectors are written dense: values and dimensions
                assert g["dimensions"] == [len(w["values"])] == w["dimensions"], (name, i)
                g, w = g["values"], w["values"]
            assert np.allclose(g, w, rtol=1e-9, atol=0.0), f"{name} row {i}: {g} != {w}"


def test_airbnb_first_row_gives_mleaps_price(tmp_path: Path) -> None:
    result = run("score", REFERENCE / "airbnb.model.lr.zip", REFERENCE / "frame.airbnb.json")
    assert result.returncode == 0, result.stderr
    columns = leapframe_columns(json.loads(result.stdout))
    assert columns["price_prediction"][0] == pytest.approx(232.62463916840318, rel=1e-9)
    # every column is written: inputs, intermediates and outputs, vectors dense
    assert columns["features_lr"][0]["dimensions"] == [27]
    assert len(columns["features_lr"][0]["values"]) == 27
    assert "indices" not in columns["state_index_oh"][0]


def test_score_reads_json_lines_from_stdin_and_passes_other_keys_through() -> None:
    lines = [
        {"id": "a", "demo:a": -0.25588, "demo:c": 0.511432, "demo:d": -0.226096},
        {"id": "b", "demo:a": 1, "demo:c": None, "demo:d": 0.0},
    ]
    result = run(
        "score", REFERENCE / "demo.zip", "-", stdin="\n".join(json.dumps(r) for r in lines)
    )
    assert result.returncode == 0, result.stderr
    columns = leapframe_columns(json.loads(result.stdout))
    assert columns["id"] == ["a", "b"]
    expected = json.loads((REFERENCE / "demo.expected.json").read_text())["expected"]
    assert columns["demo:prediction"][0] == pytest.approx(expected["demo:prediction"][0], rel=1e-9)
    # a null number is missing (NaN), which LeapFrame JSON writes as null
    assert columns["demo:c"][1] is None
    assert columns["scaled_continuous_features"][1]["values"][1] is None


def test_score_reads_sparse_vectors_and_writes_them_back_sparse(tmp_path: Path) -> None:
    folder = tmp_path / "scaler"
    write_bundle_json(folder)
    write_node(
        folder / "root",
        "scaler",
        "standard_scaler",
        {"mean": double_tensor([1.0, 10.0]), "std": double_tensor([2.0, 4.0])},
        {"input": "x"},
        {"output": "y"},
    )
    frame = {
        "schema": {"fields": [{"name": "x", "type": {"type": "tensor", "base": "double"}}]},
        "rows": [[{"values": [4.0], "indices": [[1]], "dimensions": [2]}]],
    }
    result = run("score", folder, "-", stdin=json.dumps(frame))
    assert result.returncode == 0, result.stderr
    columns = leapframe_columns(json.loads(result.stdout))
    # x = [0, 4]: (0 - 1) / 2 = -0.5, (4 - 10) / 4 = -1.5; the scaler's output is dense
    assert columns["x"] == [{"indices": [[1]], "values": [4.0], "dimensions": [2]}]
    assert columns["y"] == [{"values": [-0.5, -1.5], "dimensions": [2]}]
    # the same row as JSON Lines, the vector as a plain list
    result = run("score", folder, "-", stdin='{"x": [0, 4]}\n')
    assert result.returncode == 0, result.stderr
    assert leapframe_columns(json.loads(result.stdout))["y"] == columns["y"]


# -- inspect -------------------------------------------------------------------------------------


def test_inspect_json_describes_bundle_nodes_and_schemas() -> None:
    result = run("inspect", "--json", REFERENCE / "demo.zip")
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["format"] == "json"
    assert described["mleap_version"] == "0.8.1"
    assert described["ops"] == ["linear_regression", "standard_scaler", "vector_assembler"]
    assert described["input_schema"] == {"demo:a": "double", "demo:c": "double", "demo:d": "double"}
    assert described["output_schema"]["demo:prediction"] == "double"
    assert described["output_schema"]["scaled_continuous_features"] == "vector[3]"
    leaves = _leaves(described["root"])
    assembler = next(n for n in leaves if n["op"] == "vector_assembler")
    assert assembler["ports"]["inputs"] == [
        {"port": "input0", "name": "demo:a"},
        {"port": "input1", "name": "demo:c"},
        {"port": "input2", "name": "demo:d"},
    ]
    assert assembler["ports"]["outputs"] == [
        {"port": "output", "name": "unscaled_continuous_features"}
    ]


def _leaves(node: dict[str, Any]) -> list[dict[str, Any]]:
    if "nodes" not in node:
        return [node]
    return [leaf for child in node["nodes"] for leaf in _leaves(child)]


def test_inspect_prints_nodes_ports_and_schemas_for_people() -> None:
    result = run("inspect", REFERENCE / "airbnb.model.lr.zip")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "bundle   pipeline_ed5135e9ca49" in text
    assert "format   json (MLeap 0.8.0-SNAPSHOT" in text
    assert "string_indexer_state  [string_indexer]" in text
    assert "in  input: state (string)" in text
    assert "out output: state_index (double)" in text
    inputs = text.split("\ninput schema\n")[1].split("\n\n")[0].splitlines()
    assert len(inputs) == 13 and inputs[0].split() == ["bathrooms", "double"]
    outputs = text.split("\noutput schema\n")[1].splitlines()
    assert outputs[-1].split() == ["price_prediction", "double"]


def test_inspect_a_protobuf_bundle(tmp_path: Path) -> None:
    bundle = to_protobuf_bundle(REFERENCE / "demo.zip", tmp_path / "demo_pb")
    pb = json.loads(run("inspect", "--json", bundle).stdout)
    js = json.loads(run("inspect", "--json", REFERENCE / "demo.zip").stdout)
    assert pb.pop("format") == "protobuf"
    js.pop("format")
    assert pb == js


def test_inspect_marks_unsupported_nodes_instead_of_failing(tmp_path: Path) -> None:
    bundle = unknown_ops_pipeline(tmp_path / "b")
    result = run("inspect", "--json", bundle)
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert [(n["node"], n["op"]) for n in described["unsupported"]] == [
        ("boost", "xgboost_regressor"),
        ("forest", "lightgbm_classifier"),
        ("boost_again", "xgboost_regressor"),
    ]
    assert "standard_scaler" in described["supported_ops"]
    assert described["ops"] == ["lightgbm_classifier", "standard_scaler", "xgboost_regressor"]
    leaves = {n["name"]: n for n in _leaves(described["root"])}
    assert leaves["forest"]["unsupported"] is True
    assert leaves["forest"]["inputs"] == {"scaled": "?"}
    assert "unsupported" not in leaves["scaler"]
    # what an unsupported node writes is not asked of the caller; its inputs' types are unknown
    assert described["input_schema"] == {"raw": "?"}
    assert described["output_schema"] == {
        "x": "?",
        "scaled": "vector[1]",
        "label": "?",
        "other": "?",
    }
    text = run("inspect", bundle).stdout
    assert "NOT SUPPORTED  3 node(s) use ops snowleap lacks: lightgbm_classifier, xgboost" in text
    assert "forest  [lightgbm_classifier]  UNSUPPORTED" in text
    assert "in  features: scaled (?)" in text
    assert "scaler  [standard_scaler]\n" in text


def test_score_names_every_unsupported_op(tmp_path: Path) -> None:
    bundle = unknown_ops_pipeline(tmp_path / "b")
    assert_one_line_error(
        run("score", bundle, "-", stdin='{"raw": [1.0]}'),
        "3 nodes use ops snowleap does not support ('lightgbm_classifier', 'xgboost_regressor')",
    )


def test_inspect_of_a_supported_bundle_lists_no_unsupported_node() -> None:
    described = json.loads(run("inspect", "--json", REFERENCE / "demo.zip").stdout)
    assert described["unsupported"] == []


# -- bad input: status 2 and one clear line ----------------------------------------------------


def test_missing_bundle(tmp_path: Path) -> None:
    result = run("score", tmp_path / "nope.zip", REFERENCE / "frame.airbnb.json")
    assert_one_line_error(result, "nope.zip", "no such bundle file or folder")


def test_corrupt_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "bad.zip"
    bundle.write_bytes(b"PK\x03\x04garbage")
    assert_one_line_error(run("inspect", bundle), "bad.zip", "not a valid zip archive")


def test_frame_that_is_not_json(tmp_path: Path) -> None:
    frame = tmp_path / "frame.json"
    frame.write_text('{"schema": ')
    result = run("score", REFERENCE / "demo.zip", frame)
    assert_one_line_error(result, "frame.json", "line 1 is not valid JSON")


def test_missing_frame_file(tmp_path: Path) -> None:
    result = run("score", REFERENCE / "demo.zip", tmp_path / "none.json")
    assert_one_line_error(result, "none.json", "cannot read the frame")


def test_frame_value_of_the_wrong_type() -> None:
    frame = {"schema": {"fields": [{"name": "demo:a", "type": "double"}]}, "rows": [["x"]]}
    result = run("score", REFERENCE / "demo.zip", "-", stdin=json.dumps(frame))
    assert_one_line_error(result, "stdin:", "column 'demo:a', row 0", "expected a double")


def test_frame_missing_an_input_column() -> None:
    frame = {"schema": {"fields": [{"name": "demo:a", "type": "double"}]}, "rows": [[1.0]]}
    result = run("score", REFERENCE / "demo.zip", "-", stdin=json.dumps(frame))
    assert_one_line_error(result, "stdin:", "missing input column 'demo:c'")


def test_json_lines_row_missing_an_input_column() -> None:
    rows = '{"demo:a": 1, "demo:c": 2, "demo:d": 3}\n{"demo:a": 1, "demo:c": 2}\n'
    result = run("score", REFERENCE / "demo.zip", "-", stdin=rows)
    assert_one_line_error(result, "stdin:", "row 2: missing input column 'demo:d'")


def test_unseen_label_is_a_clear_scoring_error() -> None:
    case = json.loads((REFERENCE / "airbnb.model.lr.expected.json").read_text())
    frame = case["frame"]
    state = [f["name"] for f in frame["schema"]["fields"]].index("state")
    frame["rows"][0][state] = "Atlantis"
    result = run("score", REFERENCE / "airbnb.model.lr.zip", "-", stdin=json.dumps(frame))
    assert_one_line_error(result, "stdin:", "'Atlantis'", "string_indexer_state")


def test_a_json_object_that_is_no_frame() -> None:
    result = run("score", REFERENCE / "demo.zip", REFERENCE / "demo.expected.json")
    assert_one_line_error(
        result, "demo.expected.json", "neither a LeapFrame", "keys: bundle, frame, expected"
    )


def test_empty_json_lines_input() -> None:
    result = run("score", REFERENCE / "demo.zip", "-", stdin="\n\n")
    assert_one_line_error(result, "stdin: no rows")
