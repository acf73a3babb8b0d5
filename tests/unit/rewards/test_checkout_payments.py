"""Gift cards and points paying at checkout (logic/checkout_payments.py) over the in-memory store:
card first, then points; once per key; releases (all or part) once per release key; never below zero."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, NotFound, UnprocessableEntity
from functions.rewards.logic.checkout_payments import CheckoutPayments
from functions.rewards.logic.domain import EarningRules, EntryKind
from tests.unit.rewards.charge_fakes import InMemoryCheckoutCharges
from tests.unit.rewards.conftest import AnyWorld

ME = Principal(user_id="u1")
ADMIN = Principal(user_id="admin", groups=frozenset({Role.ADMIN}))


class Checkout(AnyWorld):
    """The rewards services and checkout payments over one store with charges."""

    def __init__(self, store: Any = None) -> None:
        self.charges: Any = store if store is not None else InMemoryCheckoutCharges()
        super().__init__(self.charges)
        self.payments = CheckoutPayments(self.charges, self.services.rules, self.clock)

    def card(self, user_id: str = "u1", reward: str = "gift-card-5", key: str = "card-1") -> str:
        """A €5 (or €10) gift card bought with points; its code."""
        out, _ = self.services.redemptions.redeem(Principal(user_id=user_id), key, reward)
        assert out.gift_card is not None
        assert out.gift_card.code is not None
        return out.gift_card.code

    def card_balance(self, user_id: str = "u1") -> int:
        return sum(card.balance for card in self.port.gift_cards_of(user_id))


@pytest.fixture
def shop() -> Checkout:
    shop = Checkout()
    shop.deliver("u1", "big", [1500 * 100])  # 1500 points
    return shop


def test_a_gift_card_pays_part_and_keeps_the_rest(shop: Checkout) -> None:
    code = shop.card()  # 500 points for €5
    charge = shop.payments.charge(user_id="u2", gift_card_code=code, points=None, amount=300, currency="EUR", key="o1")
    assert (charge.gift_card_amount, charge.points, charge.discount) == (300, 0, 300)
    assert shop.card_balance() == 200
    # a bearer code: u2 paid with u1's card; the card's remaining balance pays the next checkout
    second = shop.payments.charge(user_id="u1", gift_card_code=code, points=None, amount=900, currency="EUR", key="o2")
    assert second.discount == 200
    assert shop.card_balance() == 0


def test_points_pay_what_the_card_leaves_at_the_rules_point_value(shop: Checkout) -> None:
    code = shop.card()
    assert shop.balance("u1") == 1000
    charge = shop.payments.charge(user_id="u1", gift_card_code=code, points=800, amount=1200, currency="EUR", key="o1")
    assert (charge.gift_card_amount, charge.points, charge.points_value, charge.discount) == (500, 700, 700, 1200)
    assert shop.balance("u1") == 300
    (entry,) = [e for e in shop.charges.ledger.values() if e.rule == "checkout"]
    assert (entry.kind, entry.points, entry.cause) == (EntryKind.REDEEM, -700, "o1")


def test_a_repeated_charge_returns_the_first_and_takes_nothing_more(shop: Checkout) -> None:
    code = shop.card()
    first = shop.payments.charge(user_id="u1", gift_card_code=code, points=100, amount=550, currency="EUR", key="o1")
    again = shop.payments.charge(user_id="u1", gift_card_code=code, points=100, amount=550, currency="EUR", key="o1")
    assert again == first
    assert (shop.card_balance(), shop.balance("u1")) == (0, 950)
    with pytest.raises(Conflict) as taken:
        shop.payments.charge(user_id="u9", gift_card_code=None, points=10, amount=550, currency="EUR", key="o1")
    assert taken.value.code == "charge_key_taken"


@pytest.mark.parametrize(
    ("code", "points", "currency", "expected"),
    [
        ("PLN-AAAA-BBBB-CCCC-DDDD", None, "EUR", "gift_card_invalid"),
        (None, 5000, "EUR", "insufficient_points"),
        ("card", None, "USD", "gift_card_currency_mismatch"),
    ],
)
def test_refusals_are_4xx_with_codes_and_take_nothing(
    shop: Checkout, code: str | None, points: int | None, currency: str, expected: str
) -> None:
    real = shop.card()
    with pytest.raises(UnprocessableEntity) as refused:
        shop.payments.charge(
            user_id="u1",
            gift_card_code=real if code == "card" else code,
            points=points,
            amount=9000,
            currency=currency,
            key="o1",
        )
    assert refused.value.code == expected
    assert (shop.card_balance(), shop.balance("u1"), shop.charges.charges) == (500, 1000, {})


def test_a_used_up_card_is_empty(shop: Checkout) -> None:
    code = shop.card()
    shop.payments.charge(user_id="u1", gift_card_code=code, points=None, amount=500, currency="EUR", key="o1")
    with pytest.raises(UnprocessableEntity) as refused:
        shop.payments.charge(user_id="u1", gift_card_code=code, points=None, amount=500, currency="EUR", key="o2")
    assert refused.value.code == "gift_card_empty"


def test_points_do_not_pay_when_the_rules_give_them_no_value(shop: Checkout) -> None:
    rules = shop.services.rules.current()
    shop.services.rules.update(ADMIN, rules.version, EarningRules(point_value=0))
    with pytest.raises(UnprocessableEntity) as refused:
        shop.payments.charge(user_id="u1", gift_card_code=None, points=100, amount=500, currency="EUR", key="o1")
    assert refused.value.code == "points_not_accepted"


def test_the_point_value_is_validated() -> None:
    with pytest.raises(ValueError, match="point_value"):
        EarningRules(point_value=-1)


def test_release_gives_back_the_card_first_then_points_once_per_release_key(shop: Checkout) -> None:
    code = shop.card()
    shop.payments.charge(user_id="u1", gift_card_code=code, points=300, amount=800, currency="EUR", key="o1")
    assert (shop.card_balance(), shop.balance("u1")) == (0, 700)

    part = shop.payments.release(key="o1", release_key="r1", amount=600)
    assert (part.gift_card_amount, part.points, part.amount) == (500, 100, 600)
    assert shop.payments.release(key="o1", release_key="r1", amount=600) == part  # repeated: once
    assert (shop.card_balance(), shop.balance("u1")) == (500, 800)

    rest = shop.payments.release(key="o1")  # all that is left
    assert (rest.gift_card_amount, rest.points, rest.amount) == (0, 200, 200)
    assert shop.payments.release(key="o1", release_key="more", amount=100).amount == 0
    assert (shop.card_balance(), shop.balance("u1")) == (500, 1000)


def test_releasing_an_unknown_charge_is_404(shop: Checkout) -> None:
    with pytest.raises(NotFound) as missing:
        shop.payments.release(key="nope")
    assert missing.value.code == "charge_not_found"


# ------------------------------------------------------------------ property

Step = tuple[str, int, int]
steps = st.lists(
    st.one_of(
        st.tuples(st.just("charge"), st.integers(0, 5), st.integers(1, 900)),  # key, amount
        st.tuples(st.just("release"), st.integers(0, 5), st.integers(0, 600)),  # key, amount (0: all)
        st.tuples(st.just("release-again"), st.integers(0, 5), st.integers(0, 3)),  # key, release key
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, points=st.integers(0, 700))
def test_no_sequence_takes_a_balance_below_zero_and_money_adds_up(steps: list[Step], points: int) -> None:
    shop = Checkout()
    shop.deliver("u1", "big", [1500 * 100])
    code = shop.card(reward="gift-card-10")  # 950 points for €10: 550 points left
    start_card, start_points = shop.card_balance(), shop.balance("u1")
    for index, (action, key, value) in enumerate(steps):
        try:
            if action == "charge":
                shop.payments.charge(
                    user_id="u1",
                    gift_card_code=code,
                    points=points or None,
                    amount=value,
                    currency="EUR",
                    key=f"o{key}",
                )
            elif action == "release":
                shop.payments.release(key=f"o{key}", release_key=f"r{index}", amount=value or None)
            else:
                shop.payments.release(key=f"o{key}", release_key=f"r{value}", amount=50)
        except (UnprocessableEntity, NotFound):
            pass
        card, balance = shop.card_balance(), shop.balance("u1")
        assert card >= 0
        assert balance >= 0
        charges = shop.charges.charges.values()
        assert start_card - card == sum(c.gift_card_amount - c.released_gift_card for c in charges)
        assert start_points - balance == sum(c.points - c.released_points for c in charges)
        assert all(0 <= c.remaining <= c.amount for c in charges)
        releases = shop.charges.releases.values()
        assert sum(c.released for c in charges) == sum(r.amount for r in releases)
