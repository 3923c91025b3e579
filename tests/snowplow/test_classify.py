"""The closed vocabularies events are reduced to: medium, device class, platform, commerce action."""
# ruff: noqa: E501  (NOTE: tables of inputs and their expected labels read best one case a line)

from __future__ import annotations

import json
from typing import Any

import pytest

from snowleap.snowplow import parse_tracker_payload
from snowleap.snowplow.classify import (
    commerce_action,
    device_class,
    platform_class,
    traffic_medium,
)
from snowleap.snowplow.selfdesc import SelfDescribing

SCHEMA = "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4"
UNSTRUCT = "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"
ECOMMERCE = (
    "iglu:com.snowplowanalytics.snowplow.ecommerce/snowplow_ecommerce_action/jsonschema/1-0-2"
)


@pytest.mark.parametrize(
    ("kwargs", "medium"),
    [
        ({}, "direct"),
        ({"refr_host": "shop.example.com"}, "internal"),
        ({"refr_host": "www.shop.example.com"}, "internal"),  # www. is the same site
        ({"refr_host": "www.google.co.uk"}, "search"),
        ({"refr_host": "duckduckgo.com"}, "search"),
        ({"refr_host": "l.facebook.com"}, "social"),
        ({"refr_host": "t.co"}, "social"),
        ({"refr_host": "mail.google.com"}, "email"),  # webmail before the search engine
        ({"refr_host": "blog.example.org"}, "referral"),
        ({"refr_host": "www.google.com", "mkt_medium": "email"}, "email"),  # tags win
        ({"refr_host": "www.google.com", "mkt_medium": "CPC"}, "paid"),
        ({"mkt_medium": "paid-social"}, "paid"),
        ({"mkt_medium": "Social Media"}, "social"),
        ({"mkt_medium": "organic"}, "search"),
        ({"mkt_medium": "print"}, "referral"),
        ({"has_click_id": True, "mkt_medium": "email"}, "paid"),  # an ad click id wins
        ({"refr_medium": "search", "refr_host": "blog.example.org"}, "search"),
        ({"refr_medium": "unknown", "refr_host": "www.google.com"}, "referral"),
    ],
)
def test_traffic_medium(kwargs: dict[str, Any], medium: str) -> None:
    arguments: dict[str, Any] = {
        "mkt_medium": None,
        "has_click_id": False,
        "refr_medium": None,
        "refr_host": None,
        "page_host": "shop.example.com",
    }
    assert traffic_medium(**{**arguments, **kwargs}) == medium


@pytest.mark.parametrize(
    ("kwargs", "device"),
    [
        ({"dvce_type": "Computer"}, "desktop"),
        ({"dvce_type": "Mobile"}, "mobile"),
        ({"dvce_type": "Tablet"}, "tablet"),
        ({"dvce_type": "Game console"}, "other"),
        ({"dvce_type": "Unknown", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)"}, "desktop"),
        ({"dvce_ismobile": True}, "mobile"),
        ({"br_type": "Robot", "dvce_type": "Computer"}, "bot"),
        ({"user_agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"}, "bot"),
        ({"user_agent": "Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X)"}, "tablet"),
        ({"user_agent": "Mozilla/5.0 (Linux; Android 14; SM-X710) Safari/537.36"}, "tablet"),
        ({"user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36"}, "mobile"),
        ({"user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3)"}, "desktop"),
        ({"user_agent": "curl/8.5.0"}, "other"),
        ({}, "unknown"),
    ],
)
def test_device_class(kwargs: dict[str, Any], device: str) -> None:
    arguments: dict[str, Any] = {
        "dvce_type": None,
        "dvce_ismobile": None,
        "br_type": None,
        "user_agent": None,
    }
    assert device_class(**{**arguments, **kwargs}) == device


def test_platform_class() -> None:
    assert [platform_class(p) for p in ("web", "mob", "app", "xyz", None)] == [
        "web", "mob", "app", "other", "unknown",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("event", "se_action", "unstruct", "action"),
    [
        ("transaction", None, None, "purchase"),
        ("transaction_item", None, None, "purchase"),
        ("struct", "add-to-basket", None, "add_to_basket"),
        ("struct", "Add To Cart", None, "add_to_basket"),
        ("struct", "remove_from_cart", None, "remove_from_basket"),
        ("struct", "order-completed", None, "purchase"),
        ("struct", "view_item", None, "product_view"),
        ("struct", "play-video", None, None),
        ("unstruct", None, SelfDescribing("com.snowplowanalytics.snowplow", "add_to_cart", {}), "add_to_basket"),
        ("unstruct", None, SelfDescribing("com.snowplowanalytics.snowplow", "remove_from_cart", {}), "remove_from_basket"),
        ("unstruct", None, SelfDescribing("com.snowplowanalytics.snowplow", "link_click", {}), None),
        ("unstruct", None, SelfDescribing("x", "snowplow_ecommerce_action", {"type": "transaction"}), "purchase"),
        ("unstruct", None, SelfDescribing("x", "snowplow_ecommerce_action", {"type": "product_view"}), "product_view"),
        ("unstruct", None, SelfDescribing("x", "snowplow_ecommerce_action", {"type": "list_view"}), None),
        ("unstruct", None, SelfDescribing("x", "snowplow_ecommerce_action", ["type"]), None),
        ("page_view", None, None, None),
    ],
)  # fmt: skip
def test_commerce_action(
    event: str, se_action: str | None, unstruct: SelfDescribing | None, action: str | None
) -> None:
    assert commerce_action(event, se_action, unstruct) == action


def test_ecommerce_plugin_events_sent_as_plain_json() -> None:
    """The JavaScript tracker's ecommerce plugin sends actions as ``ue_pr`` JSON on POST."""

    def action(kind: str) -> dict[str, str]:
        event = {"schema": ECOMMERCE, "data": {"type": kind}}
        return {
            "e": "ue", "p": "web", "tv": "js-3.23.0", "dtm": "1709542800000",
            "ue_pr": json.dumps({"schema": UNSTRUCT, "data": event}),
        }  # fmt: skip

    body = {"schema": SCHEMA, "data": [action("product_view"), action("add_to_cart"),
                                       action("transaction")]}  # fmt: skip
    result = parse_tracker_payload(body)
    assert result.rejected == []
    assert [(e.event_name, e.commerce_action) for _, e in result.events] == [
        ("snowplow_ecommerce_action", "product_view"),
        ("snowplow_ecommerce_action", "add_to_basket"),
        ("snowplow_ecommerce_action", "purchase"),
    ]
