"""Closed vocabularies derived at parse time, so no free text or identity needs to be kept.

Each function maps raw (possibly personal) values to one of a few fixed labels: traffic medium,
device class, platform, commerce action. The raw values are then dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import parse_qsl

from snowleap.snowplow.selfdesc import SelfDescribing

MEDIUMS: Final[tuple[str, ...]] = (
    "search", "social", "email", "paid", "internal", "direct", "referral",
)  # fmt: skip
DEVICE_CLASSES: Final[tuple[str, ...]] = ("desktop", "mobile", "tablet", "bot", "other", "unknown")
PLATFORMS: Final[frozenset[str]] = frozenset(
    {"web", "mob", "pc", "srv", "app", "tv", "cnsl", "iot"}
)
COMMERCE_ACTIONS: Final[tuple[str, ...]] = (
    "product_view", "add_to_basket", "remove_from_basket", "purchase",
)  # fmt: skip

_PAID_MEDIUMS: Final[frozenset[str]] = frozenset(
    {"cpc", "ppc", "paid", "paidsearch", "paid_search", "paid_social", "paidsocial", "display",
     "cpm", "cpv", "banner", "affiliate", "retargeting", "shopping"}
)  # fmt: skip
_EMAIL_MEDIUMS: Final[frozenset[str]] = frozenset({"email", "e-mail", "e_mail", "newsletter"})
_SOCIAL_MEDIUMS: Final[frozenset[str]] = frozenset(
    {"social", "social-network", "social_network", "social-media", "social_media", "sm"}
)
_SEARCH_MEDIUMS: Final[frozenset[str]] = frozenset({"organic", "search"})
# NOTE: ad click ids mark paid traffic even without utm tags (auto-tagging); fbclid is left out
# because Facebook adds it to organic shares too.
CLICK_ID_PARAMS: Final[frozenset[str]] = frozenset(
    {"gclid", "msclkid", "dclid", "wbraid", "gbraid"}
)
_SEARCH_HOSTS: Final[tuple[str, ...]] = (
    "google.", "bing.com", "duckduckgo.com", "yahoo.", "baidu.com", "yandex.", "ecosia.org",
    "search.brave.com", "qwant.com", "startpage.com", "ask.com",
)  # fmt: skip
_SOCIAL_HOSTS: Final[tuple[str, ...]] = (
    "facebook.com", "instagram.com", "t.co", "twitter.com", "x.com", "linkedin.com",
    "lnkd.in", "pinterest.", "reddit.com", "youtube.com", "tiktok.com", "snapchat.com",
)  # fmt: skip
_MAIL_HOSTS: Final[tuple[str, ...]] = (
    "mail.google.com", "outlook.live.com", "outlook.office.com", "mail.yahoo.com", "webmail.",
    "mail.",
)  # fmt: skip

_ADD_ACTIONS: Final[frozenset[str]] = frozenset(
    {"add_to_basket", "add_to_cart", "addtocart", "add_to_bag", "basket_add", "cart_add"}
)
_REMOVE_ACTIONS: Final[frozenset[str]] = frozenset(
    {"remove_from_basket", "remove_from_cart", "removefromcart", "basket_remove", "cart_remove"}
)
_PURCHASE_ACTIONS: Final[frozenset[str]] = frozenset(
    {"purchase", "transaction", "order_completed", "checkout_completed", "checkout_complete"}
)
_VIEW_ACTIONS: Final[frozenset[str]] = frozenset(
    {"product_view", "view_product", "view_item", "product_detail_view"}
)


def _normal(word: str) -> str:
    return word.strip().lower().replace("-", "_").replace(" ", "_")


def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if pattern.endswith("."):
            if host.startswith(pattern) or f".{pattern}" in host:
                return True
        elif host == pattern or host.endswith(f".{pattern}"):
            return True
    return False


def _site(host: str) -> str:
    return host.removeprefix("www.")


def campaign_from_query(query: str) -> tuple[str | None, bool]:
    """``utm_medium`` and whether an ad click id is present, from a page URL's query string."""
    medium: str | None = None
    click_id = False
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == "utm_medium" and value:
            medium = value
        elif key in CLICK_ID_PARAMS and value:
            click_id = True
    return medium, click_id


def traffic_medium(
    *,
    mkt_medium: str | None,
    has_click_id: bool,
    refr_medium: str | None,
    refr_host: str | None,
    page_host: str | None,
) -> str:
    """Where the visit came from, one of ``MEDIUMS``.

    Campaign tags win over the referrer (they say what the marketer paid for); then Snowplow's
    own referer classification (``refr_medium``); then the referrer host, classified here.
    """
    if has_click_id:
        return "paid"
    if mkt_medium:
        medium = _normal(mkt_medium)
        if medium in _PAID_MEDIUMS:
            return "paid"
        if medium in _EMAIL_MEDIUMS:
            return "email"
        if medium in _SOCIAL_MEDIUMS:
            return "social"
        if medium in _SEARCH_MEDIUMS:
            return "search"
        return "referral"
    if refr_medium:
        medium = _normal(refr_medium)
        return medium if medium in MEDIUMS else "referral"
    if not refr_host:
        return "direct"
    host = refr_host.lower()
    if page_host and _site(host) == _site(page_host.lower()):
        return "internal"
    if _host_matches(host, _MAIL_HOSTS):
        return "email"
    if _host_matches(host, _SEARCH_HOSTS):
        return "search"
    if _host_matches(host, _SOCIAL_HOSTS):
        return "social"
    return "referral"


def device_from_user_agent(user_agent: str | None) -> str:
    """A coarse device class from a user agent string (bots, tablets, phones, computers)."""
    if not user_agent:
        return "unknown"
    ua = user_agent.lower()
    if any(mark in ua for mark in ("bot", "crawler", "spider", "headless")):
        return "bot"
    if "ipad" in ua or "tablet" in ua or ("android" in ua and "mobile" not in ua):
        return "tablet"
    if any(mark in ua for mark in ("mobi", "iphone", "android", "windows phone")):
        return "mobile"
    if any(mark in ua for mark in ("windows", "macintosh", "x11", "linux", "cros")):
        return "desktop"
    return "other"


def device_class(
    *,
    dvce_type: str | None,
    dvce_ismobile: bool | None,
    br_type: str | None,
    user_agent: str | None,
) -> str:
    """One of ``DEVICE_CLASSES``: enrichment's device fields first, else the user agent."""
    if br_type and ("robot" in br_type.lower() or "spider" in br_type.lower()):
        return "bot"
    if dvce_type:
        kind = dvce_type.lower()
        if kind == "computer":
            return "desktop"
        if kind in ("mobile", "tablet"):
            return kind
        if kind != "unknown":
            return "other"
    if dvce_ismobile:
        return "mobile"
    return device_from_user_agent(user_agent)


def platform_class(platform: str | None) -> str:
    """The tracker platform code (``web``, ``mob``, ``app`` ...), ``other`` if not a known code."""
    if not platform:
        return "unknown"
    return platform if platform in PLATFORMS else "other"


def _from_words(word: str) -> str | None:
    action = _normal(word)
    if action in _ADD_ACTIONS:
        return "add_to_basket"
    if action in _REMOVE_ACTIONS:
        return "remove_from_basket"
    if action in _PURCHASE_ACTIONS:
        return "purchase"
    if action in _VIEW_ACTIONS:
        return "product_view"
    return None


def commerce_action(
    event: str, se_action: str | None, unstruct: SelfDescribing | None
) -> str | None:
    """The commerce meaning of an event, one of ``COMMERCE_ACTIONS`` or ``None``.

    Transactions (``tr``/``ti``), structured events whose action says add/remove/purchase/view,
    Snowplow's ``add_to_cart``/``remove_from_cart`` events and the ``snowplow_ecommerce_action``
    event's ``type``.
    """
    if event in ("transaction", "transaction_item"):
        return "purchase"
    if event == "struct" and se_action:
        return _from_words(se_action)
    if unstruct is not None:
        data = unstruct.data
        if unstruct.name == "snowplow_ecommerce_action" and isinstance(data, Mapping):
            kind = data.get("type")
            return _from_words(kind) if isinstance(kind, str) else None
        return _from_words(unstruct.name)
    return None
