"""The search port: what the catalog asks of a search engine, independent of the engine.

`SearchBackend` is implemented by the tantivy adapter (embedded default, tests), the
OpenSearch adapter (AWS, osmem-server in tests) and an in-memory brute-force adapter (unit tests
and the reference the engines' facet counts are checked against).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

CATEGORY_SEPARATOR = " > "
MAX_CATEGORY_DEPTH = 6
FACET_SIZE = 30
MAX_RESULT_WINDOW = 10_000
# Price facet buckets in minor units: [0, 10), [10, 25), ... [500, ∞) euros.
PRICE_EDGES: tuple[int, ...] = (1_000, 2_500, 5_000, 10_000, 25_000, 50_000)
RATING_STEPS: tuple[int, ...] = (4, 3, 2, 1)
TIE_BITS = 20


class Sort(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    POPULAR = "popular"
    RATING = "rating"
    NEWEST = "newest"


class VendorRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    vendor_id: str
    name: str


class SearchDocument(BaseModel):
    """One product as the search index sees it (a projection of the catalog read model)."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    title: str
    brand: str | None = None
    description: str = ""
    attributes: dict[str, str] = Field(default_factory=dict)
    category: list[str] = Field(default_factory=list)
    vendors: list[VendorRef] = Field(default_factory=list)
    price: int = Field(ge=0, description="Lowest current price among in-stock offers (else among all)")
    currency: str = "EUR"
    in_stock: bool = False
    offer_count: int = 0
    rating: float = Field(default=0.0, ge=0, le=5)
    rating_count: int = 0
    popularity: float = Field(default=0.0, ge=0)
    image_link: str | None = None
    created_at: datetime


class SearchQuery(BaseModel):
    """A product search: full text, filters, sort and the offset window to return."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    category: list[str] = Field(default_factory=list, description="Category path, root first")
    brands: list[str] = Field(default_factory=list)
    vendors: list[str] = Field(default_factory=list)
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool | None = None
    rating_min: float | None = None
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    facets: bool = True


class FacetBucket(BaseModel):
    value: str
    label: str
    count: int


class RangeBucket(BaseModel):
    min: int | None = Field(default=None, description="Inclusive lower bound (minor units), none = open")
    max: int | None = Field(default=None, description="Exclusive upper bound (minor units), none = open")
    count: int


class RatingBucket(BaseModel):
    min: int = Field(description="Products rated at least this many stars")
    count: int


class Facets(BaseModel):
    category: list[FacetBucket] = Field(default_factory=list)
    brand: list[FacetBucket] = Field(default_factory=list)
    vendor: list[FacetBucket] = Field(default_factory=list)
    price: list[RangeBucket] = Field(default_factory=list)
    rating: list[RatingBucket] = Field(default_factory=list)


class SearchResult(BaseModel):
    total: int
    hits: list[SearchDocument]
    facets: Facets = Field(default_factory=Facets)


class Suggestion(BaseModel):
    text: str
    kind: str = Field(description="product, brand or category")
    product_id: str | None = None


class SearchBackend(Protocol):
    """A product search engine. Writes are idempotent (upsert by product_id, delete of unknown ids)."""

    def upsert(self, documents: Sequence[SearchDocument]) -> None: ...

    def delete(self, product_ids: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def suggest(self, text: str, limit: int) -> list[Suggestion]: ...

    def get(self, product_ids: Sequence[str]) -> list[SearchDocument]: ...

    def category_counts(self) -> dict[str, int]:
        """Products per category path prefix (`"Home > Kitchen"` → count), over the whole index."""
        ...


# ---- helpers every adapter uses, so that they agree ------------------------------------------


def category_key(path: Sequence[str]) -> str:
    return CATEGORY_SEPARATOR.join(path)


def category_prefixes(path: Sequence[str]) -> list[str]:
    """`["Home", "Kitchen"]` → `["Home", "Home > Kitchen"]` (at most MAX_CATEGORY_DEPTH)."""
    limited = list(path)[:MAX_CATEGORY_DEPTH]
    return [category_key(limited[: depth + 1]) for depth in range(len(limited))]


def parse_category(value: str) -> list[str]:
    return [part.strip() for part in value.split(CATEGORY_SEPARATOR.strip()) if part.strip()]


def vendor_facet_value(vendor: VendorRef) -> str:
    """Vendor facet key carrying the display name: `id\\x1fname`."""
    return f"{vendor.vendor_id}\x1f{vendor.name}"


def vendor_bucket(key: str, count: int) -> FacetBucket:
    vendor_id, _, name = key.partition("\x1f")
    return FacetBucket(value=vendor_id, label=name or vendor_id, count=count)


def tie_breaker(product_id: str) -> int:
    """A stable pseudo-random number below 2**TIE_BITS that orders equal sort keys."""
    digest = hashlib.blake2b(product_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - TIE_BITS)


def price_ranges() -> list[tuple[int | None, int | None]]:
    edges: list[int | None] = [None, *PRICE_EDGES, None]
    return list(zip(edges[:-1], edges[1:], strict=True))


def price_buckets(counts: Sequence[int]) -> list[RangeBucket]:
    return [
        RangeBucket(min=low, max=high, count=count)
        for (low, high), count in zip(price_ranges(), counts, strict=True)
        if count
    ]


def rating_buckets(at_least: dict[int, int]) -> list[RatingBucket]:
    return [RatingBucket(min=step, count=at_least[step]) for step in RATING_STEPS if at_least.get(step)]


def ordered_buckets(buckets: Sequence[FacetBucket], size: int = FACET_SIZE) -> list[FacetBucket]:
    """Most frequent first, ties by value, so every engine returns the same list."""
    return sorted((b for b in buckets if b.count > 0), key=lambda b: (-b.count, b.value))[:size]


def category_children_depth(query: SearchQuery) -> int:
    return min(len(query.category), MAX_CATEGORY_DEPTH - 1)
