"""Checkout charges on the DynamoDB store (moto): the same behaviour as the in-memory fake, and
20 concurrent charges against a card worth five of them succeed exactly five times."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from functions.common.errors import PleinError
from functions.rewards.logic.domain import EntryKind
from functions.rewards.store.charges import DynamoCheckoutCharges
from tests.integration.rewards.conftest import TABLE
from tests.unit.rewards.test_checkout_payments import Checkout


def test_charge_repeat_and_releases_on_dynamodb(dynamodb: Any) -> None:
    store = DynamoCheckoutCharges(TABLE, client=dynamodb)
    shop = Checkout(store)
    shop.deliver("u1", "big", [1500 * 100])
    code = shop.card()
    assert shop.balance("u1") == 1000

    first = shop.payments.charge(user_id="u1", gift_card_code=code, points=300, amount=800, currency="EUR", key="o1")
    again = shop.payments.charge(user_id="u1", gift_card_code=code, points=300, amount=800, currency="EUR", key="o1")
    assert again == first
    assert (first.gift_card_amount, first.points, first.discount) == (500, 300, 800)
    assert (shop.card_balance(), shop.balance("u1")) == (0, 700)

    part = shop.payments.release(key="o1", release_key="r1", amount=600)
    assert shop.payments.release(key="o1", release_key="r1", amount=600) == part
    assert (shop.card_balance(), shop.balance("u1")) == (500, 800)
    shop.payments.release(key="o1")
    assert (shop.card_balance(), shop.balance("u1")) == (500, 1000)
    entries = store.entries_since("u1", None)
    assert sum(e.points for e in entries) == 1000
    assert [e.kind for e in entries].count(EntryKind.REVERSE) == 2


def test_twenty_concurrent_charges_against_a_card_for_five_succeed_five_times(patched_dynamodb: Any) -> None:
    store = DynamoCheckoutCharges(TABLE, client=patched_dynamodb)
    shop = Checkout(store)
    shop.deliver("u1", "big", [1500 * 100])
    code = shop.card()  # €5: five charges of €1

    def charge(index: int) -> str:
        try:
            shop.payments.charge(
                user_id="u1", gift_card_code=code, points=None, amount=100, currency="EUR", key=f"order-{index}"
            )
        except PleinError as exc:
            return exc.code
        return "charged"

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = Counter(pool.map(charge, range(20)))

    assert outcomes == Counter({"charged": 5, "gift_card_empty": 15})
    assert shop.card_balance() == 0
    charged = [store.recorded_charge(f"order-{i}") for i in range(20)]
    assert sum(c.gift_card_amount for c in charged if c is not None) == 500
