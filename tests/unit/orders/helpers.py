"""Builders shared by the orders tests (unit, contract, property and integration)."""

from __future__ import annotations

from typing import Any

from functions.common.auth import Principal, Role
from functions.orders.logic.domain import InventoryOffer, ShippingRule, VendorTerms
from functions.orders.logic.ports import InventoryRepository
from functions.orders.models.api import AddressInput, CheckoutInput


def offer(offer_id: str, vendor_id: str = "v1", quantity: int = 10, price: int = 1000, **extra: Any) -> InventoryOffer:
    return InventoryOffer(
        offer_id=offer_id,
        vendor_id=vendor_id,
        product_id=f"p-{offer_id}",
        sku=f"sku-{offer_id}",
        title=f"Offer {offer_id}",
        price=price,
        revision=extra.pop("revision", 1),
        vendor_quantity=quantity,
        reserved=0,
        available=quantity,
        **extra,
    )


def terms(vendor_id: str = "v1", commission_bps: int = 1500, return_days: int = 14, **extra: Any) -> VendorTerms:
    rules = extra.pop(
        "shipping_rules",
        [
            ShippingRule(zone="home", countries=["NL"], cost=495, free_from=5000),
            ShippingRule(zone="eu", countries=["BE", "DE"], cost=995),
        ],
    )
    return VendorTerms(
        vendor_id=vendor_id,
        name=f"Vendor {vendor_id}",
        commission_bps=commission_bps,
        shipping_rules=rules,
        return_days=return_days,
        version=extra.pop("version", 1),
        **extra,
    )


def stock(inventory: InventoryRepository, *offers: InventoryOffer) -> None:
    for item in offers:
        inventory.upsert_offer(item)
    for vendor_id in {item.vendor_id for item in offers}:
        inventory.put_terms(terms(vendor_id))


def checkout_input(card: str = "tok_visa", country: str = "NL", **extra: Any) -> CheckoutInput:
    return CheckoutInput(
        shipping_address=AddressInput(
            name="Sam Shopper", line1="Damrak 1", postal_code="1012 LG", city="Amsterdam", country=country
        ),
        payment_method=card,
        **extra,
    )


def shopper(user_id: str = "u1") -> Principal:
    return Principal(user_id=user_id, groups=frozenset({Role.SHOPPER}))


def vendor_user(vendor_id: str = "v1") -> Principal:
    return Principal(user_id=f"owner-{vendor_id}", groups=frozenset({Role.VENDOR}), vendor_id=vendor_id)
