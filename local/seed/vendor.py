"""Demo vendors and offers: three approved vendors and `ctx.products` products with their offers,
and two pending applications (demo users `maker` and `potter`) for the admin console to decide.

The products are local/seed/assortment.py's: dozens of product types across bikes, home,
kitchen, fashion and electronics, titled and described in Dutch, German or English.

The demo `vendor` user owns "Wolkenweber" (bound with `ctx.bind_vendor`). Products are shared by
GTIN, so about a third of them have offers from two or three vendors. Offers are written through
the vendor store's batch path (BatchWrite, several batches in flight); the table stream then
carries them to the relay, which publishes `OffersChanged` for catalog and orders. Deterministic:
the same ids, titles and prices for the same `products` count. Running it twice changes nothing.

Variant families: in every block of FAMILY_EVERY products, those from FAMILY_FROM on (as many as the
family has variants) are the colours and sizes of one article (assortment.FAMILIES: sneakers,
T-shirts, jeans, lamps, ...), each its own product with its own GTIN, SKU and offer. One vendor
sells the whole family under one `item_group_id`, titled in its language; in every other family a
second vendor sells the first colour's variants (the same GTINs) under its own `item_group_id`. Two
variants of most families are sold out. The products count and the offers stay about as many as
without families; products 0 to 9 are single articles.
"""

from __future__ import annotations

import hashlib
import random
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from functions.common import taxonomy
from functions.common.errors import Conflict
from functions.common.events import EventBridgePublisher
from functions.vendor.logic.domain import Contact, Offer, Vendor
from functions.vendor.logic.ids import gtin_check_digit, product_id
from functions.vendor.logic.offers import build_offer
from functions.vendor.logic.vendors import updated_event
from functions.vendor.models.events import ShippingRule, VendorApproved
from local.seed import SeedContext, assortment
from local.seed.users import create_user, demo_password

SEEDED_AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
CO_SOLD_AT = SEEDED_AT + timedelta(days=2)
"""When a second vendor listed variants of another's family: later, so the family (that of the
earliest offer with an `item_group_id`) is the first vendor's, which the second one's offers join."""
BATCH = 100


def _vendor_id(name: str) -> str:
    return "vd_" + hashlib.sha256(f"seed:{name}".encode()).hexdigest()[:16]


VENDORS = (
    {
        "name": "Wolkenweber",
        "owner": "vendor",
        "story": "Strick aus Merinowolle, seit 1987 in Kiel gestrickt.",
        "website": "https://wolkenweber.example",
        "rules": [ShippingRule(zone="DE", countries=["DE"], cost=495, free_from=5000, min_days=1, max_days=3)],
        "commission_bps": 1200,
    },
    {
        "name": "Noordzee Goederen",
        "owner": None,
        "story": "Nederlandse designklassiekers voor huis en keuken.",
        "website": "https://noordzee.example",
        "rules": [
            ShippingRule(zone="NL", countries=["NL", "BE"], cost=395, free_from=4000, min_days=1, max_days=2),
            ShippingRule(zone="EU", countries=["*"], cost=995, min_days=3, max_days=6),
        ],
        "commission_bps": 1000,
    },
    {
        "name": "Harbour & Pine",
        "owner": None,
        "story": "Outdoor gear and lighting, tested on the Scottish coast.",
        "website": "https://harbourpine.example",
        "rules": [ShippingRule(zone="EU", countries=["*"], cost=695, free_from=7500, min_days=2, max_days=5)],
        "commission_bps": 1500,
    },
)


def _gtin(i: int) -> str:
    body = f"871{i:09d}"
    return body + str(gtin_check_digit(body))


FAMILY_EVERY = 20
FAMILY_FROM = 10
VENDOR_LANGUAGES = (1, 0, 2)
"""The language of each vendor's titles (an index into assortment.LANGUAGES): de, nl, en."""
COLOUR_CODES = {
    "black": "BLK",
    "white": "WHT",
    "grey": "GRY",
    "blue": "BLU",
    "red": "RED",
    "green": "GRN",
    "navy": "NVY",
    "beige": "BGE",
}


def _family_vendor(block: int) -> int:
    """The vendor selling the family of the block: the three take turns."""
    return block % 3


def _co_seller(block: int) -> int | None:
    """The vendor also selling the first colour of the block's family, in every other family."""
    return (block + 1) % 3 if block % 2 == 0 else None


@cache
def _family(block: int) -> tuple[assortment.Variant, ...]:
    spec = assortment.FAMILIES[block % len(assortment.FAMILIES)]
    return assortment.family(block * FAMILY_EVERY + FAMILY_FROM, spec, VENDOR_LANGUAGES[_family_vendor(block)])


def variant(i: int) -> assortment.Variant | None:
    """Demo product i as a variant of its family, or None when it is a single article."""
    block, offset = divmod(i, FAMILY_EVERY)
    if offset < FAMILY_FROM:
        return None
    variants = _family(block)
    return variants[offset - FAMILY_FROM] if offset - FAMILY_FROM < len(variants) else None


def _prefix(vendor_name: str) -> str:
    return vendor_name[:3].upper()


def item_group_id(vendor_name: str, i: int) -> str | None:
    """The vendor's `item_group_id` of product i's family (the family's parent SKU); None for a single."""
    found = variant(i)
    return None if found is None else f"{_prefix(vendor_name)}-{found.first:06d}"


def _sku(vendor_name: str, i: int) -> str:
    found = variant(i)
    if found is None:
        return f"{_prefix(vendor_name)}-{i:06d}"
    size = f"-{found.size.replace('/', 'x')}" if found.size else ""
    return f"{item_group_id(vendor_name, i)}-{COLOUR_CODES[found.colour]}{size}"


def _variant_product(i: int, made: assortment.Variant) -> dict[str, object]:
    return {
        "title": made.title[:150],
        "description": made.description,
        "brand": made.brand,
        "gtin": _gtin(i),
        "mpn": f"{made.brand[:3].upper()}-{made.first:06d}-{COLOUR_CODES[made.colour]}",
        "category": taxonomy.canonical(made.category),
        "link": f"https://shop.example/p/{made.first}?variant={i}",
        "image_link": f"https://img.example/p/{made.first}-{made.colour}.jpg",  # one photo per colour
        "attributes": dict(made.attributes),
        "condition": "new",
        "base_price": made.price,
    }


def _product(i: int, rng: random.Random) -> dict[str, object]:
    """Single article i of the demo assortment (local/seed/assortment.py) as offer content."""
    made = assortment.product(i)
    return {
        "title": made.title[:150],
        "description": made.description,
        "brand": made.brand,
        "gtin": _gtin(i),
        "mpn": f"{made.brand[:3].upper()}-{i:06d}",
        "category": taxonomy.canonical(made.category),  # as the vendor API stores a path given in nl or de
        "link": f"https://shop.example/p/{i}",
        "image_link": f"https://img.example/p/{i}.jpg",
        "attributes": made.attributes,
        "condition": "new",
        "base_price": max(made.price // 100, 5) * 100 + rng.choice((0, 50, 90, 95)),
    }


def demo_product(i: int) -> tuple[str, list[str]]:
    """Demo product i's id and the ids of the vendors selling it (for the seeds of other contexts)."""
    return product_id("", "", _gtin(i)), [_vendor_id(str(VENDORS[index]["name"])) for index in _sellers(i)]


def _sellers(i: int) -> list[int]:
    """Which of the three vendors sell product i: everyone sells something, a third share products;
    a family's vendor sells all its variants, a second one perhaps those of the first colour."""
    member = variant(i)
    if member is not None:
        block = i // FAMILY_EVERY
        co_seller = _co_seller(block)
        sellers = [_family_vendor(block)]
        if co_seller is not None and member.colour == _family(block)[0].colour:
            sellers.append(co_seller)
        return sorted(sellers)
    sellers = [i % 3]
    if i % 3 == 0:
        sellers.append(1)
    if i % 9 == 0:
        sellers.append(2)
    return sorted(set(sellers))


def _variant_offers(i: int, member: assortment.Variant, vendors: list[Vendor], rng: random.Random) -> list[Offer]:
    """A family's vendor's offer of variant i at its price, and a co-seller's a euro less, listed
    later under its own `item_group_id`; one colour on sale in every fourth family; a sold-out
    variant is in stock at no one's."""
    product = _variant_product(i, member)
    price = int(product.pop("base_price"))  # type: ignore[call-overload]
    block = i // FAMILY_EVERY
    offers = []
    for index in _sellers(i):
        vendor = vendors[index]
        own = index == _family_vendor(block)
        content = {
            **product,
            "price": price if own else max(100, price - 100),
            "quantity": rng.randint(1, 60) if member.in_stock else 0,
            "handling_days": 1 + index,
            "item_group_id": item_group_id(vendor.name, i),
        }
        sale_price = price * 4 // 5 // 100 * 100 + 95
        if own and block % 4 == 1 and member.colour == _family(block)[-1].colour and sale_price < price:
            content["sale_price"] = sale_price
        listed_at = SEEDED_AT if own else CO_SOLD_AT
        offer = build_offer(vendor.vendor_id, vendor.name, _sku(vendor.name, i), content, None, listed_at)
        assert offer is not None
        offers.append(offer)
    return offers


def _offers_for(i: int, vendors: list[Vendor], rng: random.Random) -> list[Offer]:
    member = variant(i)
    if member is not None:
        return _variant_offers(i, member, vendors, rng)
    product = _product(i, rng)
    base_price = int(product.pop("base_price"))  # type: ignore[call-overload]
    offers = []
    for index in _sellers(i):
        vendor = vendors[index]
        price = max(100, base_price + rng.randint(-300, 300) + index * 50)
        quantity = 0 if rng.random() < 0.08 else rng.randint(1, 120)
        content = {**product, "price": price, "quantity": quantity, "handling_days": 1 + index}
        if rng.random() < 0.1:
            content["sale_price"] = int(price * 0.8)
        offer = build_offer(vendor.vendor_id, vendor.name, _sku(vendor.name, i), content, None, SEEDED_AT)
        assert offer is not None
        offers.append(offer)
    return offers


def seed(ctx: SeedContext) -> None:
    from functions.vendor.store import dynamo
    from functions.vendor.store.records import VendorRecord

    environment = ctx.environment("vendor")
    dynamo.bind(environment["TABLE_NAME"])
    # The seed runs in the runtime's process, whose environment has no AWS settings: give them to the models.
    meta: Any = VendorRecord.Meta
    meta.host = ctx.aws_endpoint
    meta.region = ctx.region
    meta.aws_access_key_id = environment.get("AWS_ACCESS_KEY_ID", "local")
    meta.aws_secret_access_key = environment.get("AWS_SECRET_ACCESS_KEY", "local")
    vendors_store, offers_store = dynamo.DynamoVendors(), dynamo.DynamoOffers()
    publisher = EventBridgePublisher(environment["EVENT_BUS_NAME"], ctx.client("events"))

    vendors = _approved_vendors(ctx, vendors_store, publisher)

    rng = random.Random(20261125)
    progress = ctx.progress("vendor offers", ctx.products)
    batches: list[tuple[int, list[Offer]]] = []
    current: list[Offer] = []
    products_in_batch = 0
    for i in range(ctx.products):
        current.extend(_offers_for(i, vendors, rng))
        products_in_batch += 1
        if len(current) >= BATCH:
            batches.append((products_in_batch, current))
            current, products_in_batch = [], 0
    if current:
        batches.append((products_in_batch, current))

    def write(batch: tuple[int, list[Offer]]) -> int:
        products, offers = batch
        existing = offers_store.get_many([offer.offer_id for offer in offers])
        offers_store.put_new([offer for offer in offers if offer.offer_id not in existing])
        return products

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="seed-offers") as pool:
        if batches:
            progress.advance(write(batches[0]))  # creates the connection once
        for written in pool.map(write, batches[1:]):
            progress.advance(written)
    offers = sum(len(offers) for _, offers in batches)
    ctx.log(f"vendor: {len(vendors)} vendors, {offers} offers for {ctx.products} products")
    _applications(ctx, vendors_store)
    demo = next((vendor for vendor in vendors if vendor.owner_username == "vendor"), None)
    if demo is not None:
        _stock_update(ctx, demo, publisher)


def _approved_vendors(ctx: SeedContext, vendors_store: Any, publisher: EventBridgePublisher) -> list[Vendor]:
    """The approved demo vendors, created (with their events) unless seeded before."""
    vendors: list[Vendor] = []
    events = []
    for spec in VENDORS:
        owner = ctx.users.get(str(spec["owner"])) if spec["owner"] else None
        vendor = Vendor(
            vendor_id=_vendor_id(str(spec["name"])),
            name=str(spec["name"]),
            owner_user_id=owner.sub if owner else f"seed-owner-{_vendor_id(str(spec['name']))}",
            owner_username=owner.username if owner else None,
            status="approved",
            story=str(spec["story"]),
            contact=Contact(website=str(spec["website"])),
            commission_bps=int(spec["commission_bps"]),  # type: ignore[call-overload]
            shipping_rules=list(spec["rules"]),  # type: ignore[call-overload]
            return_days=30,
            return_policy="Retour binnen 30 Tagen / days, kostenlos.",
            service_policy="Mo-Fr 9-17 Uhr, antwoord binnen 24 uur.",
            created_at=SEEDED_AT,
            updated_at=SEEDED_AT,
            approved_at=SEEDED_AT,
        )
        try:
            vendors_store.create(vendor)
            events += [
                VendorApproved(vendor_id=vendor.vendor_id, name=vendor.name, owner_user_id=vendor.owner_user_id),
                updated_event(vendor),
            ]
        except Conflict:
            pass  # seeded before
        vendors.append(vendor)
        if owner is not None:
            ctx.bind_vendor(owner.username, vendor.vendor_id)
    if events:
        publisher.publish(events)
    return vendors


APPLICATIONS = (
    (
        "maker",
        "Atelier Noord",
        "Handgedraaid aardewerk uit Groningen: mokken, kommen en vazen in kleine series.",
        "https://atelier-noord.example",
    ),
    (
        "potter",
        "Filzwerk Ost",
        "Filzpantoffeln und Taschen aus Merinowolle, von Hand gefilzt in Leipzig.",
        "https://filzwerk-ost.example",
    ),
)
"""Pending vendor applications: (applicant, shop name, story, website)."""


def _applications(ctx: SeedContext, vendors_store: Any) -> None:
    """Applicants with real accounts, so that approving one in the admin console binds them."""
    if ctx.user_pool_id is None:
        return
    for username, name, story, website in APPLICATIONS:
        user = ctx.users.get(username) or create_user(
            ctx.client("cognito-idp"), ctx.user_pool_id, username, password=demo_password(username), groups=("shopper",)
        )
        ctx.users[username] = user
        application = Vendor(
            vendor_id=_vendor_id(name),
            name=name,
            owner_user_id=user.sub,
            owner_username=username,
            story=story,
            contact=Contact(website=website, email=f"{username}@plein.local"),
            created_at=SEEDED_AT,
            updated_at=SEEDED_AT,
        )
        with suppress(Conflict):  # seeded before (and perhaps decided since)
            vendors_store.create(application)


RESTOCKED = 12
STOCK_UPDATE = "weekly-stock.csv"


def _stock_update(ctx: SeedContext, vendor: Vendor, publisher: EventBridgePublisher) -> None:
    """The demo vendor's first import, so that its import history shows one: a partial price and
    stock update of its first offers (two restocked) with two broken rows and their error report.
    Uploaded to the feeds bucket like any upload, and imported by the import function. Once."""
    from functions.common.auth import Principal, Role
    from functions.vendor.logic.feeds.importer import FeedService
    from functions.vendor.models.api import FeedRequest
    from functions.vendor.store.dynamo import DynamoFeeds, DynamoMappings, DynamoOffers, DynamoVendors
    from functions.vendor.store.s3 import S3FeedFiles

    feeds = DynamoFeeds()
    if feeds.latest(vendor.vendor_id) is not None:
        return
    offers, _ = DynamoOffers().list_by_vendor(vendor.vendor_id, 7, None)
    if len(offers) < 2:
        return
    s3 = ctx.client("s3")
    service = FeedService(
        vendors=DynamoVendors(),
        offers=DynamoOffers(),
        feeds=feeds,
        mappings=DynamoMappings(),
        files=S3FeedFiles(ctx.environment("vendor")["FEEDS_BUCKET"], s3),
        publisher=publisher,
        clock=lambda: datetime.now(UTC),
    )
    owner = ctx.users["vendor"]
    caller = Principal(
        user_id=owner.sub, username=owner.username, groups=frozenset({Role.VENDOR}), vendor_id=vendor.vendor_id
    )
    created = service.request_upload(caller, vendor.vendor_id, FeedRequest(filename=STOCK_UPDATE, mode="partial"))
    *kept, mistyped = (offer.snapshot for offer in offers)
    lines = ["id,price,quantity"]
    for number, snapshot in enumerate(kept):
        quantity = snapshot.quantity + (RESTOCKED if number < 2 else 0)
        lines.append(f"{snapshot.sku},{snapshot.price / 100:.2f} {snapshot.currency},{quantity}")
    # two rows a vendor gets wrong: a SKU it does not sell here, and a letter O typed for a zero
    lines += [f"{kept[0].sku[:4]}999999,9.95 EUR,4", f"{mistyped.sku},12.5O EUR,{mistyped.quantity}"]
    s3.put_object(
        Bucket=ctx.environment("vendor")["FEEDS_BUCKET"],
        Key=created.upload.fields["key"],
        Body=("\n".join(lines) + "\n").encode(),
        ContentType="text/csv",
    )
    ctx.log(f"vendor: {STOCK_UPDATE} uploaded for the demo vendor's import history")
