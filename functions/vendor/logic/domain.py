"""Domain models of the vendor context, shared by logic and stores (stores map them to items)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from functions.common import taxonomy
from functions.common.inputs import StrictInput
from functions.common.models import Record
from functions.common.values import Currency, Identifier, MinorUnits
from functions.vendor.models.events import FeedCounts, OfferSnapshot, ShippingRule

VendorStatus = Literal["pending", "approved", "declined", "suspended"]
OfferStatus = Literal["active", "withdrawn"]
OfferListing = Literal["live", "out_of_stock", "withdrawn"]
"""Which of a vendor's offers a listing shows: live (active) ones, the live ones out of stock, or withdrawn ones."""
OfferSort = Literal["sku", "price_asc", "price_desc", "stock_asc"]
"""The order of a vendor's offer listing: by SKU, by price (either way) or lowest stock first; ties by SKU."""
FeedMode = Literal["upsert", "partial", "replace"]
FeedFormat = Literal["csv", "jsonl", "xml", "xlsx", "shopify", "woocommerce"]
FeedStatus = Literal["pending", "importing", "completed", "failed"]
DEFAULT_COMMISSION_BPS = 1200
FEED_HISTORY = timedelta(days=60)
"""How long a vendor's imports (with their files and error reports) are kept and listed."""
FEEDS_PREFIX, REPORTS_PREFIX = "feeds/", "reports/"
"""Where uploaded feed files and their error reports are kept in the feeds bucket."""


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
    decline_reason: str | None = None
    """Why an admin declined the application; cleared when the applicant changes and resubmits it."""
    revision: int = 1


class Offer(Record):
    """An offer with its bookkeeping: whether it is live and the hash of its content."""

    model_config = ConfigDict(frozen=True)

    @property
    def out_of_stock(self) -> bool:
        return self.snapshot.quantity == 0 or self.snapshot.availability == "out_of_stock"

    def sort_key(self, sort: OfferSort) -> str:
        """The offer's place in a listing sorted by `sort`, as text that sorts the same way."""
        if sort in ("price_asc", "price_desc"):
            return f"{self.snapshot.price:012d}#{self.snapshot.sku}"
        if sort == "stock_asc":
            return f"{self.snapshot.quantity:09d}#{self.snapshot.sku}"
        return self.snapshot.sku

    def listed_as(self, listing: OfferListing) -> bool:
        if listing == "withdrawn":
            return self.status == "withdrawn"
        return self.status == "active" and (listing == "live" or self.out_of_stock)

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
    mapped: bool = False
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


MappingTarget = Literal[
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "additional_image_link",
    "price",
    "sale_price",
    "sale_price_effective_date",
    "availability",
    "brand",
    "gtin",
    "mpn",
    "condition",
    "google_product_category",
    "product_type",
    "item_group_id",
    "color",
    "size",
    "material",
    "gender",
    "age_group",
    "shipping",
    "shipping_weight",
    "quantity",
    "max_handling_time",
]
"""The Plein fields a spreadsheet column can be mapped onto (Google Merchant Center names)."""
REPEATABLE_TARGETS = frozenset({"additional_image_link", "shipping"})
MAX_MAPPED_COLUMNS = 100
MAX_CATEGORY_ENTRIES = 2000
SourceColumn = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CategoryPath = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=750)]


def _tree_category(text: str) -> str:
    found = taxonomy.find(text)
    if found is None:
        raise ValueError(
            f"'{text}' is not a category of the marketplace's tree (Google's product taxonomy): give its"
            " number, such as 602, or its path, such as 'Home & Garden > Decor > Vases'"
        )
    return taxonomy.SEPARATOR.join(found.path)


TreeCategory = Annotated[CategoryPath, AfterValidator(_tree_category)]


class FeedMapping(StrictInput):
    """How a vendor's own spreadsheet reads as a feed: which column holds which field, and how its
    values are written. Saved once per vendor; every later upload whose header has the mapped
    columns is read through it (logic/feeds/mapping.py)."""

    columns: dict[SourceColumn, MappingTarget] = Field(
        min_length=1,
        max_length=MAX_MAPPED_COLUMNS,
        description="Column name as written in the file → Plein field; columns not named are ignored",
    )
    decimal_comma: bool = Field(
        default=False, description="Amounts are written 1.234,50 (else 1,234.50); thousands separators are dropped"
    )
    currency: Currency | None = Field(
        default=None, description="Currency of amounts written without one (or with a symbol such as €)"
    )
    day_first: bool = Field(default=False, description="Dates are written day first: 31.12.2026 or 31/12/2026")
    weight_unit: Literal["kg", "g", "lb", "oz"] | None = Field(
        default=None, description="Unit of weights written as a bare number"
    )
    categories: dict[CategoryPath, TreeCategory] = Field(
        default_factory=dict,
        max_length=MAX_CATEGORY_ENTRIES,
        description="The file's category (product_type) → a category of the marketplace's tree (Google's"
        " product taxonomy): its number or its path in English, Dutch or German, such as"
        " 'Home & Garden > Decor > Vases'",
    )

    @model_validator(mode="after")
    def _one_column_per_field(self) -> Self:
        targets = list(self.columns.values())
        if "id" not in targets:
            raise ValueError("map a column to id: the SKU every row is known by")
        repeated = sorted({t for t in targets if targets.count(t) > 1 and t not in REPEATABLE_TARGETS})
        if repeated:
            raise ValueError(f"each field takes one column; more than one is mapped to {', '.join(repeated)}")
        sources = [name.casefold() for name in self.columns]
        if len(set(sources)) != len(sources):
            raise ValueError("a column is named twice (names are compared ignoring case)")
        return self


class SavedMapping(Record):
    vendor_id: Identifier
    mapping: FeedMapping
    updated_at: datetime
    updated_by: str


class PullResult(Record):
    """What the last scheduled pull of a feed URL did."""

    at: datetime
    feed_id: Identifier | None = Field(default=None, description="The import it started (its status tells the rest)")
    code: str | None = Field(default=None, description="Why nothing was fetched, machine-readable")
    reason: str | None = None


class FeedSource(Record):
    """A vendor's feed URL, fetched once a day (logic/feeds/pulls.py); each fetch is an import."""

    vendor_id: Identifier
    url: str
    mode: FeedMode = "upsert"
    filename: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    next_pull_at: datetime
    last_pull: PullResult | None = None


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
