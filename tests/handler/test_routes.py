"""The handler end to end in-process: API Gateway events in, API Gateway responses out."""

from __future__ import annotations

import base64
import io
import json
import logging
import math
from pathlib import Path

import pytest

import app as handler
from tests.handler.conftest import (
    FakeLambdaContext,
    ServiceFactory,
    load_event,
    response_json,
    rest_event,
    standin_bundle,
)

SESSIONS_BODY = (Path(__file__).resolve().parents[2] / "events" / "sessions.json").read_text()


def sigmoid(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-margin))


@pytest.fixture
def served(tmp_path: Path, make_service: ServiceFactory) -> None:
    """The stand-in bundle served from a local file."""
    bundle = tmp_path / "standin.zip"
    bundle.write_bytes(standin_bundle(tmp_path))
    make_service(str(bundle))


@pytest.mark.parametrize("event_file", ["score.json", "score_http_api.json"])
def test_score_scores_each_session_from_rest_and_http_api_events(
    served: None, lambda_context: FakeLambdaContext, event_file: str
) -> None:
    # GIVEN the ready score event (REST payload 1.0 or HTTP API payload 2.0): two sessions, one
    #   with 3 page views, 1 product view and 1 add-to-basket, one with a single page view
    event = load_event(event_file)

    # WHEN the handler is invoked
    response = handler.lambda_handler(event, lambda_context)

    # THEN each session gets the logistic regression's probability, worked out by hand:
    #   A: -0.5*3 + 0.5*1 + 2.0*1 - 1.0 = 0.0 -> 0.5 (reaches the 0.5 threshold: "buy")
    #   B: -0.5*1 - 1.0 = -1.5 -> 1 / (1 + e^1.5) = 0.18242552 ("defer")
    assert response["statusCode"] == 200
    body = response_json(response)
    assert [s["probability"] for s in body["sessions"]] == pytest.approx([0.5, sigmoid(-1.5)])
    assert [s["segment"] for s in body["sessions"]] == ["buy", "defer"]
    assert [s["events"] for s in body["sessions"]] == [[0, 1, 2, 3, 4], [5]]
    assert [s["events_used"] for s in body["sessions"]] == [5, 1]
    assert body["rejected"] == []
    assert body["model"]["name"] == "standin"
    # AND session keys are salted hashes, never the session cookie itself
    sids = [e["sid"] for e in json.loads(SESSIONS_BODY)["data"]]
    assert not {s["session"] for s in body["sessions"]} & set(sids)


def test_model_route_describes_the_bundle(served: None, lambda_context: FakeLambdaContext) -> None:
    # GIVEN the ready GET /model event
    # WHEN it is handled
    response = handler.lambda_handler(load_event("model.json"), lambda_context)
    # THEN the model's identity, ops and input schema come back
    body = response_json(response)
    assert response["statusCode"] == 200
    assert body["name"] == "standin"
    assert body["ops"] == ["logistic_regression", "vector_assembler"]
    # AND the schemas as LeapFrame schema JSON, so a client can build a /transform request
    assert body["kind"] == "session"
    inputs = ["n_page_views", "n_product_views", "n_add_to_basket"]
    assert body["input_schema"] == {"fields": [{"name": n, "type": "double"} for n in inputs]}
    probability = {"type": "tensor", "base": "double", "dimensions": [2]}
    assert {"name": "probability", "type": probability} in body["output_schema"]["fields"]
    assert body["source"].endswith("standin.zip")
    # AND a local file has no ETag or version id: its sha256 identifies it
    assert body["etag"] is None and body["version_id"] is None
    assert len(body["sha256"]) == 64 and body["loaded_at"]


def test_health_reports_the_loaded_model(served: None, lambda_context: FakeLambdaContext) -> None:
    response = handler.lambda_handler(load_event("health.json"), lambda_context)
    assert response["statusCode"] == 200
    assert response_json(response)["status"] == "ok"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{not json", "application/json", 400, "not valid JSON"),
        ("[]", "application/json", 400, "empty JSON array"),
        ("", "application/json", 400, "body is empty"),
        ('"just a string"', "application/json", 400, "got a string"),
        ('{"events": []}', "application/json", 400, "payload_data envelope"),
        ('{"schema": "iglu:x", "data": "nope"}', "application/json", 400, "must be an array"),
        ('{"schema": "iglu:x", "data": []}', "application/json", 400, "is empty"),
        ("e=pv&p=web", "text/plain", 415, "'text/plain' is not supported"),
        ("[{}]", None, 415, "missing Content-Type"),
        ("[" + "1," * 40_000 + "1]", "application/json", 413, "more than the limit"),
    ],
)
def test_bad_requests_get_a_4xx_saying_what_was_wrong(
    served: None,
    lambda_context: FakeLambdaContext,
    body: str,
    content_type: str | None,
    status: int,
    message: str,
) -> None:
    # GIVEN a POST /score whose body or headers are wrong
    event = rest_event("POST", "/score", body, content_type)
    # WHEN it is handled
    response = handler.lambda_handler(event, lambda_context)
    # THEN the status says what kind of problem, and the JSON message says what exactly
    assert response["statusCode"] == status
    assert message in response_json(response)["message"]


def test_ready_bad_request_event_is_a_400(served: None, lambda_context: FakeLambdaContext) -> None:
    response = handler.lambda_handler(load_event("bad_request.json"), lambda_context)
    assert response["statusCode"] == 400
    assert "'data'" in response_json(response)["message"]


def test_invalid_base64_body_is_a_400(served: None, lambda_context: FakeLambdaContext) -> None:
    event = rest_event("POST", "/score", "%%%not-base64", "application/json")
    event["isBase64Encoded"] = True
    response = handler.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 400
    assert "base64" in response_json(response)["message"]


def test_base64_encoded_body_is_decoded(served: None, lambda_context: FakeLambdaContext) -> None:
    event = rest_event(
        "POST", "/score", base64.b64encode(SESSIONS_BODY.encode()).decode(), "application/json"
    )
    event["isBase64Encoded"] = True
    response = handler.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 200
    assert len(response_json(response)["sessions"]) == 2


def test_every_event_of_a_mixed_batch_is_accounted_for(
    served: None, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN enriched-JSON events: two good ones of one session, a number, an event with no
    #   time, an event of an unknown type, and a purchase followed by one more page view
    good = {"event": "page_view", "platform": "web", "domain_sessionid": "s-1",
            "page_urlpath": "/p/1", "collector_tstamp": "2026-11-26T10:00:00.000Z"}  # fmt: skip
    later = dict(good, collector_tstamp="2026-11-26T10:01:00.000Z")
    purchase = dict(good, event="transaction", collector_tstamp="2026-11-26T10:02:00.000Z")
    after = dict(good, collector_tstamp="2026-11-26T10:03:00.000Z")
    no_time = {k: v for k, v in good.items() if k != "collector_tstamp"}
    unknown = dict(good, event="teleport")
    items = [good, 42, later, no_time, unknown, purchase, after]
    event = rest_event("POST", "/score", json.dumps(items), "application/json")

    # WHEN the batch is scored
    response = handler.lambda_handler(event, lambda_context)

    # THEN the request succeeds and each index 0..6 appears exactly once: used, excluded
    #   (the purchase and what follows it) or rejected with a reason
    assert response["statusCode"] == 200
    body = response_json(response)
    (session,) = body["sessions"]
    assert session["events"] == [0, 2]
    assert session["events_excluded"] == [5, 6]
    rejected = {r["index"]: r["reason"] for r in body["rejected"]}
    assert sorted(rejected) == [1, 3, 4]
    assert "JSON object" in rejected[1]
    assert all(reason for reason in rejected.values())
    assert body["events_received"] == 7


def test_a_request_whose_events_are_all_unusable_is_still_answered(
    served: None, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN a TSV body whose lines have the wrong number of fields
    event = rest_event("POST", "/score", "web\tpage_view\nweb\n", "text/tab-separated-values")
    # WHEN it is scored
    response = handler.lambda_handler(event, lambda_context)
    # THEN no session is scored and both lines are rejected with their reason
    body = response_json(response)
    assert response["statusCode"] == 200
    assert body["sessions"] == []
    assert [r["index"] for r in body["rejected"]] == [0, 1]
    assert "expected 131" in body["rejected"][0]["reason"]


def test_warmup_loads_the_model_without_scoring(
    served: None, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN a fresh environment (no model loaded) and the EventBridge scheduled event
    assert not handler.service.cache.is_loaded
    # WHEN the warm-up ping arrives
    result = handler.lambda_handler(load_event("warmup.json"), lambda_context)
    # THEN the model is loaded and the answer is the warm-up report, not an HTTP response
    assert handler.service.cache.is_loaded
    assert result["warmup"] is True
    assert result["refresh"] == "loaded"
    assert "statusCode" not in result
    # AND a plain {"warmup": true} checks again (nothing new: unchanged)
    assert handler.lambda_handler({"warmup": True}, lambda_context)["refresh"] == "unchanged"


def test_unknown_route_and_unknown_event_do_not_raise(
    served: None, lambda_context: FakeLambdaContext
) -> None:
    assert handler.lambda_handler(rest_event("GET", "/nope"), lambda_context)["statusCode"] == 404
    assert "unsupported event" in handler.lambda_handler({"hello": 1}, lambda_context)["error"]


def test_logs_carry_the_correlation_id_and_no_personal_data(
    served: None, lambda_context: FakeLambdaContext, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a tracker payload holding personal data: session and user ids, an IP address, a user
    #   agent, an e-mail address in a page URL
    body = json.loads(SESSIONS_BODY)
    body["data"][0].update(
        uid="alice.smith", ip="203.0.113.77", ua="Mozilla/5.0 (PII-agent)",
        url="https://shop.example.com/p/1?email=alice%40example.com", duid="d-3b7f9c",
    )  # fmt: skip
    event = rest_event("POST", "/score", json.dumps(body), "application/json")

    # WHEN it is scored, and a bad request is made too, with the logs captured
    log_stream = io.StringIO()
    log_handler = handler.logger.registered_handler
    assert isinstance(log_handler, logging.StreamHandler)
    previous = log_handler.setStream(log_stream)
    try:
        handler.lambda_handler(event, lambda_context)
        bad = rest_event("POST", "/score", "{bad", "application/json")
        handler.lambda_handler(bad, lambda_context)
    finally:
        log_handler.setStream(previous)

    # THEN the logs are JSON lines with the request id as correlation id
    output = log_stream.getvalue() + capsys.readouterr().out
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    logs = [line for line in lines if "level" in line]
    assert len(logs) >= 3
    assert any(line.get("correlation_id") == event["requestContext"]["requestId"] for line in logs)
    # AND none of the personal values appears anywhere in what was written
    personal = ["alice", "203.0.113.77", "PII-agent", "d-3b7f9c", *[e["sid"] for e in body["data"]]]
    for value in personal:
        assert value not in output, f"{value!r} leaked into the logs"
    # AND the EMF metrics of the scoring were written
    metric_names = {m["Name"] for line in lines if "_aws" in line
                    for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}  # fmt: skip
    assert {"EventsScored", "EventsRejected", "ScoreMs", "ModelLoaded"} <= metric_names


def test_an_unexpected_failure_is_a_500_without_details_and_never_raises(
    make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN a service whose S3 client is not an S3 client (a wiring bug, not a request problem)
    make_service("s3://bucket/key.zip", s3_client=object())

    # WHEN a scoring request and a warm-up ping arrive
    scored = handler.lambda_handler(load_event("score.json"), lambda_context)
    warmed = handler.lambda_handler(load_event("warmup.json"), lambda_context)

    # THEN both get a 500 that says nothing of the failure's internals, and nothing raised
    for response in (scored, warmed):
        assert response["statusCode"] == 500
        body = response_json(response)
        assert "get_object" not in json.dumps(body) and "object" not in body["message"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [("{not json", "application/json", 400), ("a\tb", "text/csv", 415)],
)
def test_http_api_bad_requests_get_the_same_4xx(
    served: None, lambda_context: FakeLambdaContext, body: str, content_type: str, status: int
) -> None:
    # GIVEN an HTTP API (payload 2.0) event with a bad body or content type
    event = load_event("score_http_api.json")
    event.update(body=body, headers={"content-type": content_type})
    # WHEN it is handled THEN it gets the same answer as through a REST API
    response = handler.lambda_handler(event, lambda_context)
    assert response["statusCode"] == status
    assert response_json(response)["message"]
