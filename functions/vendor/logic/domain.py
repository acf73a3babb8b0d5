"""Domain models of the vendor context, shared by logic and stores (stores map them to items)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from functions.common.inputs import StrictInput
from functions.common.models import Record
from functions.common.values import Identifier, MinorUnits
from functions.vendor.models.events import FeedCounts, OfferSnapshot, ShippingRule

VendorStatus = Literal["pending", "approved", "suspended"]
OfferStatus = Literal["active", "withdrawn"]
FeedMode = Literal["upsert", "partial", "replace"]
FeedFormat = Literal["csv", "jsonl", "xml", "xlsx", "shopify", "woocommerce"]
FeedStatus = Literal["pending", "importing", "completed", "failed"]
DEFAULT_COMMISSION_BPS = 1200


class Contact(StrictInput):
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=40)
    website: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")


class Vendor(Record):
    model_config = ConfigDict(frozen=True)

    vendor_id: Identifier
    name: str
    owner_user_id: str
    owner_username: str | None = None
    status: VendorStatus = "pending"
    logo_url: str | None = None
    story: str = ""
    contact: Contact = Field(default_factory=Contact)
    commission_bps: int = DEFAULT_COMMISSION_BPS
    shipping_rules: list[ShippingRule] = Field(default_factory=list)
    free_shipping_from: MinorUnits | None = None
    return_days: int = 14
    return_policy: str = ""
    service_policy: str = ""
    created_at: datetime
    updated_at: datetime
    approved_at: datetime | None = None
    revision: int = 1


class Offer(Record):
    """An offer with its bookkeeping: whether it is live and the hash of its content."""

    model_config = ConfigDict(frozen=True)

    snapshot: OfferSnapshot
    status: OfferStatus = "active"
    content_hash: str

    @property
    def offer_id(self) -> str:
        return self.snapshot.offer_id


class FeedImport(Record):
    model_config = ConfigDict(frozen=True)

    feed_id: Identifier
    vendor_id: Identifier
    mode: FeedMode = "upsert"
    filename: str
    content_type: str
    object_key: str
    status: FeedStatus = "pending"
    format: FeedFormat | None = None
    encoding: str | None = None
    counts: FeedCounts = Field(default_factory=FeedCounts)
    bytes_total: int | None = None
    bytes_read: int = 0
    reason: str | None = None
    report_key: str | None = None
    report_lines: int = 0
    created_by: str
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    source_sequencer: str | None = None


class VendorStats(Record):
    """Dashboard counters: offers kept current from the table stream (logic/relay.py), sales from
    `OrderPlaced` (logic/sales.py). Also used as the deltas added to them."""

    active_offers: int = 0
    out_of_stock: int = 0
    orders: int = 0
    items_sold: int = 0
    revenue: MinorUnits = Field(default=0, description="Sum of line totals, minor units")


@dataclass(frozen=True)
class FeedObject:
    """An uploaded feed file, read as a stream of chunks."""

    size: int
    chunks: Iterator[bytes]
    content_type: str | None = None


@dataclass(frozen=True)
class StreamChange:
    """One table-stream record of an offer item: its image before and after (None when absent)."""

    old: Offer | None
    new: Offer | None


class PresignedPost(Record):
    url: str
    fields: dict[str, str]
