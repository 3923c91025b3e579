"""Tracker requests: all 34 POST bodies, the GET request, and malformed variants."""
# ruff: noqa: E501  (NOTE: tables of inputs and their exact reasons read best one case a line)

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snowleap.snowplow import (
    PayloadError,
    group_sessions,
    parse_tracker_get,
    parse_tracker_payload,
    session_key,
    tracker,
)
from snowleap.snowplow.errors import EventError
from snowleap.snowplow.features import is_purchase
from snowleap.snowplow.parsing import parse_each

SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"


@pytest.fixture(scope="module")
def bodies(snowplow_dir: Path) -> list[str]:
    return (snowplow_dir / "tracker_payloads.jsonl").read_text().splitlines()


@pytest.fixture
def page_view(bodies: list[str]) -> dict[str, str]:
    event: dict[str, str] = json.loads(bodies[0])["data"][0]
    return event


def _post(*events: Any) -> dict[str, Any]:
    return {"schema": SCHEMA, "data": list(events)}


def test_all_post_bodies_parse_into_45_events(bodies: list[str]) -> None:
    assert len(bodies) == 34
    events = []
    for body in bodies:
        for form in (body, body.encode("utf-8"), json.loads(body)):
            result = parse_tracker_payload(form)
            assert result.rejected == []
        events.extend(result.events)
    assert len(events) == 45
    kinds = {event.event for _, event in events}
    assert kinds == {"page_view", "page_ping", "struct", "unstruct", "transaction",
                     "transaction_item"}  # fmt: skip


def test_sessions_match_the_tracker_summary(bodies: list[str], snowplow_dir: Path) -> None:
    summary = json.loads((snowplow_dir / "tracker_sessions_summary.json").read_text())
    events = [pair for body in bodies for pair in parse_tracker_payload(body).events]
    sessions = group_sessions(events, salt="test-salt")
    assert len(sessions) == len(summary["sessions"]) == 6
    for session in summary["sessions"]:
        group = [event for _, event in sessions[session_key(session["sid"], "test-salt")]]
        adds = any(event.commerce_action == "add_to_basket" for event in group)
        assert adds == session["add_to_basket"], session["sid"]
        assert any(is_purchase(event) for event in group) == session["buys"], session["sid"]


def test_fixture_values_are_typed(bodies: list[str]) -> None:
    ping = parse_tracker_payload(bodies[1]).events[0][1]
    assert ping.event == "page_ping"
    assert ping.scroll_y_max == 300
    # ttm (the true time the visit happened) wins over dtm (when the script ran)
    assert ping.timestamp.isoformat() == "2024-03-04T09:00:10+00:00"
    assert ping.medium == "search"  # referrer www.google.com
    assert ping.device_class == "desktop"
    assert ping.visit_number == 1
    product = parse_tracker_payload(bodies[3]).events[0][1]
    assert product.page_path == "/p/SKU-100"
    assert product.medium == "internal"  # referrer is the shop itself


def test_self_describing_add_to_cart_from_ue_px(bodies: list[str]) -> None:
    unstruct = [
        event
        for body in bodies
        for _, event in parse_tracker_payload(body).events
        if event.event == "unstruct"
    ]
    assert [(e.event_name, e.commerce_action) for e in unstruct] == [
        ("add_to_cart", "add_to_basket")
    ]
    names = {
        (e.event, e.event_name) for body in bodies for _, e in parse_tracker_payload(body).events
    }
    # named as Snowplow's enrichment names them, so raw and enriched events agree
    assert names == {
        ("page_view", "page_view"), ("page_ping", "page_ping"), ("struct", "event"),
        ("unstruct", "add_to_cart"), ("transaction", "transaction"),
        ("transaction_item", "transaction_item"),
    }  # fmt: skip


def test_base64_without_padding_and_plain_json_forms(bodies: list[str]) -> None:
    event = json.loads(bodies[0])["data"][0]
    padded = parse_tracker_payload(_post(event)).events[0][1]
    assert event["cx"].endswith("=")
    unpadded = dict(event, cx=event["cx"].rstrip("="))

    plain = dict(event)
    plain["co"] = base64.urlsafe_b64decode(plain.pop("cx")).decode()
    results = parse_tracker_payload(_post(unpadded, plain))
    assert results.rejected == []
    assert [e for _, e in results.events] == [padded, padded]
    ue = next(e for body in bodies for e in json.loads(body)["data"] if e["e"] == "ue")
    ue_plain = dict(ue)
    ue_plain["ue_pr"] = base64.urlsafe_b64decode(ue_plain.pop("ue_px")).decode()
    ue_unpadded = dict(ue, ue_px=ue["ue_px"].rstrip("="))
    parsed = parse_tracker_payload(_post(ue, ue_plain, ue_unpadded))
    assert parsed.rejected == []
    first = parsed.events[0][1]
    assert all(e == first for _, e in parsed.events)


def test_get_request(snowplow_dir: Path) -> None:
    line = (snowplow_dir / "tracker_get_requests.txt").read_text().strip()
    result = parse_tracker_get(line)
    assert result.rejected == []
    ((index, event),) = result.events
    assert index == 0
    assert (event.event, event.page_path, event.platform) == ("page_view", "/basket", "web")
    assert event.timestamp.isoformat() == "2024-03-04T09:05:00+00:00"
    assert parse_tracker_get(line.split("?", 1)[1]).events == result.events


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"cx": "not*base64"}, "'cx': not valid base64"),
        ({"cx": "abcde"}, "'cx': not valid base64"),
        ({"cx": "bm90IGpzb24"}, "'cx': base64 decodes to text that is not valid JSON (Expecting value at char 0)"),
        ({"cx": "__79"}, "'cx': base64 decodes to bytes that are not UTF-8"),
        ({"co": '{"schema": "iglu:x/y/jsonschema/1-0-0"'}, "'co': not valid JSON (Expecting ',' delimiter at char 38)"),
        ({"co": '{"data": []}'}, "'co': contexts has no 'schema' string"),
        ({"co": '{"schema": "web_page", "data": []}'}, "'co': contexts has a schema that is not an Iglu URI, shaped 'aaa_aaaa'"),
        ({"co": '{"schema": "iglu:a/b/jsonschema/1-0-0", "data": [1]}'}, "'co': context 0 is not a JSON object"),
        ({"e": "ue"}, "'ue_pr'/'ue_px': missing (required for a self-describing event 'ue')"),
        ({"e": "zz"}, "'e': unknown event type, shaped 'aa'"),
        ({"tv": ""}, "'tv': missing (required by the tracker protocol)"),
        ({"dtm": "17955O7982982"}, "'dtm': not epoch milliseconds, shaped '99999A9999999'"),
        ({"ttm": "-1"}, "'ttm': not epoch milliseconds, shaped '-9'"),
        ({"pp_may": "12.5"}, "'pp_may': not an integer, shaped '99.9'"),
        ({"vid": 1}, "'vid': expected a string, got a number"),
        ({"tr_tt": "ninety"}, "'tr_tt': not a number, shaped 'aaaaaa'"),
        ({"url": "http://[::1"}, "field 'page_url': not a valid URL"),
    ],
)  # fmt: skip
def test_malformed_event_gets_its_precise_reason(
    page_view: dict[str, str], change: dict[str, Any], reason: str
) -> None:
    bad = {**page_view, **change}
    result = parse_tracker_payload(_post(page_view, bad, page_view))
    assert [(r.index, r.reason) for r in result.rejected] == [(1, reason)]
    assert [i for i, _ in result.events] == [0, 2]


def test_event_without_any_time(page_view: dict[str, str]) -> None:
    bad = {k: v for k, v in page_view.items() if k not in ("dtm", "ttm")}
    result = parse_tracker_payload(_post(bad))
    assert result.rejected[0].reason.startswith("no event time: none of true_tstamp")


def test_event_that_is_not_an_object(page_view: dict[str, str]) -> None:
    result = parse_tracker_payload(_post("e=pv", page_view))
    assert [(r.index, r.reason) for r in result.rejected] == [
        (0, "expected a JSON object of parameters, got str")
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff\xfe", "request body: not UTF-8 (byte 0)"),
        ("{", "request body: not valid JSON (Expecting property name enclosed in double quotes at char 1)"),
        ("[]", "request body: expected a JSON object, got list"),
        ({"schema": "iglu:com.acme/payload/jsonschema/1-0-0", "data": []}, "request body: 'schema' must be"),
        ({"schema": SCHEMA, "data": []}, "request body: 'data' must be a non-empty list of events"),
        ({"schema": SCHEMA}, "request body: 'data' must be a non-empty list of events"),
    ],
)  # fmt: skip
def test_a_body_that_is_no_envelope_raises(body: Any, message: str) -> None:
    with pytest.raises(PayloadError) as raised:
        parse_tracker_payload(body)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("e=pv&p=web&tv=js&dtm=1&pp_may=x", "'pp_may': not an integer, shaped 'a'"),
        ("e=pv&p=web&dtm=1", "'tv': missing (required by the tracker protocol)"),
        ("e=pv&p=web&tv=js&dtm=1&bad", "query string: not key=value pairs"),
        (f"e=ue&p=web&tv=js&dtm=1&ue_px={quote('e30')}", "'ue_px': unstruct_event envelope has no 'schema' string"),
    ],
)  # fmt: skip
def test_malformed_get_gets_its_precise_reason(query: str, reason: str) -> None:
    result = parse_tracker_get(f"/i?{query}")
    assert result.events == []
    assert [(r.index, r.reason) for r in result.rejected] == [(0, reason)]


def test_every_payload_data_parameter_is_read_or_knowingly_ignored(snowplow_dir: Path) -> None:
    schema = json.loads((snowplow_dir / "payload_data_1-0-4.json").read_text())
    items = schema["items"]
    read = set(tracker.TRACKER_PARAMETERS) | tracker.SPECIAL_PARAMETERS
    assert read.isdisjoint(tracker.IGNORED_PARAMETERS)
    assert read | tracker.IGNORED_PARAMETERS == set(items["properties"])
    assert set(items["required"]) == set(tracker.REQUIRED_PARAMETERS)
    self_ = schema["self"]
    uri = f"iglu:{self_['vendor']}/{self_['name']}/{self_['format']}/{self_['version']}"
    assert uri.startswith(tracker.PAYLOAD_SCHEMA_PREFIX)


def test_fixture_events_conform_to_payload_data(bodies: list[str], snowplow_dir: Path) -> None:
    items = json.loads((snowplow_dir / "payload_data_1-0-4.json").read_text())["items"]
    for body in bodies:
        for event in json.loads(body)["data"]:
            assert set(event) <= set(items["properties"])
            assert all(isinstance(value, str) for value in event.values())
            assert set(items["required"]) <= set(event)


# --- the one-pass fast path against the protocol-order reading -----------------------------------

_CX = base64.urlsafe_b64encode(
    json.dumps(
        {"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0", "data": []}
    ).encode()
).decode()
_UE = json.dumps(
    {
        "schema": "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
        "data": {"schema": "iglu:com.acme/add_to_cart/jsonschema/1-0-0", "data": {"sku": "a"}},
    }
)
_VALUES: dict[str, list[Any]] = {
    "e": ["pv", "pp", "se", "ue", "tr", "xx", ""],
    "p": ["web", "mob", ""],
    "tv": ["js-3", ""],
    "dtm": ["1709542800000", "17095428000001234", "abc", ""],
    "stm": ["1709542800500", "-1"],
    "ttm": ["1709542799000", "1e3"],
    "vid": ["3", "+4", "x"],
    "pp_may": ["120", "12.5"],
    "tr_tt": ["9.99", "nan", "inf", "lots"],
    "url": ["https://shop.example.com/p/1?utm_medium=email", "not a url", ""],
    "refr": ["https://www.google.com/"],
    "sid": ["abc"],
    "se_ac": ["add-to-basket"],
    "cx": [_CX, "!!!"],
    "ue_pr": [_UE, "{"],
    "page": ["Jane's basket"],
    "jane@example.org": ["x"],
}


@st.composite
def _tracker_parameters(draw: st.DrawFn) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(_VALUES)), unique=True, max_size=12))
    params: dict[str, Any] = {}
    for key in keys:
        value = draw(st.sampled_from([*_VALUES[key], 7, None, ["x"]]) if draw(st.booleans())
                     else st.sampled_from(_VALUES[key]))  # fmt: skip
        params[key] = value
    return params


def _outcome(read: Any, params: dict[str, Any]) -> Any:
    try:
        return read(params)
    except EventError as exc:
        return ("rejected", str(exc))


@settings(max_examples=300, deadline=None)
@given(params=_tracker_parameters())
def test_fast_canonical_equals_the_protocol_order_reading(params: dict[str, Any]) -> None:
    expected = _outcome(tracker._checked_canonical, params)
    assert _outcome(tracker._canonical, params) == expected
    # the parameters' order never changes the result, nor which problem is named first
    assert _outcome(tracker._canonical, dict(reversed(params.items()))) == expected


def _event_by_event(items: list[Any]) -> tuple[Any, Any]:
    result = parse_each(items, tracker._parameters_fields, "tracker POST")
    return result.events, result.rejected


def _as_read(items: list[Any]) -> tuple[Any, Any]:
    result = tracker._parse_events(items, "tracker POST")
    return result.events, result.rejected


@settings(max_examples=200, deadline=None)
@given(items=st.lists(_tracker_parameters(), min_size=1, max_size=4))
def test_a_request_read_by_columns_equals_it_read_event_by_event(items: list[Any]) -> None:
    assert _as_read(items) == _event_by_event(items)


@settings(max_examples=100, deadline=None)
@given(
    stamps=st.lists(st.integers(0, 253402300799999), min_size=1, max_size=12),
    pings=st.lists(st.booleans(), min_size=12, max_size=12),
    vid=st.sampled_from(["1", "07", "+3", "x"]),
    pp_may=st.sampled_from(["0", "1200", "-5"]),
)
def test_a_plain_session_is_read_by_columns_with_the_same_events(
    stamps: list[int], pings: list[bool], vid: str, pp_may: str
) -> None:
    # GIVEN a tracker's session: page views and pings (two key sets), times of any length
    items: list[Any] = []
    for index, stamp in enumerate(stamps):
        event = {"e": "pv", "p": "web", "tv": "js-3", "aid": "shop", "sid": "s-1", "vid": vid,
                 "dtm": str(stamp), "stm": str(stamp + 1), "eid": f"e{index}", "page": "P",
                 "url": f"https://shop.example.com/p/{index % 3}", "refr": "https://t.co/x"}  # fmt: skip
        if pings[index]:
            event.update(e="pp", pp_mix="0", pp_max="10", pp_miy="0", pp_may=pp_may)
        items.append(event)
    # THEN it reads as event by event; by columns whenever every value is one (vid "x" is not
    #   an integer, an stm past datetime's range no time)
    assert _as_read(items) == _event_by_event(items)
    readable = vid != "x" and max(stamps) < 253402300799999
    assert (tracker._COLUMNS.groups(items) is not None) == readable
