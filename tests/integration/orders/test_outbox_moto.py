"""The orders store's transactional outbox on moto: events are written in the order's transaction,
and a failed transaction writes none; a pending refund is saved and paid once by the retry."""

from __future__ import annotations

import json

import pytest

from functions.common.errors import Conflict
from functions.orders.logic.domain import OrderStatus
from functions.orders.models.events import RefundPending
from functions.orders.store.dynamo import DynamoOrdersStore
from tests.integration.orders.conftest import Aws, moto_ports
from tests.unit.orders.fakes import FakeClock
from tests.unit.orders.helpers import checkout_input, offer, shopper, stock


def test_the_order_and_its_events_share_one_transaction(dynamo_store: DynamoOrdersStore, aws: Aws) -> None:
    # Given a paid order on moto with a card whose first refund attempt fails
    ports = moto_ports(dynamo_store, FakeClock())
    stock(dynamo_store, offer("a", "v1", quantity=3, price=2000))
    ports.cart_service().put_item("u1", "a", 1)
    order = ports.checkout_service().checkout("u1", "k1", checkout_input("tok_refundFailsOnce")).order
    assert [item["detail_type"]["S"] for item in aws.outbox()] == ["OrderPlaced"]

    # When a save loses the version race, nothing of it is written: no outbox item either
    stale = dynamo_store.get_order(order.order_id)
    assert stale is not None
    dynamo_store.save(stale, [])
    with pytest.raises(Conflict):
        dynamo_store.save(stale, [], [RefundPending(order_id=order.order_id, user_id="u1", refund_key="x", amount=1)])
    assert len(aws.outbox()) == 1

    # When the shopper cancels: the refund fails, the cancel is saved with the refund pending
    lifecycle = ports.lifecycle_service()
    view = lifecycle.cancel(shopper(), order.order_id, None)
    assert (view.status, view.refund_status) == (OrderStatus.CANCELLED, "pending")
    kinds = [item["detail_type"]["S"] for item in aws.outbox()]
    assert sorted(kinds) == ["OrderCancelled", "OrderPlaced", "RefundPending"]
    pending = next(item for item in aws.outbox() if item["detail_type"]["S"] == "RefundPending")
    assert "ttl" in pending

    # Then the relay publishes them and the retry (delivered twice) refunds once
    published = aws.published()
    assert sorted(e["detail-type"] for e in published) == sorted(kinds)
    event = next(e for e in published if e["detail-type"] == "RefundPending")
    for _ in range(2):
        lifecycle.handle(event["source"], event["detail-type"], event["detail"])
    (payment,) = dynamo_store.payments()
    assert (payment.refunded, payment.refunds) == (order.total, [json.loads(pending["detail"]["S"])["refund_key"]])
    assert lifecycle.get_order(shopper(), order.order_id).refund_status == "refunded"
