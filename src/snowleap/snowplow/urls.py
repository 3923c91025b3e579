"""Host, path and query of the page and referrer URLs events carry."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

from snowleap.snowplow.errors import EventError

UrlParts = tuple[str | None, str | None, str]


# NOTE: most page URLs are this plain: http(s), a host of letters, digits, dots and dashes (no
# port, no user), printable ASCII throughout. For them the match gives exactly urlsplit's host,
# path and query (a fragment is split off first, then the query) at a fraction of its cost;
# anything else goes through urlsplit.
_PLAIN_URL: Final[re.Pattern[str]] = re.compile(
    r"https?://([A-Za-z0-9.-]+)(/[^?#]*)?(?:\?([^#]*))?(?:#.*)?", re.ASCII | re.DOTALL
)


def split_url(url: str, name: str) -> UrlParts:
    """Host, path and query of a URL; the query is for campaign tags only, then dropped."""
    # NOTE: urlsplit strips surrounding spaces and drops tabs and newlines; such URLs take its way.
    if url.isascii() and url.isprintable() and url[-1] != " ":
        plain = _PLAIN_URL.fullmatch(url)
        if plain is not None:
            host, path, query = plain.groups()
            return host.lower(), path or "/", query or ""
    try:
        parts = urlsplit(url)
    except ValueError:
        raise EventError(f"field {name!r}: not a valid URL") from None
    return parts.hostname, parts.path or "/", parts.query


NO_URL: Final[UrlParts] = (None, None, "")
