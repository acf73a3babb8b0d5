"""Checkout: the cart becomes a paid order (Idempotency-Key required)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Header

from functions.common.api import IDEMPOTENCY_HEADER, SIGNED_IN, json_response, principal
from functions.orders.handlers.dependencies import checkout_service
from functions.orders.logic.checkout import CheckoutService
from functions.orders.models.api import CheckoutInput, OrderView

router = Router()
Service = Annotated[CheckoutService, Depends(checkout_service)]


@router.post(
    "/checkout",
    summary="Check out the cart: reserve stock, take payment, create the order (201; a repeat returns it with 200)",
    tags=["orders"],
    security=SIGNED_IN,
    responses={
        201: {"description": "Order created", "content": {"application/json": {"model": OrderView}}},
        200: {"description": "Repeated request: the same order", "content": {"application/json": {"model": OrderView}}},
    },
)
def checkout(
    request: Annotated[CheckoutInput, Body()],
    service: Service,
    idempotency_key: Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, description="Required")] = None,
) -> Response[Any]:
    key = idempotency_key or router.current_event.get_header_value(IDEMPOTENCY_HEADER, case_sensitive=False)
    result = service.checkout(principal(router).user_id, key, request)
    status = HTTPStatus.CREATED if result.created else HTTPStatus.OK
    return json_response(status, OrderView.of(result.order).model_dump(mode="json"))
