"""Fixtures of the Lambda handler tests: a stand-in bundle, S3 in moto, a fake LambdaContext."""

from __future__ import annotations

import json
import os
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from demo_bundle import demo_bundle
from local import ApiGatewayBridge, LocalLambdaContext
from snowleap.serving import ChallengerSettings, ModelCache, ScoringService, ServingSettings
from snowleap.serving.scoring import check_model_fits
from snowleap.serving.service import model_check
from snowleap.serving.source import ModelSource, open_model_source

# NOTE: what the SAM template's Globals set for the function; the handler reads them at import.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "snowleap")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "snowleap")

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
BUCKET = "snowleap-models"
KEY = "models/snowleap.zip"


def standin_bundle(tmp_path: Path, *, intercept: float = -1.0, name: str = "standin") -> bytes:
    """The hand-set demo bundle (see handler/demo_bundle.py); stands in for the trained one."""
    return demo_bundle(intercept=intercept, name=name)


FakeLambdaContext = LocalLambdaContext


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext(aws_request_id="52fdfc07-2182-454f-963f-5f0f9a621d72")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region, so boto3 never looks for real ones."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)


@dataclass
class S3Bucket:
    """A versioned bucket in moto, and a count of the GetObject calls that returned a body."""

    client: Any
    downloads: list[str]
    requests: list[dict[str, Any]]

    def put(self, data: bytes) -> str:
        response = self.client.put_object(Bucket=BUCKET, Key=KEY, Body=data)
        return str(response["VersionId"])


@pytest.fixture
def s3(aws_env: None) -> Iterator[S3Bucket]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        bucket = S3Bucket(client, downloads=[], requests=[])

        def count(http_response: Any, parsed: dict[str, Any], **_: Any) -> None:
            bucket.requests.append(parsed)
            if http_response.status_code == 200:
                bucket.downloads.append(str(parsed.get("VersionId")))

        client.meta.events.register("after-call.s3.GetObject", count)
        yield bucket


class Clock:
    """A monotonic clock the test moves forward."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


ServiceFactory = Callable[..., ScoringService]


@pytest.fixture
def make_service(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> ServiceFactory:
    """Build a ``ScoringService`` like the handler does, and install it in the handler module."""
    import app as handler

    def build(
        source: ModelSource | str,
        *,
        threshold: float = 0.5,
        max_body_bytes: int = 64 * 1024,
        cache_dir: Path | None = None,
        s3_client: Any = None,
        model_kind: str = "auto",
        challenger: ModelSource | str | None = None,
        challenger_percent: float = 0.0,
        challenger_mode: str = "split",
        challenger_s3_client: Any = None,
        load_wait_seconds: float = 60.0,
        refresh_wait_seconds: float = 60.0,
        model_details: str = "full",
    ) -> ScoringService:
        if isinstance(source, str):
            source = open_model_source(source, lambda: s3_client)
        if isinstance(challenger, str):
            client = challenger_s3_client or s3_client
            challenger = open_model_source(challenger, lambda: client)
        rollout = None
        if challenger is not None:
            rollout = ChallengerSettings(challenger.uri, challenger_percent, challenger_mode)
        settings = ServingSettings(
            model_uri=source.uri,
            refresh_seconds=60.0,
            threshold=threshold,
            max_body_bytes=max_body_bytes,
            session_salt="test-salt",
            cache_dir=cache_dir if cache_dir is not None else tmp_path / "model-cache",
            model_kind=model_kind,
            challenger=rollout,
            # NOTE: long budgets: a test reads each refresh's outcome in the request that made
            # it (the short defaults are the stall tests' business, test_s3_faults.py).
            load_wait_seconds=load_wait_seconds,
            refresh_wait_seconds=refresh_wait_seconds,
            # NOTE: full: most tests read the version that answered; the default (minimal) is
            # test_model_details.py's business.
            model_details=model_details,
        )
        cache = ModelCache(
            source,
            refresh_seconds=settings.refresh_seconds,
            cache_dir=settings.cache_dir,
            check=model_check(settings),
            clock=clock,
        )
        challenger_cache = None
        if challenger is not None:
            # NOTE: as ScoringService.create builds it: session check, retried once per refresh.
            challenger_cache = ModelCache(
                challenger,
                refresh_seconds=settings.refresh_seconds,
                cache_dir=settings.cache_dir,
                check=check_model_fits,
                clock=clock,
                cold_retry_seconds=settings.refresh_seconds,
            )
        service = ScoringService(
            cache, settings, handler.PowertoolsObserver(), challenger=challenger_cache
        )
        monkeypatch.setattr(handler, "service", service)
        return service

    return build


def load_event(name: str) -> dict[str, Any]:
    """One of the ready events in ``events/``, by file name."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def rest_event(
    method: str,
    path: str,
    body: str | None = None,
    content_type: str | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway REST (payload 1.0) event, built from the ready score event's shape."""
    event = load_event("score.json")
    headers = {"Host": "abc123.execute-api.eu-west-1.amazonaws.com"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    event.update(
        httpMethod=method,
        path=path,
        resource=path,
        body=body,
        headers=headers,
        multiValueHeaders={k: [v] for k, v in headers.items()},
        queryStringParameters=query,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} if query else None,
    )
    event["requestContext"].update(httpMethod=method, resourcePath=path, path=f"/Prod{path}")
    return event


def response_json(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


# -- over the wire: moto's S3 server and the local API bridge on 127.0.0.1 ---------------------

# NOTE: the bucket of the tests over the wire (moto's S3 server on 127.0.0.1)
WIRE_BUCKET = "wire-models"
WIRE_KEY = "snowleap.zip"


@pytest.fixture
def s3_server(aws_env: None) -> Iterator[Any]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = boto3.client("s3", endpoint_url=f"http://{host}:{port}", region_name="us-east-1")
    client.create_bucket(Bucket=WIRE_BUCKET)
    client.put_bucket_versioning(Bucket=WIRE_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    yield client
    server.stop()


@pytest.fixture
def api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ApiGatewayBridge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def call(url: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int, Any]:
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
