"""Fixtures of the Lambda handler tests: a stand-in bundle, S3 in moto, a fake LambdaContext."""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from snowleap.serving import ModelCache, ScoringService, ServingSettings, check_model_fits
from snowleap.serving.source import ModelSource, open_model_source
from tests.conftest import double_tensor, write_bundle_json, write_node

# NOTE: what the SAM template's Globals set for the function; the handler reads them at import.
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "snowleap")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "snowleap")

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
BUCKET = "snowleap-models"
KEY = "models/snowleap.zip"
FEATURES = ["n_page_views", "n_product_views", "n_add_to_basket"]
# NOTE: coefficients chosen so the hand-worked probabilities are simple: see test_score.
COEFFICIENTS = [-0.5, 0.5, 2.0]


def standin_bundle(tmp_path: Path, *, intercept: float = -1.0, name: str = "standin") -> bytes:
    """A zipped pipeline bundle scoring session features: vector_assembler -> logistic_regression.

    Stands in for the default bundle (trained by ``make train``) until it is committed.
    """
    folder = tmp_path / f"bundle-{name}-{intercept}"
    write_bundle_json(folder, name=name)
    root = folder / "root"
    root.mkdir(parents=True)
    (root / "model.json").write_text(
        json.dumps(
            {
                "op": "pipeline",
                "attributes": {
                    "nodes": {"type": "list", "string": ["assembler", "classifier"]},
                },
            }
        )
    )
    (root / "node.json").write_text(
        json.dumps({"name": "pipeline", "shape": {"inputs": [], "outputs": []}})
    )
    write_node(
        root / "assembler.node",
        "assembler",
        "vector_assembler",
        {
            "input_shapes": {
                "type": "list",
                "data_shape": [{"base": "scalar", "isNullable": False} for _ in FEATURES],
            }
        },
        {f"input{i}": name for i, name in enumerate(FEATURES)},
        {"output": "features"},
    )
    write_node(
        root / "classifier.node",
        "classifier",
        "logistic_regression",
        {
            "coefficients": double_tensor(COEFFICIENTS),
            "intercept": {"double": intercept},
            "num_classes": {"long": 2},
        },
        {"features": "features"},
        {
            "raw_prediction": "rawPrediction",
            "probability": "probability",
            "prediction": "prediction",
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


@dataclass
class FakeLambdaContext:
    """What Powertools reads from the real ``LambdaContext``."""

    function_name: str = "snowleap-score"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:snowleap-score"
    aws_request_id: str = "52fdfc07-2182-454f-963f-5f0f9a621d72"
    log_group_name: str = "/aws/lambda/snowleap-score"
    log_stream_name: str = "2026/11/26/[$LATEST]abc"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    return FakeLambdaContext()


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
    ) -> ScoringService:
        if isinstance(source, str):
            source = open_model_source(source, lambda: s3_client)
        settings = ServingSettings(
            model_uri=source.uri,
            refresh_seconds=60.0,
            threshold=threshold,
            max_body_bytes=max_body_bytes,
            session_salt="test-salt",
            cache_dir=cache_dir if cache_dir is not None else tmp_path / "model-cache",
        )
        cache = ModelCache(
            source,
            refresh_seconds=settings.refresh_seconds,
            cache_dir=settings.cache_dir,
            check=check_model_fits,
            clock=clock,
        )
        service = ScoringService(cache, settings, handler.PowertoolsObserver())
        monkeypatch.setattr(handler, "service", service)
        return service

    return build


def load_event(name: str) -> dict[str, Any]:
    """One of the ready events in ``events/``, by file name."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def rest_event(
    method: str, path: str, body: str | None = None, content_type: str | None = None
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
    )
    event["requestContext"].update(httpMethod=method, resourcePath=path, path=f"/Prod{path}")
    return event


def response_json(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])
