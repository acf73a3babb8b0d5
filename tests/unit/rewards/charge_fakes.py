"""The in-memory rewards store with checkout charges: the same conditions as store/charges.py
(one lock stands for one DynamoDB transaction), checked against it by the contract tests."""

from __future__ import annotations

from functions.common.errors import Conflict
from functions.rewards.logic.checkout_payments import ChargeRelease, CheckoutCharge
from functions.rewards.logic.domain import Account, LedgerEntry
from tests.unit.rewards.fakes import InMemoryRewardsStore


class InMemoryCheckoutCharges(InMemoryRewardsStore):
    def __init__(self) -> None:
        super().__init__()
        self.charges: dict[str, CheckoutCharge] = {}
        self.releases: dict[tuple[str, str], ChargeRelease] = {}

    def recorded_charge(self, key: str) -> CheckoutCharge | None:
        return self.charges.get(key)

    def recorded_release(self, key: str, release_key: str) -> ChargeRelease | None:
        return self.releases.get((key, release_key))

    def points_balance(self, user_id: str) -> int:
        account = self.accounts.get(user_id)
        return account.balance if account is not None else 0

    def save_charge(self, charge: CheckoutCharge, entry: LedgerEntry | None) -> bool:
        with self._lock:
            if charge.key in self.charges:
                return False
            card = self.cards.get(charge.gift_card_hash) if charge.gift_card_hash else None
            if charge.gift_card_amount and (card is None or card.balance < charge.gift_card_amount):
                raise Conflict("the gift card balance changed", code="gift_card_balance_changed")
            if entry is not None and self.points_balance(entry.user_id) < -entry.points:
                raise Conflict("not enough points", code="insufficient_points")
            if card is not None:
                self.cards[card.code_hash] = card.model_copy(update={"balance": card.balance - charge.gift_card_amount})
            self._entry(entry)
            self.charges[charge.key] = charge
            return True

    def save_release(self, charge: CheckoutCharge, release: ChargeRelease, entry: LedgerEntry | None) -> bool:
        with self._lock:
            if (release.key, release.release_key) in self.releases:
                return False
            stored = self.charges.get(charge.key)
            if stored is None or stored.version != charge.version - 1:
                raise Conflict("the charge changed meanwhile", code="charge_changed")
            if charge.gift_card_hash is not None and release.gift_card_amount:
                card = self.cards[charge.gift_card_hash]
                self.cards[card.code_hash] = card.model_copy(
                    update={"balance": card.balance + release.gift_card_amount}
                )
            self._entry(entry)
            self.charges[charge.key] = charge
            self.releases[(release.key, release.release_key)] = release
            return True

    def _entry(self, entry: LedgerEntry | None) -> None:
        if entry is None:
            return
        account = self.accounts.get(entry.user_id) or Account(user_id=entry.user_id)
        self.ledger[entry.entry_id] = entry
        self.accounts[entry.user_id] = account.model_copy(update={"balance": account.balance + entry.points})
