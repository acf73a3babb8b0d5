"""Redeeming points (idempotent, never below zero), gift cards shown once and stored hashed, perks,
and gift cards paying at checkout through holds and releases."""

from __future__ import annotations

import pytest

from functions.common.auth import Principal
from functions.common.errors import Conflict, NotFound, UnprocessableEntity
from functions.rewards.logic.domain import EntryKind, gift_card_hash
from functions.rewards.models.api import GiftCardRedeemIn, GiftCardReleaseIn
from functions.rewards.models.events import GiftCardIssued, RewardRedeemed
from tests.unit.rewards.conftest import World

ME = Principal(user_id="u1")


def rich(world: World, points: int) -> None:
    """Give u1 `points` through a delivered order."""
    world.deliver("u1", "big", [points * 100])


def test_a_gift_card_from_points_shows_its_code_once_and_stores_only_a_hash(world: World) -> None:
    rich(world, 1200)
    out, created = world.services.redemptions.redeem(ME, "key-1", "gift-card-10")

    assert created
    assert out.gift_card is not None
    assert out.gift_card.code is not None
    code = out.gift_card.code
    assert (out.points, out.balance, out.gift_card.balance) == (950, 250, 1000)
    (card,) = world.store.cards.values()
    assert card.code_hash == gift_card_hash(code)
    assert code not in card.model_dump_json()

    again, created_again = world.services.redemptions.redeem(ME, "key-1", "gift-card-10")
    assert not created_again
    assert again.gift_card is not None
    assert again.gift_card.code is None
    assert world.balance("u1") == 250
    kinds = [type(e) for e in world.store.outbox if isinstance(e, RewardRedeemed | GiftCardIssued)]
    assert kinds == [RewardRedeemed, GiftCardIssued]


def test_a_key_reused_for_another_reward_is_refused(world: World) -> None:
    rich(world, 2000)
    world.services.redemptions.redeem(ME, "key-1", "gift-card-5")
    with pytest.raises(UnprocessableEntity) as refused:
        world.services.redemptions.redeem(ME, "key-1", "gift-card-10")
    assert refused.value.code == "idempotency_key_reused"


def test_not_enough_points_is_409_and_changes_nothing(world: World) -> None:
    rich(world, 400)
    with pytest.raises(Conflict) as refused:
        world.services.redemptions.redeem(ME, "key-1", "gift-card-5")
    assert refused.value.code == "insufficient_points"
    assert world.balance("u1") == 400
    assert not world.store.cards
    assert not world.store.redemptions


def test_unknown_rewards_are_404(world: World) -> None:
    with pytest.raises(NotFound):
        world.services.redemptions.redeem(ME, "key-1", "moon")


def test_a_perk_grants_an_entitlement_and_extends_a_running_one(world: World) -> None:
    rich(world, 700)
    first, _ = world.services.redemptions.redeem(ME, "perk-1", "early-access")
    second, _ = world.services.redemptions.redeem(ME, "perk-2", "early-access")
    assert first.entitlement is not None
    assert second.entitlement is not None
    assert (second.entitlement.expires_at - first.entitlement.expires_at).days == 90
    (running,) = world.services.members.entitlements(ME)
    assert (running.name, running.expires_at) == ("early_access", second.entitlement.expires_at)
    world.clock.advance(days=181)
    assert world.services.members.entitlements(ME) == []


def test_a_charity_donation_records_its_partner(world: World) -> None:
    rich(world, 500)
    out, _ = world.services.redemptions.redeem(ME, "k", "charity-trees")
    assert (out.partner, out.amount, out.currency, out.gift_card) == ("Trees for All", 500, "EUR", None)


def test_a_gift_card_pays_part_of_checkouts_once_per_key_and_never_below_zero(world: World) -> None:
    rich(world, 500)
    out, _ = world.services.redemptions.redeem(ME, "k", "gift-card-5")
    assert out.gift_card is not None
    assert out.gift_card.code is not None
    code = out.gift_card.code
    shopper = Principal(user_id="someone")  # a gift card can be given away: the code is what pays
    redemptions = world.services.redemptions

    first = redemptions.capture(shopper, GiftCardRedeemIn(code=code, amount=300, key="order-1"))
    repeat = redemptions.capture(shopper, GiftCardRedeemIn(code=code, amount=300, key="order-1"))
    rest = redemptions.capture(shopper, GiftCardRedeemIn(code=code.lower(), amount=900, key="order-2"))
    assert (first.applied, first.balance, repeat.applied, repeat.balance) == (300, 200, 300, 200)
    assert (rest.applied, rest.balance) == (200, 0)
    with pytest.raises(UnprocessableEntity) as empty:
        redemptions.capture(shopper, GiftCardRedeemIn(code=code, amount=100, key="order-3"))
    assert empty.value.code == "gift_card_empty"

    released = redemptions.release(shopper, GiftCardReleaseIn(code=code, key="order-1"))
    assert (released.status, released.applied, released.balance) == ("released", 0, 300)
    assert redemptions.release(shopper, GiftCardReleaseIn(code=code, key="order-1")).balance == 300
    with pytest.raises(NotFound):
        redemptions.release(Principal(user_id="thief"), GiftCardReleaseIn(code=code, key="order-2"))
    with pytest.raises(Conflict):
        redemptions.capture(Principal(user_id="thief"), GiftCardRedeemIn(code=code, amount=100, key="order-2"))


def test_gift_cards_refuse_unknown_codes_and_other_currencies(world: World) -> None:
    rich(world, 500)
    out, _ = world.services.redemptions.redeem(ME, "k", "gift-card-5")
    assert out.gift_card is not None
    assert out.gift_card.code is not None
    with pytest.raises(NotFound):
        world.services.redemptions.capture(ME, GiftCardRedeemIn(code="PLN-AAAA-BBBB", amount=1, key="o"))
    with pytest.raises(UnprocessableEntity) as other:
        world.services.redemptions.capture(
            ME, GiftCardRedeemIn(code=out.gift_card.code, amount=1, currency="USD", key="o")
        )
    assert other.value.code == "currency_mismatch"


def test_admin_adjustments_are_audited_and_idempotent(world: World) -> None:
    from functions.rewards.models.api import AdjustmentIn

    admin = Principal(user_id="admin-1", groups=frozenset({"admin"}))
    members = world.services.members
    members.adjust(admin, "adj-1", AdjustmentIn(user_id="u1", points=50, reason="goodwill"))
    members.adjust(admin, "adj-1", AdjustmentIn(user_id="u1", points=50, reason="goodwill"))
    members.adjust(admin, "adj-2", AdjustmentIn(user_id="u1", points=-20, reason="correction"))
    with pytest.raises(Conflict):
        members.adjust(admin, "adj-3", AdjustmentIn(user_id="u1", points=-31, reason="too much"))
    entries = sorted(world.store.ledger.values(), key=lambda e: e.points)
    assert [(e.kind, e.points, e.actor, e.reason) for e in entries] == [
        (EntryKind.ADJUST, -20, "admin-1", "adjustment: correction"),
        (EntryKind.ADJUST, 50, "admin-1", "adjustment: goodwill"),
    ]
    assert world.balance("u1") == 30
