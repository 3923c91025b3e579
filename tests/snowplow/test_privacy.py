"""Privacy by construction: personal values never reach events' reprs, features, keys or logs."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from snowleap.snowplow import (
    Event,
    group_sessions,
    parse_enriched_json,
    parse_enriched_tsv,
    parse_tracker_payload,
    session_features,
    session_key,
)
from snowleap.snowplow.fields import ENRICHED_FIELD_NAMES, FIELD_INDEX
from snowleap.snowplow.privacy import PERSONAL_FIELDS, safe_path

SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
UNSTRUCT_SCHEMA = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
EMAIL = "alice@example.com"
SID = "c0ffee00-1234-4abc-8def-000000000001"
# every personal value planted below contains one of these
MARKERS = (EMAIL, "alice%40example.com", "alice", "192.0.2.77", "Leeds", "0000-dead-beef", SID,
           "Secret Page Title", "LS1 4AP", "ORD-777", "trail shoes for alice")  # fmt: skip


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _personal_tracker_events() -> list[dict[str, str]]:
    common = {
        "p": "web", "tv": "js-3.1.3", "aid": "shop", "sid": SID, "vid": "3",
        "uid": EMAIL, "ip": "192.0.2.77", "duid": "0000-dead-beef-duid", "tnuid": "0000-dead-beef",
        "nuid": "0000-dead-beef-n", "fp": "0000-dead-beef-fp", "lang": "en-GB",
        "ua": "Mozilla/5.0 (alice@example.com) Windows NT 10.0", "res": "1920x1080",
        "page": f"Secret Page Title {EMAIL}",
        "refr": f"https://www.google.com/search?q=trail+shoes+for+alice&email={EMAIL}#alice",
        "co": json.dumps({"schema": "iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
                          "data": [{"schema": "iglu:com.acme/user/jsonschema/1-0-0",
                                    "data": {"email": EMAIL, "zip": "LS1 4AP"}}]}),
    }  # fmt: skip
    url = f"https://shop.example.com/account/{EMAIL}/p/SKU-1?email=alice%40example.com#alice"
    return [
        {**common, "e": "pv", "url": url, "dtm": "1709542800000"},
        {**common, "e": "pp", "url": url, "dtm": "1709542810000", "pp_may": "500"},
        {**common, "e": "se", "url": url, "dtm": "1709542820000", "se_ca": f"ecomm {EMAIL}",
         "se_ac": "add-to-basket", "se_la": f"label {EMAIL}", "se_pr": "alice"},
        {**common, "e": "ue", "url": url, "dtm": "1709542830000",
         "ue_px": _b64({"schema": UNSTRUCT_SCHEMA,
                        "data": {"schema": "iglu:com.acme/newsletter_signup/jsonschema/1-0-0",
                                 "data": {"email": EMAIL}}})},
        {**common, "e": "pv", "url": url, "dtm": "1709542840000", "pp_may": "oops alice"},
        {**common, "e": "tr", "dtm": "1709542850000", "tr_id": "ORD-777", "tr_tt": "10.0",
         "tr_ci": "Leeds", "tr_st": "alice county", "tr_co": "GB"},
        {**common, "e": "ti", "dtm": "1709542850000", "ti_id": "ORD-777", "ti_sk": "alice-sku",
         "ti_nm": f"gift for {EMAIL}", "ti_pr": "10.0", "ti_qu": "1"},
    ]  # fmt: skip


def _personal_tsv_line(snowplow_dir: Path) -> str:
    values = (snowplow_dir / "enriched_examples.tsv").read_text().split("\n")[1].split("\t")
    planted = {
        "user_id": EMAIL, "user_ipaddress": "192.0.2.77", "user_fingerprint": "0000-dead-beef",
        "domain_userid": "0000-dead-beef-d", "network_userid": "0000-dead-beef-n",
        "geo_city": "Leeds", "geo_zipcode": "LS1 4AP", "geo_region_name": "alice land",
        "ip_organization": "alice corp", "ip_domain": "alice.example.com", "ip_isp": "alice isp",
        "page_url": f"https://shop.example.com/p/1?email={EMAIL}#alice",
        "page_title": "Secret Page Title", "page_urlquery": f"email={EMAIL}",
        "page_urlfragment": "alice", "page_referrer": f"https://mail.example.com/?to={EMAIL}",
        "refr_urlquery": f"to={EMAIL}", "refr_term": "trail shoes for alice",
        "mkt_term": "alice", "mkt_content": EMAIL, "mkt_clickid": "alice-click",
        "se_label": EMAIL, "tr_orderid": "ORD-777", "tr_city": "Leeds",
        "useragent": f"Mozilla/5.0 ({EMAIL})", "refr_domain_userid": "0000-dead-beef-r",
        "domain_sessionid": SID,
    }  # fmt: skip
    for name, value in planted.items():
        values[FIELD_INDEX[name]] = value
    return "\t".join(values)


def _assert_clean(text: str, where: str) -> None:
    for marker in MARKERS:
        assert marker.lower() not in text.lower(), f"{marker!r} leaked into {where}: {text}"


def test_event_record_has_no_personal_field() -> None:
    names = {f.name for f in dataclasses.fields(Event)}
    assert names & PERSONAL_FIELDS == {"domain_sessionid"}
    assert set(ENRICHED_FIELD_NAMES) & names == {"event", "event_name", "platform",
                                                 "domain_sessionid"}  # fmt: skip
    repr_field = next(f for f in dataclasses.fields(Event) if f.name == "domain_sessionid")
    assert repr_field.repr is False


def test_personal_data_never_reaches_events_features_keys_or_logs(
    snowplow_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    raw_events = _personal_tracker_events()
    # GIVEN events full of personal data in every format, one of them malformed
    post = parse_tracker_payload({"schema": SCHEMA, "data": raw_events})
    tsv_line = _personal_tsv_line(snowplow_dir)
    bad_tsv = tsv_line.replace("\t1\t", "\tnot-a-bool alice\t", 1)
    bad_geo = tsv_line.split("\t")
    bad_geo[FIELD_INDEX["geo_latitude"]] = "alice 52N"
    tsv = parse_enriched_tsv("\n".join([tsv_line, bad_tsv, "\t".join(bad_geo)]))
    sdk_item = {"event": "page_view", "platform": "web", "user_id": EMAIL,
                "collector_tstamp": "2024-03-04T09:00:00Z", "page_url": f"https://s.io/?e={EMAIL}",
                "page_urlpath": f"/u/{EMAIL}", "domain_sessionid": SID, "geo_city": "Leeds",
                "geo_latitude": "alice"}  # fmt: skip
    json_result = parse_enriched_json([{k: v for k, v in sdk_item.items() if k != "geo_latitude"},
                                       sdk_item])  # fmt: skip

    # THEN the parse kept the good events and explained the bad ones
    assert len(post.events) == 6 and [r.index for r in post.rejected] == [4]
    assert len(tsv.events) == 1 and [r.index for r in tsv.rejected] == [1, 2]
    assert len(json_result.events) == 1 and [r.index for r in json_result.rejected] == [1]

    events = post.events + tsv.events + json_result.events
    for _, event in events:
        _assert_clean(repr(event), "an Event repr")
        kept = {k: v for k, v in dataclasses.asdict(event).items() if k != "domain_sessionid"}
        _assert_clean(str(kept), "an Event's fields")
    assert {e.page_path for _, e in events} == {"/account/-/p/SKU-1", None, "/lorem/ipsum/", "/u/-"}
    for result in (post, tsv, json_result):
        for rejected in result.rejected:
            _assert_clean(rejected.reason, "a rejection reason")

    sessions = group_sessions(events, salt="configured-salt")
    assert list(sessions) == [session_key(SID, "configured-salt")]
    for key, group in sessions.items():
        _assert_clean(key, "a session key")
        features = session_features([event for _, event in group])
        _assert_clean(json.dumps(features.row), "the feature row")
        _assert_clean(repr(features), "the SessionFeatures repr")

    # AND nothing personal was logged, though rejections were
    assert any("rejected" in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        _assert_clean(record.getMessage(), "a log record")


def test_session_key_is_salted_and_stable() -> None:
    key = session_key(SID, "salt-a")
    assert key == session_key(SID, "salt-a")
    assert key != session_key(SID, "salt-b")
    assert len(key) == 64 and SID not in key


def test_safe_path_redacts_segments_with_an_email() -> None:
    assert safe_path("/account/alice@example.com/orders") == "/account/-/orders"
    assert safe_path("/account/alice%40example.com") == "/account/-"
    assert safe_path("/p/SKU-100") == "/p/SKU-100"


def test_every_field_snowplows_pii_enrichment_covers_is_personal(snowplow_dir: Path) -> None:
    config = json.loads((snowplow_dir / "pii_enrichment_config_2-0-1.json").read_text())
    kinds = config["properties"]["parameters"]["properties"]["pii"]["items"]["properties"]
    pojo = set(kinds["pojo"]["properties"]["field"]["enum"])
    json_fields = set(kinds["json"]["properties"]["field"]["enum"])
    assert len(pojo) == 18 and len(json_fields) == 3
    assert pojo | json_fields <= PERSONAL_FIELDS
    # the Event keeps none of them, bar the session id it needs for the salted key
    assert {f.name for f in dataclasses.fields(Event)} & (pojo | json_fields) == {
        "domain_sessionid"
    }
