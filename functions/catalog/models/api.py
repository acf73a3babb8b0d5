"""Request and response models of the catalog API (pydantic; the OpenAPI document is generated from them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


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


class ProductHit(BaseModel):
    """A product in a result list: what the index stores next to the indexed fields."""

    product_id: str
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


class Suggestion(BaseModel):
    text: str
    kind: str = Field(description="product, brand or category")
    product_id: str | None = None


class ProductList(BaseModel):
    items: list[ProductHit]
    facets: Facets
    total: int = Field(description="Number of products matching the query and filters")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")


class ShippingOut(BaseModel):
    cost: int | None = Field(description="Minor units; none when the vendor ships nowhere to the country")
    free_from: int | None = None
    min_days: int | None = None
    max_days: int | None = None


class OfferOut(BaseModel):
    offer_id: str
    vendor_id: str
    vendor_name: str
    sku: str
    price: int = Field(description="Regular price, minor units")
    sale_price: int | None = Field(default=None, description="Present while a sale is active")
    current_price: int
    currency: str
    availability: str
    available: bool = Field(description="In stock with a quantity above zero")
    condition: str
    shipping: ShippingOut
    vendor_return_days: int | None = None
    link: str | None = None


class ProductDetail(BaseModel):
    product_id: str
    title: str
    brand: str | None = None
    description: str
    category: list[str]
    attributes: dict[str, str]
    gtin: str | None = None
    images: list[str]
    rating: float
    rating_count: int
    hearts: int
    offers: list[OfferOut] = Field(description="Best price (including shipping) first, then vendor name")


class SuggestResponse(BaseModel):
    suggestions: list[Suggestion]


class CategoryNode(BaseModel):
    name: str
    path: str = Field(description="Pass as `category` to GET /products")
    count: int
    children: list[CategoryNode] = Field(default_factory=list)


class CategoryTree(BaseModel):
    categories: list[CategoryNode]


class TrendingProduct(BaseModel):
    product: ProductHit
    score: float = Field(description="Weighted recent hearts and sales (0 when ranked by popularity)")


class TrendingList(BaseModel):
    window: str
    source: str = Field(description="`events` when ranked by recent hearts and sales, else `popularity`")
    items: list[TrendingProduct]
