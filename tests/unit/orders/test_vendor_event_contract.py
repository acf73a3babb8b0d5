"""Consumer contract: events the vendor context produces validate against orders' own views of them."""

from __future__ import annotations

from datetime import UTC, datetime

from functions.orders.logic.sync import OfferSync
from functions.orders.models.consumed import OffersChangedView, VendorUpdatedView
from functions.vendor.models import events as vendor
from tests.unit.orders.fakes import InMemoryOrdersStore

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def snapshot(**extra: object) -> vendor.OfferSnapshot:
    fields: dict[str, object] = {
        "offer_id": "v1:sku-1",
        "vendor_id": "v1",
        "vendor_name": "Vendor One",
        "sku": "sku-1",
        "product_id": "p1",
        "title": "Wool scarf",
        "price": 2500,
        "sale_price": 1999,
        "sale_starts_at": NOW,
        "currency": "EUR",
        "quantity": 10,
        "shipping_cost": 395,
        "image_link": "https://example.com/scarf.jpg",
        "created_at": NOW,
        "updated_at": NOW,
        "revision": 3,
    }
    fields.update(extra)
    return vendor.OfferSnapshot.model_validate(fields)


def offers_changed() -> vendor.OffersChanged:
    return vendor.OffersChanged(
        vendor_id="v1",
        changes=[
            vendor.OfferChange(offer_id="v1:sku-1", product_id="p1", change="upserted", offer=snapshot()),
            vendor.OfferChange(offer_id="v1:sku-2", product_id="p2", change="withdrawn"),
        ],
    )


def vendor_updated() -> vendor.VendorUpdated:
    return vendor.VendorUpdated(
        vendor_id="v1",
        name="Vendor One",
        status="approved",
        commission_bps=1200,
        shipping_rules=[vendor.ShippingRule(zone="nl", countries=["NL"], cost=495, free_from=5000)],
        return_days=30,
    )


def wire(event: vendor.OffersChanged | vendor.VendorUpdated) -> dict[str, object]:
    """The detail as it travels through EventBridge (JSON)."""
    import json

    result: dict[str, object] = json.loads(event.model_dump_json())
    return result


def test_offers_changed_validates_against_the_orders_view() -> None:
    view = OffersChangedView.model_validate(wire(offers_changed()))
    change = view.changes[0]
    assert change.offer is not None
    assert (change.offer.quantity, change.offer.revision, change.offer.sale_price) == (10, 3, 1999)
    assert view.changes[1].offer is None


def test_vendor_updated_validates_against_the_orders_view() -> None:
    view = VendorUpdatedView.model_validate(wire(vendor_updated()))
    assert (view.commission_bps, view.return_days, view.shipping_rules[0].cost) == (1200, 30, 495)


def test_the_consumer_builds_the_projection_from_real_vendor_events() -> None:
    store = InMemoryOrdersStore()
    sync = OfferSync(store)
    sync.handle(vendor.SOURCE, vendor.OffersChanged.detail_type, wire(offers_changed()))
    sync.handle(vendor.SOURCE, vendor.VendorUpdated.detail_type, wire(vendor_updated()))

    item = store.offers["v1:sku-1"]
    assert (item.vendor_quantity, item.available, item.reserved, item.unit_price(NOW)) == (10, 10, 0, 1999)
    assert store.terms["v1"].commission_bps == 1200

    # a redelivered (or older) event changes nothing; a newer revision keeps the reservations
    store.offers["v1:sku-1"] = item.model_copy(update={"reserved": 4, "available": 6})
    sync.handle(vendor.SOURCE, "OffersChanged", wire(offers_changed()))
    assert store.offers["v1:sku-1"].available == 6
    newer = vendor.OffersChanged(
        vendor_id="v1",
        changes=[
            vendor.OfferChange(
                offer_id="v1:sku-1", product_id="p1", change="upserted", offer=snapshot(quantity=7, revision=4)
            )
        ],
    )
    sync.handle(vendor.SOURCE, "OffersChanged", wire(newer))
    assert (store.offers["v1:sku-1"].vendor_quantity, store.offers["v1:sku-1"].available) == (7, 3)


def test_a_family_offer_brings_its_variant_into_the_projection() -> None:
    # Given the vendor's upsert of a variant (item_group_id, attributes as the vendor keeps them)
    store = InMemoryOrdersStore()
    variant = snapshot(item_group_id="scarf", attributes={"size": "L", "color": "Rot", "shipping_weight": "200 g"})
    event = vendor.OffersChanged(
        vendor_id="v1",
        changes=[vendor.OfferChange(offer_id="v1:sku-1", product_id="p1", change="upserted", offer=variant)],
    )

    # When orders consumes it
    OfferSync(store).handle(vendor.SOURCE, "OffersChanged", wire(event))

    # Then the inventory item has the variant's options, colour first
    assert list(store.offers["v1:sku-1"].variant.items()) == [("color", "Rot"), ("size", "L")]


def test_the_subscription_matches_the_vendor_detail_types() -> None:
    from functions.orders.wiring import WIRING
    from functions.vendor.wiring import WIRING as VENDOR_WIRING

    (subscription,) = [sub for sub in WIRING.events if sub.sources == (vendor.SOURCE,)]
    assert subscription.sources == (vendor.SOURCE,)
    assert set(subscription.detail_types) <= set(VENDOR_WIRING.publishes)
    assert set(subscription.detail_types) == {vendor.OffersChanged.detail_type, vendor.VendorUpdated.detail_type}


def test_changes_apply_in_event_order_around_bulk_upserts() -> None:
    # Given one event: sku-1 upserted twice then withdrawn, sku-2 withdrawn then upserted again
    store = InMemoryOrdersStore()
    event = vendor.OffersChanged(
        vendor_id="v1",
        changes=[
            vendor.OfferChange(offer_id="v1:sku-1", product_id="p1", change="upserted", offer=snapshot(revision=3)),
            vendor.OfferChange(
                offer_id="v1:sku-1", product_id="p1", change="upserted", offer=snapshot(quantity=5, revision=4)
            ),
            vendor.OfferChange(offer_id="v1:sku-1", product_id="p1", change="withdrawn"),
            vendor.OfferChange(
                offer_id="v1:sku-2",
                product_id="p2",
                change="upserted",
                offer=snapshot(offer_id="v1:sku-2", sku="sku-2"),
            ),
            vendor.OfferChange(offer_id="v1:sku-2", product_id="p2", change="withdrawn"),
            vendor.OfferChange(
                offer_id="v1:sku-2",
                product_id="p2",
                change="upserted",
                offer=snapshot(offer_id="v1:sku-2", sku="sku-2", revision=5),
            ),
        ],
    )

    # When it is applied
    applied = OfferSync(store).offers_changed(OffersChangedView.model_validate(wire(event)))

    # Then sku-1 ends withdrawn (at its newest revision) and sku-2 sellable again, its withdrawal
    # superseded by the later upsert (three writes: sku-1's newest upsert and withdrawal, sku-2's newest)
    assert applied == 3
    assert (store.offers["v1:sku-1"].sellable, store.offers["v1:sku-1"].revision) == (False, 4)
    assert (store.offers["v1:sku-2"].sellable, store.offers["v1:sku-2"].revision) == (True, 5)

    # and so it stays when the event is delivered again
    OfferSync(store).offers_changed(OffersChangedView.model_validate(wire(event)))
    assert store.offers["v1:sku-2"].sellable


def test_an_offer_moved_to_another_product_stays_sellable_however_often_the_move_arrives() -> None:
    # Given an offer on p1, and the vendor's move of it to p2 (its GTIN was added): p1's withdrawal, then the upsert
    store = InMemoryOrdersStore()
    sync = OfferSync(store)
    sync.handle(vendor.SOURCE, "OffersChanged", wire(offers_changed()))
    move = vendor.OffersChanged(
        vendor_id="v1",
        changes=[
            vendor.OfferChange(offer_id="v1:sku-1", product_id="p1", change="withdrawn"),
            vendor.OfferChange(
                offer_id="v1:sku-1", product_id="p2", change="upserted", offer=snapshot(product_id="p2", revision=4)
            ),
        ],
    )
    newer = vendor.OffersChanged(
        vendor_id="v1",
        changes=[
            vendor.OfferChange(
                offer_id="v1:sku-1",
                product_id="p2",
                change="upserted",
                offer=snapshot(product_id="p2", quantity=8, revision=5),
            )
        ],
    )

    # When the move arrives, a newer change after it, and then the move again (redelivered)
    for event in (move, newer, move):
        sync.handle(vendor.SOURCE, "OffersChanged", wire(event))

    # Then the offer is sellable on its new product, at the newest revision
    item = store.offers["v1:sku-1"]
    assert (item.sellable, item.product_id, item.revision, item.vendor_quantity) == (True, "p2", 5, 8)
