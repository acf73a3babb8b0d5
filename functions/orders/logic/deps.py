"""The ports one orders service instance works with, wired once per process by the handlers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from functions.common.events import EventPublisher
from functions.common.pagination import CursorCodec
from functions.orders.logic.ports import (
    CartRepository,
    Clock,
    IdempotencyStore,
    InventoryRepository,
    OrderRepository,
    PaymentProvider,
    Redemptions,
)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class OrdersDeps:
    inventory: InventoryRepository
    carts: CartRepository
    orders: OrderRepository
    idempotency: IdempotencyStore
    payments: PaymentProvider
    redemptions: Redemptions
    publisher: EventPublisher
    cursors: CursorCodec
    clock: Clock = field(default_factory=SystemClock)
    new_id: Callable[[], str] = new_id
