"""The adapter behind the logic's `Redemptions` port until the rewards context exists."""

from __future__ import annotations

from functions.common.errors import UnprocessableEntity


class NoRedemptions:
    """Until the rewards context exists, gift cards and points cannot be redeemed at checkout."""

    def redeem(self, *, user_id: str, gift_card: str | None, points: int | None, amount: int, key: str) -> int:
        raise UnprocessableEntity("gift cards and reward points cannot be redeemed yet", code="redemptions_unavailable")
