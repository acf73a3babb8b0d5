"""The OrderPlaced consumer and the scheduled sweep call their one logic method."""

from __future__ import annotations

import pytest

from functions.advice.handlers import orders, sweep
from tests.unit.advice.conftest import World
from tests.unit.advice.test_live import ask, online
from tests.unit.advice.test_sessions import finished
from tests.unit.test_api_smoke import FakeLambdaContext


def test_order_placed_converts_through_the_consumer(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(orders, "session_service", lambda: world.sessions)
    _, session_id = finished(world)
    detail = {
        "event_id": "e1",
        "occurred_at": world.clock().isoformat(),
        "order_id": "o1",
        "user_id": "u-shopper",
        "vendor_ids": ["v1"],
        "lines": [{"product_id": "grinder", "line_total": 999, "offer_id": "x", "quantity": 1}],
    }
    orders.handle("plein.orders", "OrderPlaced", detail)
    orders.handle("plein.orders", "OrderPlaced", detail)
    orders.handle("plein.orders", "OrderShipped", detail)
    assert (world.store.sessions[session_id].conversions, world.store.sessions[session_id].revenue) == (1, 999)


def test_the_sweep_handler_escalates(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "plein-advice")
    monkeypatch.setattr(sweep, "live_service", lambda: world.live)
    program = world.program()
    online(world, world.advisor("a1", program))
    ask(world)
    world.clock.advance(minutes=5)
    assert sweep.handler({"source": "aws.events"}, FakeLambdaContext()) == {"escalated": 1, "offline": 1}
