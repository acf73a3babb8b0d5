"""A vendor's offers: create/replace, fast price and stock updates (single and batch), withdraw."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.common.api import SIGNED_IN, json_response, principal
from functions.common.pagination import Page
from functions.vendor.handlers.dependencies import offer_service
from functions.vendor.logic.domain import OfferListing, OfferSort
from functions.vendor.logic.offers import OfferService
from functions.vendor.models.api import (
    SKU_PATTERN,
    OfferBatchPatch,
    OfferBatchResponse,
    OfferIn,
    OfferPatch,
    VendorOffer,
)

router = Router()
TAGS = ["vendor"]
SkuPath = Annotated[str, Path(min_length=1, max_length=50, pattern=SKU_PATTERN)]
Service = Annotated[OfferService, Depends(offer_service)]


@router.get("/vendors/<vendor_id>/offers", summary="A vendor's offers, sorted", tags=TAGS, security=SIGNED_IN)
def list_offers(
    vendor_id: str,
    service: Service,
    *,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    listing: Annotated[
        OfferListing, Query(description="`live` (default), `out_of_stock` (live, nothing to sell) or `withdrawn`")
    ] = "live",
    sku: Annotated[str | None, Query(min_length=1, max_length=50, description="Only SKUs starting with this")] = None,
    sort: Annotated[
        OfferSort, Query(description="`sku` (default), `price_asc`, `price_desc` or `stock_asc`; ties by SKU")
    ] = "sku",
) -> Page[VendorOffer]:
    return service.list(principal(router), vendor_id, limit, cursor, listing=listing, sku_prefix=sku, sort=sort)


@router.patch(
    "/vendors/<vendor_id>/offers",
    summary="Batch price and stock update",
    description="Up to 100 SKUs, written in one transaction; each item reports updated/unchanged/not_found/invalid.",
    tags=TAGS,
    security=SIGNED_IN,
)
def batch_patch(vendor_id: str, body: Annotated[OfferBatchPatch, Body()], service: Service) -> OfferBatchResponse:
    return service.batch_patch(principal(router), vendor_id, body)


@router.get("/vendors/<vendor_id>/offers/<sku>", summary="One offer", tags=TAGS, security=SIGNED_IN)
def get_offer(vendor_id: str, sku: SkuPath, service: Service) -> VendorOffer:
    return service.get(principal(router), vendor_id, sku)


@router.put(
    "/vendors/<vendor_id>/offers/<sku>",
    summary="Create or replace an offer",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        200: {"description": "Replaced", "content": {"application/json": {"model": VendorOffer}}},
        201: {"description": "Created", "content": {"application/json": {"model": VendorOffer}}},
    },
)
def put_offer(vendor_id: str, sku: SkuPath, body: Annotated[OfferIn, Body()], service: Service) -> Response[Any]:
    offer, created = service.put(principal(router), vendor_id, sku, body)
    return json_response(HTTPStatus.CREATED if created else HTTPStatus.OK, offer.model_dump(mode="json"))


@router.patch("/vendors/<vendor_id>/offers/<sku>", summary="Fast price or stock update", tags=TAGS, security=SIGNED_IN)
def patch_offer(vendor_id: str, sku: SkuPath, body: Annotated[OfferPatch, Body()], service: Service) -> VendorOffer:
    return service.patch(principal(router), vendor_id, sku, body)


@router.delete(
    "/vendors/<vendor_id>/offers/<sku>",
    summary="Withdraw an offer",
    tags=TAGS,
    security=SIGNED_IN,
    responses={204: {"description": "Withdrawn"}},
)
def delete_offer(vendor_id: str, sku: SkuPath, service: Service) -> Response[None]:
    service.delete(principal(router), vendor_id, sku)
    return Response(status_code=HTTPStatus.NO_CONTENT, body=None)
