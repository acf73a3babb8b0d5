"""The search port: what the catalog asks of a search engine, independent of the engine, and the
hits, facets and suggestions it answers with (the API's response models embed them).

`SearchBackend` is implemented by the tantivy adapter (embedded default, tests), the
OpenSearch adapter (AWS, osmem-server in tests) and, in tests/unit/catalog/search_memory.py, an
in-memory brute-force adapter (unit tests and the reference the engines' facet counts are checked
against).
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import ConfigDict, Field, model_validator

from functions.catalog.logic.analysis import LEVELS, document_terms
from functions.catalog.logic.text import fold, tokens
from functions.common import taxonomy
from functions.common.models import View

CATEGORY_SEPARATOR = " > "
MAX_CATEGORY_DEPTH = 6
FACET_SIZE = 30
MAX_RESULT_WINDOW = 10_000
# Price facet buckets in minor units: [0, 10), [10, 25), ... [500, ∞) euros.
PRICE_EDGES: tuple[int, ...] = (1_000, 2_500, 5_000, 10_000, 25_000, 50_000)
RATING_STEPS: tuple[int, ...] = (4, 3, 2, 1)
TIE_BITS = 20
TIER_BITS = 4
TIERS = 1 << TIER_BITS
TIER_SCALE = 1 / 32
"""A product's tier (0..15, see `tier`) adds `tier * TIER_SCALE` < 0.5 to its relevance score:
less than the smallest step between two text scores (logic/analysis.py LEVELS)."""


class Sort(StrEnum):
    RELEVANCE = "relevance"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    POPULAR = "popular"
    RATING = "rating"
    NEWEST = "newest"


class FacetBucket(View):
    value: str
    label: str
    count: int


class RangeBucket(View):
    min: int | None = Field(default=None, description="Inclusive lower bound (minor units), none = open")
    max: int | None = Field(default=None, description="Exclusive upper bound (minor units), none = open")
    count: int


class RatingBucket(View):
    min: int = Field(description="Products rated at least this many stars")
    count: int


class Facets(View):
    category: list[FacetBucket] = Field(default_factory=list)
    brand: list[FacetBucket] = Field(default_factory=list)
    vendor: list[FacetBucket] = Field(default_factory=list)
    price: list[RangeBucket] = Field(default_factory=list)
    rating: list[RatingBucket] = Field(default_factory=list)


class ProductOption(View):
    """An attribute in which a family's variants differ (`color`: Black, Red)."""

    model_config = ConfigDict(frozen=True)

    name: str
    values: list[str]


class VariantSummary(View):
    """One product of a variant family, as a selector shows it."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    title: str
    options: dict[str, str] = Field(description="Its value of each of the family's options")
    price: int = Field(description="Lowest current price of its offers (in stock ones, if any)")
    in_stock: bool
    image_link: str | None = None


class ProductHit(View):
    """A product family in a result list (one product, or the variants of one vendor's
    `item_group_id`): what the index stores next to the indexed fields."""

    product_id: str = Field(description="The variant shown: the one the query names, else the family's representative")
    family_id: str = Field(description="The family's id; the product's own id when it has no variants")
    title: str
    brand: str | None = None
    category: list[str] = Field(default_factory=list)
    price: int
    currency: str = "EUR"
    in_stock: bool
    offer_count: int
    vendor_count: int
    rating: float
    rating_count: int
    popularity: float
    image_link: str | None = None
    created_at: datetime
    options: list[ProductOption] = Field(default_factory=list, description="Empty without variants")
    variants: list[VariantSummary] = Field(default_factory=list, description="Empty without variants")


class Suggestion(View):
    text: str
    kind: str = Field(description="product, brand or category")
    product_id: str | None = None


class VendorRef(View):
    model_config = ConfigDict(frozen=True)

    vendor_id: str
    name: str


class SearchDocument(View):
    """One product family as the search index sees it (a projection of the catalog read model),
    stored under `family_id`; `product_id` is its representative variant."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    family_id: str = Field(default="", description="Defaults to product_id (a product without variants)")
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
    reprice_at: datetime | None = Field(
        default=None, description="When a sale starts or ends and `price` must be computed again"
    )
    options: list[ProductOption] = Field(default_factory=list)
    variants: list[VariantSummary] = Field(default_factory=list)

    @model_validator(mode="after")
    def _own_family(self) -> SearchDocument:
        if not self.family_id:
            object.__setattr__(self, "family_id", self.product_id)
        return self


class SearchQuery(View):
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


class SearchResult(View):
    """Hits, total and facets of a query. Facets are disjunctive (what shoppers expect of
    multi-select filters): the brand facet counts products matching every filter except the brand
    filter, and likewise vendor, price and rating; so selecting a brand still shows the other
    brands' counts. The category facet lists the children of the selected category (a drill-down:
    the selected category's subtree holds every child, so ignoring the category filter changes
    none of these counts).
    """

    total: int
    hits: list[ProductHit]
    facets: Facets = Field(default_factory=Facets)


class SearchBackend(Protocol):
    """A product search engine, one document per family. Writes are idempotent (upsert by
    `family_id`, delete of unknown family ids)."""

    def upsert(self, documents: Sequence[SearchDocument]) -> None: ...

    def delete(self, family_ids: Sequence[str]) -> None: ...

    def batch(self) -> AbstractContextManager[None]:
        """Group writes: inside, upserts and deletes may become visible only when the block ends
        (one commit or refresh for many events); on leaving, everything written is visible."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """The page of hits, the exact total and (if asked) disjunctive facets, see SearchResult."""
        ...

    def suggest(self, text: str, limit: int) -> list[Suggestion]: ...

    def get(self, product_ids: Sequence[str]) -> list[ProductHit]:
        """The indexed families holding any of `product_ids`, once each, in the order of the
        first product each holds."""
        ...

    def category_counts(self) -> dict[str, int]:
        """Products per category path prefix (`"Home > Kitchen"` → count), over the whole index."""
        ...

    def due_for_reprice(self, until: datetime, limit: int) -> list[str]:
        """Up to `limit` family ids whose `reprice_at` is at or before `until`."""
        ...


# ---- helpers every adapter uses, so that they agree ------------------------------------------


def hit_of(doc: SearchDocument) -> ProductHit:
    return ProductHit(
        product_id=doc.product_id,
        family_id=doc.family_id,
        title=doc.title,
        brand=doc.brand,
        category=doc.category,
        price=doc.price,
        currency=doc.currency,
        in_stock=doc.in_stock,
        offer_count=doc.offer_count,
        vendor_count=len(doc.vendors),
        rating=doc.rating,
        rating_count=doc.rating_count,
        popularity=doc.popularity,
        image_link=doc.image_link,
        created_at=doc.created_at,
        options=doc.options,
        variants=doc.variants,
    )


def member_ids(found: SearchDocument | ProductHit) -> list[str]:
    """The products a family's document stands for (the `members` field: `get` finds them)."""
    return [variant.product_id for variant in found.variants] or [found.product_id]


def in_product_order(product_ids: Sequence[str], hits: Iterable[ProductHit]) -> list[ProductHit]:
    """`get`'s answer: the families holding `product_ids`, once each, ordered by the first product
    of `product_ids` each holds."""
    by_member: dict[str, ProductHit] = {}
    for hit in hits:
        for product_id in member_ids(hit):
            by_member.setdefault(product_id, hit)
    ordered: dict[str, ProductHit] = {}
    for product_id in product_ids:
        if (holding := by_member.get(product_id)) is not None:
            ordered.setdefault(holding.family_id, holding)
    return list(ordered.values())


def sort_keys(doc: SearchDocument) -> dict[str, int]:
    """Integer sort keys, unique per product (low bits: a stable tie breaker), shared by all engines.

    Equal prices, ratings or dates are ordered by the tie breaker, so offset pages never overlap.
    """
    tie = tie_breaker(doc.family_id)
    popularity = min(int(doc.popularity * 1000), (1 << 42) - 1)
    rating = (round(doc.rating * 100) << 20) | min(doc.rating_count, (1 << 20) - 1)
    return {
        "k_price": (min(doc.price, (1 << 40) - 1) << TIE_BITS) | tie,
        "k_popular": (popularity << TIE_BITS) | tie,
        "k_rating": (rating << TIE_BITS) | tie,
        "k_newest": (max(int(doc.created_at.timestamp()), 0) << TIE_BITS) | tie,
    }


SORT_FIELD: dict[Sort, tuple[str, bool]] = {
    Sort.PRICE_ASC: ("k_price", False),
    Sort.PRICE_DESC: ("k_price", True),
    Sort.POPULAR: ("k_popular", True),
    Sort.RATING: ("k_rating", True),
    Sort.NEWEST: ("k_newest", True),
}
"""Sort → (key field, descending). Relevance sorts by score (popular when there is no text)."""


def tier(in_stock: bool, popularity: float, rating: float) -> int:
    """The relevance tie breaker of a product, TIER_BITS bits: in stock (top bit), then
    popularity (two bits: below 1, 10, 100, or more), then rated four stars or better."""
    band = 0 if popularity < 1 else min(int(math.log10(popularity)) + 1, 3)
    return (int(in_stock) << 3) | (band << 1) | int(rating >= 4)


def indexed_term(level: str, tier_value: int | None, term: str) -> str:
    """A term of the `terms` field: `<level>:<term>` (`h:bike`), and again with the product's
    tier, `<level><tier>:<term>` (`h11:bike`): the first word of a ranked query adds the tier
    to the score through these (`term_clauses`), without a clause over every product."""
    return f"{level}:{term}" if tier_value is None else f"{level}{tier_value}:{term}"


@functools.lru_cache(maxsize=4096)
def term_clauses(term: str, tiered: bool) -> tuple[tuple[str, float], ...]:
    """How a query term matches the `terms` field: (indexed term, score) pairs, one constant
    score clause each (a product has each term at one level and one tier, so at most one clause
    matches). `tiered`: one clause per level and tier, scoring the level's weight plus the tier
    (the first part of a ranked query, which every hit matches); else one per level."""
    if tiered:
        return tuple(
            (indexed_term(level, value, term), weight + value * TIER_SCALE)
            for level, weight in LEVELS.items()
            for value in range(TIERS)
        )
    return tuple((indexed_term(level, None, term), weight) for level, weight in LEVELS.items())


def index_fields(doc: SearchDocument) -> dict[str, Any]:
    """The flat fields both engines index: `terms` (logic/analysis.py with the tier, matched and
    scored), `names` and `body` (the products' own words, folded by the engine's analyzer: the
    vocabulary of typo tolerance and suggestions), filters, facets and sort keys."""
    attribute_text = " ".join(doc.attributes.values())
    category_names = category_in_every_language(doc.category)
    category_text = " ".join(name for path in category_names for name in path)
    body = " ".join(part for part in (doc.description, attribute_text) if part)
    rank = tier(doc.in_stock, doc.popularity, doc.rating)
    fields: dict[str, Any] = {
        "family_id": doc.family_id,
        "members": member_ids(doc),
        "terms": [
            indexed_term(level, value, term)
            for level, term in document_terms(doc.title, doc.brand, category_names, body)
            for value in (None, rank)
        ],
        "body": " ".join(part for part in (body, category_text) if part),
        "names": " ".join(part for part in (doc.title, doc.brand or "", category_text, attribute_text) if part),
        "brand": doc.brand or "",
        "brand_key": fold(doc.brand) if doc.brand else "",
        "vendor_ids": [vendor.vendor_id for vendor in doc.vendors],
        "vendor_facet": [vendor_facet_value(vendor) for vendor in doc.vendors],
        "category_path": category_prefixes(doc.category),
        "price": doc.price,
        "rating": float(doc.rating),
        "in_stock": 1 if doc.in_stock else 0,
        **sort_keys(doc),
    }
    if doc.reprice_at is not None:
        fields["reprice_at"] = epoch_seconds(doc.reprice_at)
    for depth, prefix in enumerate(category_prefixes(doc.category)):
        fields[f"cat_d{depth}"] = prefix
    return fields


def category_in_every_language(path: Sequence[str]) -> list[list[str]]:
    """The path as each of the shop's languages names it (once when they agree): a Dutch shopper's
    `fietssloten` finds the bike locks a German vendor sells, whatever the title says."""
    names: list[list[str]] = []
    for language in taxonomy.LANGUAGES:
        shown = taxonomy.labels(path, language)
        if shown not in names:
            names.append(shown)
    return names


def epoch_seconds(moment: datetime) -> int:
    return int(moment.timestamp())


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


def tie_breaker(family_id: str) -> int:
    """A stable pseudo-random number below 2**TIE_BITS that orders equal sort keys."""
    digest = hashlib.blake2b(family_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - TIE_BITS)


def price_ranges() -> list[tuple[int | None, int | None]]:
    edges: list[int | None] = [None, *PRICE_EDGES, None]
    return list(itertools.pairwise(edges))


def price_band(price: int) -> int:
    """Index of the price_ranges() bucket holding `price`."""
    return bisect.bisect_right(PRICE_EDGES, price)


def category_children_depth(query: SearchQuery) -> int:
    return min(len(query.category), MAX_CATEGORY_DEPTH - 1)


def suggestions_from(
    brands: Sequence[tuple[str, int]], products: Sequence[tuple[str, str]], prefix: str, limit: int
) -> list[Suggestion]:
    """Brands whose name has a word starting with the typed prefix (most products first, at most
    3), then product titles in the engine's order, without duplicates, at most `limit`."""
    found: list[Suggestion] = []
    matching = [
        (brand, count) for brand, count in brands if any(word.startswith(prefix) for word in tokens(brand, 100))
    ]
    for brand, _ in sorted(matching, key=lambda pair: (-pair[1], pair[0]))[: min(3, limit)]:
        found.append(Suggestion(text=brand, kind="brand"))
    seen: set[str] = set()
    for product_id, title in products:
        if len(found) >= limit:
            break
        if title not in seen:
            seen.add(title)
            found.append(Suggestion(text=title, kind="product", product_id=product_id))
    return found


def facets_of(
    category: Iterable[tuple[str, int]],
    brand: Iterable[tuple[str, int]],
    vendor: Iterable[tuple[str, int]],
    prices: Sequence[int],
    at_least: Mapping[int, int],
) -> Facets:
    """Facets from an engine's raw counts, the same lists from every engine.

    `category`, `brand`, `vendor`: (indexed value, count) pairs (category paths, brand names,
    `vendor_facet_value` keys); each list keeps the FACET_SIZE most frequent, ties by value.
    `prices`: counts per price_ranges() bucket; `at_least`: products rated at least each of
    RATING_STEPS. Empty values and zero counts are left out. One validation of plain dicts (no
    model per bucket: this runs for every search).
    """

    def top(pairs: Iterable[tuple[str, str, int]]) -> list[dict[str, Any]]:
        kept = sorted((p for p in pairs if p[0] and p[2] > 0), key=lambda p: (-p[2], p[0]))[:FACET_SIZE]
        return [{"value": value, "label": label, "count": count} for value, label, count in kept]

    def vendors() -> Iterator[tuple[str, str, int]]:
        for key, count in vendor:
            vendor_id, _, name = key.partition("\x1f")
            yield vendor_id, name or vendor_id, count

    return Facets.model_validate(
        {
            "category": top((key, key.rsplit(CATEGORY_SEPARATOR, 1)[-1], count) for key, count in category),
            "brand": top((key, key, count) for key, count in brand),
            "vendor": top(vendors()),
            "price": [
                {"min": low, "max": high, "count": count}
                for (low, high), count in zip(price_ranges(), prices, strict=True)
                if count
            ],
            "rating": [{"min": step, "count": at_least[step]} for step in RATING_STEPS if at_least.get(step)],
        }
    )
