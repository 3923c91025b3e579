"""The fast lane of ``POST /score`` answers exactly as Powertools' resolver does (score_lane.py).

Every event goes through the handler twice: once as deployed (the lane takes ``POST /score``) and
once with the lane switched off (the resolver routes everything); the responses must be equal,
and so must what was logged and published (times and durations left out).
"""

from __future__ import annotations

import base64
import copy
import io
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, APIGatewayRestResolver

import app as handler
import score_lane
from tests.handler.conftest import (
    EVENTS,
    ROOT,
    FakeLambdaContext,
    ServiceFactory,
    load_event,
    standin_bundle,
)

READY_EVENTS = sorted(p.name for p in EVENTS.glob("*.json"))
ORIGINS = "https://app.example.com, https://admin.example.com"
_TIMES = re.compile(r'("(?:timestamp|Timestamp|ScoreMs|ModelLoadMs)":)\[?("[^"]*"|[\d.e+-]+)\]?')


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "standin.zip"
    path.write_bytes(standin_bundle(tmp_path))
    return path


@pytest.fixture
def served(bundle: Path, make_service: ServiceFactory) -> None:
    make_service(str(bundle))


@pytest.fixture
def cors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both resolvers with CORS for two origins, as CORS_ALLOW_ORIGINS makes them."""
    config = handler.cors_config({"CORS_ALLOW_ORIGINS": ORIGINS})
    for name, kind in (("app", APIGatewayRestResolver), ("http_app", APIGatewayHttpResolver)):
        resolver = kind(cors=config)
        resolver.include_router(handler.router)
        monkeypatch.setattr(handler, name, resolver)


def invoke(event: Any, context: FakeLambdaContext) -> tuple[dict[str, Any], list[str]]:
    """The handler's response and what it wrote (logs and EMF), masked by ``_masked``."""
    stream = io.StringIO()
    log_handler = handler.logger.registered_handler
    assert isinstance(log_handler, logging.StreamHandler)
    previous = log_handler.setStream(stream)
    try:
        with redirect_stdout(stream):
            response = handler.lambda_handler(copy.deepcopy(event), context)
    finally:
        log_handler.setStream(previous)
    written = [_masked(line) for line in stream.getvalue().splitlines()]
    return response, written


def _masked(line: str) -> str:
    """A written line without its times, and a logged traceback as its last line only (the
    frames above the route differ between the lane and the resolver; the stack trace's too)."""
    line = _TIMES.sub(r"\1 0", line)
    if not line.startswith("{") or '"exception"' not in line:
        return line
    record = json.loads(line)
    record["exception"] = record["exception"].splitlines()[-1]
    if isinstance(record.get("stack_trace"), dict):
        record["stack_trace"].pop("frames", None)
    return json.dumps(record)


@pytest.fixture
def lane_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    calls: list[str] = []
    answer = score_lane.answer

    def spy(*args: Any, **kwargs: Any) -> dict[str, Any]:
        calls.append("lane" if kwargs["resolver"] is not None else "lane, no resolver yet")
        return answer(*args, **kwargs)

    monkeypatch.setattr(score_lane, "answer", spy)
    yield calls


ROUTE_NAMES = ("router", "app", "http_app")


@pytest.fixture(params=["resolvers made", "resolvers not made yet"])
def resolvers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether the lane's calls find the resolvers made (routes.py imported), or answer as the
    first request of a function that has only ever scored (``unmade``)."""
    for name in ROUTE_NAMES:
        # NOTE: restored as they were at the end of the test.
        monkeypatch.setitem(vars(handler), name, getattr(handler, name))
    return bool(request.param == "resolvers made")


def unmade() -> None:
    for name in ROUTE_NAMES:
        vars(handler).pop(name, None)


def assert_same_answer(
    event: Any,
    context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    lane_calls: list[str],
    *,
    lane: bool | None = None,
    made: bool = True,
) -> dict[str, Any]:
    """The lane's and the resolver's answers to ``event`` are the same; ``lane`` says whether
    the lane must (True) or must not (False) have taken it; with ``made`` false, the lane's call
    finds no resolver made."""
    # NOTE: first a call of its own, so that both compared calls are warm (cold_start false).
    invoke(event, context)
    lane_calls.clear()
    if not made:
        unmade()
    fast, fast_written = invoke(event, context)
    took_lane = bool(lane_calls)
    if took_lane and not made:
        assert lane_calls == ["lane, no resolver yet"]
    lane_calls.clear()
    with monkeypatch.context() as patch:
        patch.setattr(score_lane, "is_score_request", lambda *_, **__: False)
        slow, slow_written = invoke(event, context)
    assert not lane_calls
    assert fast == slow
    assert json.dumps(fast, sort_keys=True) == json.dumps(slow, sort_keys=True)
    assert fast_written == slow_written
    if lane is not None:
        assert took_lane is lane
    return fast


@pytest.mark.parametrize("name", READY_EVENTS)
def test_every_ready_event_is_answered_as_the_resolver_answers_it(
    name: str,
    served: None,
    resolvers: bool,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    lane_calls: list[str],
) -> None:
    event = load_event(name)
    response = assert_same_answer(event, lambda_context, monkeypatch, lane_calls, made=resolvers)
    if name.startswith("score"):
        assert response["statusCode"] == 200


def score_variants(event: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(label, a variant of a ready score event, whether the lane takes it)."""
    http_api = event.get("version") == "2.0"
    body = event["body"]

    def variant(**changes: Any) -> dict[str, Any]:
        changed = copy.deepcopy(event)
        changed.update(changes)
        return changed

    def with_headers(headers: dict[str, str]) -> dict[str, Any]:
        changed = variant(headers=headers)
        if not http_api:
            changed["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
        return changed

    encoded = base64.b64encode(body.encode()).decode()
    yield "base64 body", variant(body=encoded, isBase64Encoded=True), True
    yield "bad base64", variant(body="not base64!", isBase64Encoded=True), True
    yield "no body", variant(body=None), True
    yield "empty body", variant(body=""), True
    yield "not JSON", variant(body="{bad"), True
    yield "a JSON string", variant(body='"events"'), True
    yield "too large", variant(body=json.dumps({"pad": "x" * 70_000})), True
    yield "lone surrogate", variant(body=body.replace("Home", "\\ud800")), True
    yield "no content type", with_headers({"host": "example.com"}), True
    yield "text/plain", with_headers({"Content-Type": "text/plain"}), True
    yield "odd content type", with_headers({"Content-Type": "\u00e9vil; x"}), True
    yield "TSV", with_headers({"Content-Type": "text/tab-separated-values"}), True
    yield "upper-case header", with_headers({"CONTENT-TYPE": "application/json"}), True
    two_cases = {"content-type": "text/plain", "Content-Type": "application/json"}
    yield "two cases", with_headers(two_cases), True
    yield "headers null", variant(headers=None, multiValueHeaders=None), True
    if http_api:
        context = copy.deepcopy(event["requestContext"])
        context["http"]["method"] = "post"
        yield "lower-case method", variant(requestContext=context), True
        staged = copy.deepcopy(event["requestContext"])
        staged["stage"] = "prod"
        yield "a stage", variant(requestContext=staged, rawPath="/prod/score"), True
        yield "a stage, wrong path", variant(requestContext=staged, rawPath="/score"), False
        yield "trailing newline", variant(rawPath="/score\n"), True
        yield "trailing slash", variant(rawPath="/score/"), False
        unstaged = copy.deepcopy(event["requestContext"])
        del unstaged["stage"]
        yield "no stage", variant(requestContext=unstaged), False
        yield "no rawPath", {k: v for k, v in event.items() if k != "rawPath"}, False
        get = copy.deepcopy(event["requestContext"])
        get["http"]["method"] = "GET"
        yield "GET", variant(requestContext=get), False
    else:
        yield "lower-case method", variant(httpMethod="post"), True
        yield "trailing newline", variant(path="/score\n"), True
        yield "trailing slash", variant(path="/score/"), False
        yield "other case", variant(path="/Score"), False
        yield "GET", variant(httpMethod="GET"), False
        yield "malformed", variant(headers=["content-type"]), False


def all_variants() -> Iterator[Any]:
    for name in ("score.json", "score_http_api.json"):
        for label, event, lane in score_variants(load_event(name)):
            yield pytest.param(event, lane, id=f"{name}: {label}")


@pytest.mark.parametrize(("event", "lane"), list(all_variants()))
def test_score_variants_are_answered_as_the_resolver_answers_them(
    event: dict[str, Any],
    lane: bool,
    served: None,
    resolvers: bool,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    lane_calls: list[str],
) -> None:
    assert_same_answer(event, lambda_context, monkeypatch, lane_calls, lane=lane, made=resolvers)


def origin_variants() -> Iterator[Any]:
    for name in ("score.json", "score_http_api.json"):
        for origin in (
            "https://app.example.com",
            "https://admin.example.com",
            "https://evil.example",
        ):
            for body in (None, "{bad"):
                event = load_event(name)
                event["headers"]["Origin"] = origin
                if "multiValueHeaders" in event:
                    event["multiValueHeaders"]["Origin"] = [origin]
                if body is not None:
                    event["body"] = body
                yield pytest.param(event, id=f"{name}: {origin} {'error' if body else 'ok'}")
        yield pytest.param(load_event(name), id=f"{name}: no origin")
        if name == "score.json":
            event = load_event(name)
            event["multiValueHeaders"]["Origin"] = []
            yield pytest.param(event, id=f"{name}: an empty list of origins")
            event = load_event(name)
            event["headers"]["origin"] = "https://app.example.com"
            yield pytest.param(event, id=f"{name}: origin in headers only")
        else:
            event = load_event(name)
            event["headers"]["origin"] = "https://app.example.com,https://admin.example.com"
            yield pytest.param(event, id=f"{name}: two origins in one header")


@pytest.mark.parametrize("event", list(origin_variants()))
def test_cors_answers_are_the_resolvers(
    event: dict[str, Any],
    cors: None,
    served: None,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    lane_calls: list[str],
) -> None:
    assert_same_answer(event, lambda_context, monkeypatch, lane_calls, lane=True)


@pytest.mark.parametrize("name", ["score.json", "score_http_api.json"])
def test_service_failures_are_answered_by_the_same_exception_handlers(
    name: str,
    tmp_path: Path,
    make_service: ServiceFactory,
    resolvers: bool,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    lane_calls: list[str],
) -> None:
    event = load_event(name)
    # a model that cannot load: 503
    make_service(str(tmp_path / "missing.zip"))
    response = assert_same_answer(
        event, lambda_context, monkeypatch, lane_calls, lane=True, made=resolvers
    )
    assert response["statusCode"] == 503
    # an unexpected error: 500, counted, its message not sent
    service = make_service(str(tmp_path / "missing.zip"))

    def broken(body: bytes, content_type: str | None) -> dict[str, Any]:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service, "score", broken)
    response = assert_same_answer(
        event, lambda_context, monkeypatch, lane_calls, lane=True, made=resolvers
    )
    assert response["statusCode"] == 500
    assert "secret" not in response["body"]


def test_debug_mode_leaves_every_request_to_the_resolver(
    served: None,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
    lane_calls: list[str],
) -> None:
    debug = APIGatewayRestResolver(debug=True)
    debug.include_router(handler.router)
    monkeypatch.setattr(handler, "app", debug)
    with redirect_stdout(io.StringIO()):
        assert handler.lambda_handler(load_event("score.json"), lambda_context)["statusCode"] == 200
    assert not lane_calls
    assert not score_lane.usable(debug)


def test_a_document_the_plain_encoder_cannot_write_is_written_as_powertools_writes_it() -> None:
    document = {"value": Decimal("1.50"), "when": 0.25}
    assert score_lane._serialized(document) == APIGatewayRestResolver()._serializer(document)


@pytest.mark.parametrize(
    ("environment", "imported"),
    [({}, False), ({"CORS_ALLOW_ORIGINS": ORIGINS}, True), ({"POWERTOOLS_DEV": "true"}, True)],
)
def test_the_event_handler_is_imported_only_when_every_request_needs_it(
    environment: dict[str, str], imported: bool, bundle: Path, tmp_path: Path
) -> None:
    # GIVEN the handler's environment, with or without CORS or Powertools' debug mode
    env = {k: v for k, v in os.environ.items() if k not in ("CORS_ALLOW_ORIGINS", "POWERTOOLS_DEV")}
    env.update(environment, MODEL_URI=str(bundle), MODEL_CACHE_DIR=str(tmp_path), SESSION_SALT="s")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "handler"), str(ROOT / "src")])
    # WHEN the handler is imported and answers a POST /score
    script = (
        "import json, sys; import app; from local import LocalLambdaContext\n"
        "event = json.load(open(sys.argv[1]))\n"
        "response = app.lambda_handler(event, LocalLambdaContext())\n"
        "sys.stderr.write(json.dumps([response['statusCode'],"
        " 'aws_lambda_powertools.event_handler' in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(EVENTS / "score.json")],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    # THEN Powertools' event handler was imported only where every request needs its resolvers
    assert json.loads(done.stderr.strip().splitlines()[-1]) == [200, imported]
