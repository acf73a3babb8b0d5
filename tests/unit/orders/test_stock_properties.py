"""Property test of the stock model on the in-memory store (the same machine runs on moto in integration)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.unit.orders.fakes import InMemoryOrdersStore, make_ports
from tests.unit.orders.stock_machine import StockMachine


class FakeStockMachine(StockMachine):
    make_store = InMemoryOrdersStore
    make_ports = staticmethod(make_ports)


FakeStockMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestStockModel = FakeStockMachine.TestCase
