"""Over real sockets on 127.0.0.1: moto's S3 server holds the bundle, the local API bridge turns
HTTP requests into API Gateway events for the handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from local import invoke
from tests.handler.conftest import (
    ROOT,
    WIRE_BUCKET,
    WIRE_KEY,
    ServiceFactory,
    call,
    free_port,
    standin_bundle,
)


def test_scores_over_http_with_the_bundle_from_an_s3_server_and_rolls_forward(
    tmp_path: Path, s3_server: Any, api: str, make_service: ServiceFactory
) -> None:
    # GIVEN version 1 of the bundle in the S3 server and the local API reading it from there
    first = s3_server.put_object(Bucket=WIRE_BUCKET, Key=WIRE_KEY, Body=standin_bundle(tmp_path))
    make_service(f"s3://{WIRE_BUCKET}/{WIRE_KEY}", s3_client=s3_server)
    sessions = (ROOT / "events" / "sessions.json").read_bytes()

    # WHEN sessions are POSTed over HTTP
    status, body = call(f"{api}/score", sessions, "application/json")

    # THEN they are scored by version 1 (session A: margin 0 -> 0.5)
    assert status == 200
    assert body["model"]["version_id"] == first["VersionId"]
    assert body["sessions"][0]["probability"] == pytest.approx(0.5)

    # WHEN version 2 is uploaded and a warm-up ping arrives
    second = s3_server.put_object(
        Bucket=WIRE_BUCKET, Key=WIRE_KEY, Body=standin_bundle(tmp_path, intercept=1.0)
    )
    assert invoke({"warmup": True})["refresh"] == "updated"

    # THEN the next request is scored by version 2 (session A: margin 2 -> 0.88079708)
    status, body = call(f"{api}/score", sessions, "application/json")
    assert body["model"]["version_id"] == second["VersionId"]
    assert body["sessions"][0]["probability"] == pytest.approx(0.8807970779778823)
    # AND bad requests get their 4xx over the wire too
    assert call(f"{api}/score", b"e=pv", "text/plain")[0] == 415
    assert call(f"{api}/score", b"[" + b"1," * 40_000 + b"1]", "application/json")[0] == 413
    status, body = call(f"{api}/model")
    assert status == 200 and body["version_id"] == second["VersionId"]


def test_s3_down_at_cold_start_is_a_503_and_the_next_request_recovers(
    tmp_path: Path, aws_env: None, api: str, make_service: ServiceFactory
) -> None:
    # GIVEN a fresh environment whose S3 endpoint is down (nothing listens on its port yet)
    port = free_port()
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5),
    )
    make_service(f"s3://{WIRE_BUCKET}/{WIRE_KEY}", s3_client=client)
    sessions = (ROOT / "events" / "sessions.json").read_bytes()

    # WHEN a request arrives THEN it gets a 503 saying S3 could not be reached
    status, body = call(f"{api}/score", sessions, "application/json")
    assert status == 503
    assert "could not be reached" in body["message"]

    # WHEN S3 comes up on that port with the bundle
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        client.create_bucket(Bucket=WIRE_BUCKET)
        client.put_object(Bucket=WIRE_BUCKET, Key=WIRE_KEY, Body=standin_bundle(tmp_path))
        # THEN the very next request loads the model and is scored
        status, body = call(f"{api}/score", sessions, "application/json")
    finally:
        server.stop()
    assert status == 200
    assert body["sessions"][0]["probability"] == pytest.approx(0.5)
