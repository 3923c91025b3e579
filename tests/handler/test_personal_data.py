"""Personal data planted in every field and position of a request never comes back out.

Neither in the response nor in any log line: the root logger runs at DEBUG with a handler
recording every record of every logger (``snowleap.snowplow`` included), and Powertools' JSON
lines are read from the process's standard output.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import app as handler
from snowleap.snowplow.fields import ENRICHED_FIELDS
from snowleap.snowplow.tracker import IGNORED_PARAMETERS, TRACKER_PARAMETERS
from tests.handler.conftest import FakeLambdaContext, ServiceFactory, rest_event, standin_bundle

PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
# NOTE: what a misconfigured tracker or a hostile client puts in any field; each must never be
# seen again, in full or in its distinctive part.
PERSONAL = ["jane.doe@example.org", "Жанна Иванова", "Zoë-Łucja Ørsted", "+44 20 7946 0958"]
PERSONAL += ["4929 1234 5678 9012", "1 Infinite Loop, Cupertino", "山田太郎"]
NEEDLES = ["jane.doe", "example.org", "Жанна", "Иванова", "Zoë", "Łucja", "Ørsted", "7946 0958"]
NEEDLES += ["4929 1234", "Infinite Loop", "Cupertino", "山田", "太郎"]
TRACKER = {"e": "pv", "p": "web", "tv": "js-3", "sid": "s1", "dtm": "1709542800000"}
ENRICHED = {
    "event": "page_view",
    "platform": "web",
    "collector_tstamp": "2024-03-04T09:00:00.000Z",
    "domain_sessionid": "s1",
}


def tracker_events() -> Iterator[dict[str, Any]]:
    """Every tracker parameter (and unknown ones, and keys) holding each personal value, also
    inside contexts and self-describing events, plain and base64."""
    names = [*TRACKER_PARAMETERS, *IGNORED_PARAMETERS, "e", "co", "cx", "ue_pr", "ue_px", "zz"]
    for value in PERSONAL:
        for name in names:
            yield TRACKER | {name: value}
        yield TRACKER | {value: "1"}
        yield TRACKER | {value: 1}
        for document in (
            {"schema": value, "data": []},
            {"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": [{"schema": value}]},
            {"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": {"email": value}},
        ):
            text = json.dumps(document, ensure_ascii=False)
            encoded = base64.urlsafe_b64encode(text.encode()).decode()
            yield TRACKER | {"co": text, "ue_pr": text, "e": "ue"}
            yield TRACKER | {"cx": encoded, "ue_px": encoded, "e": "ue"}
            yield TRACKER | {"co": text[:-1], "cx": encoded[:-3]}


def enriched_events() -> Iterator[dict[str, Any]]:
    """Every enriched field (and keys of contexts, unknown keys) holding each personal value."""
    for value in PERSONAL:
        for name, _ in ENRICHED_FIELDS:
            yield ENRICHED | {name: value}
            yield ENRICHED | {name: [value]}
        yield ENRICHED | {value: value}
        yield ENRICHED | {f"contexts_{value}_1": {"a": value}}
        yield ENRICHED | {f"unstruct_event_{value}_1": {"a": value}, "event": "unstruct"}


def tsv_lines() -> Iterator[str]:
    """Every column of an enriched TSV line holding each personal value."""
    base = [""] * len(ENRICHED_FIELDS)
    names = [name for name, _ in ENRICHED_FIELDS]
    for field, value in ENRICHED.items():
        base[names.index(field)] = value.replace("T", " ").removesuffix("Z")
    for value in PERSONAL:
        for position in range(len(base)):
            line = list(base)
            line[position] = value
            yield "\t".join(line)
        yield "\t".join([value] * 7)


@pytest.fixture
def served(tmp_path: Path, make_service: ServiceFactory) -> None:
    bundle = tmp_path / "standin.zip"
    bundle.write_bytes(standin_bundle(tmp_path))
    make_service(str(bundle), max_body_bytes=4 * 1024 * 1024)


class Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__}")


def requests() -> Iterator[tuple[str, str | None]]:
    tracker = list(tracker_events())
    yield json.dumps({"schema": PAYLOAD_SCHEMA, "data": tracker}, ensure_ascii=False), None
    yield json.dumps({"schema": PAYLOAD_SCHEMA, "data": tracker}), None
    yield json.dumps(list(enriched_events()), ensure_ascii=False), None
    yield "\n".join(tsv_lines()), "text/tab-separated-values"
    for value in PERSONAL:
        # the envelope's own schema, the body itself, the content type, a row route's columns
        yield json.dumps({"schema": value, "data": [TRACKER]}, ensure_ascii=False), None
        yield value, None
        yield json.dumps([ENRICHED]), value
        yield json.dumps([ENRICHED]), f"{value}/{value}"


def test_personal_data_never_leaves_in_responses_or_logs(
    served: None,
    lambda_context: FakeLambdaContext,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    recorder = Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    caplog.set_level(logging.DEBUG)
    answers: list[str] = []
    rejected = 0
    try:
        for body, content_type in requests():
            for path in ("/score", "/transform", "/invocations"):
                event = rest_event("POST", path, body, content_type or "application/json")
                response = handler.lambda_handler(event, lambda_context)
                assert response["statusCode"] < 500, response["body"][:300]
                answers.append(response["body"])
                if response["statusCode"] == 200 and path == "/score":
                    rejected += len(json.loads(response["body"])["rejected"])
            event = rest_event("GET", "/model", None, None, query={"fields": PERSONAL[0]})
            answers.append(handler.lambda_handler(event, lambda_context)["body"])
    finally:
        root.removeHandler(recorder)
    output = capfd.readouterr()
    # every position was reached: thousands of events rejected, each with a reason
    assert rejected > 1000
    everything = "\n".join([*answers, *recorder.lines, output.out, output.err, caplog.text])
    # Powertools escapes non-ASCII in its JSON lines: look for the escaped forms too
    escaped = [json.dumps(needle)[1:-1] for needle in NEEDLES]
    hits = [needle for needle in {*NEEDLES, *escaped} if needle in everything]
    assert hits == []
    assert "Aaaaa Aaaaaaa" in everything  # the shapes are there instead
