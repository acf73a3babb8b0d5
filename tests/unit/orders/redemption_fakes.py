"""An honest in-memory `Redemptions` (the rewards context's side of the invoke): gift card balances
and points, charged once per key and released once per release key, card first."""

from __future__ import annotations

from dataclasses import dataclass, field

from functions.common.errors import NotFound, UnprocessableEntity
from functions.orders.logic.ports import Redeemed


@dataclass
class Charge:
    user_id: str
    code: str | None
    redeemed: Redeemed
    released_card: int = 0
    released_points: int = 0

    @property
    def remaining(self) -> int:
        return self.redeemed.discount - self.released_card - self.released_points


@dataclass
class InMemoryRedemptions:
    cards: dict[str, int] = field(default_factory=dict)
    points: dict[str, int] = field(default_factory=dict)
    charges: dict[str, Charge] = field(default_factory=dict)
    releases: dict[tuple[str, str], int] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def redeem(
        self, *, user_id: str, gift_card: str | None, points: int | None, amount: int, currency: str, key: str
    ) -> Redeemed:
        self.calls.append(f"charge {key}")
        if key in self.charges:
            return self.charges[key].redeemed
        if gift_card is not None and gift_card not in self.cards:
            raise UnprocessableEntity("no gift card has this code", code="gift_card_invalid")
        from_card = min(amount, self.cards.get(gift_card, 0)) if gift_card else 0
        used = min(points or 0, amount - from_card)
        if used > self.points.get(user_id, 0):
            raise UnprocessableEntity("not enough points", code="insufficient_points")
        if gift_card:
            self.cards[gift_card] -= from_card
        self.points[user_id] = self.points.get(user_id, 0) - used
        redeemed = Redeemed(
            discount=from_card + used,
            gift_card_amount=from_card,
            points=used,
            points_value=used,
            gift_card_last4="0000",
        )
        self.charges[key] = Charge(user_id, gift_card, redeemed)
        return redeemed

    def release(self, *, key: str, release_key: str, amount: int | None = None) -> int:
        self.calls.append(f"release {key} {release_key} {amount}")
        if (key, release_key) in self.releases:
            return self.releases[(key, release_key)]
        charge = self.charges.get(key)
        if charge is None:
            raise NotFound("no charge with this key", code="charge_not_found")
        wanted = charge.remaining if amount is None else min(amount, charge.remaining)
        to_card = min(wanted, charge.redeemed.gift_card_amount - charge.released_card)
        if charge.code is not None:
            self.cards[charge.code] += to_card
        self.points[charge.user_id] += wanted - to_card
        charge.released_card += to_card
        charge.released_points += wanted - to_card
        self.releases[(key, release_key)] = wanted
        return wanted
