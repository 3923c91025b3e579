"""The model's life in an execution environment: cold load, cache hits, refresh, failures (S3 in
moto)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

import app as handler
from snowleap.serving import RefreshOutcome
from tests.conftest import double_tensor, write_bundle_json, write_node
from tests.handler.conftest import (
    BUCKET,
    KEY,
    Clock,
    FakeLambdaContext,
    S3Bucket,
    ServiceFactory,
    load_event,
    response_json,
    standin_bundle,
)

URI = f"s3://{BUCKET}/{KEY}"


def score_probabilities(context: FakeLambdaContext) -> list[float]:
    response = handler.lambda_handler(load_event("score.json"), context)
    assert response["statusCode"] == 200, response["body"]
    return [s["probability"] for s in response_json(response)["sessions"]]


def test_cold_load_then_warm_hits_download_once(
    tmp_path: Path, s3: S3Bucket, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN a bundle in S3 and a fresh execution environment
    version = s3.put(standin_bundle(tmp_path))
    service = make_service(URI, s3_client=s3.client)

    # WHEN three requests arrive within the refresh interval
    for _ in range(3):
        score_probabilities(lambda_context)

    # THEN the bundle was downloaded once, by the first request, and S3 was asked nothing more
    assert s3.downloads == [version]
    assert len(s3.requests) == 1
    assert service.cache.loaded().version.version_id == version


def test_refresh_when_due_sends_a_conditional_request_and_swaps_in_a_new_version(
    tmp_path: Path,
    s3: S3Bucket,
    make_service: ServiceFactory,
    clock: Clock,
    lambda_context: FakeLambdaContext,
) -> None:
    # GIVEN a warm environment serving version 1 (intercept -1.0)
    first = s3.put(standin_bundle(tmp_path, intercept=-1.0))
    make_service(URI, s3_client=s3.client)
    assert score_probabilities(lambda_context)[0] == pytest.approx(0.5)

    # WHEN the refresh interval passes with nothing new
    clock.now += 61
    score_probabilities(lambda_context)
    # THEN S3 answered the conditional request with 304: no second download
    assert s3.downloads == [first]
    assert len(s3.requests) == 2

    # WHEN version 2 (intercept +1.0) is uploaded and the interval passes again
    second = s3.put(standin_bundle(tmp_path, intercept=1.0))
    clock.now += 61
    probabilities = score_probabilities(lambda_context)

    # THEN the request is scored by version 2: session A margin 0.0 + 2.0 -> 1/(1+e^-2)
    assert s3.downloads == [first, second]
    assert probabilities[0] == pytest.approx(0.8807970779778823)
    model = response_json(handler.lambda_handler(load_event("model.json"), lambda_context))
    assert model["version_id"] == second


def test_a_corrupt_new_version_is_kept_out_and_the_old_one_serves(
    tmp_path: Path,
    s3: S3Bucket,
    make_service: ServiceFactory,
    clock: Clock,
    lambda_context: FakeLambdaContext,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN version 1 serving
    first = s3.put(standin_bundle(tmp_path))
    service = make_service(URI, s3_client=s3.client)
    before = score_probabilities(lambda_context)

    # WHEN a broken object (not a zip) is uploaded and the warm-up ping checks for it
    s3.put(b"this is not a bundle")
    result = handler.lambda_handler(load_event("warmup.json"), lambda_context)

    # THEN the refresh failed, saying why, and is counted in the metrics
    assert result["refresh"] == "failed"
    assert "not a valid zip" in result["error"]
    assert '"ModelRefreshFailed"' in capsys.readouterr().out
    # AND version 1 keeps serving the same scores
    assert service.cache.loaded().version.version_id == first
    clock.now += 5
    assert score_probabilities(lambda_context) == before


def test_with_model_kind_session_a_version_that_does_not_fit_the_features_is_refused(
    tmp_path: Path, s3: S3Bucket, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN version 1 serving with MODEL_KIND=session, then a valid bundle whose output is not a
    #   probability
    first = s3.put(standin_bundle(tmp_path))
    service = make_service(URI, s3_client=s3.client, model_kind="session")
    score_probabilities(lambda_context)
    s3.put(_scaler_bundle(tmp_path))
    # WHEN the warm-up ping checks
    result = service.warm_up()
    # THEN it is refused with the reason, and version 1 still serves
    assert result["refresh"] == "failed"
    assert "does not fit the session features" in result["error"]
    assert service.cache.loaded().version.version_id == first


def _scaler_bundle(tmp_path: Path) -> bytes:
    """A valid bundle that outputs no probability: a lone standard scaler."""
    folder = tmp_path / "scaler"
    write_bundle_json(folder, name="scaler")
    write_node(folder / "root", "scaler", "standard_scaler",
               {"mean": double_tensor([1.0]), "std": double_tensor([2.0])},
               {"input": "features"}, {"output": "scaled"})  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def test_s3_down_at_cold_start_answers_503_then_recovers(
    tmp_path: Path,
    s3: S3Bucket,
    make_service: ServiceFactory,
    lambda_context: FakeLambdaContext,
) -> None:
    # GIVEN a fresh environment whose model object does not exist yet (S3 answers an error)
    make_service(URI, s3_client=s3.client)

    # WHEN a request arrives
    response = handler.lambda_handler(load_event("score.json"), lambda_context)

    # THEN it gets a 503 that says what failed and that it is worth retrying
    assert response["statusCode"] == 503
    message = response_json(response)["message"]
    assert URI in message and "NoSuchKey" in message and "retry" in message
    # WHEN the object appears, the very next request loads it: the container is not stuck
    s3.put(standin_bundle(tmp_path))
    assert score_probabilities(lambda_context)[0] == pytest.approx(0.5)


def test_s3_unreachable_at_cold_start_is_a_503(
    tmp_path: Path, aws_env: None, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN an S3 endpoint where nothing listens (a closed port on this machine)
    client = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=1),
    )
    make_service(URI, s3_client=client)
    # WHEN a request arrives THEN a 503 says S3 could not be reached
    response = handler.lambda_handler(load_event("health.json"), lambda_context)
    assert response["statusCode"] == 503
    assert "could not be reached" in response_json(response)["message"]


def test_a_reinitialised_environment_reuses_the_disk_copy(
    tmp_path: Path, s3: S3Bucket, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN an environment that loaded version 1 into its /tmp cache folder
    version = s3.put(standin_bundle(tmp_path))
    cache_dir = tmp_path / "tmp-cache"
    make_service(URI, s3_client=s3.client, cache_dir=cache_dir)
    score_probabilities(lambda_context)

    # WHEN the function is initialised again in the same environment (same /tmp)
    service = make_service(URI, s3_client=s3.client, cache_dir=cache_dir)
    result = service.cache.refresh()

    # THEN one conditional request confirmed the cached version: no second download
    assert result.outcome is RefreshOutcome.LOADED
    assert service.cache.loaded().from_disk_cache
    assert s3.downloads == [version]
    assert len(s3.requests) == 2


def test_a_damaged_disk_copy_is_dropped_and_the_bundle_downloaded_again(
    tmp_path: Path, s3: S3Bucket, make_service: ServiceFactory, lambda_context: FakeLambdaContext
) -> None:
    # GIVEN an environment whose /tmp copy of the bundle was damaged after it was written
    version = s3.put(standin_bundle(tmp_path))
    cache_dir = tmp_path / "tmp-cache"
    make_service(URI, s3_client=s3.client, cache_dir=cache_dir)
    score_probabilities(lambda_context)
    (copy,) = cache_dir.rglob("*.zip")
    copy.write_bytes(b"half a zip")

    # WHEN the function is initialised again in that environment
    service = make_service(URI, s3_client=s3.client, cache_dir=cache_dir)
    result = service.cache.refresh()

    # THEN the damaged copy is not trusted: the bundle is downloaded again and serves
    assert result.outcome is RefreshOutcome.LOADED
    assert not service.cache.loaded().from_disk_cache
    assert s3.downloads == [version, version]
    assert copy.read_bytes() != b"half a zip"
