"""Gift cards and points paying at checkout, for the orders context (the `rewards-redemptions`
function, invoked directly): `charge` takes what a gift card and the caller's points pay of an
amount, once per checkout key; `release` gives it back, all of it or part (refunds), once per
release key.

What is taken is recorded per key (`CheckoutCharge`) in the same transaction as the card's balance
decrement and the points' ledger entry, each conditional on the balance, so a repeated charge
returns the recorded result and no balance goes below zero under concurrent calls.

A gift card is a bearer code: anyone holding it may pay with it. Points belong to the caller.
The card pays first, points pay (whole minor units, `point_value` per point in the rules) what the
card leaves; a release restores the card first, then points (a point's part of a minor unit is
given back in the member's favour: points back = ceil(money / point_value)).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from pydantic import Field

from functions.common.errors import Conflict, NotFound, Unavailable, UnprocessableEntity
from functions.common.models import Record
from functions.rewards.logic.domain import EntryKind, GiftCard, LedgerEntry, entry_id, gift_card_hash
from functions.rewards.logic.rules import RulesService

CHARGE_RULE = "checkout"
RELEASE_RULE = "checkout_release"
RELEASE_ALL = "all"
_ATTEMPTS = 5


class CheckoutCharge(Record):
    """What one checkout key took from a gift card and the member's points, and what was given back."""

    key: str
    user_id: str
    currency: str
    amount: int = Field(description="What the checkout asked to be paid")
    gift_card_hash: str | None = None
    gift_card_id: str | None = None
    gift_card_last4: str | None = None
    gift_card_amount: int = 0
    points: int = 0
    point_value: int = 1
    released_gift_card: int = 0
    released_points: int = 0
    released_points_value: int = 0
    at: datetime
    version: int = 0

    @property
    def points_value(self) -> int:
        return self.points * self.point_value

    @property
    def discount(self) -> int:
        return self.gift_card_amount + self.points_value

    @property
    def released(self) -> int:
        return self.released_gift_card + self.released_points_value

    @property
    def remaining(self) -> int:
        return self.discount - self.released


class ChargeRelease(Record):
    """One release of (part of) a charge, once per release key."""

    key: str
    release_key: str
    gift_card_amount: int = 0
    points: int = 0
    points_value: int = 0
    at: datetime

    @property
    def amount(self) -> int:
        return self.gift_card_amount + self.points_value


class CheckoutCharges(Protocol):
    def recorded_charge(self, key: str) -> CheckoutCharge | None: ...

    def gift_card(self, code_hash: str) -> GiftCard | None: ...

    def points_balance(self, user_id: str) -> int: ...

    def save_charge(self, charge: CheckoutCharge, entry: LedgerEntry | None) -> bool:
        """Write the charge record, the card's decrement (`charge.gift_card_amount`) and the points
        entry in one transaction. False when the key is recorded already. Conflict
        `gift_card_balance_changed` when the card's balance is below the amount, Conflict
        `insufficient_points` when the points balance is below the entry's points."""
        ...

    def recorded_release(self, key: str, release_key: str) -> ChargeRelease | None: ...

    def save_release(self, charge: CheckoutCharge, release: ChargeRelease, entry: LedgerEntry | None) -> bool:
        """Write the release record, the charge at `charge.version` (saved only if the stored one is
        at `charge.version - 1`: Conflict `charge_changed` otherwise), the card's increment and
        the points entry in one transaction. False when the release key is recorded already."""
        ...


class CheckoutPayments:
    def __init__(self, charges: CheckoutCharges, rules: RulesService, clock: Callable[[], datetime]):
        self._charges = charges
        self._rules = rules
        self._clock = clock

    def charge(
        self,
        *,
        user_id: str,
        gift_card_code: str | None,
        points: int | None,
        amount: int,
        currency: str,
        key: str,
    ) -> CheckoutCharge:
        """Take up to `amount` from the gift card, then from the caller's points; a repeat of the
        key returns what the first call took."""
        for _ in range(_ATTEMPTS):
            existing = self._charges.recorded_charge(key)
            if existing is not None:
                return self._repeat(existing, user_id)
            charge, entry = self._plan(
                user_id=user_id, code=gift_card_code, points=points or 0, amount=amount, currency=currency, key=key
            )
            try:
                if self._charges.save_charge(charge, entry):
                    return charge
            except Conflict as exc:
                if exc.code == "insufficient_points":
                    raise UnprocessableEntity("not enough points", code="insufficient_points") from exc
                if exc.code != "gift_card_balance_changed":
                    raise
        raise Unavailable("the gift card is busy, retry", code="busy")

    def _plan(
        self, *, user_id: str, code: str | None, points: int, amount: int, currency: str, key: str
    ) -> tuple[CheckoutCharge, LedgerEntry | None]:
        if amount <= 0:
            raise UnprocessableEntity("nothing to pay", code="amount_invalid")
        card = None
        if code is not None:
            card = self._charges.gift_card(gift_card_hash(code))
            if card is None:
                raise UnprocessableEntity("no gift card has this code", code="gift_card_invalid")
            if card.currency != currency:
                raise UnprocessableEntity(f"the gift card is in {card.currency}", code="gift_card_currency_mismatch")
            if card.balance <= 0:
                raise UnprocessableEntity("the gift card has no balance left", code="gift_card_empty")
        from_card = min(amount, card.balance) if card is not None else 0
        point_value = self._rules.current().rules.point_value
        used = 0
        if points > 0:
            if point_value == 0:
                raise UnprocessableEntity("points do not pay at checkout", code="points_not_accepted")
            used = min(points, (amount - from_card) // point_value)
            if self._charges.points_balance(user_id) < used:
                raise UnprocessableEntity("not enough points", code="insufficient_points")
        now = self._clock()
        charge = CheckoutCharge(
            key=key,
            user_id=user_id,
            currency=currency,
            amount=amount,
            gift_card_hash=card.code_hash if card is not None and from_card else None,
            gift_card_id=card.gift_card_id if card is not None and from_card else None,
            gift_card_last4=card.last4 if card is not None and from_card else None,
            gift_card_amount=from_card,
            points=used,
            point_value=point_value,
            at=now,
        )
        entry = None
        if used:
            entry = LedgerEntry(
                entry_id=entry_id(key, CHARGE_RULE),
                user_id=user_id,
                kind=EntryKind.REDEEM,
                points=-used,
                reason="paid at checkout",
                rule=CHARGE_RULE,
                cause=key,
                at=now,
                amount=used * point_value,
            )
        return charge, entry

    @staticmethod
    def _repeat(existing: CheckoutCharge, user_id: str) -> CheckoutCharge:
        if existing.user_id != user_id:
            raise Conflict("this checkout key belongs to another checkout", code="charge_key_taken")
        return existing

    def release(self, *, key: str, release_key: str = RELEASE_ALL, amount: int | None = None) -> ChargeRelease:
        """Give back `amount` (all that is left when None) of the key's charge, the gift card first,
        then points; once per release key (a repeat returns the first release)."""
        if amount is not None and amount <= 0:
            raise UnprocessableEntity("nothing to release", code="amount_invalid")
        for _ in range(_ATTEMPTS):
            done = self._charges.recorded_release(key, release_key)
            if done is not None:
                return done
            charge = self._charges.recorded_charge(key)
            if charge is None:
                raise NotFound("no charge with this key", code="charge_not_found")
            release, updated, entry = self._plan_release(charge, release_key, amount)
            try:
                if self._charges.save_release(updated, release, entry):
                    return release
            except Conflict as exc:
                if exc.code != "charge_changed":
                    raise
        raise Unavailable("the charge is busy, retry", code="busy")

    def _plan_release(
        self, charge: CheckoutCharge, release_key: str, amount: int | None
    ) -> tuple[ChargeRelease, CheckoutCharge, LedgerEntry | None]:
        wanted = charge.remaining if amount is None else min(amount, charge.remaining)
        card_left = charge.gift_card_amount - charge.released_gift_card
        to_card = min(wanted, card_left)
        money = wanted - to_card
        points_left = charge.points - charge.released_points
        to_points = min(points_left, -(-money // charge.point_value)) if money else 0
        now = self._clock()
        release = ChargeRelease(
            key=charge.key,
            release_key=release_key,
            gift_card_amount=to_card,
            points=to_points,
            points_value=money,
            at=now,
        )
        updated = charge.model_copy(
            update={
                "released_gift_card": charge.released_gift_card + to_card,
                "released_points": charge.released_points + to_points,
                "released_points_value": charge.released_points_value + money,
                "version": charge.version + 1,
            }
        )
        entry = None
        if to_points:
            entry = LedgerEntry(
                entry_id=entry_id(f"{charge.key}#{release_key}", RELEASE_RULE),
                user_id=charge.user_id,
                kind=EntryKind.REVERSE,
                points=to_points,
                reason="given back from a checkout",
                rule=RELEASE_RULE,
                cause=f"{charge.key}#{release_key}",
                at=now,
                amount=money,
            )
        return release, updated, entry
