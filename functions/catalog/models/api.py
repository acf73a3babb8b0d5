"""Request and response models of the catalog API (pydantic; the OpenAPI document is generated from them)."""

from __future__ import annotations

from pydantic import Field

from functions.catalog.logic.search import Facets, ProductHit, ProductOption, Suggestion, VariantSummary
from functions.common.models import View


class ProductList(View):
    items: list[ProductHit]
    facets: Facets
    total: int = Field(description="Number of products matching the query and filters")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page")
    category_labels: list[str] = Field(
        default_factory=list, description="The filtered category path's names in the asked language"
    )


class ShippingOut(View):
    cost: int | None = Field(description="Minor units; none when the vendor ships nowhere to the country")
    free_from: int | None = None
    min_days: int | None = None
    max_days: int | None = None


class OfferOut(View):
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


class ProductDetail(View):
    product_id: str
    title: str
    brand: str | None = None
    description: str
    category: list[str]
    category_labels: list[str] = Field(description="The category path's names in the asked language")
    attributes: dict[str, str]
    gtin: str | None = None
    images: list[str]
    rating: float
    rating_count: int
    hearts: int
    offers: list[OfferOut] = Field(description="Best price (including shipping) first, then vendor name")
    family_id: str = Field(description="Its variant family; the product's own id without variants")
    options: list[ProductOption] = Field(
        default_factory=list, description="What its family's variants differ in; empty without variants"
    )
    variants: list[VariantSummary] = Field(
        default_factory=list, description="Its family's products (this one among them); empty without variants"
    )


class SuggestResponse(View):
    suggestions: list[Suggestion]


class CategoryNode(View):
    name: str
    label: str = Field(description="The name in the asked language")
    path: str = Field(description="Pass as `category` to GET /products")
    count: int
    children: list[CategoryNode] = Field(default_factory=list)


class CategoryTree(View):
    categories: list[CategoryNode]


class TrendingProduct(View):
    product: ProductHit
    score: float = Field(description="Weighted recent hearts and sales (0 when ranked by popularity)")


class TrendingList(View):
    window: str
    source: str = Field(description="`events` when ranked by recent hearts and sales, else `popularity`")
    items: list[TrendingProduct]
