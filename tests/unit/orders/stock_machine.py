"""A Hypothesis state machine over the stock model: any interleaving of checkout (reserve), declined and
abandoned checkouts (release, expiry), cancel, ship, return and vendor stock updates keeps every offer's
counters non-negative and consistent with the orders. Runs on the fake (unit) and on moto (integration)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from functions.common.errors import PleinError
from functions.orders.logic.domain import RESERVATION_MINUTES, ChunkStatus, OrderStatus, SubOrderStatus, plan_chunks
from functions.orders.logic.ports import PaymentStatus
from tests.unit.orders.fakes import FakeClock, OrdersPorts
from tests.unit.orders.helpers import checkout_input, offer, shopper, stock, vendor_user

OFFERS = {"a": "v1", "b": "v1", "c": "v2"}
USERS = ["u1", "u2", "u3"]


class StockMachine(RuleBasedStateMachine):
    make_store: Callable[[], Any]
    make_ports: Callable[[Any, FakeClock], OrdersPorts]

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.store = type(self).make_store()
        self.ports = type(self).make_ports(self.store, self.clock)
        self.carts = self.ports.cart_service()
        self.checkouts = self.ports.checkout_service()
        self.lifecycle = self.ports.lifecycle_service()
        self.revision = 1
        self.keys = 0
        self.order_ids: list[str] = []
        self.abandoned: list[str] = []
        self.undercut = False
        stock(self.store, *(offer(offer_id, vendor_id, quantity=4) for offer_id, vendor_id in OFFERS.items()))

    def _key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    @rule(
        user=st.sampled_from(USERS),
        lines=st.dictionaries(st.sampled_from(sorted(OFFERS)), st.integers(1, 3), min_size=1, max_size=3),
        card=st.sampled_from(["tok_visa", "tok_visa", "tok_chargeDeclined", "tok_error", "tok_captureError"]),
    )
    def checkout(self, user: str, lines: dict[str, int], card: str) -> None:
        try:
            for offer_id in {line.offer_id for line in self.store.get_cart(user).lines} - set(lines):
                self.carts.remove_item(user, offer_id)
            for offer_id, quantity in lines.items():
                self.carts.put_item(user, offer_id, quantity)
            result = self.checkouts.checkout(user, self._key(), checkout_input(card))
        except PleinError:
            return
        self.order_ids.append(result.order.order_id)

    @rule(user=st.sampled_from(USERS), offer_id=st.sampled_from(sorted(OFFERS)), quantity=st.integers(1, 3))
    def abandon_checkout(self, user: str, offer_id: str, quantity: int) -> None:
        """A checkout that reserved stock and died before paying."""
        try:
            self.carts.put_item(user, offer_id, quantity)
            order, _ = self.checkouts._plan(user, f"gone{self._key()}", checkout_input())
            (chunk,) = plan_chunks(order.order_id, [(offer_id, quantity)], self.clock.now())
            self.store.reserve(chunk, order)
        except PleinError:
            return
        self.abandoned.append(order.order_id)

    @rule()
    def sweep(self) -> None:
        self.clock.advance(minutes=RESERVATION_MINUTES + 1)
        self.ports.sweeper().run()

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        order_id = data.draw(st.sampled_from(self.order_ids))
        order = self.store.get_order(order_id)
        with contextlib.suppress(PleinError):
            self.lifecycle.cancel(shopper(order.user_id), order_id, None)

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data(), vendor_id=st.sampled_from(["v1", "v2"]))
    def ship_and_deliver(self, data: st.DataObject, vendor_id: str) -> None:
        order_id = data.draw(st.sampled_from(self.order_ids))
        try:
            self.lifecycle.ship(vendor_user(vendor_id), vendor_id, order_id, "PostNL", "T1")
            if data.draw(st.booleans()):
                self.lifecycle.deliver(vendor_user(vendor_id), vendor_id, order_id)
        except PleinError:
            pass

    @precondition(lambda self: self.order_ids)
    @rule(data=st.data(), quantity=st.integers(1, 3), accept=st.booleans(), restock=st.booleans())
    def return_line(self, data: st.DataObject, quantity: int, accept: bool, restock: bool) -> None:
        order_id = data.draw(st.sampled_from(self.order_ids))
        order = self.store.get_order(order_id)
        line = data.draw(st.sampled_from(order.lines))
        try:
            request = self.lifecycle.request_return(shopper(order.user_id), order_id, line.offer_id, quantity, "r")
            self.lifecycle.decide_return(
                vendor_user(line.vendor_id),
                line.vendor_id,
                request.request.return_id,
                accept=accept,
                restock=restock,
                note=None,
            )
        except PleinError:
            pass

    @rule(offer_id=st.sampled_from(sorted(OFFERS)), quantity=st.integers(0, 8))
    def vendor_sets_quantity(self, offer_id: str, quantity: int) -> None:
        self.revision += 1
        current = self.store.get_offers([offer_id])[offer_id]
        if quantity < current.reserved:
            self.undercut = True
        self.store.upsert_offer(offer(offer_id, OFFERS[offer_id], quantity=quantity, revision=self.revision))

    # ------------------------------------------------------------------ invariants

    def _expected_reserved(self) -> dict[str, int]:
        reserved = dict.fromkeys(OFFERS, 0)
        for order_id in self.order_ids + self.abandoned:
            order = self.store.get_order(order_id)
            if order is None:
                continue
            if order.status == OrderStatus.PLACED:
                for chunk in self.store.get_chunks(order_id, order.chunk_count):
                    if chunk.status == ChunkStatus.HELD:
                        for offer_id, quantity in chunk.lines:
                            reserved[offer_id] += quantity
                continue
            for sub in order.sub_orders:
                if sub.status == SubOrderStatus.PAID:
                    for line in sub.lines:
                        reserved[line.offer_id] += line.quantity
        return reserved

    @invariant()
    def counters_are_consistent(self) -> None:
        offers = self.store.get_offers(list(OFFERS))
        expected = self._expected_reserved()
        for offer_id, item in offers.items():
            assert item.reserved >= 0
            assert item.reserved == expected[offer_id], (offer_id, item, expected)
            assert item.available == item.vendor_quantity - item.reserved
            if not self.undercut:
                assert item.available >= 0
                assert item.vendor_quantity >= 0

    @invariant()
    def only_created_orders_are_charged(self) -> None:
        captured = {p.key for p in self.store.payments() if p.status == PaymentStatus.CAPTURED}
        paid = {
            order_id
            for order_id in self.order_ids
            if (order := self.store.get_order(order_id)) is not None and order.payment_id is not None
        }
        assert captured == paid
