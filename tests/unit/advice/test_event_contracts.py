"""Event contracts: what advice reads of OrderPlaced, and what it publishes for rewards and community."""

from __future__ import annotations

import json

from functions.advice.models.consumed import OrderPlacedView
from functions.advice.models.events import ADVICE_EVENTS, AdviceSessionEnded, AdviceSessionRated, AdvisorApproved
from functions.advice.wiring import WIRING
from functions.orders.models.events import EventLine, OrderPlaced


def test_order_placed_as_orders_publishes_it_parses_into_the_advice_view() -> None:
    line = EventLine(
        offer_id="o1", product_id="grinder", vendor_id="v1", sku="s", quantity=2, unit_price=500, line_total=1000
    )
    placed = OrderPlaced(
        order_id="ord-1",
        user_id="u1",
        vendor_ids=["v1"],
        lines=[line],
        advice_session_id="s1",
        items_total=1000,
        shipping_total=0,
        total=1000,
    )

    view = OrderPlacedView.model_validate(json.loads(placed.model_dump_json()))

    assert (view.order_id, view.user_id, view.advice_session_id) == ("ord-1", "u1", "s1")
    assert [(line.product_id, line.line_total) for line in view.lines] == [("grinder", 1000)]
    assert view.event_id == placed.event_id


def test_the_wiring_subscribes_order_placed_and_notification_created_and_relays_the_outbox() -> None:
    subscribed = {(s.function.handler, s.sources, s.detail_types) for s in WIRING.events}
    assert subscribed == {
        ("functions.advice.handlers.orders.handler", ("plein.orders",), ("OrderPlaced",)),
        ("functions.advice.handlers.notifications.handler", ("plein.notifications",), ("NotificationCreated",)),
    }
    assert WIRING.table.stream
    assert [s.function.handler for s in WIRING.streams] == ["functions.common.outbox.handler"]
    assert set(WIRING.publishes) == {
        "AdvisorApproved",
        "AdviceSessionEnded",
        "AdviceSessionRated",
        "AdvisorInvited",
        "AdviceMissed",
    }


def test_published_events_carry_what_their_consumers_need() -> None:
    assert {event.source for event in ADVICE_EVENTS} == {"plein.advice"}
    approved = AdvisorApproved(advisor_id="a1", program_id="p1")
    ended = AdviceSessionEnded(
        session_id="s1", program_id="p1", advisor_id="a1", shopper_id="u1", product_id="grinder", duration_seconds=60
    )
    rated = AdviceSessionRated(
        session_id="s1",
        program_id="p1",
        advisor_id="a1",
        shopper_id="u1",
        rating=5,
        compensation_kind="points",
        compensation_points=50,
        compensation_cash=0,
    )
    details = [json.loads(event.model_dump_json()) for event in (approved, ended, rated)]
    for detail in details:
        assert {"event_id", "occurred_at", "version"} <= set(detail)
    assert {"advisor_id", "program_id"} <= set(details[0])
    assert {"session_id", "program_id", "advisor_id", "shopper_id", "product_id", "duration_seconds"} <= set(details[1])
    assert {
        "session_id",
        "program_id",
        "advisor_id",
        "shopper_id",
        "rating",
        "nps",
        "compensation_kind",
        "compensation_points",
        "compensation_cash",
    } <= set(details[2])
