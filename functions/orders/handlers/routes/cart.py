"""Cart routes: one cart per signed-in shopper."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.values import Identifier
from functions.orders.handlers.dependencies import cart_service
from functions.orders.logic.cart import CartService
from functions.orders.models.api import CartItemInput, CartView

router = Router()
TAGS = ["orders"]
Service = Annotated[CartService, Depends(cart_service)]
Country = Annotated[str, Query(pattern=r"^[A-Z]{2}$", description="Destination for shipping costs")]


@router.get("/cart", summary="The shopper's cart, grouped by vendor with shipping", tags=TAGS, security=SIGNED_IN)
def get_cart(service: Service, country: Country = "NL") -> CartView:
    return service.view(principal(router).user_id, country)


@router.put(
    "/cart/items/<offer_id>",
    summary="Put an offer in the cart with a quantity (checked against stock, maximum and price)",
    tags=TAGS,
    security=SIGNED_IN,
)
def put_cart_item(
    offer_id: Identifier, item: Annotated[CartItemInput, Body()], service: Service, country: Country = "NL"
) -> CartView:
    return service.put_item(
        principal(router).user_id,
        offer_id,
        item.quantity,
        expected_unit_price=item.expected_unit_price,
        currency=item.currency,
        country=country,
    )


@router.delete("/cart/items/<offer_id>", summary="Remove an offer from the cart", tags=TAGS, security=SIGNED_IN)
def delete_cart_item(offer_id: Identifier, service: Service, country: Country = "NL") -> CartView:
    return service.remove_item(principal(router).user_id, offer_id, country)
