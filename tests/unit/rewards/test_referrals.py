"""Referrals: codes, claims, the fraud rules with their recorded reasons, and one payment after the
first delivered order's return window."""

from __future__ import annotations

import pytest

from functions.common.auth import Principal
from functions.common.errors import Conflict, NotFound, UnprocessableEntity
from functions.rewards.logic.domain import EarningRules, ReferralRule, ReferralStatus
from functions.rewards.models.events import ReferralConverted
from tests.unit.rewards.conftest import World
from tests.unit.rewards.test_earning import set_rules

REFERRER = Principal(user_id="alice", email="Alice+shop@example.com")


def code_of(world: World, who: Principal = REFERRER) -> str:
    return world.services.referrals.my_code(who).code


def status(world: World, referee: str) -> tuple[ReferralStatus, str | None]:
    referral = world.store.referral(referee)
    assert referral is not None
    return referral.status, referral.reason


def test_every_member_has_one_stable_code(world: World) -> None:
    first = code_of(world)
    assert code_of(world) == first
    assert code_of(world, Principal(user_id="bob")) != first


def test_the_referrer_is_paid_once_after_the_return_window_of_the_first_delivered_order(world: World) -> None:
    referrals = world.services.referrals
    code = code_of(world)
    referrals.claim(Principal(user_id="bob", email="bob@example.com"), code)

    world.place("bob", "o1", 2500)
    world.deliver("bob", "o1", [2500])
    assert status(world, "bob") == (ReferralStatus.AWAITING_RETURN_WINDOW, None)
    assert world.services.jobs.run().referrals_decided == 0  # the window is still open
    assert world.balance("alice") == 0

    world.clock.advance(days=14)
    assert world.services.jobs.run().referrals_decided == 1
    assert world.services.jobs.run().referrals_decided == 0
    world.deliver("bob", "o1", [2500], event_id="again")

    assert status(world, "bob") == (ReferralStatus.CONVERTED, None)
    assert world.balance("alice") == 200
    converted = [e for e in world.store.outbox if isinstance(e, ReferralConverted)]
    assert [(e.referrer_id, e.referee_id, e.points) for e in converted] == [("alice", "bob", 200)]
    _, listed = referrals.my_referrals(REFERRER)
    assert [(r.referee_id, r.status) for r in listed] == [("bob", ReferralStatus.CONVERTED)]


def test_a_zero_return_window_pays_on_delivery(world: World) -> None:
    set_rules(world, EarningRules(referrals=ReferralRule(return_window_days=0)))
    world.services.referrals.claim(Principal(user_id="bob"), code_of(world))
    world.place("bob", "o1", 2500)
    world.deliver("bob", "o1", [2500])
    assert (status(world, "bob"), world.balance("alice")) == ((ReferralStatus.CONVERTED, None), 200)


@pytest.mark.parametrize(
    ("referee", "reason"),
    [
        (Principal(user_id="alice"), "self_referral"),
        (Principal(user_id="al2", email="alice@example.com"), "self_referral_email"),
    ],
)
def test_self_referrals_are_refused_and_recorded(world: World, referee: Principal, reason: str) -> None:
    code = code_of(world)
    with pytest.raises(UnprocessableEntity) as refused:
        world.services.referrals.claim(referee, code)
    assert refused.value.code == reason
    assert status(world, referee.user_id) == (ReferralStatus.REFUSED, reason)
    with pytest.raises(Conflict):
        world.services.referrals.claim(referee, code)


def test_a_member_who_ordered_before_is_not_new(world: World) -> None:
    world.place("bob", "o0", 5000)
    with pytest.raises(UnprocessableEntity):
        world.services.referrals.claim(Principal(user_id="bob"), code_of(world))
    assert status(world, "bob") == (ReferralStatus.REFUSED, "referee_not_new")


def test_unknown_codes_are_404(world: World) -> None:
    with pytest.raises(NotFound):
        world.services.referrals.claim(Principal(user_id="bob"), "NOPE1234")


def test_small_or_returned_first_orders_are_refused(world: World) -> None:
    code = code_of(world)
    world.services.referrals.claim(Principal(user_id="bob"), code)
    world.place("bob", "o1", 1999)
    assert status(world, "bob") == (ReferralStatus.REFUSED, "order_below_minimum")

    world.services.referrals.claim(Principal(user_id="carol"), code)
    world.place("carol", "o2", 3000)
    world.deliver("carol", "o2", [3000])
    world.give_back("carol", "o2", 3000)
    world.clock.advance(days=30)
    world.services.jobs.run()
    assert status(world, "carol") == (ReferralStatus.REFUSED, "first_order_returned")
    assert world.balance("alice") == 0


def test_the_monthly_cap_per_referrer_refuses_the_rest(world: World) -> None:
    set_rules(world, EarningRules(referrals=ReferralRule(return_window_days=0, monthly_cap=2)))
    code = code_of(world)
    for index in range(3):
        referee = f"ref{index}"
        world.services.referrals.claim(Principal(user_id=referee), code)
        world.place(referee, f"o{index}", 2500)
        world.deliver(referee, f"o{index}", [2500])
    assert world.balance("alice") == 400
    assert status(world, "ref2") == (ReferralStatus.REFUSED, "monthly_cap_reached")


def test_a_delivery_seen_before_its_placement_still_counts(world: World) -> None:
    set_rules(world, EarningRules(referrals=ReferralRule(return_window_days=0)))
    world.services.referrals.claim(Principal(user_id="bob"), code_of(world))
    world.deliver("bob", "o1", [2500])
    world.place("bob", "o1", 2500)
    assert (status(world, "bob"), world.balance("alice")) == ((ReferralStatus.CONVERTED, None), 200)


def test_a_cancelled_first_order_is_refused(world: World) -> None:
    from functions.orders.models import events as orders
    from functions.rewards.models import consumed
    from tests.unit.rewards.conftest import wire

    world.services.referrals.claim(Principal(user_id="bob"), code_of(world))
    world.place("bob", "o1", 2500)
    cancelled = orders.OrderCancelled(order_id="o1", user_id="bob", vendor_ids=["v1"], lines=[], refund_amount=2995)
    world.services.earning.order_cancelled(consumed.OrderCancelledView.model_validate(wire(cancelled)))
    assert status(world, "bob") == (ReferralStatus.REFUSED, "first_order_cancelled")
