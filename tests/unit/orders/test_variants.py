"""Variants of a family (offers of one vendor sharing an `item_group_id`): the projection keeps an
offer's option values, and the cart and order lines show them."""

from __future__ import annotations

import json

from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import Order
from functions.orders.logic.sync import projection
from functions.orders.models.api import OrderView
from functions.orders.models.consumed import OfferView
from tests.unit.orders.fakes import InMemoryOrdersStore
from tests.unit.orders.helpers import checkout_input, offer, stock

SNEAKER = {"color": "weiß", "size": "42"}


def offer_view(**extra: object) -> OfferView:
    fields: dict[str, object] = {
        "offer_id": "v1:sneaker-42",
        "vendor_id": "v1",
        "sku": "sneaker-42",
        "product_id": "p-sneaker-42",
        "title": "Sneaker weiß",
        "price": 8900,
        "currency": "EUR",
        "quantity": 4,
        "revision": 1,
    }
    fields.update(extra)
    return OfferView.model_validate(fields)


def test_the_projection_keeps_the_option_values_of_a_family_offer_in_display_order() -> None:
    # Given an offer of a family whose attributes come in another order, with one that is no option
    attributes = {"age_group": "adult", "size": "42", "shipping_weight": "900 g", "material": "Leder"}
    attributes |= {"gender": "unisex", "pattern": "uni", "color": "weiß"}

    # When it is projected
    item = projection(offer_view(item_group_id="sneaker", attributes=attributes))

    # Then its variant holds the options only, colour first and age group last
    assert list(item.variant.items()) == [
        ("color", "weiß"),
        ("size", "42"),
        ("material", "Leder"),
        ("pattern", "uni"),
        ("gender", "unisex"),
        ("age_group", "adult"),
    ]


def test_an_offer_without_a_family_has_no_variant() -> None:
    # its colour or size tells no sibling apart
    assert projection(offer_view(attributes=SNEAKER)).variant == {}
    assert projection(offer_view()).variant == {}


def test_the_cart_line_shows_the_variant(carts: CartService, store: InMemoryOrdersStore) -> None:
    stock(store, offer("a", variant=SNEAKER), offer("b"))
    carts.put_item("u1", "a", 1)
    view = carts.put_item("u1", "b", 1)

    lines = {line.offer_id: line for group in view.vendors for line in group.lines}
    assert lines["a"].variant == SNEAKER
    assert lines["b"].variant == {}


def test_the_order_line_keeps_the_variant_bought(
    carts: CartService, checkouts: CheckoutService, store: InMemoryOrdersStore
) -> None:
    # Given a cart with a sneaker in size 42 and an article without variants
    stock(store, offer("a", variant=SNEAKER), offer("b"))
    carts.put_item("u1", "a", 1)
    carts.put_item("u1", "b", 1)

    # When the shopper checks out, and the vendor later moves the offer out of its family
    order = checkouts.checkout("u1", "key-1", checkout_input()).order
    store.upsert_offer(offer("a", revision=2))

    # Then the order's lines keep what was bought, also in the API
    saved = store.get_order(order.order_id)
    assert saved is not None
    lines = {line.offer_id: line for sub in OrderView.of(saved).sub_orders for line in sub.lines}
    assert lines["a"].variant == SNEAKER
    assert lines["b"].variant == {}


def test_an_order_stored_before_variants_loads_with_empty_ones(
    carts: CartService, checkouts: CheckoutService, store: InMemoryOrdersStore
) -> None:
    # Given an order document whose lines have no `variant` (saved before lines had one)
    stock(store, offer("a"))
    carts.put_item("u1", "a", 1)
    stored = json.loads(checkouts.checkout("u1", "key-1", checkout_input()).order.model_dump_json())
    for sub in stored["sub_orders"]:
        for line in sub["lines"]:
            del line["variant"]

    # Then it loads, its lines with an empty variant
    order = Order.model_validate_json(json.dumps(stored))
    assert [line.variant for line in order.lines] == [{}]
