"""GET /products (search with facets), /products/suggest and /products/{id}."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.catalog.handlers.dependencies import catalog_service
from functions.catalog.logic.catalog import CatalogService, ProductSearch
from functions.catalog.logic.search import Sort
from functions.catalog.models.api import ProductDetail, ProductList, SuggestResponse
from functions.common.errors import NotFound
from functions.common.values import MinorUnits, ShopLanguage, is_identifier

router = Router()
TAGS = ["catalog"]
Service = Annotated[CatalogService, Depends(catalog_service)]
Price = Annotated[MinorUnits | None, Query(description="Minor units, inclusive")]


@router.get("/products", summary="Search products with filters, facets and sorting", tags=TAGS)
def search_products(
    *,
    service: Service,
    q: Annotated[str, Query(max_length=200, description="Full text, typo tolerant")] = "",
    category: Annotated[str | None, Query(max_length=400, description="Category path, `A > B`")] = None,
    brand: Annotated[list[str] | None, Query(description="Repeat for several brands (any)")] = None,
    vendor: Annotated[list[str] | None, Query(description="Vendor ids; repeat for several (any)")] = None,
    price_min: Price = None,
    price_max: Price = None,
    in_stock: Annotated[bool | None, Query(description="true: only products someone has in stock")] = None,
    rating_min: Annotated[float | None, Query(ge=0, le=5)] = None,
    sort: Annotated[Sort, Query()] = Sort.RELEVANCE,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    lang: Annotated[ShopLanguage, Query(description="The language of the category labels")] = "en",
) -> ProductList:
    request = ProductSearch(
        q=q,
        category=category,
        brands=brand,
        vendors=vendor,
        price_min=price_min,
        price_max=price_max,
        in_stock=in_stock,
        rating_min=rating_min,
        sort=sort,
        limit=limit,
        cursor=cursor,
        language=lang,
    )
    return service.search(request)


@router.get("/products/suggest", summary="Autocomplete: matching brands and product titles", tags=TAGS)
def suggest_products(
    service: Service,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
) -> SuggestResponse:
    return service.suggest(q, limit)


@router.get("/products/<product_id>", summary="A product with every vendor's offer", tags=TAGS)
def get_product(
    product_id: str,
    service: Service,
    country: Annotated[str, Query(pattern=r"^[A-Z]{2}$", description="Shipping destination")] = "NL",
    lang: Annotated[ShopLanguage, Query(description="The language of the category labels")] = "en",
) -> ProductDetail:
    if not is_identifier(product_id):
        raise NotFound("no such product", code="product_not_found")
    return service.product(product_id, country, lang)
