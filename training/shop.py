"""The simulated web shop: its catalogue, hours, traffic mediums, devices and referrers, and the
visitors and sessions ``generate`` draws from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

HOST: Final = "shop.example.com"
SHOP: Final = f"https://{HOST}"
PERIOD_START: Final = datetime(2024, 1, 1, tzinfo=UTC)
PERIOD_DAYS: Final = 56
HEARTBEAT_S: Final = 10
CATEGORIES: Final = ("shoes", "jackets", "tents", "backpacks", "socks", "gloves", "lamps", "maps")
PRODUCTS_PER_CATEGORY: Final = 25
HOUR_WEIGHTS: Final = (
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1,
    2,
    3,
    4,
    4.5,
    5,
    6,
    6,
    5,
    4.5,
    4.5,
    5,
    6,
    7,
    7.5,
    7,
    5,
    2.5,
)
# medium -> (share of sessions, effect on the purchase logit)
MEDIUMS: Final = {
    "direct": (0.25, 0.35),
    "search": (0.33, 0.0),
    "social": (0.12, -0.8),
    "email": (0.10, 0.6),
    "paid": (0.14, 0.25),
    "referral": (0.06, -0.3),
}
# device -> (share, effect on the purchase logit, user agent, dvce_type, dvce_ismobile)
DEVICES: Final = {
    "desktop": (
        0.45,
        0.3,
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/122.0 Safari/537.36",
        "Computer",
        "0",
    ),
    "mobile": (
        0.45,
        -0.35,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
        "Mobile",
        "1",
    ),
    "tablet": (
        0.10,
        0.0,
        "Mozilla/5.0 (iPad; CPU OS 17_3 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
        "Tablet",
        "0",
    ),
}
REFERRERS: Final = {
    "search": ("https://www.google.com/search?q=outdoor+gear", "search", "Google"),
    "social": ("https://www.facebook.com/", "social", "Facebook"),
    "referral": ("https://blog.trailrunners.example.org/best-gear-2024", "unknown", None),
}


@dataclass
class Visitor:
    domain_userid: str
    ip: str
    user_id: str | None
    propensity: float
    device: str
    sessions: int = 0
    last_start: datetime | None = None


@dataclass
class Session:
    visitor: Visitor
    sid: str
    start: datetime
    medium: str
    buys: bool
    lines: list[str] = field(default_factory=list)
