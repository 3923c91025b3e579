"""What the API discloses (``MODEL_DETAILS``), where the session salt comes from (an SSM
SecureString through Powertools Parameters, in moto) and who gets CORS headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from moto import mock_aws

import app as handler
from snowleap.serving import ConfigurationError
from tests.handler.conftest import (
    FakeLambdaContext,
    ServiceFactory,
    load_event,
    response_json,
    rest_event,
    standin_bundle,
)

IDENTITY_LEAKS = ("source", "etag", "version_id", "sha256", "ops", "loaded_at", "load_ms")


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    path = tmp_path / "standin-secret-name.zip"
    path.write_bytes(standin_bundle(tmp_path))
    return path


def test_by_default_no_answer_names_where_the_model_is_stored(
    bundle: Path, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN the service with the default MODEL_DETAILS (minimal)
    make_service(str(bundle), model_details="minimal")

    # WHEN a client asks for the model, the health and a score
    answers = {
        name: handler.lambda_handler(load_event(name), lambda_context)
        for name in ("model.json", "health.json", "score.json")
    }

    # THEN each answers, and none carries the source, ETag, version id, sha256 or ops
    assert {name: a["statusCode"] for name, a in answers.items()} == dict.fromkeys(answers, 200)
    model = response_json(answers["model.json"])
    identities = [model, response_json(answers["health.json"])["model"],
                  response_json(answers["score.json"])["model"]]  # fmt: skip
    for identity in identities:
        assert not set(IDENTITY_LEAKS) & set(identity), identity
        # AND the model is named with a 12-digit fingerprint of its bytes
        assert identity["name"] == "standin" and len(identity["version"]) == 12
    score = response_json(answers["score.json"])
    assert {s["model_version"] for s in score["sessions"]} == {score["model"]["version"]}
    for answer in answers.values():
        assert "standin-secret-name" not in answer["body"]
    # AND what a client needs to call the API is still there
    assert model["kind"] == "session" and model["input_schema"]["fields"]


def test_full_details_add_the_source_and_its_identity(
    bundle: Path, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    make_service(str(bundle), model_details="full")
    model = response_json(handler.lambda_handler(load_event("model.json"), lambda_context))
    assert model["source"] == str(bundle) and len(model["sha256"]) == 64
    assert model["version"] == model["sha256"][:12]
    assert model["ops"] == ["logistic_regression", "vector_assembler"]
    score = response_json(handler.lambda_handler(load_event("score.json"), lambda_context))
    assert score["model"]["source"] == str(bundle)


def test_a_model_that_cannot_load_is_a_503_that_does_not_name_it(
    tmp_path: Path, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    broken = tmp_path / "bucket-secret.zip"
    broken.write_bytes(b"not a zip")
    make_service(str(broken), model_details="minimal")
    response = handler.lambda_handler(load_event("model.json"), lambda_context)
    assert response["statusCode"] == 503
    assert "could not be loaded" in response["body"] and "bucket-secret" not in response["body"]


def test_model_details_accepts_minimal_or_full_only() -> None:
    from snowleap.serving import ServingSettings

    settings = ServingSettings.from_environment({}, default_model_uri="m.zip")
    assert settings.model_details == "minimal"
    with pytest.raises(ConfigurationError, match="MODEL_DETAILS='all'"):
        ServingSettings.from_environment({"MODEL_DETAILS": "all"}, default_model_uri="m.zip")


@pytest.fixture
def ssm(aws_env: None) -> Any:
    from aws_lambda_powertools.utilities import parameters

    # NOTE: Powertools keeps one SSM provider, and its cache, per process.
    parameters.clear_caches()
    with mock_aws():
        yield boto3.client("ssm")
    parameters.clear_caches()


def test_the_salt_is_read_from_an_ssm_secure_string_and_cached(ssm: Any) -> None:
    # GIVEN the salt in an SSM SecureString, and a plain SESSION_SALT that must lose
    ssm.put_parameter(Name="/snowleap/salt", Value="from-ssm", Type="SecureString")
    environ = {"SESSION_SALT_PARAMETER": "/snowleap/salt", "SESSION_SALT": "from-env"}

    # WHEN the handler builds its service
    service = handler.create_service(environ)

    # THEN its salt is the parameter's decrypted value
    assert service.salt == "from-ssm"
    # AND a second read within the cache age is the cached one, even after a change
    ssm.put_parameter(Name="/snowleap/salt", Value="rotated", Type="SecureString", Overwrite=True)
    assert handler.session_salt(environ) == "from-ssm"


def test_without_a_parameter_the_environment_salt_serves_local_runs() -> None:
    assert handler.create_service({"SESSION_SALT": "local"}).salt == "local"


def test_a_missing_salt_parameter_stops_the_start_naming_it(ssm: Any) -> None:
    with pytest.raises(ConfigurationError, match="SESSION_SALT_PARAMETER='/snowleap/none'"):
        handler.create_service({"SESSION_SALT_PARAMETER": "/snowleap/none"})


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("https://app.example.com", True), ("https://admin.example.com", True),
     ("https://evil.example.net", False)],
)  # fmt: skip
def test_cors_headers_go_to_the_listed_origins_only(
    origin: str,
    allowed: bool,
    bundle: Path,
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN resolvers built with two allowed origins, as the handler builds them
    config = handler.cors_config(
        {"CORS_ALLOW_ORIGINS": "https://app.example.com, https://admin.example.com"}
    )
    resolver = APIGatewayRestResolver(cors=config)
    resolver.include_router(handler.router)
    monkeypatch.setattr(handler, "app", resolver)
    make_service(str(bundle))

    for method in ("OPTIONS", "GET"):
        event = rest_event(method, "/model")
        event["headers"]["Origin"] = origin
        event["multiValueHeaders"]["Origin"] = [origin]
        response = handler.lambda_handler(event, lambda_context)
        assert response["statusCode"] in (200, 204), (method, response["body"])
        multi = response.get("multiValueHeaders", {})
        headers = {**response.get("headers", {}), **{k: v[0] for k, v in multi.items()}}
        assert (headers.get("Access-Control-Allow-Origin") == origin) is allowed, headers
    # AND without origins configured there is no CORS at all
    assert handler.cors_config({"CORS_ALLOW_ORIGINS": ""}) is None
