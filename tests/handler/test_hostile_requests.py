"""The client-causable 500s found by probing, each now a 400 or a per-event rejection."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

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

PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
GOOD = {"e": "pv", "p": "web", "tv": "js-3", "sid": "s1", "dtm": "1709542800000"}


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def envelope(*events: dict[str, Any]) -> str:
    return json.dumps({"schema": PAYLOAD_SCHEMA, "data": list(events)})


def contexts(data: str) -> str:
    return '{"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": ' + data + "}"


@pytest.fixture
def served(tmp_path: Path, make_service: ServiceFactory) -> None:
    bundle = tmp_path / "standin.zip"
    bundle.write_bytes(standin_bundle(tmp_path))
    make_service(str(bundle))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("[" * 976 + "]" * 976, "request body: JSON nested deeper than 64 levels"),
        ('{"n": ' + "9" * 5000 + "}", "request body: JSON holds a number of more than 100 digits"),
    ],
)
def test_a_body_past_the_json_bounds_gets_a_400(
    served: None, lambda_context: FakeLambdaContext, body: str, reason: str
) -> None:
    response = handler.lambda_handler(
        rest_event("POST", "/score", body, "application/json"), lambda_context
    )
    assert response["statusCode"] == 400
    assert response_json(response)["message"] == reason


@pytest.mark.parametrize(
    ("hostile", "reason"),
    [
        ({"co": contexts(deep(969))}, "'co': JSON nested deeper than 64 levels"),
        ({"ue_pr": contexts(deep(969)), "e": "ue"}, "'ue_pr': JSON nested deeper than 64 levels"),
        (
            {"co": contexts("[" + "9" * 5000 + "]")},
            "'co': JSON holds a number of more than 100 digits",
        ),
        ({"sid": "\ud800"}, "a string of the event holds a lone surrogate"),
        ({"jane.doe@example.org": 5}, "a key shaped 'aaaa.aaa@aaaaaaa.aaa': expected a string"),
        ({"dtm": "Жанна Иванова"}, "'dtm': not epoch milliseconds, shaped 'Aaaaa Aaaaaaa'"),
    ],
)
def test_a_hostile_event_is_rejected_and_the_others_scored(
    served: None, lambda_context: FakeLambdaContext, hostile: dict[str, Any], reason: str
) -> None:
    body = envelope(GOOD, GOOD | hostile, GOOD)
    response = handler.lambda_handler(
        rest_event("POST", "/score", body, "application/json"), lambda_context
    )
    assert response["statusCode"] == 200
    answer = response_json(response)
    assert [s["events"] for s in answer["sessions"]] == [[0, 2]]
    assert [r["index"] for r in answer["rejected"]] == [1]
    assert answer["rejected"][0]["reason"].startswith(reason)


def test_a_lone_surrogate_in_an_enriched_event_rejects_that_event_only(
    served: None, lambda_context: FakeLambdaContext
) -> None:
    good = {
        "event": "page_view",
        "platform": "web",
        "collector_tstamp": "2024-03-04T09:00:00.000Z",
        "domain_sessionid": "s1",
    }
    body = json.dumps([good, good | {"domain_sessionid": "\ud800"}])
    response = handler.lambda_handler(
        rest_event("POST", "/score", body, "application/json"), lambda_context
    )
    answer = response_json(response)
    assert response["statusCode"] == 200
    assert [s["events"] for s in answer["sessions"]] == [[0]]
    assert [r["index"] for r in answer["rejected"]] == [1]


def rest(**changes: Any) -> dict[str, Any]:
    event = rest_event("POST", "/score", envelope(GOOD), "application/json")
    event.update(changes)
    return event


def http(*, drop: str | None = None, **changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(load_event("score_http_api.json"))
    if drop is not None:
        del event["requestContext"]["http"][drop]
    event.update(changes)
    return event


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        (rest(headers=[["Content-Type", "application/json"]]), "'headers' must be an object"),
        (rest(headers={"Content-Type": 5}), "'headers' must be an object of strings"),
        (rest(path=None), "'path' must be a non-empty string"),
        (rest(requestContext=None), "'requestContext' must be an object"),
        (rest(body={"a": 1}), "'body' must be a string or null"),
        (rest(isBase64Encoded="yes"), "'isBase64Encoded' must be true or false"),
        (rest(multiValueHeaders={"a": "b"}), "'multiValueHeaders' must be an object of lists"),
        (http(drop="method"), "'requestContext.http.method' must be a non-empty string"),
        (http(requestContext=None), "'requestContext' must be an object"),
        (http(cookies="a=b"), "'cookies' must be a list of strings"),
    ],
)
def test_a_malformed_api_gateway_event_gets_a_400_naming_the_field(
    served: None, lambda_context: FakeLambdaContext, event: dict[str, Any], problem: str
) -> None:
    response = handler.lambda_handler(event, lambda_context)
    assert response["statusCode"] == 400
    assert response_json(response)["message"].startswith(f"malformed API Gateway event: {problem}")
