"""One contract suite, two implementations: the in-memory fake the unit tests use must behave like
the DynamoDB store on moto, through the same services (conditions, once-only entries, indexes,
listings, the outbox)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict
from functions.rewards.logic.domain import (
    EarningRules,
    EntryKind,
    ReferralRule,
    ReferralStatus,
    Stage,
    StageThreshold,
)
from functions.rewards.models.api import GiftCardRedeemIn, GiftCardReleaseIn
from functions.rewards.store.dynamo import DynamoRewardsStore
from tests.unit.rewards.conftest import AnyWorld
from tests.unit.rewards.fakes import InMemoryRewardsStore

ADMIN = Principal(user_id="admin-1", groups=frozenset({Role.ADMIN}))


def published(world: AnyWorld) -> list[str]:
    """Detail types of the events the postings saved in the outbox, in no particular order."""
    if isinstance(world.port, InMemoryRewardsStore):
        return sorted(event.detail_type for event in world.port.outbox)
    assert isinstance(world.port, DynamoRewardsStore)
    client: Any = world.port._db
    items = client.scan(TableName="plein-test-rewards")["Items"]
    return sorted(item["detail_type"]["S"] for item in items if item["pk"]["S"].startswith("outbox#"))


def entries(world: AnyWorld, user_id: str) -> list[tuple[EntryKind, int]]:
    return [(e.kind, e.points) for e in world.port.entries_since(user_id, None)]


def test_earnings_are_written_once_with_their_events_and_reversed_in_share(any_world: AnyWorld) -> None:
    world = any_world
    for _ in range(2):
        world.deliver("u1", "o1", [6000, 4000], event_id="d1")
    world.give_back("u1", "o1", 2500, event_id="r1")
    world.give_back("u1", "o1", 2500, event_id="r1")

    assert world.balance("u1") == 75
    assert sorted(entries(world, "u1")) == [(EntryKind.EARN, 100), (EntryKind.REVERSE, -25)]
    ref = world.port.order_ref("u1", "o1#v1")
    assert ref is not None
    assert (ref.earned, ref.amount, ref.net) == (100, 10000, 75)
    assert published(world) == ["PointsAwarded"]


def test_the_ledger_lists_newest_first_in_pages(any_world: AnyWorld) -> None:
    world = any_world
    for index in range(5):
        world.clock.advance(minutes=1)
        world.deliver("u1", f"o{index}", [100 * (index + 1)])
    seen: list[int] = []
    cursor = None
    while True:
        page, cursor = world.port.entries("u1", 2, cursor)
        seen += [e.points for e in page]
        if cursor is None:
            break
    assert seen == [5, 4, 3, 2, 1]
    since = world.clock.now - timedelta(minutes=1)
    assert [e.points for e in world.port.entries_since("u1", since)] == [4, 5]


def test_stages_upgrade_in_the_posting_and_review_at_period_ends(any_world: AnyWorld) -> None:
    world = any_world
    thresholds = {
        Stage.REGULAR: StageThreshold(purchases=2),
        Stage.ENGAGED: StageThreshold(purchases=3),
        Stage.FAN: StageThreshold(purchases=4),
        Stage.AMBASSADOR: StageThreshold(purchases=5),
    }
    world.services.rules.update(
        ADMIN, 0, EarningRules(stage_thresholds=thresholds, stage_window_days=10, stage_period_days=20)
    )
    world.deliver("u1", "o1", [1000])
    world.deliver("u1", "o2", [1000])
    world.deliver("u2", "o3", [1000])
    assert (world.port.count_members(Stage.REGULAR), world.port.count_members(Stage.NEW)) == (1, 1)
    assert [a.user_id for a in world.port.periods_due(world.clock.now, 10)] == []

    world.clock.advance(days=21)
    assert [a.user_id for a in world.port.periods_due(world.clock.now, 10)] == ["u1"]
    assert world.services.jobs.run().stage_reviews == 1
    members, _ = world.port.members(Stage.NEW, 10, None)
    assert sorted(a.user_id for a in members) == ["u1", "u2"]
    assert published(world).count("StageChanged") == 2
    with pytest.raises(Conflict):
        world.services.rules.update(ADMIN, 0, EarningRules())


def test_redemptions_issue_cards_that_pay_and_release_once(any_world: AnyWorld) -> None:
    world = any_world
    me = Principal(user_id="u1")
    world.deliver("u1", "o1", [90000])
    out, created = world.services.redemptions.redeem(me, "k1", "gift-card-5")
    perk, _ = world.services.redemptions.redeem(me, "k2", "early-access")
    assert created
    assert out.gift_card is not None
    assert out.gift_card.code is not None
    with pytest.raises(Conflict):
        world.services.redemptions.redeem(me, "k3", "gift-card-5")
    again, created_again = world.services.redemptions.redeem(me, "k1", "gift-card-5")
    assert (created_again, again.redemption_id, world.balance("u1")) == (
        False,
        out.redemption_id,
        100,
    )
    assert [e.name for e in world.services.members.entitlements(me)] == ["early_access"]
    assert perk.entitlement is not None

    code = out.gift_card.code
    capture = world.services.redemptions.capture
    assert capture(me, GiftCardRedeemIn(code=code, amount=350, key="order-1")).balance == 150
    assert capture(me, GiftCardRedeemIn(code=code, amount=350, key="order-1")).balance == 150
    assert capture(me, GiftCardRedeemIn(code=code, amount=350, key="order-2")).applied == 150
    assert world.services.redemptions.release(me, GiftCardReleaseIn(code=code, key="order-1")).balance == 350
    assert world.services.redemptions.release(me, GiftCardReleaseIn(code=code, key="order-1")).balance == 350
    (card,) = world.services.redemptions.gift_cards(me)
    assert (card.balance, card.code) == (350, None)
    assert sorted(published(world)) == ["GiftCardIssued", "PointsAwarded", "RewardRedeemed", "RewardRedeemed"]


def test_referrals_are_saved_listed_and_converted_once(any_world: AnyWorld) -> None:
    world = any_world
    world.services.rules.update(ADMIN, 0, EarningRules(referrals=ReferralRule(return_window_days=7)))
    alice = Principal(user_id="alice", email="alice@example.com")
    code = world.services.referrals.my_code(alice).code
    assert world.services.referrals.my_code(alice).code == code
    world.services.referrals.claim(Principal(user_id="bob"), code)
    with pytest.raises(Exception, match="self_referral"):
        world.services.referrals.claim(Principal(user_id="al", email="ALICE@example.com"), code)
    world.place("bob", "o1", 5000)
    world.deliver("bob", "o1", [5000])
    assert world.port.referrals_due(world.clock.now) == []
    world.clock.advance(days=8)
    assert [r.referee_id for r in world.port.referrals_due(world.clock.now)] == ["bob"]
    assert world.services.jobs.run().referrals_decided == 1
    assert world.services.jobs.run().referrals_decided == 0
    listed = {r.referee_id: (r.status, r.reason) for r in world.port.referrals_of("alice")}
    assert listed == {"bob": (ReferralStatus.CONVERTED, None), "al": (ReferralStatus.REFUSED, "self_referral_email")}
    assert world.balance("alice") == 200
    assert "ReferralConverted" in published(world)


def test_points_expire_once(any_world: AnyWorld) -> None:
    world = any_world
    world.deliver("u1", "o1", [5000])
    world.clock.advance(days=366)
    assert world.services.jobs.run().expired_members == 1
    assert world.services.jobs.run().expired_members == 0
    assert sorted(entries(world, "u1")) == [(EntryKind.EARN, 50), (EntryKind.EXPIRE, -50)]


def test_the_outbox_items_carry_the_event_json(dynamo_store: DynamoRewardsStore) -> None:
    world = AnyWorld(dynamo_store)
    world.deliver("u1", "o1", [1200])
    client: Any = dynamo_store._db
    (item,) = [i for i in client.scan(TableName="plein-test-rewards")["Items"] if i["pk"]["S"].startswith("outbox#")]
    detail = json.loads(item["detail"]["S"])
    assert (item["source"]["S"], detail["user_id"], detail["points"], detail["balance"]) == (
        "plein.rewards",
        "u1",
        12,
        12,
    )
