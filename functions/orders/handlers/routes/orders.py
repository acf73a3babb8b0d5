"""A shopper's orders: list, read (status history, tracking), cancel, request returns."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.values import Identifier
from functions.orders.handlers.dependencies import lifecycle_service
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.models.api import CancelInput, OrderSummary, OrderView, ReturnInput, ReturnView

router = Router()
TAGS = ["orders"]
Service = Annotated[LifecycleService, Depends(lifecycle_service)]


@router.get("/orders", summary="The shopper's orders, newest first", tags=TAGS, security=SIGNED_IN)
def list_orders(
    service: Service,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query()] = None,
) -> Page[OrderSummary]:
    return service.list_orders(principal(router), limit, cursor)


@router.get(
    "/orders/<order_id>", summary="One order with sub-orders, history and tracking", tags=TAGS, security=SIGNED_IN
)
def get_order(order_id: Identifier, service: Service) -> OrderView:
    return service.get_order(principal(router), order_id)


@router.post(
    "/orders/<order_id>/cancel",
    summary="Cancel the parts of an order that have not shipped (stock released, refunded)",
    tags=TAGS,
    security=SIGNED_IN,
)
def cancel_order(
    order_id: Identifier, service: Service, request: Annotated[CancelInput | None, Body()] = None
) -> OrderView:
    reason = request.reason if request else None
    return service.cancel(principal(router), order_id, reason)


@router.post(
    "/orders/<order_id>/returns",
    summary="Request the return of units of a delivered line, with a reason",
    tags=TAGS,
    security=SIGNED_IN,
)
def request_return(order_id: Identifier, request: Annotated[ReturnInput, Body()], service: Service) -> ReturnView:
    return service.request_return(principal(router), order_id, request.offer_id, request.quantity, request.reason)
