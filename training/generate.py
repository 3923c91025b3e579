"""Generate realistic Snowplow enriched events of a web shop, seeded, as gzipped TSV shards.

Each visitor has a hidden shopping propensity; each session's chance to end in a purchase
depends on it and on things a shop really sees (returning visitor, traffic medium, device, time
of day, weekend) plus noise. Behaviour follows the decision the way real shoppers' does: buyers
view more products, add to the basket, go through checkout, and stay longer, but many
non-buyers browse deeply, fill baskets and abandon checkout, and some buyers go straight to
checkout. The purchase itself (transaction, items, confirmation page) comes last, so features
computed before it cannot see it.

Example
-------
    python -m training.generate --sessions 100000 --seed 7 --out data/events
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from snowleap.snowplow.fields import ENRICHED_FIELD_NAMES, FIELD_INDEX
from training.shop import (
    CATEGORIES,
    DEVICES,
    HEARTBEAT_S,
    HOST,
    HOUR_WEIGHTS,
    MEDIUMS,
    PERIOD_DAYS,
    PERIOD_START,
    PRODUCTS_PER_CATEGORY,
    REFERRERS,
    SHOP,
    Session,
    Visitor,
)


def _choice(rng: random.Random, table: dict[str, tuple[float, ...]]) -> str:
    names = list(table)
    return rng.choices(names, weights=[table[n][0] for n in names])[0]


def _poisson(rng: random.Random, mean: float) -> int:
    # NOTE: Knuth's method; means here are small, so a few draws suffice.
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _stamp(moment: datetime) -> str:
    return moment.isoformat(sep=" ", timespec="milliseconds")[:23]


class Writer:
    """Turns page visits and events into enriched TSV lines for one session."""

    def __init__(self, rng: random.Random, session: Session) -> None:
        self.rng = rng
        self.session = session
        self.t = session.start
        self.previous_url: str | None = None
        self.template = [""] * len(ENRICHED_FIELD_NAMES)
        visitor = session.visitor
        _, _, agent, dvce_type, ismobile = DEVICES[visitor.device]
        for name, value in (
            ("app_id", "shop-web"),
            ("platform", "web"),
            ("name_tracker", "sp"),
            ("v_tracker", "js-3.21.0"),
            ("v_collector", "ssc-2.10.0-kinesis"),
            ("v_etl", "snowplow-enrich-kinesis-4.1.0"),
            ("user_ipaddress", visitor.ip),
            ("domain_userid", visitor.domain_userid),
            ("domain_sessionidx", str(visitor.sessions)),
            ("network_userid", visitor.domain_userid[::-1]),
            ("useragent", agent),
            ("dvce_type", dvce_type),
            ("dvce_ismobile", ismobile),
            ("os_timezone", "Europe/London"),
            ("domain_sessionid", session.sid),
            ("br_lang", "en-GB"),
        ):
            self.template[FIELD_INDEX[name]] = value
        if visitor.user_id:
            self.template[FIELD_INDEX["user_id"]] = visitor.user_id

    def _line(self, event: str, values: dict[str, str]) -> None:
        row = self.template.copy()
        collector = self.t + timedelta(milliseconds=self.rng.randint(40, 900))
        row[FIELD_INDEX["event"]] = event
        row[FIELD_INDEX["event_id"]] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        row[FIELD_INDEX["dvce_created_tstamp"]] = _stamp(self.t)
        row[FIELD_INDEX["derived_tstamp"]] = _stamp(self.t)
        row[FIELD_INDEX["collector_tstamp"]] = _stamp(collector)
        row[FIELD_INDEX["etl_tstamp"]] = _stamp(collector + timedelta(seconds=2))
        row[FIELD_INDEX["event_vendor"]] = "com.snowplowanalytics.snowplow"
        row[FIELD_INDEX["event_name"]] = {"struct": "event"}.get(event, event)
        row[FIELD_INDEX["event_format"]] = "jsonschema"
        row[FIELD_INDEX["event_version"]] = "1-0-0"
        for name, value in values.items():
            row[FIELD_INDEX[name]] = value
        self.session.lines.append("\t".join(row))

    def _page_fields(self, path: str, title: str, query: str = "") -> dict[str, str]:
        url = f"{SHOP}{path}" + (f"?{query}" if query else "")
        values = {
            "page_url": url,
            "page_title": title,
            "page_urlscheme": "https",
            "page_urlhost": HOST,
            "page_urlport": "443",
            "page_urlpath": path,
        }
        if query:
            values["page_urlquery"] = query
        return values

    def page(self, path: str, title: str, dwell_mean: float, *, landing: bool = False) -> None:
        """A page view, then page pings every heartbeat while the visitor stays."""
        query = ""
        values: dict[str, str] = {}
        if landing:
            query = self._landing(values)
        values |= self._page_fields(path, title, query)
        if not landing and self.previous_url:
            values |= {
                "page_referrer": self.previous_url,
                "refr_urlscheme": "https",
                "refr_urlhost": HOST,
                "refr_urlport": "443",
                "refr_medium": "internal",
                "refr_urlpath": self.previous_url.removeprefix(SHOP).split("?")[0],
            }
        self._line("page_view", values)
        dwell = min(600.0, max(2.0, self.rng.expovariate(1.0 / dwell_mean)))
        scroll, doc_height = 0, self.rng.choice((1800, 2600, 3400, 5200))
        for ping in range(1, int(dwell // HEARTBEAT_S) + 1):
            scroll = min(doc_height, scroll + self.rng.randint(0, 450))
            ping_values = values | {
                "pp_xoffset_min": "0",
                "pp_xoffset_max": "0",
                "pp_yoffset_min": "0",
                "pp_yoffset_max": str(scroll),
            }
            jitter = self.rng.random() if ping == 1 else 0.0  # NOTE: heartbeats start unaligned
            self.t += timedelta(seconds=HEARTBEAT_S + jitter)
            self._line("page_ping", ping_values)
        self.t += timedelta(seconds=dwell - HEARTBEAT_S * int(dwell // HEARTBEAT_S) + 1.5)
        self.previous_url = values["page_url"]

    def _landing(self, values: dict[str, str]) -> str:
        medium = self.session.medium
        if medium in REFERRERS:
            url, refr_medium, source = REFERRERS[medium]
            host = url.split("/")[2]
            values |= {
                "page_referrer": url,
                "refr_urlscheme": "https",
                "refr_urlhost": host,
                "refr_urlport": "443",
                "refr_urlpath": "/" + url.split("/", 3)[3].split("?")[0],
                "refr_medium": refr_medium,
            }
            if source:
                values["refr_source"] = source
            if medium == "search":
                values |= {"refr_urlquery": "q=outdoor+gear", "refr_term": "outdoor gear"}
            return ""
        if medium == "email":
            values |= {
                "mkt_medium": "email",
                "mkt_source": "newsletter",
                "mkt_campaign": "spring-sale",
            }
            email = self.session.visitor.user_id or "reader@example.net"
            return f"utm_medium=email&utm_source=newsletter&utm_campaign=spring-sale&em={email}"
        if medium == "paid":
            click = f"Cj0K{self.rng.getrandbits(48):012x}"
            values |= {
                "mkt_medium": "cpc",
                "mkt_source": "google",
                "mkt_clickid": click,
                "mkt_network": "Google",
            }
            return f"utm_medium=cpc&utm_source=google&gclid={click}"
        return ""

    def add_to_basket(self, sku: str, price: float) -> None:
        self.t += timedelta(seconds=self.rng.uniform(1, 8))
        self._line(
            "struct",
            {
                "se_category": "ecomm",
                "se_action": "add-to-basket",
                "se_label": sku,
                "se_property": "qty-1",
                "se_value": f"{price}",
                "page_url": self.previous_url or SHOP,
                "page_urlhost": HOST,
                "page_urlpath": (self.previous_url or SHOP).removeprefix(SHOP),
            },
        )

    def purchase(self, basket: list[tuple[str, str, float]]) -> None:
        self.t += timedelta(seconds=self.rng.uniform(5, 40))
        order = f"ORD-{self.rng.getrandbits(40):010x}"
        total = round(sum(price for _, _, price in basket), 2)
        self._line(
            "transaction",
            {
                "tr_orderid": order,
                "tr_affiliation": "web",
                "tr_total": f"{total}",
                "tr_tax": f"{round(total * 0.2, 2)}",
                "tr_shipping": "4.95",
                "tr_city": "Leeds",
                "tr_country": "GB",
                "tr_currency": "GBP",
            },
        )
        for sku, category, price in basket:
            self._line(
                "transaction_item",
                {
                    "ti_orderid": order,
                    "ti_sku": sku,
                    "ti_name": f"{category} {sku}",
                    "ti_category": category,
                    "ti_price": f"{price}",
                    "ti_quantity": "1",
                    "ti_currency": "GBP",
                },
            )


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _start_time(rng: random.Random, visitor: Visitor) -> datetime:
    if visitor.last_start is None:
        day = rng.randrange(PERIOD_DAYS)
    else:
        day = (visitor.last_start - PERIOD_START).days + 1 + int(rng.expovariate(1 / 6))
    if visitor.last_start is None and (PERIOD_START + timedelta(days=day)).weekday() < 5:
        # NOTE: a fifth of weekday first visits move to a random day, so weekends get more traffic
        day = rng.randrange(PERIOD_DAYS) if rng.random() < 0.2 else day
    hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
    return PERIOD_START + timedelta(days=day, hours=hour, seconds=rng.uniform(0, 3600))


def purchase_logit(visitor: Visitor, medium: str, start: datetime) -> float:
    """The hidden chance (logit) that this session ends in a purchase, before behaviour noise."""
    logit = -3.6 + visitor.propensity + MEDIUMS[medium][1] + DEVICES[visitor.device][1]
    logit += 0.5 * min(visitor.sessions - 1, 3) / 3 + (0.3 if visitor.sessions > 1 else 0.0)
    logit += 0.35 if start.weekday() >= 5 else 0.0
    logit += -0.6 if start.hour < 7 else (0.25 if 18 <= start.hour <= 22 else 0.0)
    return logit


def simulate(rng: random.Random, session: Session, logit: float) -> None:
    """Emit the session's events: browsing that follows its intent, then maybe a purchase."""
    writer = Writer(rng, session)
    buys = session.buys
    bounce = not buys and rng.random() < 0.30
    dwell = 36.0 if buys else 30.0
    medium = session.medium
    category = rng.choice(CATEGORIES)
    if medium in ("email", "paid") or (medium == "search" and rng.random() < 0.5):
        landing = f"/p/{category[:3].upper()}-{rng.randrange(PRODUCTS_PER_CATEGORY):03d}"
    elif medium == "search":
        landing = f"/c/{category}"
    else:
        landing = "/"
    writer.page(landing, "Outdoor shop", dwell, landing=True)
    if bounce:
        return
    intent = _sigmoid(logit + rng.gauss(0.0, 0.8))
    views = 1 + _poisson(rng, 1.5 + 4.0 * intent + (1.0 if buys else 0.0))
    if buys and rng.random() < 0.15:  # NOTE: a decided buyer who goes straight to the product
        views = 1
    adds = (1 + _poisson(rng, 0.5)) if buys else _poisson(rng, 1.1 * intent + 0.15)
    add_at = set(rng.sample(range(max(views, adds)), adds))
    basket: list[tuple[str, str, float]] = []
    for position in range(max(views, adds)):
        if rng.random() < 0.35:
            category = rng.choice(CATEGORIES)
            writer.page(f"/c/{category}", category.title(), 20.0)
        sku = f"{category[:3].upper()}-{rng.randrange(PRODUCTS_PER_CATEGORY):03d}"
        writer.page(f"/p/{sku}", f"{category.title()} {sku}", dwell)
        if position in add_at:
            price = round(rng.uniform(9.0, 240.0), 2)
            writer.add_to_basket(sku, price)
            basket.append((sku, category, price))
    if rng.random() < 0.05:
        writer.page("/search", "Search", 15.0)
    # NOTE: express checkout (a wallet button on the product page) buys without basket or
    # checkout pages, as a minority of real buyers do
    express = buys and rng.random() < 0.12
    if basket and not express and rng.random() < (0.9 if buys else 0.7):
        writer.page("/basket", "Your basket", 25.0)
    if (buys and not express) or (basket and rng.random() < 0.65):
        writer.page("/checkout", "Checkout", 40.0)
        if buys or rng.random() < 0.5:
            writer.page("/checkout/payment", "Payment", 50.0)
    if buys:
        if not basket:
            basket.append(("GIF-000", "gift cards", 25.0))
        writer.purchase(basket)
        writer.page("/checkout/confirmation", "Thank you", 20.0)
        if rng.random() < 0.2:
            writer.page("/", "Outdoor shop", 20.0)


def generate(sessions: int, seed: int) -> tuple[list[Session], dict[str, float]]:
    rng = random.Random(seed)
    made: list[Session] = []
    while len(made) < sessions:
        visitor = Visitor(
            domain_userid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            ip=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            user_id=f"shopper{rng.randrange(10**6)}@example.com" if rng.random() < 0.2 else None,
            propensity=rng.gauss(0.0, 0.9),
            device=_choice(rng, DEVICES),
        )
        for _ in range(1 + _poisson(rng, 0.7 + max(visitor.propensity, 0.0))):
            if len(made) >= sessions:
                break
            visitor.sessions += 1
            start = _start_time(rng, visitor)
            visitor.last_start = start
            medium = _choice(rng, MEDIUMS)
            logit = purchase_logit(visitor, medium, start)
            session = Session(
                visitor=visitor,
                sid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                start=start,
                medium=medium,
                buys=rng.random() < _sigmoid(logit),
            )
            simulate(rng, session, logit)
            made.append(session)
    events = sum(len(s.lines) for s in made)
    stats = {
        "sessions": float(len(made)),
        "events": float(events),
        "buy_rate": sum(s.buys for s in made) / len(made),
    }
    return made, stats


def write_shards(sessions: list[Session], out: Path, shards: int) -> list[Path]:
    """Sessions spread over ``shards`` gzipped TSV files (one session never spans two files)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("part-*.tsv.gz"):
        old.unlink()
    paths = [out / f"part-{i:05d}.tsv.gz" for i in range(shards)]
    for shard, path in enumerate(paths):
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
            for session in sessions[shard::shards]:
                handle.write("\n".join(session.lines))
                handle.write("\n")
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("data/events"))
    parser.add_argument("--shards", type=int, default=4)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    sessions, stats = generate(args.sessions, args.seed)
    paths = write_shards(sessions, args.out, args.shards)
    stats["seconds"] = round(time.perf_counter() - began, 1)
    (args.out / "_summary.json").write_text(json.dumps(stats, indent=1) + "\n")
    print(f"wrote {len(paths)} shards to {args.out}: {json.dumps(stats)}")


if __name__ == "__main__":
    main()
