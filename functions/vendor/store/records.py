"""Key schema, indexes and items of the vendor table; the CDK app derives the table definition from it.

Single-table design on pk/sk, gsi1 for per-vendor listings, gsi2 and gsi3 for a vendor's offers by
price and by stock (`<price or quantity, zero-padded>#<sku>`, so the offers page sorts and pages
on the index's key):

| item    | pk                | sk        | gsi1pk              | gsi1sk |
| ------- | ----------------- | --------- | ------------------- | ------ |
| vendor  | VENDOR#<id>       | PROFILE   | VENDORS#<status>    | <created_at> |
| owner   | OWNER#<user_id>   | VENDOR    |                     |        |
| stats   | VENDOR#<id>       | STATS     |                     |        |
| feed    | VENDOR#<id>       | FEED#<feed_id> |                |        |
| mapping | VENDOR#<id>       | MAPPING   |                     |        |
| source  | VENDOR#<id>       | SOURCE    | FEEDSOURCES         | <next_pull_at> |
| offer   | OFFER#<offer_id>  | OFFER     | VOFFERS#<vendor_id> | <sku> (gsi2, gsi3: see above) |
| marker  | EVENT#<event_id>  | SALES     |                     |        |

Offers have their own partition (offer ids are hashes), so a 100k-row import spreads its writes;
the vendor's listing goes through gsi1. Each item keeps its domain model as JSON in `data` and
copies the few attributes that conditions and counters need.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from functions.common.dynamo import TableRecord, global_index

PROFILE = "PROFILE"
MAPPING = "MAPPING"
SOURCE = "SOURCE"
SOURCES = "FEEDSOURCES"
STATS = "STATS"
OFFER = "OFFER"


class VendorRecord(TableRecord):
    """Base of every item in the vendor table (single-table design on pk/sk)."""

    class Meta(TableRecord.Meta):
        table_name = "unbound"

    by_gsi1 = global_index("gsi1")
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    by_price = global_index("gsi2")
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    by_stock = global_index("gsi3")


def vendor_pk(vendor_id: str) -> str:
    return f"VENDOR#{vendor_id}"


def vendor_status_gsi(status: str) -> str:
    return f"VENDORS#{status}"


def owner_pk(user_id: str) -> str:
    return f"OWNER#{user_id}"


def offer_pk(offer_id: str) -> str:
    return f"OFFER#{offer_id}"


def offers_gsi(vendor_id: str) -> str:
    return f"VOFFERS#{vendor_id}"


def feed_sk(feed_id: str) -> str:
    return f"FEED#{feed_id}"


class VendorItem(VendorRecord):
    data = UnicodeAttribute()
    revision = NumberAttribute()


class MappingItem(VendorRecord):
    data = UnicodeAttribute()


class SourceItem(VendorRecord):
    data = UnicodeAttribute()


class OwnerItem(VendorRecord):
    vendor_id = UnicodeAttribute()


class StatsItem(VendorRecord):
    active_offers = NumberAttribute(default=0)
    out_of_stock = NumberAttribute(default=0)
    orders = NumberAttribute(default=0)
    items_sold = NumberAttribute(default=0)
    revenue = NumberAttribute(default=0)


class EventMarker(VendorRecord):
    """`EVENT#<event_id>/<purpose>`: a consumed event, so that a redelivery is not counted twice."""


class FeedItem(VendorRecord):
    data = UnicodeAttribute()
    status = UnicodeAttribute()
    heartbeat = UnicodeAttribute()


class OfferItem(VendorRecord):
    vendor_id = UnicodeAttribute()
    sku = UnicodeAttribute()
    status = UnicodeAttribute()
    revision = NumberAttribute()
    content_hash = UnicodeAttribute()
    data = UnicodeAttribute()


ITEM_MODELS: tuple[type[VendorRecord], ...] = (
    VendorRecord,
    VendorItem,
    MappingItem,
    SourceItem,
    OwnerItem,
    StatsItem,
    FeedItem,
    OfferItem,
    EventMarker,
)
