"""Consumer contracts: the events producers publish validate against the catalog's own views.

The catalog never imports another context; this test may, to catch a producer change that would
break the catalog's consumer (cns427's event contract tests). Views of producers that do not
exist yet (orders, community) get their contract test when those events land.
"""

from __future__ import annotations

from datetime import UTC, datetime

from functions.catalog.models.consumed import OffersChangedView, VendorUpdatedView
from functions.vendor.models.events import (
    OfferChange,
    OffersChanged,
    OfferSnapshot,
    ShippingRule,
    VendorUpdated,
)

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def snapshot(**overrides: object) -> OfferSnapshot:
    fields: dict[str, object] = {
        "offer_id": "v1:sku-1",
        "vendor_id": "v1",
        "vendor_name": "Fietsenmaker Jansen",
        "sku": "sku-1",
        "product_id": "gtin-8712345678906",
        "gtin": "8712345678906",
        "title": "Fietsbel chroom",
        "brand": "Crane",
        "category": ["Sport", "Fietsen", "Accessoires"],
        "price": 1295,
        "sale_price": 995,
        "sale_starts_at": NOW,
        "sale_ends_at": NOW,
        "quantity": 12,
        "attributes": {"color": "zilver"},
        "shipping_cost": 395,
        "created_at": NOW,
        "updated_at": NOW,
        "revision": 4,
    }
    fields.update(overrides)
    return OfferSnapshot.model_validate(fields)


def test_offers_changed_validates_against_the_catalog_view() -> None:
    event = OffersChanged(
        vendor_id="v1",
        changes=[
            OfferChange(offer_id="v1:sku-1", product_id="gtin-8712345678906", change="upserted", offer=snapshot()),
            OfferChange(offer_id="v1:sku-2", product_id="gtin-2", change="withdrawn"),
        ],
    )

    view = OffersChangedView.model_validate_json(event.model_dump_json())

    assert (view.source, view.detail_type) == (OffersChanged.source, OffersChanged.detail_type)
    assert view.event_id == event.event_id
    upsert, withdrawal = view.changes
    assert upsert.offer is not None
    assert (upsert.offer.price, upsert.offer.sale_price, upsert.offer.revision) == (1295, 995, 4)
    assert upsert.offer.category == ["Sport", "Fietsen", "Accessoires"]
    assert (withdrawal.change, withdrawal.offer) == ("withdrawn", None)


def test_minimal_offer_snapshot_validates() -> None:
    minimal = snapshot(gtin=None, brand=None, category=[], sale_price=None, sale_starts_at=None, sale_ends_at=None)
    event = OffersChanged(
        vendor_id="v1", changes=[OfferChange(offer_id="o", product_id="p", change="upserted", offer=minimal)]
    )

    view = OffersChangedView.model_validate_json(event.model_dump_json())

    assert view.changes[0].offer is not None
    assert view.changes[0].offer.brand is None


def test_vendor_updated_validates_against_the_catalog_view() -> None:
    event = VendorUpdated(
        vendor_id="v1",
        name="Fietsenmaker Jansen",
        status="approved",
        commission_bps=1200,
        shipping_rules=[ShippingRule(zone="NL", countries=["NL"], cost=495, free_from=5000)],
        return_days=30,
    )

    view = VendorUpdatedView.model_validate_json(event.model_dump_json())

    assert (view.source, view.detail_type) == (VendorUpdated.source, VendorUpdated.detail_type)
    assert view.shipping_rules[0].cost == 495
    assert view.return_days == 30
