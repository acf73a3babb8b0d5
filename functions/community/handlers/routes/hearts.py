"""Hearts on products and the community's trending ranking."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.common.api import SIGNED_IN, principal
from functions.community.handlers.dependencies import heart_service
from functions.community.handlers.routes.shared import TAGS, identifier
from functions.community.logic.hearts import HeartService
from functions.community.models.api import HeartView, TrendingList

router = Router()
Service = Annotated[HeartService, Depends(heart_service)]


@router.get(
    "/products/<product_id>/heart",
    summary="Whether the caller hearts a product, and its hearts",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_heart(product_id: str, service: Service) -> HeartView:
    return service.status(principal(router), identifier(product_id, "product"))


@router.put(
    "/products/<product_id>/heart",
    summary="Heart a product (idempotent: one heart per member)",
    tags=TAGS,
    security=SIGNED_IN,
)
def heart(product_id: str, service: Service) -> HeartView:
    return service.heart(principal(router), identifier(product_id, "product"))


@router.delete(
    "/products/<product_id>/heart",
    summary="Take back a heart (idempotent)",
    tags=TAGS,
    security=SIGNED_IN,
)
def unheart(product_id: str, service: Service) -> HeartView:
    return service.unheart(principal(router), identifier(product_id, "product"))


@router.get(
    "/community/trending",
    summary="Products the community hearts most lately (recent hearts count more, new accounts less)",
    tags=TAGS,
)
def trending(
    service: Service,
    window: Annotated[Literal["24h", "7d"], Query()] = "24h",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> TrendingList:
    return service.trending(window, limit)
