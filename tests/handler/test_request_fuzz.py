"""A seeded fuzz corpus against the handler: no request a client can send gets a 500.

Each generated case is a ``POST /score``, ``/transform`` or ``/invocations`` body (tracker
envelopes and enriched events with hostile values: deep JSON, long integers, lone surrogates,
wrong types, unknown keys, broken base64...) sent as a REST (payload 1.0) and an HTTP API (2.0)
event, plus the same events with their API Gateway fields broken. Every answer must be a 200 or a
4xx (never a 500, never an exception out of ``lambda_handler``), and every ``/score`` 200 must
account for each event of the request exactly once. 1,000 cases x 5 events = 5,000 requests.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app as handler
from tests.handler.conftest import FakeLambdaContext, ServiceFactory, load_event, standin_bundle

PAYLOAD_SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
# NOTE: FUZZ_CASES overrides the seeded corpus's size for a quick local run; CI runs the default.
DEFAULT_CASES = 1000
CASES = int(os.environ.get("FUZZ_CASES", DEFAULT_CASES))
HYPOTHESIS_CASES = 100
REQUESTS_PER_CASE = 5
SEED = 15
REST_EVENT = load_event("score.json")
HTTP_EVENT = load_event("score_http_api.json")
TRACKER_KEYS = ["e", "p", "tv", "sid", "dtm", "stm", "ttm", "vid", "url", "refr", "ua", "aid"]
TRACKER_KEYS += ["se_ac", "pp_may", "tid", "tr_tt", "ti_qu", "co", "cx", "ue_pr", "ue_px", "uid"]
ENRICHED_KEYS = ["event", "platform", "collector_tstamp", "dvce_created_tstamp", "domain_sessionid"]
ENRICHED_KEYS += ["domain_sessionidx", "page_url", "page_urlpath", "pp_yoffset_max", "tr_total"]
ENRICHED_KEYS += [
    "br_type",
    "contexts_com_acme_x_1",
    "unstruct_event_com_acme_y_1",
    "user_ipaddress",
]


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def self_describing(data: str) -> str:
    return '{"schema": "iglu:com.acme/x/jsonschema/1-0-0", "data": ' + data + "}"


HOSTILE_VALUES: list[Any] = [
    "\ud800",
    "x\udfff",
    "9" * 5000,
    "-" + "9" * 4400,
    deep(970),
    self_describing(deep(969)),
    self_describing("[" + "9" * 5000 + "]"),
    self_describing('"\\ud800"'),
    '{"schema": "jane.doe@example.org", "data": []}',
    "Жанна Иванова",
    "1e99999",
    "NaN",
    "%%%",
    "=" * 7,
    "",
    "pv",
    "1709542800000",
    "2024-03-04 09:00:00",
]
HOSTILE_TEXT = st.sampled_from(HOSTILE_VALUES)
OTHER_VALUE = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
# NOTE: hostile values and real field names most of the time, so that they meet the parsers.
VALUE = st.one_of(HOSTILE_TEXT, HOSTILE_TEXT, OTHER_VALUE)
KEY = st.one_of(st.sampled_from(TRACKER_KEYS + ENRICHED_KEYS), st.text(max_size=12))
TRACKER_EVENT = {"e": "pv", "p": "web", "tv": "js-3", "sid": "s1", "dtm": "1709542800000"}
ENRICHED_EVENT = {
    "event": "page_view",
    "platform": "web",
    "collector_tstamp": "2024-03-04T09:00:00.000Z",
    "domain_sessionid": "s1",
}


NESTED_VALUES: list[str] = [
    self_describing(deep(969)),
    self_describing("[" + "9" * 5000 + "]"),
    self_describing('"\\ud800"'),
    '{"schema": "jane.doe@example.org", "data": []}',
    deep(70),
    "9" * 5000,
    "{",
    self_describing("[]"),
]
NESTED_JSON = st.sampled_from(NESTED_VALUES)
SELF_DESCRIBING_KEYS = ["co", "ue_pr", "cx", "ue_px"]


@st.composite
def items(draw: st.DrawFn) -> Any:
    """One element of an envelope's ``data`` or an enriched array: mostly an event with one to
    three fields set to hostile values: self-describing JSON, real fields, random keys."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(OTHER_VALUE)
    tracker = kind % 2 == 1
    event = dict(TRACKER_EVENT if tracker else ENRICHED_EVENT)
    for _ in range(draw(st.integers(0, 3))):
        where = draw(st.integers(0, 2))
        if where == 0 and tracker:
            key = draw(st.sampled_from(SELF_DESCRIBING_KEYS))
            text = draw(NESTED_JSON)
            if key in ("cx", "ue_px"):
                raw = text.encode("utf-8", "surrogatepass")
                text = base64.urlsafe_b64encode(raw).decode()
            event[key] = text
        elif where <= 1:
            event[draw(st.sampled_from(TRACKER_KEYS if tracker else ENRICHED_KEYS))] = draw(VALUE)
        else:
            event[draw(KEY)] = draw(VALUE)
    return event


ITEM = items()


@st.composite
def bodies(draw: st.DrawFn) -> tuple[str, bytes, str | None]:
    """(a row route, body, content type) of one case; each body also goes to ``/score``."""
    route = draw(st.sampled_from(["/transform", "/invocations"]))
    shape = draw(
        st.sampled_from(["envelope"] * 3 + ["enriched"] * 2 + ["json", "tsv", "bytes", "text"])
    )
    if shape == "envelope":
        data = draw(st.lists(ITEM, min_size=0, max_size=6))
        schema = draw(st.sampled_from([PAYLOAD_SCHEMA, PAYLOAD_SCHEMA, "\ud800", 5, None]))
        text = json.dumps({"schema": schema, "data": data})
    elif shape == "enriched":
        text = json.dumps(draw(st.lists(ITEM, min_size=0, max_size=6)))
    elif shape == "json":
        text = json.dumps(draw(VALUE)) if draw(st.booleans()) else draw(HOSTILE_TEXT)
    elif shape == "tsv":
        fields = draw(st.lists(st.one_of(HOSTILE_TEXT, st.text(max_size=10)), max_size=131))
        text = "\t".join(field.replace("\t", " ").replace("\n", " ") for field in fields)
    elif shape == "bytes":
        return route, draw(st.binary(max_size=64)), "application/json"
    else:
        text = draw(st.text(max_size=64))
    body = text.encode("utf-8", "surrogatepass")
    content_type = draw(
        st.sampled_from(
            ["application/json"] * 6
            + ["text/tab-separated-values", "text/plain", "", None]
            + ["application/json; charset=utf-8", "jane.doe@example.org"]
        )
    )
    if shape == "tsv" and content_type == "application/json":
        content_type = "text/tab-separated-values"
    return route, body, content_type


def api_event(route: str, body: bytes, content_type: str | None, *, http: bool) -> dict[str, Any]:
    event = copy.deepcopy(HTTP_EVENT if http else REST_EVENT)
    headers = {} if content_type is None else {"content-type": content_type}
    try:
        event["body"], event["isBase64Encoded"] = body.decode("utf-8"), False
    except UnicodeDecodeError:
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
    event["headers"] = headers
    if http:
        event["rawPath"] = event["requestContext"]["http"]["path"] = route
        event["routeKey"] = event["requestContext"]["routeKey"] = f"POST {route}"
    else:
        event["path"] = event["resource"] = route
        event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
        event["requestContext"].update(resourcePath=route, path=f"/Prod{route}")
    return event


BROKEN_VALUES: list[tuple[str, Any]] = [
    ("headers", [["content-type", "application/json"]]),
    ("headers", {"content-type": 5}),
    ("path", None),
    ("httpMethod", None),
    ("requestContext", None),
    ("requestContext", []),
    ("body", {"a": 1}),
    ("isBase64Encoded", "yes"),
    ("queryStringParameters", ["fields"]),
    ("multiValueHeaders", {"content-type": "application/json"}),
    ("rawPath", 7),
    ("cookies", "a=b"),
    ("http.method", None),
    ("http", None),
]
BROKEN_FIELDS = st.sampled_from(BROKEN_VALUES)


def broken(event: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    event = copy.deepcopy(event)
    if field.startswith("http"):
        context = event.get("requestContext")
        if isinstance(context, dict):
            if field == "http":
                context["http"] = value
            elif isinstance(context.get("http"), dict):
                context["http"]["method"] = value
    else:
        event[field] = value
    return event


class Corpus:
    """The seeded corpus: the same kinds of values as the strategies above, each choice drawn
    independently (hypothesis's draws correlate, and rarely put a hostile value in a real field
    of a well-formed request, which is where the parsers meet it)."""

    HOSTILE = HOSTILE_VALUES
    NESTED = NESTED_VALUES
    PLAIN: tuple[Any, ...] = ("", "x", 0, -1, 1.5, True, None, [], {}, [1], {"a": 1}, "s1")

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def value(self) -> Any:
        pick = self.random.random()
        if pick < 0.6:
            return self.random.choice(self.HOSTILE)
        return self.random.choice(self.PLAIN)

    def item(self) -> Any:
        choice = self.random.random
        if choice() < 0.1:
            return self.value()
        tracker = choice() < 0.5
        event = dict(TRACKER_EVENT if tracker else ENRICHED_EVENT)
        for _ in range(self.random.randint(0, 3)):
            where = choice()
            if where < 0.35 and tracker:
                key = self.random.choice(SELF_DESCRIBING_KEYS)
                text = self.random.choice(self.NESTED)
                if key in ("cx", "ue_px"):
                    text = base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode()
                event[key] = text
            elif where < 0.85:
                event[self.random.choice(TRACKER_KEYS if tracker else ENRICHED_KEYS)] = self.value()
            else:
                event[self.random.choice(["jane.doe@example.org", "\ud800", "", "x" * 300])] = (
                    self.value()
                )
        return event

    def body(self) -> tuple[str, bytes, str | None]:
        items = [self.item() for _ in range(self.random.randint(0, 6))]
        shape = self.random.random()
        if shape < 0.45:
            schema = PAYLOAD_SCHEMA if self.random.random() < 0.85 else self.value()
            text = json.dumps({"schema": schema, "data": items})
        elif shape < 0.8:
            text = json.dumps(items)
        elif shape < 0.9:
            fields = [str(self.value()) for _ in range(self.random.choice([1, 130, 131, 131]))]
            text = "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields)
        else:
            text = str(self.random.choice(self.HOSTILE))
        content_type = self.random.choice(
            ["application/json"] * 6 + ["text/tab-separated-values", "text/plain", None]
        )
        if "\t" in text and content_type == "application/json":
            content_type = "text/tab-separated-values"
        route = self.random.choice(["/transform", "/invocations"])
        return route, text.encode("utf-8", "surrogatepass"), content_type


@pytest.fixture(scope="module")
def fuzz_results() -> dict[str, int]:
    return {"hypothesis": 0, "corpus": 0}


@pytest.fixture
def served(tmp_path: Path, make_service: ServiceFactory) -> None:
    bundle = tmp_path / "standin.zip"
    bundle.write_bytes(standin_bundle(tmp_path))
    make_service(str(bundle), max_body_bytes=64 * 1024)


def check_answer(event: dict[str, Any], route: str, context: FakeLambdaContext) -> None:
    response = handler.lambda_handler(event, context)
    status = response["statusCode"]
    assert status == 200 or 400 <= status < 500, (status, response["body"][:300])
    answer = json.loads(response["body"])
    if status == 200 and route == "/score":
        # every event of the request is accounted for exactly once
        indices = [i for s in answer["sessions"] for i in s["events"] + s["events_excluded"]]
        indices += [r["index"] for r in answer["rejected"]]
        assert sorted(indices) == list(range(answer["events_received"]))
    elif status != 200:
        assert isinstance(answer["message"], str) and answer["message"]


@settings(
    max_examples=HYPOTHESIS_CASES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(request=bodies(), broken_field=BROKEN_FIELDS, http_broken=st.booleans())
def test_no_fuzzed_request_gets_a_500_or_loses_an_event(
    served: None,
    lambda_context: FakeLambdaContext,
    fuzz_results: dict[str, int],
    request: tuple[str, bytes, str | None],
    broken_field: tuple[str, Any],
    http_broken: bool,
) -> None:
    send_case(*request, broken_field, http_broken, lambda_context)
    fuzz_results["hypothesis"] += REQUESTS_PER_CASE


def send_case(
    rows_route: str,
    body: bytes,
    content_type: str | None,
    broken_field: tuple[str, Any],
    http_broken: bool,
    context: FakeLambdaContext,
) -> None:
    """One body as five requests: ``/score`` as JSON over REST, ``/score`` with the drawn content
    type over an HTTP API, a row route, a broken API event, and ``/score`` base64-encoded (as
    API Gateway sends bodies it takes for binary)."""
    rest = api_event("/score", body, "application/json", http=False)
    http = api_event("/score", body, content_type, http=True)
    rows = api_event(rows_route, body, content_type, http=False)
    encoded = api_event("/score", body, content_type, http=True)
    encoded["body"], encoded["isBase64Encoded"] = base64.b64encode(body).decode(), True
    events = [rest, http, rows, broken(http if http_broken else rest, *broken_field), encoded]
    routes = ["/score", "/score", rows_route, "/score", "/score"]
    assert len(events) == REQUESTS_PER_CASE
    for event, route in zip(events, routes, strict=True):
        check_answer(event, route, context)


def test_no_request_of_the_seeded_corpus_gets_a_500_or_loses_an_event(
    served: None, lambda_context: FakeLambdaContext, fuzz_results: dict[str, int]
) -> None:
    corpus = Corpus(SEED)
    for _ in range(CASES):
        broken_field = corpus.random.choice(BROKEN_VALUES)
        send_case(*corpus.body(), broken_field, corpus.random.random() < 0.5, lambda_context)
        fuzz_results["corpus"] += REQUESTS_PER_CASE


def test_the_corpora_sent_at_least_5000_requests(fuzz_results: dict[str, int]) -> None:
    # NOTE: runs after the fuzz tests in file order; alone it has nothing to count.
    if not fuzz_results["corpus"]:
        pytest.skip("the corpus test did not run in this session")
    assert fuzz_results["corpus"] == REQUESTS_PER_CASE * CASES
    assert REQUESTS_PER_CASE * DEFAULT_CASES >= 5000
