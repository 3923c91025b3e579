"""What counts as personal, and the two tools that keep it out: salted session keys, safe paths.

``PERSONAL_FIELDS`` lists the enriched fields snowleap never keeps and never echoes in an error
message: the fields Snowplow's own PII pseudonymization enrichment covers
(``pii_enrichment_config`` 2-0-1), every geo and IP-derived field, full URLs with their query
strings and fragments, page titles and referrers, the user agent, and free-text event fields.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Final
from urllib.parse import unquote

PERSONAL_FIELDS: Final[frozenset[str]] = frozenset(
    {
        # Snowplow's PII enrichment, scalar fields
        "user_id", "user_ipaddress", "user_fingerprint", "domain_userid", "network_userid",
        "ip_organization", "ip_domain", "tr_orderid", "ti_orderid", "mkt_term", "mkt_content",
        "se_category", "se_action", "se_label", "se_property", "mkt_clickid",
        "refr_domain_userid", "domain_sessionid",
        # Snowplow's PII enrichment, JSON fields
        "contexts", "derived_contexts", "unstruct_event",
        # geo and IP derived
        "geo_country", "geo_region", "geo_city", "geo_zipcode", "geo_latitude", "geo_longitude",
        "geo_region_name", "geo_timezone", "ip_isp", "ip_netspeed",
        # URLs, titles, free text
        "page_url", "page_title", "page_referrer", "page_urlquery", "page_urlfragment",
        "refr_urlquery", "refr_urlfragment", "refr_term", "mkt_campaign", "mkt_source",
        "tr_city", "tr_state", "tr_country", "tr_affiliation", "ti_name", "ti_sku",
        # device fingerprinting material
        "useragent", "event_fingerprint", "br_lang", "os_timezone",
        "dvce_screenwidth", "dvce_screenheight", "br_viewwidth", "br_viewheight",
    }
)  # fmt: skip

_EMAIL_MARK = "@"
REDACTED_SEGMENT: Final[str] = "-"


def session_key(domain_sessionid: str, salt: str) -> str:
    """The pseudonymous key of a session: HMAC-SHA256 of its ``domain_sessionid`` under ``salt``.

    Without the salt the key cannot be linked back to the cookie value, and a new salt makes all
    keys new.

    Example
    -------
    >>> session_key("d34e5554-78df-4a44-b8d1-e7a5bf73d539", "pepper")[:12]
    'd49f327b8bbe'
    """
    digest = hmac.new(salt.encode("utf-8"), domain_sessionid.encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()


def safe_path(path: str) -> str:
    """A URL path with every segment that holds an e-mail address replaced by ``-``.

    Query strings and fragments never get this far; this guards against identities put in
    the path itself (``/account/alice@example.com/orders``).

    Example
    -------
    >>> safe_path("/u/alice%40example.com/orders")
    '/u/-/orders'
    """
    if _EMAIL_MARK not in path and "%40" not in path.lower():
        return path
    return "/".join(
        REDACTED_SEGMENT if _EMAIL_MARK in unquote(segment) else segment
        for segment in path.split("/")
    )
