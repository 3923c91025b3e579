"""Champion and challenger on POST /score: the share, sticky assignment, shadow mode, /model."""

from __future__ import annotations

import io
import json
import logging
import math
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import app as handler
from tests.handler.conftest import (
    ROOT,
    FakeLambdaContext,
    ServiceFactory,
    response_json,
    rest_event,
    standin_bundle,
)

SALT = "test-salt"


def sigmoid(margin: float) -> float:
    return 1.0 / (1.0 + math.exp(-margin))


# NOTE: a session of one page view: margin -0.5 + intercept; the champion's intercept is -1, the
# challenger's +1, so each session's probability says which model scored it.
CHAMPION_P = sigmoid(-1.5)
CHALLENGER_P = sigmoid(0.5)


def tracker_body(sessions: Iterable[int]) -> bytes:
    """A tracker payload of one page view per synthetic session ``sid-<n>``."""
    data = [
        {"e": "pv", "p": "web", "tv": "js-3", "sid": f"sid-{n}", "dtm": str(1795700000000 + n)}
        for n in sessions
    ]
    payload = {"schema": "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"}
    return json.dumps({**payload, "data": data}).encode()


@pytest.fixture
def bundles(tmp_path: Path) -> tuple[Path, Path]:
    champion, challenger = tmp_path / "champion.zip", tmp_path / "challenger.zip"
    champion.write_bytes(standin_bundle(tmp_path, name="champion"))
    challenger.write_bytes(standin_bundle(tmp_path, intercept=1.0, name="challenger"))
    return champion, challenger


@pytest.fixture
def logs() -> Iterator[io.StringIO]:
    """What the handler's logger writes during the test."""
    stream = io.StringIO()
    log_handler = handler.logger.registered_handler
    assert isinstance(log_handler, logging.StreamHandler)
    previous = log_handler.setStream(stream)
    yield stream
    log_handler.setStream(previous)


def session_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("message") == "session scored"]


@pytest.mark.parametrize("percent", [10.0, 37.5])
def test_the_challenger_answers_its_share_of_10000_sessions_within_one_point(
    bundles: tuple[Path, Path], make_service: ServiceFactory, percent: float
) -> None:
    # GIVEN a challenger at `percent` beside the champion
    champion, challenger = bundles
    service = make_service(
        str(champion), challenger=str(challenger), challenger_percent=percent,
        max_body_bytes=8 * 1024 * 1024,
    )  # fmt: skip

    # WHEN 10,000 synthetic sessions are scored in one request
    answer = service.score(tracker_body(range(10_000)), "application/json")

    # THEN the challenger answered within 1 point of its share
    sessions = answer["sessions"]
    assert len(sessions) == 10_000
    share = 100.0 * Counter(s["variant"] for s in sessions)["challenger"] / len(sessions)
    assert abs(share - percent) <= 1.0, share
    # AND each session was scored by the model its variant names, with that model's version
    versions = {
        "champion": service.cache.loaded().version.label,
        "challenger": service.challenger.loaded().version.label,  # type: ignore[union-attr]
    }
    expected = {"champion": CHAMPION_P, "challenger": CHALLENGER_P}
    for session in sessions:
        assert session["probability"] == pytest.approx(expected[session["variant"]])
        assert session["model_version"] == versions[session["variant"]]


def test_a_session_keeps_its_variant_across_requests(
    bundles: tuple[Path, Path], make_service: ServiceFactory
) -> None:
    champion, challenger = bundles
    service = make_service(str(champion), challenger=str(challenger), challenger_percent=50)

    # WHEN overlapping sets of sessions arrive in two requests, in different orders
    first = service.score(tracker_body(range(0, 600)), "application/json")
    second = service.score(tracker_body(reversed(range(300, 900))), "application/json")

    # THEN the 300 sessions in both got the same variant each time (and both variants occur)
    before = {s["session"]: s["variant"] for s in first["sessions"]}
    after = {s["session"]: s["variant"] for s in second["sessions"]}
    shared = before.keys() & after.keys()
    assert len(shared) == 300
    assert all(before[key] == after[key] for key in shared)
    assert set(before.values()) == {"champion", "challenger"}


def variants_in_a_new_process(tmp_path: Path, bundles: tuple[Path, Path], salt: str) -> Any:
    """Start the handler in a process of its own (``handler/local.py invoke``) and score the
    sessions 0-399 with a 50% challenger: each session's key and variant, in session order."""
    champion, challenger = bundles
    event = rest_event("POST", "/score", tracker_body(range(400)).decode(), "application/json")
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    environ = {
        **os.environ,
        "MODEL_URI": str(champion),
        "CHALLENGER_URI": str(challenger),
        "CHALLENGER_PERCENT": "50",
        "SESSION_SALT": salt,
        "MODEL_CACHE_DIR": "",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
        "POWERTOOLS_METRICS_DISABLED": "true",
    }
    done = subprocess.run(
        [sys.executable, str(ROOT / "handler" / "local.py"), "invoke", str(event_file)],
        env=environ, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    # NOTE: the response is the indented document at the end of the output.
    response = json.loads(done.stdout[done.stdout.rindex("\n{\n") :])
    return [(s["session"], s["variant"]) for s in response["body"]["sessions"]]


def test_a_session_keeps_its_variant_in_two_environments_started_separately(
    tmp_path: Path, bundles: tuple[Path, Path], make_service: ServiceFactory
) -> None:
    # WHEN two processes with the same SESSION_SALT score the same 400 sessions
    one = variants_in_a_new_process(tmp_path, bundles, SALT)
    two = variants_in_a_new_process(tmp_path, bundles, SALT)

    # THEN each session has the same key and variant in both, and in this process too
    assert one == two and len(one) == 400
    champion, challenger = bundles
    here = make_service(str(champion), challenger=str(challenger), challenger_percent=50)
    answer = here.score(tracker_body(range(400)), "application/json")
    assert [(s["session"], s["variant"]) for s in answer["sessions"]] == one
    assert 150 < Counter(variant for _, variant in one)["challenger"] < 250
    # AND another salt deals the same sessions out anew: the salt decides, not the process
    other = variants_in_a_new_process(tmp_path, bundles, "another-salt")
    assert [variant for _, variant in other] != [variant for _, variant in one]


def test_shadow_responses_are_byte_identical_to_champion_only_ones(
    bundles: tuple[Path, Path],
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
    logs: io.StringIO,
) -> None:
    champion, challenger = bundles
    event = rest_event("POST", "/score", tracker_body(range(200)).decode(), "application/json")

    # GIVEN the champion alone, WHEN the request is scored
    make_service(str(champion))
    alone = handler.lambda_handler(event, lambda_context)
    logs.truncate(0)
    logs.seek(0)

    # GIVEN the same champion with a challenger in shadow mode, WHEN the same request is scored
    make_service(str(champion), challenger=str(challenger), challenger_mode="shadow")
    shadowed = handler.lambda_handler(event, lambda_context)

    # THEN the two responses are the same bytes
    assert shadowed["statusCode"] == alone["statusCode"] == 200
    assert shadowed["body"].encode() == alone["body"].encode()
    assert {s["variant"] for s in response_json(shadowed)["sessions"]} == {"champion"}
    # AND the challenger scored every session too: one log line each, not served
    lines = session_lines(logs)
    shadow = [line for line in lines if line["variant"] == "challenger"]
    served = [line for line in lines if line["variant"] == "champion"]
    assert len(shadow) == len(served) == 200
    assert all(not line["served"] and line["rollout_mode"] == "shadow" for line in shadow)
    assert all(line["probability"] == pytest.approx(CHALLENGER_P) for line in shadow)
    assert {line["session"] for line in shadow} == {line["session"] for line in served}


def test_session_log_lines_and_per_variant_metrics_carry_no_identity(
    bundles: tuple[Path, Path],
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
    logs: io.StringIO,
    capsys: pytest.CaptureFixture[str],
) -> None:
    champion, challenger = bundles
    make_service(str(champion), challenger=str(challenger), challenger_percent=50)
    event = rest_event("POST", "/score", tracker_body(range(100)).decode(), "application/json")

    # WHEN 100 sessions are scored
    answer = response_json(handler.lambda_handler(event, lambda_context))

    # THEN one log line per session names its variant, version and score, keyed by the salted
    #   session key of the response, never the session cookie
    lines = session_lines(logs)
    assert len(lines) == 100
    by_key = {s["session"]: s for s in answer["sessions"]}
    for line in lines:
        session = by_key[line["session"]]
        assert (line["variant"], line["model_version"], line["served"]) == (
            session["variant"], session["model_version"], True,
        )  # fmt: skip
        assert line["probability"] == pytest.approx(session["probability"])
    output = logs.getvalue() + capsys.readouterr().out
    assert "sid-1" not in output
    # AND EMF metrics per variant: SessionsScored and each Probability, Variant as dimension
    documents = [json.loads(line) for line in output.splitlines() if '"_aws"' in line]
    per_variant: dict[str, Counter[str]] = {}
    for doc in documents:
        dimensions = doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]
        if "Variant" in dimensions and "SessionsScored" in doc:
            values = doc["Probability"] if isinstance(doc["Probability"], list) else [1]
            counted = per_variant.setdefault(doc["Variant"], Counter())
            counted["sessions"] += (
                sum(doc["SessionsScored"])
                if isinstance(doc["SessionsScored"], list)
                else doc["SessionsScored"]
            )
            counted["probabilities"] += len(values)
            counted["requests"] += int(sum(doc["Requests"])) if "Requests" in doc else 0
    variants = Counter(s["variant"] for s in answer["sessions"])
    for name, count in variants.items():
        assert per_variant[name]["sessions"] == per_variant[name]["probabilities"] == count
        assert per_variant[name]["requests"] == 1


def test_model_route_shows_champion_and_challenger(
    bundles: tuple[Path, Path], make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    champion, challenger = bundles
    make_service(str(champion), challenger=str(challenger), challenger_percent=12.5)
    response = handler.lambda_handler(rest_event("GET", "/model"), lambda_context)
    body = response_json(response)
    assert body["name"] == "champion"
    assert body["challenger"]["name"] == "challenger"
    assert body["challenger"]["percent"] == 12.5 and body["challenger"]["mode"] == "split"
    assert body["challenger"]["loaded"] is True and body["challenger"]["error"] is None
    # AND without a challenger, /model says so
    make_service(str(champion))
    assert (
        response_json(handler.lambda_handler(rest_event("GET", "/model"), lambda_context))[
            "challenger"
        ]
        is None
    )


def test_percent_0_and_100_send_no_session_and_every_session_to_the_challenger(
    bundles: tuple[Path, Path], make_service: ServiceFactory
) -> None:
    champion, challenger = bundles
    for percent, expected in ((0.0, {"champion"}), (100.0, {"challenger"})):
        service = make_service(
            str(champion), challenger=str(challenger), challenger_percent=percent
        )
        answer = service.score(tracker_body(range(300)), "application/json")
        assert {s["variant"] for s in answer["sessions"]} == expected


def test_a_5xx_answer_is_counted_per_function_version_for_the_rollback_alarm(
    tmp_path: Path,
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN version 7 of the function whose model cannot be loaded
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_VERSION", "7")
    make_service(str(tmp_path / "missing.zip"))
    capsys.readouterr()

    # WHEN a request is answered with a 503, and another with a 200
    failed = handler.lambda_handler(rest_event("GET", "/health"), lambda_context)
    bundle = tmp_path / "champion.zip"
    bundle.write_bytes(standin_bundle(tmp_path))
    make_service(str(bundle))
    served = handler.lambda_handler(rest_event("GET", "/health"), lambda_context)

    # THEN one ServerErrorResponses is counted, with the version as its dimension
    assert (failed["statusCode"], served["statusCode"]) == (503, 200)
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()
                 if '"ServerErrorResponses"' in line]  # fmt: skip
    assert len(documents) == 1
    assert documents[0]["FunctionVersion"] == "7" and documents[0]["ServerErrorResponses"] == [1.0]


def test_a_failed_challenger_is_counted_with_its_variant_never_as_the_champions_failure(
    tmp_path: Path,
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a good champion and a challenger file that is no bundle
    champion, challenger = tmp_path / "champion.zip", tmp_path / "challenger.zip"
    champion.write_bytes(standin_bundle(tmp_path))
    challenger.write_bytes(b"not a zip")
    make_service(str(champion), challenger=str(challenger), challenger_percent=50)

    # WHEN sessions are scored
    event = rest_event("POST", "/score", tracker_body(range(50)).decode(), "application/json")
    response = handler.lambda_handler(event, lambda_context)

    # THEN all are answered by the champion, and ModelRefreshFailed is counted for the
    #   challenger only (the rollback alarm's metric, without a Variant, stays quiet)
    assert {s["variant"] for s in response_json(response)["sessions"]} == {"champion"}
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()
                 if line.startswith('{"_aws"')]  # fmt: skip
    # NOTE: a bundle that does not load is a failed refresh, or a refused version where the
    #   cache tells the two apart
    failed = [doc for doc in documents if {"ModelRefreshFailed", "ModelVersionRefused"} & set(doc)]
    assert [doc.get("Variant") for doc in failed] == ["challenger"]
    loaded = [doc.get("Variant") for doc in documents if "ModelLoaded" in doc]
    assert sorted(loaded, key=str) == sorted(["champion", None], key=str)
