"""``POST /transform`` and ``POST /invocations`` in-process: any bundle's rows in, its outputs out,
every row of a request scored or rejected by index with a reason."""

from __future__ import annotations

import io
import json
import logging
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import app as handler
import snowleap
from snowleap.input_rows import read_leapframe_rows
from tests.conftest import SHARED
from tests.handler.conftest import (
    BUCKET,
    KEY,
    ROOT,
    FakeLambdaContext,
    S3Bucket,
    ServiceFactory,
    load_event,
    response_json,
    rest_event,
    standin_bundle,
)

AIRBNB_LR = SHARED / "mleap-reference" / "airbnb.model.lr.zip"
PERSONAL = "jane.doe@example.com"


@pytest.fixture
def airbnb(make_service: ServiceFactory) -> snowleap.Model:
    """MLeap's airbnb price model (no session model) served from a local file."""
    make_service(str(AIRBNB_LR))
    return snowleap.load(AIRBNB_LR)


def invoke(context: FakeLambdaContext, event: dict[str, Any]) -> tuple[int, Any]:
    response = handler.lambda_handler(event, context)
    return response["statusCode"], response_json(response)


def post(
    context: FakeLambdaContext, path: str, document: Any, query: dict[str, str] | None = None
) -> tuple[int, Any]:
    event = rest_event("POST", path, json.dumps(document), "application/json", query)
    return invoke(context, event)


def event_frame(name: str) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(load_event(name)["body"])
    return frame


def prices(model: snowleap.Model, frame: dict[str, Any]) -> list[float]:
    """The airbnb model's predictions for ``frame``, straight from the runtime."""
    rows = read_leapframe_rows(frame, model.input_schema)
    return list(model.transform(rows.columns)["price_prediction"])


def records(frame: dict[str, Any]) -> list[dict[str, Any]]:
    names = [field["name"] for field in frame["schema"]["fields"]]
    return [dict(zip(names, row, strict=True)) for row in frame["rows"]]


@pytest.mark.parametrize("event_file", ["transform.json", "transform_http_api.json"])
def test_the_ready_transform_events_answer_the_selected_output_column(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext, event_file: str
) -> None:
    # GIVEN the ready /transform event (REST or HTTP API) asking for ?fields=price_prediction
    event = load_event(event_file)
    # WHEN it is handled
    status, body = invoke(lambda_context, event)
    # THEN the output LeapFrame holds that column only, one row per listing, as the runtime scores
    assert status == 200
    assert body["schema"] == {"fields": [{"name": "price_prediction", "type": "double"}]}
    assert [row[0] for row in body["rows"]] == prices(airbnb, event_frame(event_file))
    assert body["rows_received"] == 2 and body["row_indices"] == [0, 1]
    assert body["rejected"] == []


def test_the_ready_invocations_event_answers_mlflow_predictions(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext
) -> None:
    status, body = invoke(lambda_context, load_event("invocations.json"))
    assert status == 200
    expected = prices(airbnb, event_frame("transform.json"))
    assert body == {"predictions": [{"price_prediction": p} for p in expected], "rejected": []}


def test_without_fields_every_column_comes_back_and_fields_can_be_in_the_body(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext
) -> None:
    frame = event_frame("transform.json")
    status, everything = post(lambda_context, "/transform", frame)
    assert status == 200
    names = [field["name"] for field in everything["schema"]["fields"]]
    # the request's columns in its order, then what the pipeline adds, as `snowleap score` writes
    assert names == [*(field["name"] for field in frame["schema"]["fields"]), *airbnb.output_schema]
    status, picked = post(
        lambda_context, "/transform", {**frame, "fields": ["state", "features_lr"]}
    )
    assert status == 200
    assert picked["schema"]["fields"] == [
        {"name": "state", "type": "string"},
        {"name": "features_lr", "type": {"type": "tensor", "base": "double", "dimensions": [27]}},
    ]
    assert [row[0] for row in picked["rows"]] == ["CA", "London"]
    assert picked["rows"][0][1] == everything["rows"][0][names.index("features_lr")]


def test_bad_rows_are_rejected_by_index_and_the_others_still_scored(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN four listings: good, an unseen state (the model's indexer refuses it), a number
    #   that is a string (holding personal data), good
    frame = event_frame("transform.json")
    good, other = frame["rows"]
    unseen = list(good)
    unseen[0] = "Atlantis"
    wrong = list(other)
    wrong[1] = PERSONAL
    frame["rows"] = [good, unseen, wrong, other]
    # WHEN they are sent
    status, body = post(lambda_context, "/transform", frame, {"fields": "price_prediction"})
    # THEN rows 0 and 3 are scored with the values they get on their own
    assert status == 200
    alone = prices(airbnb, {**frame, "rows": [good, other]})
    assert body["row_indices"] == [0, 3] and [r[0] for r in body["rows"]] == alone
    # AND rows 1 and 2 are rejected, naming the model's column, never the value
    assert body["rejected"] == [
        {"index": 1, "reason": "column 'state': " + REFUSED},
        {"index": 2, "reason": "column 'bathrooms': expected a double, got a string"},
    ]
    assert PERSONAL not in json.dumps(body) and "Atlantis" not in json.dumps(body)


REFUSED = (
    "the model refused a value of this row (for example a category unseen in training, where an "
    "op has handle_invalid 'error')"
)


def test_a_request_of_only_bad_rows_is_a_200_accounting_for_every_row(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext
) -> None:
    frame = event_frame("transform.json")
    frame["rows"] = [["Atlantis", *frame["rows"][0][1:]], [1, 2, 3]]
    status, body = post(lambda_context, "/transform", frame, {"fields": "price_prediction"})
    assert status == 200
    assert body["rows"] == [] and body["row_indices"] == [] and body["rows_received"] == 2
    assert [r["index"] for r in body["rejected"]] == [0, 1]
    assert body["rejected"][1]["reason"] == "expected a list of 13 values, got 3 values"
    # the empty frame still says what its columns are
    assert body["schema"] == {"fields": [{"name": "price_prediction", "type": "double"}]}


@pytest.mark.parametrize(
    "shape",
    ["dataframe_split", "dataframe_records", "inputs_columns", "instances_records", "no_columns"],
)
def test_invocations_take_each_of_mlflows_input_formats(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext, shape: str
) -> None:
    frame = event_frame("transform.json")
    names = [field["name"] for field in frame["schema"]["fields"]]
    rows = records(frame)
    inputs = list(airbnb.input_schema)
    body = {
        "dataframe_split": {"dataframe_split": {"columns": names, "data": frame["rows"]}},
        "dataframe_records": {"dataframe_records": rows},
        "inputs_columns": {"inputs": {name: [row[name] for row in rows] for name in names}},
        "instances_records": {"instances": rows},
        "no_columns": {"dataframe_split": {"data": [[r[n] for n in inputs] for r in rows]}},
    }[shape]
    status, answer = post(lambda_context, "/invocations", body)
    assert status == 200
    # THEN every column the pipeline adds comes back per row, as MLflow's server writes records
    assert [list(p) for p in answer["predictions"]] == [list(airbnb.output_schema)] * 2
    assert [p["price_prediction"] for p in answer["predictions"]] == prices(airbnb, frame)
    assert len(answer["predictions"][0]["features_lr"]) == 27


def test_invocations_answer_null_for_a_rejected_row_and_say_why(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext
) -> None:
    rows = records(event_frame("transform.json"))
    del rows[0]["bathrooms"]
    body = {"dataframe_records": rows, "params": {"fields": ["price_prediction"]}}
    status, answer = post(lambda_context, "/invocations", body)
    assert status == 200
    assert answer["predictions"][0] is None and set(answer["predictions"][1]) == {
        "price_prediction"
    }
    assert answer["rejected"] == [{"index": 0, "reason": "missing input column 'bathrooms'"}]


@pytest.mark.parametrize(
    ("path", "document", "query", "message"),
    [
        ("/transform", {"rows": []}, None, "'schema' should be an object with a 'fields' list"),
        ("/transform", "FRAME-NO-STATE", None, "the frame has no field 'state' (string)"),
        ("/transform", "FRAME", {"fields": "price_prediction,nope"}, "fields[1] names no column"),
        ("/transform", "FRAME-FIELDS", {"fields": "state"}, "fields is given twice"),
        ("/transform", "FRAME-NO-ROWS", None, "the request holds no rows"),
        ("/invocations", {"dataframe_records": [], "inputs": {}}, None, "exactly one of"),
        ("/invocations", {"rows": [1]}, None, "it holds none"),
        ("/invocations", [1, 2], None, "expected a JSON object"),
        ("/invocations", {"inputs": {"state": ["CA"], "bathrooms": []}}, None, "different lengths"),
        ("/invocations", {"inputs": [[1, 2]]}, None, "an object of columns or a list of row"),
        ("/invocations", {"dataframe_split": {"columns": ["x"]}}, None, "a 'data' list of rows"),
        ("/invocations", {"instances": [], "params": {"fields": "x"}}, None, "list of column"),
    ],
)
def test_requests_wrong_as_a_whole_are_400s_saying_what_is_wrong(
    airbnb: snowleap.Model,
    lambda_context: FakeLambdaContext,
    path: str,
    document: Any,
    query: dict[str, str] | None,
    message: str,
) -> None:
    frame = event_frame("transform.json")
    if document == "FRAME":
        document = frame
    elif document == "FRAME-FIELDS":
        document = {**frame, "fields": ["state"]}
    elif document == "FRAME-NO-ROWS":
        document = {**frame, "rows": []}
    elif document == "FRAME-NO-STATE":
        fields = frame["schema"]["fields"][1:]
        document = {"schema": {"fields": fields}, "rows": [r[1:] for r in frame["rows"]]}
    status, body = post(lambda_context, path, document, query)
    assert status == 400, body
    assert message in body["message"]


def test_transform_wants_json(airbnb: snowleap.Model, lambda_context: FakeLambdaContext) -> None:
    event = rest_event("POST", "/transform", "a,b\n1,2\n", "text/csv")
    status, body = invoke(lambda_context, event)
    assert status == 415 and "send application/json" in body["message"]


def test_score_on_a_model_that_takes_no_session_features_points_to_transform(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext
) -> None:
    status, body = invoke(lambda_context, load_event("score.json"))
    assert status == 400
    assert "not a session model" in body["message"] and "POST /transform" in body["message"]
    status, model = invoke(lambda_context, rest_event("GET", "/model"))
    assert model["kind"] == "pipeline"
    assert model["input_schema"]["fields"][0] == {"name": "bathrooms", "type": "double"}


def test_a_session_model_serves_transform_too(
    tmp_path: Path, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN the hand-set session model: margin = -0.5 pv + 0.5 product views + 2 adds - 1
    bundle = tmp_path / "standin.zip"
    bundle.write_bytes(standin_bundle(tmp_path))
    make_service(str(bundle))
    fields = [{"name": n, "type": "double"} for n in ["n_page_views", "n_product_views"]]
    frame = {
        "schema": {"fields": [*fields, {"name": "n_add_to_basket", "type": "integer"}]},
        "rows": [[3, 1, 1], [1, 0, 0]],
    }
    # WHEN its feature rows are sent to /transform
    status, body = post(lambda_context, "/transform", frame, {"fields": "probability"})
    # THEN the probabilities are the hand-worked ones: margins 0 and -1.5
    assert status == 200
    buy = [row[0]["values"][1] for row in body["rows"]]
    assert buy == pytest.approx([0.5, 1.0 / (1.0 + math.exp(1.5))])


def test_with_model_kind_auto_a_new_version_of_another_kind_takes_over(
    tmp_path: Path, s3: S3Bucket, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN the session model serving /score from S3 (MODEL_KIND=auto, the default)
    s3.put(standin_bundle(tmp_path))
    service = make_service(f"s3://{BUCKET}/{KEY}", s3_client=s3.client)
    assert invoke(lambda_context, load_event("score.json"))[0] == 200
    # WHEN the airbnb pipeline is uploaded over it and a warm-up ping refreshes
    s3.put(AIRBNB_LR.read_bytes())
    assert service.warm_up()["refresh"] == "updated"
    # THEN /transform scores listings and /score says it cannot
    assert invoke(lambda_context, load_event("transform.json"))[0] == 200
    assert invoke(lambda_context, load_event("score.json"))[0] == 400


def test_row_logs_carry_counts_and_no_values(
    airbnb: snowleap.Model, lambda_context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a listing whose state holds personal data (the model refuses it)
    frame = event_frame("transform.json")
    frame["rows"][0][0] = PERSONAL
    log_stream = io.StringIO()
    log_handler = handler.logger.registered_handler
    assert isinstance(log_handler, logging.StreamHandler)
    previous = log_handler.setStream(log_stream)
    # WHEN it is sent with the logs captured
    try:
        status, body = post(lambda_context, "/transform", frame)
    finally:
        log_handler.setStream(previous)
    # THEN the logs and metrics count the rows, and the value appears nowhere
    assert status == 200 and len(body["rejected"]) == 1
    output = log_stream.getvalue() + capsys.readouterr().out
    logged = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    counts = [line for line in logged if line.get("message") == "rows scored"]
    assert counts and counts[0]["rows_scored"] == 1 and counts[0]["rows_rejected"] == 1
    assert '"RowsScored"' in output and '"RowsRejected"' in output
    assert PERSONAL not in output


def test_an_answer_too_large_for_a_lambda_response_is_a_413_saying_to_pick_fields(
    make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN 8,000 listings (0.8 MB): every column of their output is about 7 MB
    make_service(str(AIRBNB_LR), max_body_bytes=1 << 20)
    frame = event_frame("transform.json")
    frame["rows"] = frame["rows"] * 4000
    # WHEN all of it is asked for THEN the answer is a 413 saying what to do
    status, body = post(lambda_context, "/transform", frame)
    assert status == 413 and "pick fewer output columns (fields)" in body["message"]
    # AND with only the prediction every row is answered
    status, body = post(lambda_context, "/transform", frame, {"fields": "price_prediction"})
    assert status == 200 and len(body["rows"]) == 8000


def test_the_row_routes_leave_numpy_out_of_the_handlers_import() -> None:
    # NOTE: house rule (snowleap.numeric): numpy is imported at the first batch, not with the
    #   function; /transform and /invocations score batches, /score on a session model does not.
    code = "import sys; import app; print('numpy' in sys.modules)"
    env = {**os.environ, "POWERTOOLS_METRICS_NAMESPACE": "snowleap"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT / "handler", env=env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
