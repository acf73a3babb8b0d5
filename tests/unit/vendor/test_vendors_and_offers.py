"""Vendor accounts and offers on in-memory fakes."""

from __future__ import annotations

import pytest

from functions.common.auth import Principal, Role
from functions.common.errors import BadRequest, Conflict, Forbidden, NotFound, UnprocessableEntity
from functions.vendor.logic.ids import product_id
from functions.vendor.logic.offers import build_offer
from functions.vendor.models.api import (
    OfferBatchItem,
    OfferBatchPatch,
    OfferIn,
    OfferPatch,
    VendorApplication,
    VendorApproval,
    VendorDecline,
    VendorPatch,
)
from functions.vendor.models.events import ShippingRule, VendorApproved, VendorDeclined, VendorUpdated
from tests.unit.vendor.conftest import ADMIN, World

SHOPPER = Principal(user_id="sub-carla", username="carla")


def offer(**changes: object) -> OfferIn:
    base: dict[str, object] = {"title": "Merino Schal", "price": 2490, "quantity": 5, "gtin": "4006381333931"}
    return OfferIn.model_validate({**base, **changes})


def test_apply_and_approve_binds_the_applicant(world: World) -> None:
    vendor = world.vendor_service.apply(SHOPPER, VendorApplication(name="Carla's Keramik"))
    assert vendor.status == "pending"
    with pytest.raises(Conflict):
        world.vendor_service.apply(SHOPPER, VendorApplication(name="Second try"))
    with pytest.raises(Forbidden):
        world.vendor_service.approve(SHOPPER, vendor.vendor_id, VendorApproval())

    approved = world.vendor_service.approve(ADMIN, vendor.vendor_id, VendorApproval(commission_bps=900))

    assert (approved.status, approved.commission_bps) == ("approved", 900)
    assert world.users.bound == {"carla": vendor.vendor_id}
    assert [type(e) for e in world.publisher.events] == [VendorApproved, VendorUpdated]
    with pytest.raises(Conflict):
        world.vendor_service.approve(ADMIN, vendor.vendor_id, VendorApproval())


def test_a_declined_applicant_sees_why_and_resubmits_by_changing_the_application(world: World) -> None:
    vendor = world.vendor_service.apply(SHOPPER, VendorApplication(name="Carla's Keramik"))
    with pytest.raises(NotFound):
        world.vendor_service.mine(Principal(user_id="sub-nobody", username="nobody"))
    with pytest.raises(Forbidden):
        world.vendor_service.decline(SHOPPER, vendor.vendor_id, VendorDecline(reason="Tell us what you make."))

    declined = world.vendor_service.decline(ADMIN, vendor.vendor_id, VendorDecline(reason="Tell us what you make."))

    assert (declined.status, declined.decline_reason) == ("declined", "Tell us what you make.")
    assert world.vendor_service.mine(SHOPPER) == declined
    [event] = world.publisher.of_type(VendorDeclined)
    assert (event.owner_user_id, event.reason) == ("sub-carla", "Tell us what you make.")
    assert world.users.bound == {}
    with pytest.raises(Conflict) as twice:
        world.vendor_service.decline(ADMIN, vendor.vendor_id, VendorDecline(reason="Still nothing."))
    assert twice.value.code == "not_pending"

    resubmitted = world.vendor_service.patch(SHOPPER, vendor.vendor_id, VendorPatch(story="Hand-thrown stoneware."))

    assert (resubmitted.status, resubmitted.decline_reason) == ("pending", None)
    approved = world.vendor_service.approve(ADMIN, vendor.vendor_id, VendorApproval())
    assert approved.status == "approved"
    with pytest.raises(Conflict):
        world.vendor_service.decline(ADMIN, vendor.vendor_id, VendorDecline(reason="Changed my mind."))


def test_the_admin_lists_applications_by_status_oldest_first_in_pages(world: World) -> None:
    names = [f"Atelier {n}" for n in range(5)]
    applied = [
        world.vendor_service.apply(Principal(user_id=f"sub-{n}", username=f"maker{n}"), VendorApplication(name=name))
        for n, name in enumerate(names)
    ]
    world.vendor_service.approve(ADMIN, applied[1].vendor_id, VendorApproval())
    with pytest.raises(Forbidden):
        world.vendor_service.applications(SHOPPER, "pending", None, None)

    first = world.vendor_service.applications(ADMIN, "pending", 2, None)
    second = world.vendor_service.applications(ADMIN, "pending", 2, first.next_cursor)

    assert [v.name for v in first.items + second.items] == ["Atelier 0", "Atelier 2", "Atelier 3", "Atelier 4"]
    assert second.next_cursor is None
    assert first.items[0].owner_username == "maker0"
    assert [v.name for v in world.vendor_service.applications(ADMIN, "approved", None, None).items] == ["Atelier 1"]


def test_profile_patch_publishes_vendor_updated_and_guards_commission(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    rule = ShippingRule(zone="NL", countries=["NL"], cost=495, free_from=5000, min_days=1, max_days=2)

    updated = world.vendor_service.patch(owner, vendor_id, VendorPatch(story="Since 1987", shipping_rules=[rule]))

    assert updated.shipping_rules == [rule]
    assert updated.story == "Since 1987"
    assert world.publisher.of_type(VendorUpdated)[-1].shipping_rules == [rule]
    with pytest.raises(Forbidden):
        world.vendor_service.patch(owner, vendor_id, VendorPatch(commission_bps=0))
    _, stranger = world.approved_vendor("bert", "Noordzee")
    with pytest.raises(Forbidden):
        world.vendor_service.patch(stranger, vendor_id, VendorPatch(story="mine now"))


def test_the_vendor_lists_sold_out_and_withdrawn_offers_and_a_cursor_keeps_its_listing(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    for n, quantity in enumerate((0, 3, 0, 5)):
        world.offer_service.put(owner, vendor_id, f"S-{n}", offer(quantity=quantity))
    world.offer_service.delete(owner, vendor_id, "S-3")

    sold_out = world.offer_service.list(owner, vendor_id, 1, None, listing="out_of_stock")
    rest = world.offer_service.list(owner, vendor_id, 1, sold_out.next_cursor, listing="out_of_stock")

    assert [o.sku for o in sold_out.items + rest.items] == ["S-0", "S-2"]
    assert [o.sku for o in world.offer_service.list(owner, vendor_id, None, None, listing="withdrawn").items] == ["S-3"]
    assert world.offer_service.list(owner, vendor_id, None, None, listing="withdrawn").items[0].status == "withdrawn"
    with pytest.raises(BadRequest):
        world.offer_service.list(owner, vendor_id, 1, sold_out.next_cursor, listing="live")


def test_put_patch_delete_offer(world: World) -> None:
    vendor_id, owner = world.approved_vendor()

    _created, was_created = world.offer_service.put(owner, vendor_id, "S-1", offer())
    again, was_created_again = world.offer_service.put(owner, vendor_id, "S-1", offer())
    patched = world.offer_service.patch(owner, vendor_id, "S-1", OfferPatch(price=1990, quantity=0))

    assert (was_created, was_created_again) == (True, False)
    assert again.revision == 1  # unchanged content is not rewritten
    assert (patched.price, patched.quantity, patched.availability, patched.revision) == (1990, 0, "out_of_stock", 2)
    assert patched.gtin == "04006381333931"
    world.offer_service.delete(owner, vendor_id, "S-1")
    with pytest.raises(NotFound):
        world.offer_service.get(owner, vendor_id, "S-1")
    recreated, was_recreated = world.offer_service.put(owner, vendor_id, "S-1", offer())
    assert was_recreated
    assert recreated.revision == 4


def test_sale_price_must_be_below_price(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    with pytest.raises(UnprocessableEntity) as caught:
        world.offer_service.put(owner, vendor_id, "S-1", offer(sale_price=2490))
    assert caught.value.details[0].field == "sale_price"


def test_vendor_a_cannot_touch_vendor_b(world: World) -> None:
    vendor_a, owner_a = world.approved_vendor("anna")
    vendor_b, owner_b = world.approved_vendor("bert", "Noordzee")
    world.offer_service.put(owner_b, vendor_b, "B-1", offer())

    with pytest.raises(Forbidden):
        world.offer_service.put(owner_a, vendor_b, "B-1", offer(price=1))
    with pytest.raises(Forbidden):
        world.offer_service.patch(owner_a, vendor_b, "B-1", OfferPatch(price=1))
    with pytest.raises(Forbidden):
        world.offer_service.list(owner_a, vendor_b, 10, None)
    with pytest.raises(Forbidden):
        world.offer_service.delete(owner_a, vendor_b, "B-1")
    assert vendor_a != vendor_b


def test_batch_patch(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    for sku in ("A", "B", "C"):
        world.offer_service.put(owner, vendor_id, sku, offer())

    result = world.offer_service.batch_patch(
        owner,
        vendor_id,
        OfferBatchPatch(
            items=[
                OfferBatchItem(sku="A", price=1000),
                OfferBatchItem(sku="B", quantity=5),
                OfferBatchItem(sku="C", sale_price=9999),
                OfferBatchItem(sku="Z", quantity=1),
            ]
        ),
    )

    assert [(r.sku, r.result) for r in result.items] == [
        ("A", "updated"),
        ("B", "unchanged"),
        ("C", "invalid"),
        ("Z", "not_found"),
    ]
    listed = world.offer_service.list(owner, vendor_id, 10, None)
    assert [o.price for o in listed.items] == [1000, 2490, 2490]


def test_unapproved_vendor_cannot_sell(world: World) -> None:
    vendor = world.vendor_service.apply(SHOPPER, VendorApplication(name="Carla's Keramik"))
    carla = Principal(user_id="sub-carla", groups=frozenset({Role.VENDOR}), vendor_id=vendor.vendor_id)
    with pytest.raises(Conflict):
        world.offer_service.put(carla, vendor.vendor_id, "S", offer())


def test_storefront_and_dashboard(world: World) -> None:
    vendor_id, owner = world.approved_vendor()
    world.offer_service.put(owner, vendor_id, "A", offer())
    world.vendors.add_stats({vendor_id: world.vendors.stats(vendor_id).model_copy(update={"active_offers": 1})})

    front = world.vendor_service.storefront(vendor_id, 10, None)
    board = world.vendor_service.dashboard(owner, vendor_id)

    assert front.vendor.name == "Wolkenweber"
    assert [o.sku for o in front.offers] == ["A"]
    assert front.next_cursor is None
    assert (board.offers, board.out_of_stock, board.last_feed) == (1, 0, None)


def test_offer_gtin_must_have_a_valid_check_digit() -> None:
    import pydantic

    with pytest.raises(pydantic.ValidationError):
        offer(gtin="4006381333932")
    with pytest.raises(pydantic.ValidationError):
        offer(gtin="123456789")
    assert offer(gtin="4006381333931").gtin == "4006381333931"


def test_storefront_of_a_vendor_not_approved_shows_nothing(world: World) -> None:
    # Given an applicant with an offer in the store
    vendor = world.vendor_service.apply(SHOPPER, VendorApplication(name="Carla's Keramik"))
    built = build_offer(vendor.vendor_id, vendor.name, "S", offer().model_dump(), None, world.clock())
    assert built is not None
    world.offers.put(built, None)
    assert world.offers.list_by_vendor(vendor.vendor_id, 10, None)[0]

    # Then neither the applicant nor an unknown vendor has a storefront
    with pytest.raises(NotFound):
        world.vendor_service.storefront(vendor.vendor_id, 10, None)
    with pytest.raises(NotFound):
        world.vendor_service.storefront("vd_unknown", 10, None)


def test_an_offer_rebuilt_from_its_own_content_is_unchanged_however_its_defaults_were_given() -> None:
    from datetime import UTC, datetime

    from functions.vendor.logic.offers import CONTENT_FIELDS

    now = datetime(2026, 11, 1, tzinfo=UTC)
    # Given an offer made from sparse content (currency, image list and the rest left to their defaults)
    sparse = {"title": "Merino Schal", "price": 2490, "quantity": 4, "category": ["Mode", "Schals"]}
    made = build_offer("vd_1", "Wolkenweber", "SCHAL-1", sparse, None, now)
    assert made is not None

    # When the same values come back in full (a partial import or a PATCH rebuilds them from the snapshot)
    full = made.snapshot.model_dump(include=set(CONTENT_FIELDS))
    again = build_offer("vd_1", "Wolkenweber", "SCHAL-1", full, made, now)

    # Then nothing changed: no new revision, no "updated" count
    assert again is None


def test_each_variant_of_a_family_without_gtin_is_its_own_product() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 1, tzinfo=UTC)
    # Given two sizes of one jumper, neither with a GTIN
    variant = {"title": "Trui", "price": 7995, "quantity": 3, "item_group_id": "trui"}
    medium = build_offer("vd_1", "Wolkenweber", "TRUI-M", {**variant, "attributes": {"size": "M"}}, None, now)
    large = build_offer("vd_1", "Wolkenweber", "TRUI-L", {**variant, "attributes": {"size": "L"}}, None, now)

    # Then each is a product of its own (the catalog groups them by item_group_id), not one shared product
    assert medium is not None
    assert large is not None
    assert medium.snapshot.item_group_id == large.snapshot.item_group_id == "trui"
    assert medium.snapshot.product_id != large.snapshot.product_id
    assert medium.snapshot.product_id == product_id("vd_1", "TRUI-M")


def test_a_variant_stored_on_its_familys_shared_product_moves_to_its_own_on_its_next_write() -> None:
    from datetime import UTC, datetime

    from functions.vendor.logic.domain import Offer
    from functions.vendor.logic.offers import CONTENT_FIELDS, content_hash

    now = datetime(2026, 11, 1, tzinfo=UTC)
    content = {"title": "Trui M", "price": 7995, "quantity": 3, "item_group_id": "trui"}
    built = build_offer("vd_1", "Wolkenweber", "TRUI-M", content, None, now)
    assert built is not None
    # Given the variant as it was stored when a family shared one product
    shared = built.snapshot.model_copy(update={"product_id": "pr_sharedbythefamily0"})
    stored = Offer(
        snapshot=shared, status="active", content_hash=content_hash(shared.model_dump(include=set(CONTENT_FIELDS)))
    )

    # When the same row is imported again
    again = build_offer("vd_1", "Wolkenweber", "TRUI-M", content, stored, now)

    # Then it is written onto its own product (the relay turns that into a move)
    assert again is not None
    assert again.snapshot.product_id == product_id("vd_1", "TRUI-M")
    assert again.snapshot.revision == stored.snapshot.revision + 1
