"""The scheduled sweep: releases stock of abandoned checkouts and completes orders past their return window.

DynamoDB TTL deletes items up to days late and would not give the units back, so expiry is a query on a
sparse index of held reservation chunks, every few minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.common.errors import Conflict
from functions.common.observability import logger
from functions.orders.logic.checkout import FAILED_RELEASE, with_status
from functions.orders.logic.domain import OrderStatus
from functions.orders.logic.lifecycle import LifecycleService
from functions.orders.logic.ports import Clock, OrderRepository, PaymentProvider, PaymentStatus

BATCH = 100


@dataclass
class SweepReport:
    released_chunks: int = 0
    expired_orders: int = 0
    completed_sub_orders: int = 0


class Sweeper:
    def __init__(
        self, *, orders: OrderRepository, payments: PaymentProvider, lifecycle: LifecycleService, clock: Clock
    ) -> None:
        self._orders = orders
        self._payments = payments
        self._lifecycle = lifecycle
        self._clock = clock

    def run(self) -> SweepReport:
        report = SweepReport()
        now = self._clock.now()
        orders = self._orders
        expired_orders: set[str] = set()
        for chunk in orders.expired_chunks(now, BATCH):
            if orders.release(chunk.order_id, chunk.index):
                report.released_chunks += 1
            expired_orders.add(chunk.order_id)
        for order_id in sorted(expired_orders):
            report.expired_orders += self._expire(order_id)
        for order_id, vendor_id in orders.due_for_completion(now, BATCH):
            report.completed_sub_orders += self._lifecycle.complete(order_id, vendor_id)
        logger().info("sweep done", extra=report.__dict__)
        return report

    def _expire(self, order_id: str) -> bool:
        orders = self._orders
        order = orders.get_order(order_id)
        if order is None or order.status != OrderStatus.PLACED:
            return False
        for chunk in orders.get_chunks(order_id, order.chunk_count):
            orders.release(order_id, chunk.index)
        payment = self._payments.find(order_id)
        if payment is not None and payment.status == PaymentStatus.AUTHORIZED:
            self._payments.void(payment.payment_id)
        try:
            orders.save(with_status(order, OrderStatus.EXPIRED, self._clock.now(), "checkout abandoned"), [])
        except Conflict:
            return False
        self._lifecycle.give_back_redemption(order, FAILED_RELEASE)
        return True
