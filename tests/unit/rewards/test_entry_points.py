"""The Lambda entry points beside the API: the event consumer routes each consumed event to its
rule (a detail that does not validate fails its record), the schedule runs the jobs."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from functions.rewards.handlers import events, schedule
from functions.rewards.handlers.dependencies import Rewards
from functions.rewards.models import consumed
from tests.unit.rewards.conftest import World, community, delivered, wire


@pytest.fixture
def wired(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    def services() -> Rewards:
        return world.services

    monkeypatch.setattr(events, "worker", services)
    monkeypatch.setattr(schedule, "worker", services)
    return world


def test_the_consumer_routes_orders_community_and_advice_events(wired: World) -> None:
    events.handle_event("plein.orders", "OrderDelivered", wire(delivered("u1", "o1", [1000])))
    events.handle_event(
        "plein.community", "ReviewPublished", community(review_id="r1", product_id="p", user_id="u1", rating=4)
    )
    advice: dict[str, Any] = community(session_id="s1", advisor_id="adv", shopper_id="u1", rating=5, program_id="p1")
    events.handle_event("plein.advice", "AdviceSessionRated", advice)
    events.handle_event("plein.community", "ProductHearted", {"anything": True})  # not consumed: ignored

    assert (wired.balance("u1"), wired.balance("adv")) == (10 + 20, 30)


def test_every_subscribed_event_has_a_route() -> None:
    assert set(events.ROUTES) == {(view.source, view.detail_type) for view in consumed.CONSUMED}


def test_a_detail_that_does_not_validate_fails_its_record(wired: World) -> None:
    with pytest.raises(ValidationError):
        events.handle_event("plein.orders", "OrderDelivered", {"order_id": "o1"})


def test_the_schedule_runs_the_jobs(wired: World) -> None:
    wired.deliver("u1", "o1", [1000])
    wired.clock.advance(days=400)
    assert schedule.handler({"source": "aws.events"}, None) == {
        "expired_members": 1,
        "stage_reviews": 0,
        "referrals_decided": 0,
    }
    assert wired.balance("u1") == 0
