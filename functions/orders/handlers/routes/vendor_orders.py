"""A vendor's sub-orders: list, ship, mark delivered, decide returns."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.values import Identifier
from functions.orders.handlers.dependencies import lifecycle_service
from functions.orders.logic.domain import SubOrderStatus
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.models.api import PayoutStatement, ReturnDecisionInput, ReturnView, ShipInput, VendorOrderSummary

router = Router()
TAGS = ["orders"]
Month = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
Service = Annotated[LifecycleService, Depends(lifecycle_service)]


@router.get(
    "/vendors/<vendor_id>/orders", summary="The vendor's sub-orders, newest first", tags=TAGS, security=SIGNED_IN
)
def list_vendor_orders(
    vendor_id: Identifier,
    service: Service,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query()] = None,
    status: Annotated[
        SubOrderStatus | None, Query(description="Only sub-orders in this status; `paid`: to ship")
    ] = None,
) -> Page[VendorOrderSummary]:
    return service.list_vendor_orders(principal(router), vendor_id, limit, cursor, status)


@router.get(
    "/vendors/<vendor_id>/orders/<order_id>", summary="One of the vendor's sub-orders", tags=TAGS, security=SIGNED_IN
)
def get_vendor_order(vendor_id: Identifier, order_id: Identifier, service: Service) -> VendorOrderSummary:
    return service.get_vendor_order(principal(router), vendor_id, order_id)


@router.post(
    "/vendors/<vendor_id>/orders/<order_id>/ship",
    summary="Ship the vendor's sub-order with carrier and tracking number",
    tags=TAGS,
    security=SIGNED_IN,
)
def ship(
    vendor_id: Identifier, order_id: Identifier, request: Annotated[ShipInput, Body()], service: Service
) -> VendorOrderSummary:
    return service.ship(principal(router), vendor_id, order_id, request.carrier, request.tracking_number)


@router.post(
    "/vendors/<vendor_id>/orders/<order_id>/deliver",
    summary="Mark the vendor's shipped sub-order delivered (starts the return window)",
    tags=TAGS,
    security=SIGNED_IN,
)
def deliver(vendor_id: Identifier, order_id: Identifier, service: Service) -> VendorOrderSummary:
    return service.deliver(principal(router), vendor_id, order_id)


@router.post(
    "/vendors/<vendor_id>/returns/<return_id>/decision",
    summary="Accept (refund, optionally restock) or reject a return request",
    tags=TAGS,
    security=SIGNED_IN,
)
def decide_return(
    vendor_id: Identifier, return_id: Identifier, request: Annotated[ReturnDecisionInput, Body()], service: Service
) -> ReturnView:
    return service.decide_return(
        principal(router),
        vendor_id,
        return_id,
        accept=request.decision == "accept",
        restock=request.restock,
        note=request.note,
    )


@router.get(
    "/vendors/<vendor_id>/payouts/<month>",
    summary="What the vendor is owed for a month's orders",
    description="Orders placed in `month` (YYYY-MM, UTC): `payable` once their return window is over, `pending` "
    "while it is open. Commission applies to what the shopper kept; refunds come off the payout.",
    tags=TAGS,
    security=SIGNED_IN,
)
def payouts(vendor_id: Identifier, month: Month, service: Service) -> PayoutStatement:
    return service.payouts(principal(router), vendor_id, month)
