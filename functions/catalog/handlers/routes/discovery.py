"""GET /categories (tree with counts) and GET /trending."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.catalog.handlers.dependencies import catalog_service
from functions.catalog.logic.catalog import CatalogService, Window
from functions.catalog.models.api import CategoryTree, TrendingList
from functions.common.values import ShopLanguage

router = Router()
TAGS = ["catalog"]
Service = Annotated[CatalogService, Depends(catalog_service)]


@router.get("/categories", summary="Category tree with product counts", tags=TAGS)
def categories(
    service: Service,
    lang: Annotated[ShopLanguage, Query(description="The language of the category labels")] = "en",
) -> CategoryTree:
    return service.categories(lang)


@router.get("/trending", summary="Products with the most hearts and sales lately", tags=TAGS)
def trending(
    service: Service,
    window: Annotated[Window, Query()] = "24h",
    category: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> TrendingList:
    return service.trending(window, category, limit)
