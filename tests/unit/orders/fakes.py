"""Honest in-memory fakes of the orders ports: the same conditions as the DynamoDB store, checked by the
contract suite (tests/integration/orders/test_store_contract.py) against both."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.common.pagination import CursorCodec
from functions.orders.logic.cart import CartService
from functions.orders.logic.checkout import CheckoutService
from functions.orders.logic.domain import (
    Cart,
    ChunkStatus,
    InventoryOffer,
    OfferStatus,
    Order,
    OrderStatus,
    ReservationChunk,
    StockMove,
    SubOrderStatus,
    VendorTerms,
    newest_per_offer,
)
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.logic.ports import Cursor, IdempotencyRecord, OutOfStock, Payment, Redemptions, VendorOrderView
from functions.orders.logic.sweep import Sweeper
from functions.orders.store.payments import LocalPaymentProvider
from functions.orders.store.redemptions import NoRedemptions
from tests.support.events import RecordingPublisher

T = TypeVar("T")
_UNPAID = {OrderStatus.PLACED, OrderStatus.PAYMENT_FAILED, OrderStatus.EXPIRED}


class FakeClock:
    def __init__(self, start: datetime | None = None):
        self.current = start or datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class InMemoryOrdersStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.offers: dict[str, InventoryOffer] = {}
        self.terms: dict[str, VendorTerms] = {}
        self.carts: dict[str, Cart] = {}
        self.idempotency: dict[tuple[str, str], IdempotencyRecord] = {}
        self.orders: dict[str, Order] = {}
        self.chunks: dict[tuple[str, int], ReservationChunk] = {}
        self.subs: dict[tuple[str, str], VendorOrderView] = {}
        self.returns: dict[str, str] = {}
        self.ledger: dict[str, Payment] = {}
        self.outbox = RecordingPublisher()
        """The transactional outbox: events saved with the order change that caused them."""
        self.fail_next_reserve: set[int] = set()
        """Chunk indexes whose next reservation raises OutOfStock (to test compensations)."""

    # ---------------------------------------------------------------- inventory
    def get_offers(self, offer_ids: Collection[str]) -> dict[str, InventoryOffer]:
        with self._lock:
            return {i: self.offers[i] for i in offer_ids if i in self.offers}

    def upsert_offer(self, offer: InventoryOffer) -> bool:
        with self._lock:
            existing = self.offers.get(offer.offer_id)
            if existing is None:
                self.offers[offer.offer_id] = offer.model_copy(
                    update={"reserved": 0, "available": offer.vendor_quantity}
                )
                return True
            if existing.revision >= offer.revision:
                return False
            self.offers[offer.offer_id] = offer.model_copy(
                update={"reserved": existing.reserved, "available": offer.vendor_quantity - existing.reserved}
            )
            return True

    def upsert_offers(self, offers: Sequence[InventoryOffer]) -> int:
        return sum(self.upsert_offer(offer) for offer in newest_per_offer(offers))

    def withdraw_offers(self, offer_ids: Collection[str]) -> int:
        with self._lock:
            stored = [offer_id for offer_id in dict.fromkeys(offer_ids) if offer_id in self.offers]
            for offer_id in stored:
                self.offers[offer_id] = self.offers[offer_id].model_copy(update={"status": OfferStatus.WITHDRAWN})
            return len(stored)

    def get_terms(self, vendor_ids: Collection[str]) -> dict[str, VendorTerms]:
        with self._lock:
            return {v: self.terms[v] for v in vendor_ids if v in self.terms}

    def put_terms(self, terms: VendorTerms) -> bool:
        with self._lock:
            existing = self.terms.get(terms.vendor_id)
            if existing is not None and existing.version >= terms.version:
                return False
            self.terms[terms.vendor_id] = terms
            return True

    # ---------------------------------------------------------------- carts
    def get_cart(self, user_id: str) -> Cart:
        with self._lock:
            return self.carts.get(user_id) or Cart(user_id=user_id)

    def save_cart(self, cart: Cart) -> Cart:
        with self._lock:
            stored = self.carts.get(cart.user_id)
            if (stored.version if stored else 0) != cart.version:
                raise Conflict("the cart was changed concurrently")
            saved = cart.model_copy(update={"version": cart.version + 1})
            self.carts[cart.user_id] = saved
            return saved

    # ---------------------------------------------------------------- idempotency
    def begin(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        with self._lock:
            existing = self.idempotency.get((record.user_id, record.key))
            if existing is not None:
                return existing
            self.idempotency[(record.user_id, record.key)] = record
            return None

    def finish(self, record: IdempotencyRecord) -> None:
        with self._lock:
            self.idempotency[(record.user_id, record.key)] = record

    def forget(self, user_id: str, key: str) -> None:
        with self._lock:
            self.idempotency.pop((user_id, key), None)

    # ---------------------------------------------------------------- orders
    def reserve(self, chunk: ReservationChunk, order: Order | None) -> None:
        with self._lock:
            if chunk.index in self.fail_next_reserve:
                self.fail_next_reserve.discard(chunk.index)
                raise OutOfStock([chunk.lines[0][0]])
            if order is not None and order.order_id in self.orders:
                raise Conflict("this checkout was already started", code="checkout_in_progress")
            if (chunk.order_id, chunk.index) in self.chunks:
                raise Conflict("this checkout was already started", code="checkout_in_progress")
            short = [
                offer_id
                for offer_id, quantity in chunk.lines
                if offer_id not in self.offers or self.offers[offer_id].available < quantity
            ]
            if short:
                raise OutOfStock(short)
            for offer_id, quantity in chunk.lines:
                self._apply(offer_id, "reserve", quantity)
            self.chunks[(chunk.order_id, chunk.index)] = chunk.model_copy(update={"status": ChunkStatus.HELD})
            if order is not None:
                self.orders[order.order_id] = order.model_copy(update={"version": order.version})

    def release(self, order_id: str, index: int) -> bool:
        with self._lock:
            chunk = self.chunks.get((order_id, index))
            if chunk is None or chunk.status != ChunkStatus.HELD:
                return False
            if any(self.offers[offer_id].reserved < quantity for offer_id, quantity in chunk.lines):
                raise Conflict(f"stock counters of order {order_id} are inconsistent", code="stock_conflict")
            for offer_id, quantity in chunk.lines:
                self._apply(offer_id, "release", quantity)
            self.chunks[(order_id, index)] = chunk.model_copy(update={"status": ChunkStatus.RELEASED})
            return True

    def commit(self, order: Order, indexes: Sequence[int], events: Sequence[DomainEvent] = ()) -> None:
        with self._lock:
            stored = self.orders.get(order.order_id)
            held = all(
                (c := self.chunks.get((order.order_id, i))) is not None and c.status == ChunkStatus.HELD
                for i in indexes
            )
            if stored is None or stored.version != order.version or not held:
                raise Conflict("the reservation expired", code="checkout_expired")
            for i in indexes:
                self.chunks[(order.order_id, i)] = self.chunks[(order.order_id, i)].model_copy(
                    update={"status": ChunkStatus.COMMITTED}
                )
            self._store_order(order, None)
            self._put_outbox(events)

    def save(self, order: Order, moves: Sequence[StockMove], events: Sequence[DomainEvent] = ()) -> Order:
        with self._lock:
            stored = self.orders.get(order.order_id)
            if stored is None or stored.version != order.version:
                raise Conflict("the order was changed concurrently")
            for move in moves:
                if not self._allowed(move):
                    raise Conflict("the stock of this order cannot move that way", code="stock_conflict")
            known = {event.event_id for event in self.outbox.events}
            if any(event.event_id in known for event in events):
                raise Conflict("an event of this change is already in the outbox", code="stock_conflict")
            for move in moves:
                self._apply(move.offer_id, move.kind, move.quantity)
            self._put_outbox(events)
            return self._store_order(order, stored)

    def _put_outbox(self, events: Sequence[DomainEvent]) -> None:
        self.outbox.publish(events)

    def _store_order(self, order: Order, previous: Order | None) -> Order:
        saved = order.model_copy(update={"version": order.version + 1})
        self.orders[order.order_id] = saved
        if order.status not in _UNPAID:
            for sub in order.sub_orders:
                self.subs[(order.order_id, sub.vendor_id)] = VendorOrderView(
                    order_id=order.order_id,
                    created_at=order.created_at,
                    shipping_address=order.shipping_address,
                    currency=order.currency,
                    sub_order=sub,
                )
                for request in sub.returns:
                    self.returns.setdefault(request.return_id, order.order_id)
        return saved

    def _allowed(self, move: StockMove) -> bool:
        offer = self.offers.get(move.offer_id)
        if offer is None:
            return False
        if move.kind in ("release", "ship"):
            return offer.reserved >= move.quantity
        if move.kind == "reserve":
            return offer.available >= move.quantity
        return True

    def _apply(self, offer_id: str, kind: str, q: int) -> None:
        o = self.offers[offer_id]
        if kind == "reserve":
            update = {"available": o.available - q, "reserved": o.reserved + q}
        elif kind == "release":
            update = {"available": o.available + q, "reserved": o.reserved - q}
        elif kind == "ship":
            update = {"reserved": o.reserved - q, "vendor_quantity": o.vendor_quantity - q}
        elif kind == "restock":
            update = {"vendor_quantity": o.vendor_quantity + q, "available": o.available + q}
        else:
            raise ValueError(kind)
        self.offers[offer_id] = o.model_copy(update=update)

    def get_order(self, order_id: str) -> Order | None:
        with self._lock:
            return self.orders.get(order_id)

    def get_chunks(self, order_id: str, count: int) -> list[ReservationChunk]:
        with self._lock:
            return [c for i in range(count) if (c := self.chunks.get((order_id, i))) is not None]

    def list_for_shopper(self, user_id: str, limit: int, after: Cursor | None) -> tuple[list[Order], Cursor | None]:
        with self._lock:
            found = sorted(
                (o for o in self.orders.values() if o.user_id == user_id and o.status not in _UNPAID),
                key=lambda o: (o.created_at, o.order_id),
                reverse=True,
            )
        keys = [f"{o.created_at.isoformat()}#{o.order_id}" for o in found]
        return _paged(found, keys, limit, after)

    def list_for_vendor(
        self, vendor_id: str, limit: int, after: Cursor | None, status: SubOrderStatus | None = None
    ) -> tuple[list[VendorOrderView], Cursor | None]:
        with self._lock:
            found = sorted(
                (
                    v
                    for (_, vendor), v in self.subs.items()
                    if vendor == vendor_id and (status is None or v.sub_order.status == status)
                ),
                key=lambda v: (v.created_at, v.order_id),
                reverse=True,
            )
        keys = [f"{v.created_at.isoformat()}#{v.order_id}" for v in found]
        return _paged(found, keys, limit, after)

    def vendor_orders_placed_in(self, vendor_id: str, month: str) -> Iterator[VendorOrderView]:
        with self._lock:
            found = [
                v
                for (_, vendor), v in self.subs.items()
                if vendor == vendor_id and v.created_at.astimezone(UTC).strftime("%Y-%m") == month
            ]
        yield from found

    def order_of_return(self, return_id: str) -> str | None:
        with self._lock:
            return self.returns.get(return_id)

    def expired_chunks(self, now: datetime, limit: int) -> list[ReservationChunk]:
        with self._lock:
            held = sorted(
                (c for c in self.chunks.values() if c.status == ChunkStatus.HELD and c.expires_at < now),
                key=lambda c: c.expires_at,
            )
            return held[:limit]

    def due_for_completion(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        with self._lock:
            due = sorted(
                (v.sub_order.complete_after, v.order_id, v.sub_order.vendor_id)
                for v in self.subs.values()
                if v.sub_order.status == SubOrderStatus.DELIVERED
                and v.sub_order.complete_after is not None
                and v.sub_order.complete_after < now
            )
            return [(order_id, vendor_id) for _, order_id, vendor_id in due[:limit]]

    # ---------------------------------------------------------------- payment ledger
    def put_if_absent(self, payment: Payment) -> Payment:
        with self._lock:
            return self.ledger.setdefault(payment.payment_id, payment)

    def get(self, payment_id: str) -> Payment | None:
        with self._lock:
            return self.ledger.get(payment_id)

    def replace(self, payment: Payment, expected: Payment) -> None:
        with self._lock:
            if self.ledger.get(payment.payment_id) != expected:
                raise Conflict("the payment was changed concurrently")
            self.ledger[payment.payment_id] = payment

    def payments(self) -> list[Payment]:
        with self._lock:
            return list(self.ledger.values())


def _paged(items: list[T], keys: list[str], limit: int, after: Cursor | None) -> tuple[list[T], Cursor | None]:
    start = 0
    if after:
        start = next((i + 1 for i, key in enumerate(keys) if key == after.get("k")), len(keys))
    page = items[start : start + limit]
    more = start + limit < len(items)
    return page, ({"k": keys[start + limit - 1]} if more else None)


def sequential_ids() -> Callable[[], str]:
    """Predictable ids (`id000001`, ...) instead of random ones."""
    counter = itertools.count(1)
    return lambda: f"id{next(counter):06d}"


@dataclass
class OrdersPorts:
    """The orders services over one store (the fake or DynamoDB), wired as handlers/dependencies.py
    wires them, with a test clock and predictable ids. `publisher` records the events the fake
    store saved in its outbox (the services publish nothing themselves)."""

    store: Any
    clock: FakeClock
    publisher: RecordingPublisher = field(default_factory=RecordingPublisher)
    cursors: CursorCodec = field(default_factory=lambda: CursorCodec("test-secret-0123456789"))
    new_id: Callable[[], str] = field(default_factory=sequential_ids)
    redemptions: Redemptions = field(default_factory=NoRedemptions)
    payments: LocalPaymentProvider = field(init=False)

    def __post_init__(self) -> None:
        self.payments = LocalPaymentProvider(self.store, self.clock)
        if isinstance(self.store, InMemoryOrdersStore):
            self.publisher = self.store.outbox

    def cart_service(self) -> CartService:
        return CartService(carts=self.store, inventory=self.store, clock=self.clock)

    def checkout_service(self) -> CheckoutService:
        return CheckoutService(
            carts=self.store,
            inventory=self.store,
            orders=self.store,
            idempotency=self.store,
            payments=self.payments,
            redemptions=self.redemptions,
            clock=self.clock,
            new_id=self.new_id,
        )

    def lifecycle_service(self) -> LifecycleService:
        return LifecycleService(
            orders=self.store,
            payments=self.payments,
            cursors=self.cursors,
            clock=self.clock,
            redemptions=self.redemptions,
            new_id=self.new_id,
        )

    def sweeper(self) -> Sweeper:
        return Sweeper(orders=self.store, payments=self.payments, lifecycle=self.lifecycle_service(), clock=self.clock)


def make_ports(store: Any = None, clock: FakeClock | None = None) -> OrdersPorts:
    """Ports over `store` (a new fake by default) that record what they publish."""
    return OrdersPorts(store if store is not None else InMemoryOrdersStore(), clock or FakeClock())
