"""Composition root: builds the orders ports once per process, on first use (keeps cold start lean)."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from functions.common.settings import ApiSettings, load_settings
from functions.orders.logic.deps import OrdersDeps


class OrdersSettings(ApiSettings):
    payment_provider: Literal["local"] = Field(
        default="local",
        alias="PAYMENT_PROVIDER",
        description="`local` (test cards, payments in the orders table); a PSP adapter is chosen here later",
    )


@cache
def deps() -> OrdersDeps:
    from functions.common.aws import client
    from functions.common.events import EventBridgePublisher
    from functions.common.pagination import CursorCodec
    from functions.orders.logic.deps import SystemClock
    from functions.orders.logic.payments import LocalPaymentProvider, NoRedemptions
    from functions.orders.store.dynamo import DynamoOrdersStore

    settings = load_settings(OrdersSettings)
    store = DynamoOrdersStore(settings.table_name)
    clock = SystemClock()
    return OrdersDeps(
        inventory=store,
        carts=store,
        orders=store,
        idempotency=store,
        payments=LocalPaymentProvider(store, clock),
        redemptions=NoRedemptions(),
        publisher=EventBridgePublisher(settings.event_bus_name, client("events")),
        cursors=CursorCodec(settings.cursor_secret),
        clock=clock,
    )
