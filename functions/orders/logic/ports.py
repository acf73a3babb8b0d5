"""Ports the orders logic needs; the store (DynamoDB), the payment adapters and the tests' fakes implement them."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import Field

from functions.common.errors import Conflict
from functions.common.events import DomainEvent
from functions.common.models import Record, View
from functions.orders.logic.domain import (
    Cart,
    InventoryOffer,
    Order,
    ReservationChunk,
    StockMove,
    SubOrder,
    SubOrderStatus,
    VendorTerms,
)

Cursor = dict[str, Any]


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock (tests use a clock they move)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class OutOfStock(Conflict):
    """A reservation transaction failed because some offers lack stock (or vanished)."""

    default_code = "insufficient_stock"

    def __init__(self, offer_ids: Sequence[str]):
        super().__init__(f"not enough stock for {', '.join(offer_ids)}")
        self.offer_ids = list(offer_ids)


class InventoryRepository(Protocol):
    def get_offers(self, offer_ids: Collection[str]) -> dict[str, InventoryOffer]: ...

    def upsert_offer(self, offer: InventoryOffer) -> bool:
        """Create the projection, or update it if `offer.revision` is newer; keep `reserved` and set
        `available = vendor_quantity - reserved`. False when the stored revision is as new or newer."""
        ...

    def upsert_offers(self, offers: Sequence[InventoryOffer]) -> int:
        """`upsert_offer` for each offer (the newest revision per offer id); how many were applied."""
        ...

    def withdraw_offers(self, offer_ids: Collection[str]) -> int:
        """Mark the stored ones of these offers withdrawn; how many were stored."""
        ...

    def get_terms(self, vendor_ids: Collection[str]) -> dict[str, VendorTerms]: ...

    def put_terms(self, terms: VendorTerms) -> bool:
        """Store the terms if `terms.version` is newer than the stored one."""
        ...


class CartRepository(Protocol):
    def get_cart(self, user_id: str) -> Cart: ...

    def save_cart(self, cart: Cart) -> Cart:
        """Write the cart if nobody changed it since `cart.version` was read (Conflict otherwise)."""
        ...


class VendorOrderView(View):
    """A vendor's sub-order with what the vendor needs to ship it."""

    order_id: str
    created_at: datetime
    shipping_address: Any
    currency: str
    sub_order: SubOrder


class OrderRepository(Protocol):
    def reserve(self, chunk: ReservationChunk, order: Order | None) -> None:
        """All or nothing: apply the chunk's reserve moves, store the chunk record (held) and, with the
        first chunk, create the order. Raises OutOfStock naming the offers that failed."""
        ...

    def release(self, order_id: str, index: int) -> bool:
        """Give a held chunk's units back (once): False if it was not held."""
        ...

    def commit(self, order: Order, indexes: Sequence[int], events: Sequence[DomainEvent] = ()) -> None:
        """Save the paid order and mark its chunks committed, only if every chunk is still held and the
        order is unchanged (Conflict `checkout_expired` otherwise); `events` go to the outbox in the
        same transaction."""
        ...

    def save(self, order: Order, moves: Sequence[StockMove], events: Sequence[DomainEvent] = ()) -> Order:
        """Save a changed order (optimistic on `order.version`) with its stock moves and its events
        (into the transactional outbox), atomically. Returns the order with its new version.
        Conflict when another change won."""
        ...

    def get_order(self, order_id: str) -> Order | None: ...

    def get_chunks(self, order_id: str, count: int) -> list[ReservationChunk]: ...

    def list_for_shopper(self, user_id: str, limit: int, after: Cursor | None) -> tuple[list[Order], Cursor | None]: ...

    def list_for_vendor(
        self, vendor_id: str, limit: int, after: Cursor | None, status: SubOrderStatus | None = None
    ) -> tuple[list[VendorOrderView], Cursor | None]:
        """The vendor's sub-orders newest first, only those in `status` when given (full pages)."""

    def vendor_orders_placed_in(self, vendor_id: str, month: str) -> Iterator[VendorOrderView]:
        """Every sub-order of the vendor whose order was placed in `month` (YYYY-MM, UTC)."""
        ...

    def order_of_return(self, return_id: str) -> str | None: ...

    def expired_chunks(self, now: datetime, limit: int) -> list[ReservationChunk]: ...

    def due_for_completion(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """(order_id, vendor_id) of delivered sub-orders whose return window has passed."""
        ...


class IdempotencyState(StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


class IdempotencyRecord(Record):
    user_id: str
    key: str
    request_hash: str
    order_id: str
    state: IdempotencyState = IdempotencyState.IN_PROGRESS
    error_status: int | None = None
    error_code: str | None = None
    error_message: str | None = None
    expires_at: datetime


class IdempotencyStore(Protocol):
    def begin(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        """Create the record unless (user, key) exists; returns the existing record, or None if created."""
        ...

    def finish(self, record: IdempotencyRecord) -> None: ...

    def forget(self, user_id: str, key: str) -> None: ...


class PaymentStatus(StrEnum):
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    VOIDED = "voided"
    DECLINED = "declined"
    FAILED = "failed"


class Payment(Record):
    payment_id: str
    key: str
    """Idempotency key of the payment (the order id): one payment per key."""
    user_id: str
    amount: int
    currency: str
    method: str
    status: PaymentStatus
    refunded: int = 0
    refunds: list[str] = []
    failed_refunds: list[str] = Field(default=[], description="Refund keys whose attempt failed (test cards)")
    created_at: datetime


class PaymentDeclined(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PaymentError(Exception):
    """The provider failed (not a decline): the client may retry later with a new key."""


class PaymentProvider(Protocol):
    def authorize(self, *, key: str, user_id: str, amount: int, currency: str, method: str) -> Payment:
        """Authorise once per key (a repeat returns the same payment). Raises PaymentDeclined/PaymentError."""
        ...

    def capture(self, payment_id: str) -> Payment: ...

    def void(self, payment_id: str) -> None: ...

    def refund(self, payment_id: str, amount: int, key: str) -> Payment:
        """Refund part of a captured payment, once per refund key."""
        ...

    def find(self, key: str) -> Payment | None: ...


class Redeemed(Record):
    """What gift cards and points paid of a checkout (the rewards context's charge)."""

    discount: int = Field(description="gift_card_amount + points_value, <= the amount asked")
    gift_card_amount: int = 0
    gift_card_last4: str | None = None
    points: int = 0
    points_value: int = 0


class Redemptions(Protocol):
    """Gift cards and reward points, owned by the rewards context (invoked directly)."""

    def redeem(
        self, *, user_id: str, gift_card: str | None, points: int | None, amount: int, currency: str, key: str
    ) -> Redeemed:
        """Take up to `amount` for the checkout `key` (the order id); a repeat of the key returns
        the first result. Raises the rewards context's refusal (gift_card_invalid, ...) as a 4xx."""
        ...

    def release(self, *, key: str, release_key: str, amount: int | None = None) -> int:
        """Give back `amount` (all that is left when None) of the key's charge, once per release
        key; what was given back, minor units."""
        ...
