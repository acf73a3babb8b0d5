"""Races on the DynamoDB store (threads against moto with the local runtime's patches, atomic per
request as on AWS): redemptions and gift card holds never take a balance below zero."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from functions.common.auth import Principal
from functions.common.errors import Conflict, UnprocessableEntity
from functions.rewards.logic.domain import EntryKind
from functions.rewards.models.api import GiftCardRedeemIn
from functions.rewards.store.dynamo import DynamoRewardsStore
from tests.unit.rewards.conftest import AnyWorld

ME = Principal(user_id="u1")


def test_twenty_parallel_redemptions_against_a_balance_for_five_succeed_five_times(
    concurrent_store: DynamoRewardsStore,
) -> None:
    # Given exactly enough points for five €5 gift cards
    world = AnyWorld(concurrent_store)
    world.deliver("u1", "o1", [5 * 500 * 100])
    assert world.balance("u1") == 2500

    # When twenty redemptions with different keys run at once
    def redeem(index: int) -> str:
        try:
            world.services.redemptions.redeem(ME, f"key-{index}", "gift-card-5")
        except Conflict as exc:
            return exc.code
        return "redeemed"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = Counter(pool.map(redeem, range(20)))

    # Then five succeed, fifteen are refused for want of points, and the ledger adds up
    assert outcomes == Counter({"redeemed": 5, "insufficient_points": 15})
    assert world.balance("u1") == 0
    entries = concurrent_store.entries_since("u1", None)
    assert sum(e.points for e in entries) == 0
    assert [e.kind for e in entries].count(EntryKind.REDEEM) == 5
    assert len(concurrent_store.gift_cards_of("u1")) == 5


def test_the_same_key_sent_twenty_times_at_once_redeems_once(concurrent_store: DynamoRewardsStore) -> None:
    world = AnyWorld(concurrent_store)
    world.deliver("u1", "o1", [100000])

    def redeem(_: int) -> str:
        return world.services.redemptions.redeem(ME, "same-key", "gift-card-5")[0].redemption_id

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = set(pool.map(redeem, range(20)))

    assert len(ids) == 1
    assert world.balance("u1") == 500


def test_parallel_checkouts_never_take_a_gift_card_below_zero(concurrent_store: DynamoRewardsStore) -> None:
    world = AnyWorld(concurrent_store)
    world.deliver("u1", "o1", [50000])
    out, _ = world.services.redemptions.redeem(ME, "k", "gift-card-5")
    assert out.gift_card is not None
    assert out.gift_card.code is not None
    code = out.gift_card.code

    def pay(index: int) -> int:
        try:
            return world.services.redemptions.capture(
                ME, GiftCardRedeemIn(code=code, amount=120, key=f"o{index}")
            ).applied
        except UnprocessableEntity:
            return 0

    with ThreadPoolExecutor(max_workers=10) as pool:
        applied = list(pool.map(pay, range(10)))

    assert sum(applied) == 500
    (card,) = concurrent_store.gift_cards_of("u1")
    assert card.balance == 0
