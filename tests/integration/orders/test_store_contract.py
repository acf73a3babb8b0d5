"""One contract suite, two implementations: the in-memory fake the unit tests use must behave like the
DynamoDB store on moto (conditions, versions, listings)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.common.errors import Conflict
from functions.orders.logic.domain import (
    Cart,
    CartLine,
    ChunkStatus,
    DeliveryAddress,
    Order,
    OrderStatus,
    ReservationChunk,
    StockMove,
    SubOrder,
    SubOrderStatus,
)
from functions.orders.logic.ports import IdempotencyRecord, IdempotencyState, OutOfStock, Payment, PaymentStatus
from tests.integration.orders.conftest import REGION, TABLE
from tests.unit.orders.helpers import offer, terms

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def make_order(
    order_id: str = "o1", status: OrderStatus = OrderStatus.PLACED, user_id: str = "u1", **extra: Any
) -> Order:
    sub = SubOrder(
        vendor_id="v1",
        vendor_name="V1",
        status=SubOrderStatus(status.value),
        lines=[],
        subtotal=0,
        shipping=0,
        total=0,
        commission_bps=0,
        commission=0,
        payout=0,
        return_days=14,
    )
    fields: dict[str, Any] = {
        "order_id": order_id,
        "user_id": user_id,
        "status": status,
        "currency": "EUR",
        "sub_orders": [sub],
        "items_total": 0,
        "shipping_total": 0,
        "total": 0,
        "shipping_address": DeliveryAddress(name="n", line1="l", postal_code="p", city="c", country="NL"),
        "payment_method": "tok_visa",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(extra)
    return Order(**fields)


def chunk(order_id: str, lines: list[tuple[str, int]], index: int = 0, expires: datetime = NOW) -> ReservationChunk:
    return ReservationChunk(order_id=order_id, index=index, lines=lines, expires_at=expires)


def counters(store: Any, offer_id: str) -> tuple[int, int, int]:
    item = store.get_offers([offer_id])[offer_id]
    return item.vendor_quantity, item.reserved, item.available


def test_offer_upserts_apply_only_newer_revisions_and_keep_reservations(any_store: Any) -> None:
    assert any_store.upsert_offer(offer("a", quantity=5, revision=2))
    any_store.reserve(chunk("o1", [("a", 2)]), make_order("o1"))
    assert not any_store.upsert_offer(offer("a", quantity=50, revision=2))
    assert not any_store.upsert_offer(offer("a", quantity=50, revision=1))
    assert any_store.upsert_offer(offer("a", quantity=7, price=1234, revision=3))
    assert counters(any_store, "a") == (7, 2, 5)
    assert any_store.get_offers(["a", "missing"])["a"].price == 1234
    assert any_store.withdraw_offers(["a"]) == 1
    assert any_store.withdraw_offers(["missing"]) == 0
    assert not any_store.get_offers(["a"])["a"].sellable


def test_bulk_withdrawals_skip_offers_that_are_not_stored(any_store: Any) -> None:
    # Given 150 stored offers (more than one transaction holds)
    stored = [f"o{n}" for n in range(150)]
    any_store.upsert_offers([offer(offer_id, quantity=1, revision=1) for offer_id in stored])

    # When they are withdrawn together with offers that were never stored, some named twice
    withdrawn = any_store.withdraw_offers(["x1", *stored, "o3", "x2"])

    # Then every stored one is withdrawn and counted once, and nothing else is written
    assert withdrawn == 150
    found = any_store.get_offers([*stored, "x1", "x2"])
    assert set(found) == set(stored)
    assert not any(offer.sellable for offer in found.values())


def test_bulk_upserts_match_single_upserts(any_store: Any) -> None:
    # Given "a" stored at revision 2 with 2 units reserved, and "b" stored at revision 5
    any_store.upsert_offer(offer("a", quantity=5, revision=2))
    any_store.reserve(chunk("o1", [("a", 2)]), make_order("o1"))
    any_store.upsert_offer(offer("b", quantity=3, revision=5))

    # When one bulk write carries a newer "a", an older "b", and "c" twice (new, two revisions)
    applied = any_store.upsert_offers(
        [
            offer("a", quantity=9, price=700, revision=3),
            offer("b", quantity=99, revision=4),
            offer("c", quantity=1, revision=2),
            offer("c", quantity=4, revision=3),
        ]
    )

    # Then "a" keeps its reservation, "b" is untouched and "c" is created at its newest revision
    assert applied == 2
    assert counters(any_store, "a") == (9, 2, 7)
    assert any_store.get_offers(["a"])["a"].price == 700
    assert counters(any_store, "b") == (3, 0, 3)
    assert counters(any_store, "c") == (4, 0, 4)
    assert any_store.get_offers(["c"])["c"].revision == 3
    assert any_store.upsert_offers([offer("a", quantity=1, revision=3)]) == 0


def test_bulk_upserts_span_several_write_requests(any_store: Any) -> None:
    offers = [offer(f"x{n}", quantity=n, revision=1) for n in range(230)]

    assert any_store.upsert_offers(offers) == 230

    stored = any_store.get_offers([f"x{n}" for n in range(230)])
    assert {offer_id: item.available for offer_id, item in stored.items()} == {f"x{n}": n for n in range(230)}


def test_an_offers_variant_round_trips_in_order_and_goes_with_a_newer_revision(any_store: Any) -> None:
    # Given an offer of a family stored by a single upsert, and one stored in bulk
    variant = {"color": "weiß", "size": "42", "material": "Leder"}
    any_store.upsert_offer(offer("a", revision=1, variant=variant))
    any_store.upsert_offers([offer("b", revision=1, variant={"size": "M"})])

    # Then both come back with their option values, in order
    stored = any_store.get_offers(["a", "b"])
    assert list(stored["a"].variant.items()) == list(variant.items())
    assert stored["b"].variant == {"size": "M"}

    # and a newer revision without a variant (the offer left its family) clears it, in both writes
    any_store.upsert_offer(offer("a", revision=2))
    any_store.upsert_offers([offer("b", revision=2)])
    assert [item.variant for item in any_store.get_offers(["a", "b"]).values()] == [{}, {}]


def test_an_inventory_item_stored_before_variants_loads_without_one(dynamo_store: Any) -> None:
    # Given an inventory item written before the projection kept variants (no `variant` attribute)
    dynamo_store.upsert_offer(offer("a", revision=1))
    client = boto3.client("dynamodb", region_name=REGION)
    key = {"pk": {"S": "OFFER#a"}, "sk": {"S": "INVENTORY"}}
    assert "variant" not in client.get_item(TableName=TABLE, Key=key)["Item"]

    # Then it loads with an empty variant, and a newer revision of it adds one
    assert dynamo_store.get_offers(["a"])["a"].variant == {}
    dynamo_store.upsert_offer(offer("a", revision=2, variant={"color": "rot"}))
    assert dynamo_store.get_offers(["a"])["a"].variant == {"color": "rot"}


def test_bulk_upsert_handles_an_offer_written_after_it_was_read(
    dynamo_store: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given "a" (revision 2, 1 unit reserved) and "b" (revision 4), both read as absent by the bulk
    # write, as if a concurrent writer created them between its read and its transaction
    dynamo_store.upsert_offer(offer("a", quantity=5, revision=2))
    dynamo_store.reserve(chunk("o1", [("a", 1)]), make_order("o1"))
    dynamo_store.upsert_offer(offer("b", quantity=5, revision=4))
    monkeypatch.setattr(dynamo_store, "get_offers", lambda offer_ids: {})

    # When "a" at revision 3, "b" at revision 3 and a new "c" are written in bulk
    applied = dynamo_store.upsert_offers(
        [offer("a", quantity=8, revision=3), offer("b", quantity=50, revision=3), offer("c", quantity=2)]
    )
    monkeypatch.undo()

    # Then the cancelled transaction is redone without them, and each goes through the single upsert
    assert applied == 2
    assert counters(dynamo_store, "a") == (8, 1, 7)
    assert counters(dynamo_store, "b") == (5, 0, 5)
    assert counters(dynamo_store, "c") == (2, 0, 2)


def test_reserve_is_all_or_nothing_and_names_the_short_offers(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=5))
    any_store.upsert_offer(offer("b", quantity=1))
    with pytest.raises(OutOfStock) as error:
        any_store.reserve(chunk("o1", [("a", 2), ("b", 2), ("nope", 1)]), make_order("o1"))
    assert sorted(error.value.offer_ids) == ["b", "nope"]
    assert counters(any_store, "a") == (5, 0, 5)
    assert any_store.get_order("o1") is None

    any_store.reserve(chunk("o1", [("a", 2), ("b", 1)]), make_order("o1"))
    assert counters(any_store, "a") == (5, 2, 3)
    assert counters(any_store, "b") == (1, 1, 0)
    assert any_store.get_order("o1").status == OrderStatus.PLACED
    with pytest.raises(Conflict):
        any_store.reserve(chunk("o1", [("a", 1)]), make_order("o1"))


def test_release_happens_once(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=5))
    any_store.reserve(chunk("o1", [("a", 2)]), make_order("o1"))
    assert any_store.release("o1", 0)
    assert not any_store.release("o1", 0)
    assert not any_store.release("o1", 7)
    assert counters(any_store, "a") == (5, 0, 5)
    assert any_store.get_chunks("o1", 1)[0].status == ChunkStatus.RELEASED


def test_commit_needs_held_chunks_and_the_same_version(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=5))
    any_store.reserve(chunk("o1", [("a", 1)]), make_order("o1"))
    any_store.reserve(chunk("o2", [("a", 1)]), make_order("o2"))
    any_store.release("o2", 0)

    with pytest.raises(Conflict):
        any_store.commit(make_order("o2", OrderStatus.PAID), [0])
    stored = any_store.get_order("o1")
    any_store.commit(stored.model_copy(update={"status": OrderStatus.PAID}), [0])
    assert any_store.get_order("o1").status == OrderStatus.PAID
    assert any_store.get_order("o1").version == stored.version + 1
    assert any_store.expired_chunks(NOW + timedelta(days=1), 10) == []
    with pytest.raises(Conflict):
        any_store.commit(stored.model_copy(update={"status": OrderStatus.PAID}), [0])


def test_save_is_optimistic_and_moves_stock_atomically(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=5))
    any_store.reserve(chunk("o1", [("a", 2)]), make_order("o1"))
    order = any_store.get_order("o1")
    any_store.commit(order.model_copy(update={"status": OrderStatus.PAID}), [0])
    order = any_store.get_order("o1")

    saved = any_store.save(order.model_copy(update={"status": OrderStatus.SHIPPED}), [StockMove("a", 2, "ship")])
    assert saved.version == order.version + 1
    assert counters(any_store, "a") == (3, 0, 3)
    with pytest.raises(Conflict) as stale:
        any_store.save(order, [])
    assert stale.value.code == "conflict"
    # a move whose condition fails leaves the order unchanged
    with pytest.raises(Conflict) as refused:
        any_store.save(saved.model_copy(update={"status": OrderStatus.CANCELLED}), [StockMove("a", 1, "release")])
    assert refused.value.code == "stock_conflict"
    assert any_store.get_order("o1").status == OrderStatus.SHIPPED
    any_store.save(saved, [StockMove("a", 2, "restock")])
    assert counters(any_store, "a") == (5, 0, 5)


def test_listings_page_newest_first_and_only_paid_orders(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=50))
    for i in range(5):
        order_id = f"o{i}"
        created = NOW + timedelta(minutes=i)
        any_store.reserve(chunk(order_id, [("a", 1)]), make_order(order_id, created_at=created))
        if i != 2:
            stored = any_store.get_order(order_id)
            paid = stored.model_copy(
                update={
                    "status": OrderStatus.PAID,
                    "sub_orders": [s.model_copy(update={"status": SubOrderStatus.PAID}) for s in stored.sub_orders],
                }
            )
            any_store.commit(paid, [0])
    first, cursor = any_store.list_for_shopper("u1", 2, None)
    assert [o.order_id for o in first] == ["o4", "o3"]
    second, cursor = any_store.list_for_shopper("u1", 2, cursor)
    assert [o.order_id for o in second] == ["o1", "o0"]
    if cursor is not None:
        assert any_store.list_for_shopper("u1", 2, cursor)[0] == []
    assert any_store.list_for_shopper("u2", 2, None)[0] == []
    views, _ = any_store.list_for_vendor("v1", 10, None)
    assert [v.order_id for v in views] == ["o4", "o3", "o1", "o0"]
    assert any_store.list_for_vendor("v2", 10, None)[0] == []
    held = any_store.expired_chunks(NOW + timedelta(seconds=1), 10)
    assert [c.order_id for c in held] == ["o2"]


def test_a_vendors_listing_filtered_by_status_fills_its_pages_across_the_others(any_store: Any) -> None:
    # Given six paid orders of which every other one is shipped since
    any_store.upsert_offer(offer("a", quantity=50))
    for i in range(6):
        order_id = f"o{i}"
        any_store.reserve(chunk(order_id, [("a", 1)]), make_order(order_id, created_at=NOW + timedelta(minutes=i)))
        stored = any_store.get_order(order_id)
        paid = [s.model_copy(update={"status": SubOrderStatus.PAID}) for s in stored.sub_orders]
        any_store.commit(stored.model_copy(update={"status": OrderStatus.PAID, "sub_orders": paid}), [0])
        if i % 2:
            stored = any_store.get_order(order_id)
            shipped = [s.model_copy(update={"status": SubOrderStatus.SHIPPED}) for s in stored.sub_orders]
            any_store.save(stored.model_copy(update={"status": OrderStatus.SHIPPED, "sub_orders": shipped}), [])

    # When the vendor pages through what is left to ship, two at a time
    pages, cursor = [], None
    while True:
        views, cursor = any_store.list_for_vendor("v1", 2, cursor, SubOrderStatus.PAID)
        pages.append([v.order_id for v in views])
        if cursor is None:
            break

    # Then the pages hold only the unshipped orders, newest first, full until the last
    assert [order_id for page in pages for order_id in page] == ["o4", "o2", "o0"]
    assert pages[0] == ["o4", "o2"]
    shipped_views, _ = any_store.list_for_vendor("v1", 10, None, SubOrderStatus.SHIPPED)
    assert [v.order_id for v in shipped_views] == ["o5", "o3", "o1"]
    assert len(any_store.list_for_vendor("v1", 10, None)[0]) == 6


def test_a_vendors_sub_orders_are_found_by_the_month_they_were_placed_in(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=50))
    placed = {"o1": datetime(2026, 11, 30, 23, 59, tzinfo=UTC), "o2": datetime(2026, 12, 1, tzinfo=UTC)}
    placed["o3"] = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    for order_id, at in placed.items():
        any_store.reserve(chunk(order_id, [("a", 1)]), make_order(order_id, created_at=at))
        stored = any_store.get_order(order_id)
        any_store.commit(stored.model_copy(update={"status": OrderStatus.PAID}), [0])

    december = sorted(v.order_id for v in any_store.vendor_orders_placed_in("v1", "2026-12"))

    assert december == ["o2", "o3"]
    assert [v.order_id for v in any_store.vendor_orders_placed_in("v1", "2026-11")] == ["o1"]
    assert list(any_store.vendor_orders_placed_in("v2", "2026-12")) == []


def test_due_for_completion_lists_delivered_sub_orders_past_their_window(any_store: Any) -> None:
    any_store.upsert_offer(offer("a", quantity=5))
    any_store.reserve(chunk("o1", [("a", 1)]), make_order("o1"))
    stored = any_store.get_order("o1")
    any_store.commit(stored.model_copy(update={"status": OrderStatus.PAID}), [0])
    stored = any_store.get_order("o1")
    sub = stored.sub_orders[0].model_copy(
        update={"status": SubOrderStatus.DELIVERED, "complete_after": NOW + timedelta(days=14)}
    )
    any_store.save(stored.model_copy(update={"status": OrderStatus.DELIVERED, "sub_orders": [sub]}), [])
    assert any_store.due_for_completion(NOW + timedelta(days=13), 10) == []
    assert any_store.due_for_completion(NOW + timedelta(days=15), 10) == [("o1", "v1")]


def test_returns_are_found_by_id(any_store: Any) -> None:
    from functions.orders.logic.domain import ReturnRequest

    any_store.upsert_offer(offer("a", quantity=5))
    any_store.reserve(chunk("o1", [("a", 1)]), make_order("o1"))
    stored = any_store.get_order("o1")
    any_store.commit(stored.model_copy(update={"status": OrderStatus.PAID}), [0])
    stored = any_store.get_order("o1")
    request = ReturnRequest(return_id="r1", offer_id="a", quantity=1, reason="x", requested_at=NOW)
    sub = stored.sub_orders[0].model_copy(update={"returns": [request]})
    any_store.save(stored.model_copy(update={"sub_orders": [sub]}), [])
    assert any_store.order_of_return("r1") == "o1"
    assert any_store.order_of_return("r2") is None


def test_terms_keep_the_newest_version(any_store: Any) -> None:
    assert any_store.put_terms(terms("v1", commission_bps=100, version=5))
    assert not any_store.put_terms(terms("v1", commission_bps=200, version=4))
    assert any_store.get_terms(["v1", "v9"])["v1"].commission_bps == 100
    assert any_store.put_terms(terms("v1", commission_bps=300, version=6))
    assert any_store.get_terms(["v1"])["v1"].commission_bps == 300


def test_carts_are_optimistic(any_store: Any) -> None:
    empty = any_store.get_cart("u1")
    assert (empty.lines, empty.version) == ([], 0)
    line = CartLine(offer_id="a", quantity=1, seen_unit_price=100, added_at=NOW)
    saved = any_store.save_cart(Cart(user_id="u1", lines=[line]))
    assert any_store.get_cart("u1") == saved
    with pytest.raises(Conflict):
        any_store.save_cart(Cart(user_id="u1", lines=[]))
    assert any_store.save_cart(saved.without(["a"])).version == 2


def test_idempotency_records_are_created_once(any_store: Any) -> None:
    record = IdempotencyRecord(user_id="u1", key="k", request_hash="h", order_id="o1", expires_at=NOW)
    assert any_store.begin(record) is None
    again = any_store.begin(record.model_copy(update={"order_id": "o2"}))
    assert again is not None
    assert again.order_id == "o1"
    any_store.finish(record.model_copy(update={"state": IdempotencyState.COMPLETED}))
    assert any_store.begin(record).state == IdempotencyState.COMPLETED
    any_store.forget("u1", "k")
    assert any_store.begin(record) is None
    assert any_store.begin(record.model_copy(update={"user_id": "u2"})) is None


def test_the_payment_ledger_keeps_one_payment_per_id(any_store: Any) -> None:
    payment = Payment(
        payment_id="pay_o1",
        key="o1",
        user_id="u1",
        amount=100,
        currency="EUR",
        method="tok_visa",
        status=PaymentStatus.AUTHORIZED,
        created_at=NOW,
    )
    assert any_store.put_if_absent(payment) == payment
    assert any_store.put_if_absent(payment.model_copy(update={"amount": 5})).amount == 100
    captured = payment.model_copy(update={"status": PaymentStatus.CAPTURED})
    any_store.replace(captured, payment)
    with pytest.raises(Conflict):
        any_store.replace(payment.model_copy(update={"status": PaymentStatus.VOIDED}), payment)
    assert any_store.get("pay_o1") == captured
    assert any_store.payments() == [captured]
