"""A broken challenger never costs the champion a request: over real sockets on 127.0.0.1 (moto's
S3 server, the local API bridge), under a bounded load, each failure then its recovery."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from tests.handler.conftest import (
    WIRE_BUCKET,
    WIRE_KEY,
    Clock,
    ServiceFactory,
    call,
    free_port,
    standin_bundle,
)
from tests.handler.test_rollout import tracker_body

CHALLENGER_KEY = "challenger.zip"
REQUESTS = 120
SESSIONS_PER_REQUEST = 20


def other_schema_bundle(tmp_path: Path) -> bytes:
    """The stand-in bundle reading columns that are no session features (another schema)."""
    source = zipfile.ZipFile(io.BytesIO(standin_bundle(tmp_path, name="other-schema")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            text = source.read(name).decode().replace('"n_page_views"', '"n_clicks"')
            target.writestr(name, text)
    return buffer.getvalue()


def load(api: str, first_session: int) -> Counter[Any]:
    """``REQUESTS`` POST /score requests from 4 threads: a count of (status, variants) seen."""

    def one(request: int) -> tuple[int, str]:
        start = first_session + request * SESSIONS_PER_REQUEST
        sessions = range(start, start + SESSIONS_PER_REQUEST)
        status, body = call(f"{api}/score", tracker_body(sessions), "application/json")
        variants = sorted({s["variant"] for s in body.get("sessions", [])})
        return status, ",".join(variants)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return Counter(pool.map(one, range(REQUESTS)))


def slow_client(port: int) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1, read_timeout=5),
    )


class ChallengerS3:
    """A second S3 server for the challenger, on a port fixed in advance, up when started."""

    def __init__(self) -> None:
        self.port = free_port()
        self.server: ThreadedMotoServer | None = None

    def start(self) -> Any:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        client = slow_client(self.port)
        client.create_bucket(Bucket=WIRE_BUCKET)
        return client

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@pytest.fixture
def challenger_server(aws_env: None) -> Iterator[ChallengerS3]:
    server = ChallengerS3()
    yield server
    server.stop()


@dataclass
class Stage:
    """The champion's S3 server, the challenger's, the local API and the caches' clock."""

    s3: Any
    challenger_s3: ChallengerS3
    api: str
    make_service: ServiceFactory
    clock: Clock

    def serve(self, challenger_client: Any) -> None:
        """The champion from the first server, a 50% challenger read with ``challenger_client``."""
        self.make_service(
            f"s3://{WIRE_BUCKET}/{WIRE_KEY}",
            s3_client=self.s3,
            challenger=f"s3://{WIRE_BUCKET}/{CHALLENGER_KEY}",
            challenger_percent=50,
            challenger_s3_client=challenger_client,
        )


@pytest.fixture
def stage(
    s3_server: Any,
    challenger_server: ChallengerS3,
    api: str,
    make_service: ServiceFactory,
    clock: Clock,
) -> Stage:
    return Stage(s3_server, challenger_server, api, make_service, clock)


@pytest.mark.parametrize("broken", ["corrupt", "other_schema", "s3_outage"])
def test_a_broken_challenger_leaves_champion_traffic_at_zero_failures_and_recovers_alone(
    tmp_path: Path, stage: Stage, broken: str
) -> None:
    s3_server, challenger_server, api, clock = stage.s3, stage.challenger_s3, stage.api, stage.clock
    # GIVEN the champion in S3 and a challenger at 50% that is broken in one of three ways: a
    #   corrupt object, a bundle of another schema, or its S3 endpoint down
    s3_server.put_object(Bucket=WIRE_BUCKET, Key=WIRE_KEY, Body=standin_bundle(tmp_path))
    challenger_client = slow_client(challenger_server.port)
    if broken == "corrupt":
        challenger_client = s3_server
        s3_server.put_object(Bucket=WIRE_BUCKET, Key=CHALLENGER_KEY, Body=b"PK\x03\x04broken")
    elif broken == "other_schema":
        challenger_client = s3_server
        s3_server.put_object(
            Bucket=WIRE_BUCKET, Key=CHALLENGER_KEY, Body=other_schema_bundle(tmp_path)
        )
    stage.serve(challenger_client)

    # WHEN a bounded load arrives, and again after the challenger's retry period
    seen = load(api, 0)
    clock.now += 61
    seen += load(api, 10_000)

    # THEN every request was answered, every session by the champion
    assert seen == Counter({(200, "champion"): 2 * REQUESTS})
    # AND /model says why the challenger is not serving
    status, model = call(f"{api}/model")
    assert status == 200 and model["challenger"]["loaded"] is False
    reason = {
        "corrupt": "was not loaded",
        "other_schema": "does not fit the session features",
        "s3_outage": "could not be reached",
    }[broken]
    assert reason in model["challenger"]["error"]

    # WHEN the challenger is fixed (a good bundle, its S3 up) and its retry period has passed
    if broken == "s3_outage":
        challenger_client = challenger_server.start()
    good = standin_bundle(tmp_path, intercept=1.0, name="challenger")
    challenger_client.put_object(Bucket=WIRE_BUCKET, Key=CHALLENGER_KEY, Body=good)
    clock.now += 61

    # THEN it takes its share of the sessions, with no failed request
    recovered = load(api, 20_000)
    assert sum(recovered.values()) == REQUESTS
    assert {status for status, _ in recovered} == {200}
    assert any("challenger" in variants for _, variants in recovered)


def test_an_s3_outage_after_the_challenger_loaded_keeps_both_serving(
    tmp_path: Path, stage: Stage
) -> None:
    s3_server, challenger_server, api, clock = stage.s3, stage.challenger_s3, stage.api, stage.clock
    # GIVEN a champion and a loaded challenger, the challenger's bucket on its own S3 server
    s3_server.put_object(Bucket=WIRE_BUCKET, Key=WIRE_KEY, Body=standin_bundle(tmp_path))
    challenger_client = challenger_server.start()
    good = standin_bundle(tmp_path, intercept=1.0, name="challenger")
    challenger_client.put_object(Bucket=WIRE_BUCKET, Key=CHALLENGER_KEY, Body=good)
    stage.serve(challenger_client)
    assert all(status == 200 for status, _ in load(api, 0))

    # WHEN the challenger's S3 goes down and both models' refresh is due
    challenger_server.stop()
    clock.now += 61
    seen = load(api, 10_000)

    # THEN no request failed, and the challenger kept serving the version it holds
    assert {status for status, _ in seen} == {200}
    assert any("challenger" in variants for _, variants in seen)
    status, model = call(f"{api}/model")
    assert status == 200 and model["challenger"]["loaded"] is True
    assert "could not be reached" in model["challenger"]["error"]
