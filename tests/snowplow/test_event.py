"""``event``: the plain-URL split gives exactly what ``urlsplit`` gives, for every URL shape."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from snowleap.snowplow.errors import EventError
from snowleap.snowplow.event import _split_url

URLS = [
    "https://shop.example.com/p/1000",
    "https://Shop.Example.COM/P/1?utm_medium=Email&x=1#frag?y",
    "http://a.b/?gclid=1",
    "https://a.b",
    "https://a.b#only?fragment",
    "https://a.b?q=1#f",
    "https://a.b/path with space",
    "https://a.b/p ",
    " https://a.b/p",
    "https://a.b/p\tq",
    "https://user@a.b/p",
    "https://a.b:8443/p?q",
    "https://[::1]/p",
    "HTTPS://a.b/p",
    "android-app://com.example/p",
    "https:///p",
    "https://ex\u00e4mple.com/p",
    "/relative/path?q=1",
    "https://a..b/x/%40/y",
]


@pytest.mark.parametrize("url", URLS)
def test_a_url_splits_as_urlsplit_splits_it(url: str) -> None:
    # WHEN a URL is split THEN host, path and query are urlsplit's
    parts = urlsplit(url)
    assert _split_url(url, "page_url") == (parts.hostname, parts.path or "/", parts.query)


def test_a_url_urlsplit_refuses_is_an_event_error() -> None:
    # WHEN the URL is invalid (an unclosed IPv6 bracket) THEN the error names the field
    with pytest.raises(EventError, match="field 'page_url': not a valid URL"):
        _split_url("https://[::1/p", "page_url")
