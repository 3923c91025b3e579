"""SnapStart: the hooks the handler registers with ``snapshot_restore_py``, called as the runtime
calls them (before the snapshot, after each restore), with S3 in moto."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
import snapshot_restore_py

import app as handler
from snowleap.serving import ScoringService, ServingSettings
from tests.handler.conftest import (
    BUCKET,
    KEY,
    FakeLambdaContext,
    S3Bucket,
    load_event,
    response_json,
    standin_bundle,
)

URI = f"s3://{BUCKET}/{KEY}"


def run_hooks(registry: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]) -> None:
    """Call the handler's registered hooks, as awslambdaric's hook runner does."""
    hooks = [entry for entry in registry if entry[0].__module__ == "app"]
    assert hooks, "the handler registered no hook"
    for function, args, kwargs in hooks:
        function(*args, **kwargs)


def snapshot() -> None:
    run_hooks(snapshot_restore_py.get_before_snapshot())


def restore() -> None:
    run_hooks(snapshot_restore_py.get_after_restore())


@pytest.fixture
def clients() -> list[Any]:
    """Every S3 client the service asked for (each a client of moto's S3)."""
    return []


@pytest.fixture
def snap_service(
    tmp_path: Path, s3: S3Bucket, clients: list[Any], monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], ScoringService]:
    def build(salt: str) -> ScoringService:
        def factory() -> Any:
            client = boto3.client("s3", region_name="eu-west-1")

            def count(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
                s3.requests.append(parsed)
                if http_response.status_code == 200:
                    s3.downloads.append(str(parsed.get("VersionId")))

            client.meta.events.register("after-call.s3.GetObject", count)
            clients.append(client)
            return client

        settings = ServingSettings(
            model_uri=URI, session_salt=salt, cache_dir=tmp_path / "model-cache"
        )
        service = ScoringService.create(
            settings, s3_client=factory, observer=handler.PowertoolsObserver()
        )
        monkeypatch.setattr(handler, "service", service)
        return service

    return build


def session_keys(context: FakeLambdaContext) -> list[str]:
    response = handler.lambda_handler(load_event("score.json"), context)
    assert response["statusCode"] == 200, response["body"]
    return [s["session"] for s in response_json(response)["sessions"]]


def test_the_model_is_loaded_into_the_snapshot(
    tmp_path: Path, s3: S3Bucket, snap_service: Callable[[str], ScoringService]
) -> None:
    # GIVEN a bundle in S3 and a fresh environment during its init
    version = s3.put(standin_bundle(tmp_path))
    service = snap_service("")
    assert not service.cache.is_loaded

    # WHEN the runtime runs the before-snapshot hooks
    snapshot()

    # THEN the model is in memory, so every restored environment starts with it
    assert service.cache.loaded().version.version_id == version
    assert s3.downloads == [version]


def test_after_a_restore_nothing_drawn_at_init_is_reused(
    tmp_path: Path,
    s3: S3Bucket,
    clients: list[Any],
    snap_service: Callable[[str], ScoringService],
    lambda_context: FakeLambdaContext,
) -> None:
    # GIVEN an environment without a configured salt, snapshotted with version 1 loaded
    first = s3.put(standin_bundle(tmp_path))
    service = snap_service("")
    snapshot()
    keys_in_snapshot = session_keys(lambda_context)
    salt_in_snapshot = service.salt
    random_state = random.getstate()
    assert len(clients) == 1
    # AND a version 2 uploaded since the snapshot was taken
    second = s3.put(standin_bundle(tmp_path, intercept=1.0))

    # WHEN the environment is restored
    restore()

    # THEN it has a salt of its own (every restored copy draws one), so session keys change
    assert service.salt != salt_in_snapshot
    assert session_keys(lambda_context) != keys_in_snapshot
    # AND random's state was drawn again, the S3 client is a new one
    assert random.getstate() != random_state
    assert len(clients) == 2
    assert service.cache.source.client is clients[1]  # type: ignore[attr-defined]
    # AND the model was checked at once and version 2 swapped in
    assert service.cache.loaded().version.version_id == second
    assert s3.downloads == [first, second]


def test_a_configured_salt_survives_a_restore(
    tmp_path: Path, s3: S3Bucket, snap_service: Callable[[str], ScoringService]
) -> None:
    # GIVEN a configured salt and an unchanged model
    version = s3.put(standin_bundle(tmp_path))
    service = snap_service("configured")
    snapshot()

    # WHEN the environment is restored
    restore()

    # THEN the salt stays (keys stay comparable across environments) and only a 304 was asked
    assert service.salt == "configured"
    assert s3.downloads == [version]
    assert len(s3.requests) == 2
