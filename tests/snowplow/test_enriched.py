"""Enriched events: the three real TSV lines, their SDK JSON, and malformed variants."""
# ruff: noqa: E501  (NOTE: tables of inputs and their exact reasons read best one case a line)

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from snowleap.snowplow import parse_enriched_json, parse_enriched_tsv
from snowleap.snowplow.enriched import typed_tsv_fields
from snowleap.snowplow.fields import ENRICHED_FIELD_NAMES, FIELD_INDEX, FIELD_KIND


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def tsv_lines(snowplow_dir: Path) -> list[str]:
    return (snowplow_dir / "enriched_examples.tsv").read_text().rstrip("\n").split("\n")


@pytest.fixture(scope="module")
def expected(snowplow_dir: Path) -> list[dict[str, Any]]:
    return json.loads((snowplow_dir / "enriched_examples_expected.json").read_text())


def test_field_list_matches_the_reference_order(snowplow_dir: Path) -> None:
    rows = (snowplow_dir / "enriched_tsv_fields.tsv").read_text().splitlines()[1:]
    reference = [row.split("\t") for row in rows]
    assert [r[1] for r in reference] == list(ENRICHED_FIELD_NAMES)
    assert [int(r[0]) for r in reference] == list(range(131))
    assert [r[2] for r in reference] == [FIELD_KIND[name] for name in ENRICHED_FIELD_NAMES]


def test_every_typed_tsv_value_equals_the_sdk_output(
    tsv_lines: list[str], expected: list[dict[str, Any]]
) -> None:
    for line, case in zip(tsv_lines, expected, strict=True):
        sdk = case["sdk_0_2_3_transform_output_py311"]
        fields, unstruct = typed_tsv_fields(line.split("\t"))
        sdk_scalars = {
            key: value
            for key, value in sdk.items()
            if key != "geo_location" and not key.startswith(("contexts_", "unstruct_event_"))
        }
        assert set(fields) == set(sdk_scalars)
        for name, value in fields.items():
            want = sdk_scalars[name]
            got = value.isoformat() if isinstance(value, datetime) else value
            if FIELD_KIND[name] == "tstamp":
                assert value == _iso(want), name
            else:
                assert value == want and type(value) is type(want), (name, got, want)
        if unstruct is not None:
            key = f"unstruct_event_{unstruct.vendor.replace('.', '_')}_{unstruct.name}_1"
            assert unstruct.data == sdk[key]


def test_events_keep_the_expected_safe_values(
    tsv_lines: list[str], expected: list[dict[str, Any]]
) -> None:
    result = parse_enriched_tsv("\n".join(tsv_lines) + "\n")
    assert result.rejected == []
    assert [i for i, _ in result.events] == [0, 1, 2]
    for (_, event), case in zip(result.events, expected, strict=True):
        sdk = case["sdk_0_2_3_transform_output_py311"]
        assert event.domain_sessionid == case["expected_from_test"]["domain_sessionid"]
        assert event.event == sdk["event"]
        assert event.event_name == sdk["event_name"]
        assert event.platform == sdk["platform"]
        assert event.page_path == sdk["page_urlpath"]
        assert event.visit_number == sdk["domain_sessionidx"]
        assert event.timestamp == _iso(sdk.get("true_tstamp") or sdk["derived_tstamp"])
        assert event.medium == sdk.get("refr_medium", "direct")
        assert event.device_class == sdk.get("dvce_type", "unknown").lower()
        assert event.timestamp.tzinfo is UTC


def test_sdk_json_parses_to_the_same_events(
    tsv_lines: list[str], expected: list[dict[str, Any]]
) -> None:
    from_tsv = parse_enriched_tsv("\n".join(tsv_lines))
    from_json = parse_enriched_json([case["sdk_0_2_3_transform_output_py311"] for case in expected])
    assert from_json.rejected == []
    assert from_json.events == from_tsv.events
    # the unstruct event line 1 carries is read from the SDK's flattened key too
    assert from_json.events[0][1].event_name == "link_click"


def _with(line: str, name: str, value: str) -> str:
    values = line.split("\t")
    values[FIELD_INDEX[name]] = value
    return "\t".join(values)


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("dvce_created_tstamp", "abc", "field 'dvce_created_tstamp' (index 4): not a timestamp, shaped 'aaa'"),
        ("collector_tstamp", "2022-13-40 11:59:49", "field 'collector_tstamp' (index 3): not a valid date and time, shaped '9999-99-99 99:99:99'"),
        ("domain_sessionidx", "two", "field 'domain_sessionidx' (index 16): not an integer, shaped 'aaa'"),
        ("doc_height", "1.5", "field 'doc_height' (index 107): not an integer, shaped '9.9'"),
        ("br_cookies", "yes", "field 'br_cookies' (index 93): not a boolean (expected 1 or 0), shaped 'aaa'"),
        ("tr_total", "NaN", "field 'tr_total' (index 61): not a finite number, shaped 'AaA'"),
        ("geo_latitude", "52.1N", "field 'geo_latitude' (index 22): not a number, withheld (personal field)"),
        ("contexts", "{not json", "field 'contexts' (index 52): not valid JSON (Expecting property name enclosed in double quotes at char 1)"),
        ("contexts", '{"schema": "iglu:a/b/jsonschema/1-0-0", "data": {}}', "field 'contexts' (index 52): contexts 'data' is not a list"),
        ("unstruct_event", '{"schema": "iglu:a/b/jsonschema/1-0-0", "data": {"data": {}}}', "field 'unstruct_event' (index 58): unstruct_event 'data' has no 'schema' string"),
        ("event", "", "field 'event': missing"),
        ("event", "page_vue", "field 'event': unknown event type, shaped 'aaaa_aaa'"),
    ],
)  # fmt: skip
def test_malformed_field_gets_its_precise_reason(
    tsv_lines: list[str], name: str, value: str, reason: str
) -> None:
    bad = _with(tsv_lines[1], name, value)
    result = parse_enriched_tsv("\n".join([tsv_lines[0], bad, tsv_lines[2]]))
    assert [r.index for r in result.rejected] == [1]
    assert result.rejected[0].reason == f"line 2: {reason}"
    assert [i for i, _ in result.events] == [0, 2]


def test_wrong_field_counts_and_empty_lines_are_reported(tsv_lines: list[str]) -> None:
    short = tsv_lines[1].rsplit("\t", 1)[0]
    text = "\n".join([tsv_lines[0], "", tsv_lines[1] + "\textra", short, tsv_lines[2]]) + "\n"
    result = parse_enriched_tsv(text)
    assert [(r.index, r.reason) for r in result.rejected] == [
        (1, "line 2: 1 fields, expected 131"),
        (2, "line 3: 132 fields, expected 131"),
        (3, "line 4: 130 fields, expected 131"),
    ]
    assert [i for i, _ in result.events] == [0, 4]


def test_no_event_time_is_reported(tsv_lines: list[str]) -> None:
    line = tsv_lines[1]
    for name in ("collector_tstamp", "dvce_created_tstamp", "derived_tstamp", "true_tstamp"):
        line = _with(line, name, "")
    result = parse_enriched_tsv(line)
    assert result.rejected[0].reason == (
        "line 1: no event time: none of true_tstamp, derived_tstamp, dvce_created_tstamp, "
        "collector_tstamp is set"
    )


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("dvce_created_tstamp", 1660651188380, "key 'dvce_created_tstamp': expected an ISO 8601 timestamp string, got a number"),
        ("derived_tstamp", "yesterday", "key 'derived_tstamp': not a timestamp, shaped 'aaaaaaaaa'"),
        ("domain_sessionidx", "2", "key 'domain_sessionidx': expected an integer, got a string"),
        ("dvce_ismobile", 1, "key 'dvce_ismobile': expected true or false, got a number"),
        ("doc_height", True, "key 'doc_height': expected an integer, got a boolean"),
        ("geo_latitude", "north", "key 'geo_latitude': expected a number, got a string"),
        ("page_urlpath", ["/"], "key 'page_urlpath': expected a string, got an array"),
        ("contexts_com_snowplowanalytics_snowplow_web_page_1", {"id": "x"}, "key contexts_... shaped 'aaa_aaaaaaaaaaaaaaaaa_aaaaaaaa_aaa_aa...': expected a list of context objects"),
    ],
)  # fmt: skip
def test_malformed_sdk_json_gets_its_precise_reason(
    expected: list[dict[str, Any]], key: str, value: Any, reason: str
) -> None:
    items = [dict(case["sdk_0_2_3_transform_output_py311"]) for case in expected]
    items[2][key] = value
    result = parse_enriched_json(items)
    assert [(r.index, r.reason) for r in result.rejected] == [(2, f"item 3: {reason}")]
    assert [i for i, _ in result.events] == [0, 1]


def test_sdk_json_item_that_is_not_an_object(expected: list[dict[str, Any]]) -> None:
    items: list[Any] = [expected[1]["sdk_0_2_3_transform_output_py311"], ["page_view"]]
    result = parse_enriched_json(items)
    assert [(r.index, r.reason) for r in result.rejected] == [
        (1, "item 2: expected a JSON object, got list")
    ]
    assert len(result.events) == 1
