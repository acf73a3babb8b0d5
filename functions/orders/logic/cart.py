"""Carts: one per shopper, lines checked against stock, the per-order maximum and the current price."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from functions.common.errors import Conflict, ErrorDetail, NotFound, UnprocessableEntity
from functions.common.values import DEFAULT_CURRENCY
from functions.orders.logic.domain import (
    MAX_CART_LINES,
    MAX_LINES_PER_VENDOR,
    MAX_QUANTITY_PER_LINE,
    MAX_VENDORS_PER_ORDER,
    Cart,
    CartLine,
    InventoryOffer,
    VendorTerms,
    shipping_cost,
)
from functions.orders.logic.ports import CartRepository, Clock, InventoryRepository
from functions.orders.models.api import CartLineView, CartVendorGroup, CartView

DEFAULT_COUNTRY = "NL"
_SAVE_ATTEMPTS = 5


class CartService:
    def __init__(self, *, carts: CartRepository, inventory: InventoryRepository, clock: Clock) -> None:
        self._carts = carts
        self._inventory = inventory
        self._clock = clock

    def view(self, user_id: str, country: str = DEFAULT_COUNTRY) -> CartView:
        return self.render(self._carts.get_cart(user_id), country)

    def put_item(
        self,
        user_id: str,
        offer_id: str,
        quantity: int,
        *,
        expected_unit_price: int | None = None,
        currency: str | None = None,
        country: str = DEFAULT_COUNTRY,
    ) -> CartView:
        offer = self._inventory.get_offers([offer_id]).get(offer_id)
        if offer is None:
            raise NotFound(f"offer {offer_id} does not exist", code="offer_not_found")
        if not offer.sellable:
            raise Conflict(f"offer {offer_id} is no longer sold", code="offer_unavailable")
        check_quantity(quantity)
        if currency is not None and currency != offer.currency:
            raise UnprocessableEntity(
                f"offer {offer_id} is sold in {offer.currency}, not {currency}", code="currency_mismatch"
            )
        price = offer.unit_price(self._clock.now())
        if expected_unit_price is not None and expected_unit_price != price:
            raise Conflict(
                f"the price of {offer_id} is {price}, not {expected_unit_price}",
                code="price_changed",
                details=[ErrorDetail(field="expected_unit_price", code="price_changed", message=str(price))],
            )
        if quantity > offer.available:
            raise Conflict(
                f"only {max(offer.available, 0)} units of {offer_id} are available",
                code="insufficient_stock",
                details=[ErrorDetail(field="quantity", code="available", message=str(max(offer.available, 0)))],
            )
        line = CartLine(
            offer_id=offer_id,
            vendor_id=offer.vendor_id,
            quantity=quantity,
            seen_unit_price=price,
            currency=offer.currency,
            added_at=self._clock.now(),
        )

        def change(cart: Cart) -> Cart:
            if any(existing.currency != offer.currency for existing in cart.lines if existing.offer_id != offer_id):
                raise UnprocessableEntity("a cart holds offers of one currency", code="currency_mismatch")
            updated = cart.with_line(line)
            self._check_limits(updated, offer)
            return updated

        return self.render(self._update(user_id, change), country)

    def remove_item(self, user_id: str, offer_id: str, country: str = DEFAULT_COUNTRY) -> CartView:
        def change(cart: Cart) -> Cart:
            if cart.line(offer_id) is None:
                raise NotFound(f"offer {offer_id} is not in the cart", code="cart_item_not_found")
            return cart.without([offer_id])

        return self.render(self._update(user_id, change), country)

    def _update(self, user_id: str, change: Callable[[Cart], Cart]) -> Cart:
        for _ in range(_SAVE_ATTEMPTS):
            cart = self._carts.get_cart(user_id)
            try:
                return self._carts.save_cart(change(cart))
            except Conflict as exc:
                if exc.code != "conflict":
                    raise
        raise Conflict("the cart is being changed concurrently, retry", code="cart_busy")

    def _check_limits(self, cart: Cart, offer: InventoryOffer) -> None:
        if len(cart.lines) > MAX_CART_LINES:
            raise UnprocessableEntity(f"a cart holds at most {MAX_CART_LINES} offers", code="cart_full")
        per_vendor: dict[str, int] = defaultdict(int)
        for line in cart.lines:
            per_vendor[line.vendor_id] += 1
        if per_vendor[offer.vendor_id] > MAX_LINES_PER_VENDOR:
            raise UnprocessableEntity(
                f"at most {MAX_LINES_PER_VENDOR} offers of one vendor per order", code="too_many_lines_for_vendor"
            )
        if len(per_vendor) > MAX_VENDORS_PER_ORDER:
            raise UnprocessableEntity(f"at most {MAX_VENDORS_PER_ORDER} vendors per order", code="too_many_vendors")

    def render(self, cart: Cart, country: str = DEFAULT_COUNTRY) -> CartView:
        now = self._clock.now()
        offers = self._inventory.get_offers([line.offer_id for line in cart.lines])
        terms = self._inventory.get_terms({offer.vendor_id for offer in offers.values()})
        groups: dict[str, list[tuple[CartLineView, InventoryOffer | None]]] = defaultdict(list)
        problems: set[str] = set()
        for line in cart.lines:
            offer = offers.get(line.offer_id)
            view = line_view(line, offer, offer.unit_price(now) if offer else None)
            problems.update(view.problems)
            groups[offer.vendor_id if offer else "unknown"].append((view, offer))
        vendors = [
            self._group(vendor_id, entries, terms.get(vendor_id), country) for vendor_id, entries in groups.items()
        ]
        items_total = sum(group.subtotal for group in vendors)
        shipping = [group.shipping for group in vendors]
        shipping_total = None if any(cost is None for cost in shipping) else sum(c for c in shipping if c is not None)
        if shipping_total is None and vendors:
            problems.add("not_shippable")
        currency = cart.lines[0].currency if cart.lines else DEFAULT_CURRENCY
        return CartView(
            currency=currency,
            country=country,
            vendors=vendors,
            items_total=items_total,
            shipping_total=shipping_total,
            total=None if shipping_total is None else items_total + shipping_total,
            problems=sorted(problems),
            version=cart.version,
        )

    @staticmethod
    def _group(
        vendor_id: str,
        entries: list[tuple[CartLineView, InventoryOffer | None]],
        terms: VendorTerms | None,
        country: str,
    ) -> CartVendorGroup:
        subtotal = sum(view.line_total for view, _ in entries)
        offers = [offer for _, offer in entries if offer is not None]
        cost = shipping_cost(terms, country, subtotal, offers) if terms is not None and offers else None
        return CartVendorGroup(
            vendor_id=vendor_id,
            vendor_name=terms.name if terms else None,
            lines=[view for view, _ in entries],
            subtotal=subtotal,
            shipping=cost,
        )


def check_quantity(quantity: int) -> None:
    if quantity < 1:
        raise UnprocessableEntity("quantity must be at least 1", code="invalid_quantity")
    if quantity > MAX_QUANTITY_PER_LINE:
        raise UnprocessableEntity(
            f"at most {MAX_QUANTITY_PER_LINE} units of an offer per order", code="quantity_above_maximum"
        )


def line_view(line: CartLine, offer: InventoryOffer | None, price: int | None) -> CartLineView:
    problems: list[str] = []
    if offer is None or price is None:
        return CartLineView(
            offer_id=line.offer_id,
            quantity=line.quantity,
            unit_price=None,
            seen_unit_price=line.seen_unit_price,
            price_changed=False,
            line_total=0,
            available=0,
            problems=["offer_not_found"],
        )
    if not offer.sellable:
        problems.append("offer_unavailable")
    if price != line.seen_unit_price:
        problems.append("price_changed")
    if line.quantity > offer.available:
        problems.append("insufficient_stock")
    return CartLineView(
        offer_id=line.offer_id,
        product_id=offer.product_id,
        vendor_id=offer.vendor_id,
        sku=offer.sku,
        title=offer.title,
        image_link=offer.image_link,
        variant=offer.variant,
        quantity=line.quantity,
        unit_price=price,
        seen_unit_price=line.seen_unit_price,
        price_changed=price != line.seen_unit_price,
        line_total=price * line.quantity,
        available=max(offer.available, 0),
        problems=problems,
    )
