"""Keeps the inventory projection and the vendor terms in step with the vendor context's events.

Idempotent by construction: an offer change applies only if its revision is newer than the stored one,
vendor terms only if the event is newer; redelivered or reordered events change nothing.

A withdrawal carries no revision, so one that a later upsert of the same offer in the same event
supersedes is skipped: the vendor's move of an offer to another product (a withdrawal for the old
product, then the upsert) and a withdrawal undone in the same batch would otherwise withdraw the
offer for good when the event is redelivered, or arrives after a newer one (the upsert is then
not newer than the stored revision and does not bring it back).
"""

from __future__ import annotations

from typing import Any

from functions.common.observability import logger
from functions.orders.logic.domain import InventoryOffer, OfferStatus, ShippingRule, VendorTerms, variant_options
from functions.orders.logic.ports import InventoryRepository
from functions.orders.models.consumed import (
    OFFERS_CHANGED,
    VENDOR_SOURCE,
    VENDOR_UPDATED,
    OfferChangeView,
    OffersChangedView,
    OfferView,
    VendorUpdatedView,
)


class OfferSync:
    def __init__(self, inventory: InventoryRepository):
        self._inventory = inventory

    def handle(self, source: str, detail_type: str, detail: dict[str, Any]) -> None:
        if source != VENDOR_SOURCE:
            logger().warning("ignoring event", extra={"source": source, "detail_type": detail_type})
        elif detail_type == OFFERS_CHANGED:
            self.offers_changed(OffersChangedView.model_validate(detail))
        elif detail_type == VENDOR_UPDATED:
            self.vendor_updated(VendorUpdatedView.model_validate(detail))
        else:
            logger().warning("ignoring event", extra={"source": source, "detail_type": detail_type})

    def offers_changed(self, event: OffersChangedView) -> int:
        """Apply the changes in event order; each run of upserts, and each run of withdrawals, goes
        to the store as one bulk write (an upsert applies only to an older revision, so within a
        run only the newest counts). Withdrawals superseded in the event are skipped (see above)."""
        applied = 0
        upserts: list[InventoryOffer] = []
        withdrawals: list[str] = []
        last_upsert = {
            change.offer_id: index for index, change in enumerate(event.changes) if _upsert(change) is not None
        }
        for index, change in enumerate(event.changes):
            if (offer := _upsert(change)) is not None:
                if withdrawals:
                    applied += self._inventory.withdraw_offers(withdrawals)
                    withdrawals = []
                upserts.append(projection(offer))
            elif last_upsert.get(change.offer_id, -1) < index:
                if upserts:
                    applied += self._inventory.upsert_offers(upserts)
                    upserts = []
                withdrawals.append(change.offer_id)
        if upserts:
            applied += self._inventory.upsert_offers(upserts)
        if withdrawals:
            applied += self._inventory.withdraw_offers(withdrawals)
        return applied

    def vendor_updated(self, event: VendorUpdatedView) -> bool:
        terms = VendorTerms(
            vendor_id=event.vendor_id,
            name=event.name,
            status=event.status,
            commission_bps=event.commission_bps,
            shipping_rules=[ShippingRule.model_validate(rule.model_dump()) for rule in event.shipping_rules],
            return_days=event.return_days,
            version=int(event.occurred_at.timestamp() * 1_000_000),
        )
        return self._inventory.put_terms(terms)


def _upsert(change: OfferChangeView) -> OfferView | None:
    """The offer an upsert carries; None for a withdrawal."""
    return change.offer if change.change == "upserted" else None


def projection(offer: OfferView) -> InventoryOffer:
    """The inventory item for an offer snapshot; `reserved` is kept by the store. Only an offer of a
    family (`item_group_id`) has a variant: a lone offer's colour or size tells no sibling apart."""
    return InventoryOffer(
        offer_id=offer.offer_id,
        vendor_id=offer.vendor_id,
        product_id=offer.product_id,
        sku=offer.sku,
        title=offer.title,
        image_link=offer.image_link,
        price=offer.price,
        sale_price=offer.sale_price,
        sale_starts_at=offer.sale_starts_at,
        sale_ends_at=offer.sale_ends_at,
        currency=offer.currency,
        status=OfferStatus.ACTIVE,
        availability=offer.availability,
        shipping_cost=offer.shipping_cost,
        revision=offer.revision,
        variant=variant_options(offer.attributes) if offer.item_group_id else {},
        vendor_quantity=offer.quantity,
        reserved=0,
        available=offer.quantity,
    )
