"""``POST /transform`` and ``POST /invocations`` over real sockets on 127.0.0.1: the bundle in
moto's S3 server, the local API bridge in front of the handler. Outputs must equal what
``snowleap score`` writes for the same frame, MLeap's expected values (``../shared``) and Spark's
outputs (the golden fixture)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import snowleap
from snowleap.leapframe import leapframe_type, read_leapframe
from snowleap.spark.compare import frame_rows, row_differences
from tests.conftest import ROOT, SHARED, assert_close, expected_value
from tests.handler.conftest import WIRE_BUCKET, WIRE_KEY, ServiceFactory, call

SNOWLEAP = Path(sys.executable).parent / "snowleap"
REFERENCE = SHARED / "mleap-reference"
GOLDEN = ROOT / "tests" / "fixtures" / "airbnb_random_forest"


@dataclass(frozen=True)
class Case:
    """A bundle, a frame to score and the values it must give (by output column)."""

    bundle: Path
    frame: dict[str, Any]
    expected: dict[str, list[Any]]
    # NOTE: MLeap's expected values are compared to 1e-9; Spark's through snowleap.spark.compare
    spark: bool


def reference_case(name: str) -> Case:
    case = json.loads((REFERENCE / f"{name}.expected.json").read_text())
    return Case(REFERENCE / case["bundle"], case["frame"], case["expected"], spark=False)


def golden_case(fmt: str) -> Case:
    """The golden fixture: a bundle MLeap wrote from a Spark pipeline and Spark's outputs."""
    bundle = GOLDEN / f"bundle-{fmt}.zip"
    expected = json.loads((GOLDEN / "expected.json").read_text())
    schema = snowleap.load(bundle).input_schema
    # NOTE: the label column comes along as an extra column, as a client's id would.
    names = [*schema, "price"]
    types = {name: leapframe_type(ctype) for name, ctype in schema.items()} | {"price": "double"}
    count = len(expected["rows"])
    frame = {
        "schema": {"fields": [{"name": name, "type": types[name]} for name in names]},
        "rows": [[expected["inputs"][name][i] for name in names] for i in range(count)],
    }
    return Case(bundle, frame, expected["outputs"], spark=True)


CASES = {
    "airbnb.model.lr": lambda: reference_case("airbnb.model.lr"),
    "airbnb.model.rf": lambda: reference_case("airbnb.model.rf"),
    "golden-json": lambda: golden_case("json"),
    "golden-protobuf": lambda: golden_case("protobuf"),
}


@pytest.fixture(params=list(CASES))
def served(request: pytest.FixtureRequest, s3_server: Any, make_service: ServiceFactory) -> Case:
    """The case's bundle uploaded to the S3 server, and the API serving it from there."""
    case: Case = CASES[request.param]()
    s3_server.put_object(Bucket=WIRE_BUCKET, Key=WIRE_KEY, Body=case.bundle.read_bytes())
    make_service(f"s3://{WIRE_BUCKET}/{WIRE_KEY}", s3_client=s3_server)
    return case


def snowleap_score(bundle: Path, frame: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """What ``snowleap score BUNDLE FRAME`` writes (the command, run as a user would)."""
    path = tmp_path / "frame.json"
    path.write_text(json.dumps(frame))
    result = subprocess.run(
        [str(SNOWLEAP), "score", str(bundle), str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def post(url: str, document: Any) -> tuple[int, Any]:
    return call(url, json.dumps(document).encode(), "application/json")


def assert_expected(case: Case, columns: dict[str, Any], where: str) -> None:
    """The scored ``columns`` (by name, one value per row) hold the case's expected values."""
    if case.spark:
        names = list(case.expected)
        spark_rows = [
            {n: case.expected[n][i] for n in names} for i in range(len(case.frame["rows"]))
        ]
        assert row_differences(spark_rows, frame_rows(columns, names), names) == [], where
        return
    for column, values in case.expected.items():
        assert len(columns[column]) == len(values), f"{where}: {column}"
        for i, raw in enumerate(values):
            assert_close(columns[column][i], expected_value(raw), f"{where}: {column} row {i}")


def test_transform_over_http_equals_snowleap_score_and_the_expected_values(
    served: Case, api: str, tmp_path: Path
) -> None:
    # GIVEN the frame and what `snowleap score` writes for it
    cli = snowleap_score(served.bundle, served.frame, tmp_path)
    # WHEN it is POSTed to /transform over HTTP
    status, body = post(f"{api}/transform", served.frame)
    # THEN the output LeapFrame is the command's, column for column and value for value
    assert status == 200, body
    assert body["schema"] == cli["schema"]
    assert body["rows"] == cli["rows"]
    count = len(served.frame["rows"])
    assert body["rows_received"] == count and body["row_indices"] == list(range(count))
    assert body["rejected"] == []
    # AND it holds MLeap's expected values (or Spark's outputs, for the golden fixture)
    assert_expected(served, arrays(read_leapframe(body)), "/transform")


def test_transform_fields_pick_the_prediction_over_http(served: Case, api: str) -> None:
    prediction = list(served.expected)[-1]
    status, body = post(f"{api}/transform?fields={prediction}", served.frame)
    assert status == 200, body
    assert [field["name"] for field in body["schema"]["fields"]] == [prediction]
    if not served.spark:
        assert_expected(served, arrays(read_leapframe(body)), "/transform?fields")


def test_invocations_over_http_answer_mlflows_predictions_with_the_same_values(
    served: Case, api: str, tmp_path: Path
) -> None:
    # GIVEN the frame as MLflow's dataframe_split, and `snowleap score`'s output for it
    names = [field["name"] for field in served.frame["schema"]["fields"]]
    split = {"dataframe_split": {"columns": names, "data": served.frame["rows"]}}
    cli = arrays(read_leapframe(snowleap_score(served.bundle, served.frame, tmp_path)))
    # WHEN it is POSTed to /invocations over HTTP
    status, body = post(f"{api}/invocations", split)
    # THEN there is one record per row holding every column the pipeline adds, as the command's
    assert status == 200, body
    assert body["rejected"] == []
    outputs = list(snowleap.load(served.bundle).output_schema)
    assert [list(record) for record in body["predictions"]] == [outputs] * len(served.frame["rows"])
    assert body["predictions"] == frame_rows(cli, outputs)
    # AND they are the expected values
    columns = {name: [record[name] for record in body["predictions"]] for name in outputs}
    assert_expected(served, arrays(columns), "/invocations")


def arrays(columns: dict[str, Any]) -> dict[str, Any]:
    """LeapFrame columns (lists, or 2-D arrays of vectors) as numpy arrays, for ``frame_rows``."""
    return {
        name: values if isinstance(values, np.ndarray) else np.array(values, dtype=object)
        for name, values in columns.items()
    }
