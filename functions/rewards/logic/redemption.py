"""The rewards catalog and redemption of points (idempotent per Idempotency-Key, never below zero),
and gift cards at checkout: an order-scoped hold taken from a card by its code, and its release.

A gift card's code is shown once, in the redemption's response; the table keeps its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from functions.common.auth import Principal, Role
from functions.common.errors import Conflict, NotFound, Unavailable, UnprocessableEntity
from functions.common.events import DomainEvent
from functions.rewards.logic.domain import (
    CatalogReward,
    Entitlement,
    EntryKind,
    GiftCard,
    GiftCardHold,
    Redemption,
    RewardKind,
    gift_card_hash,
)
from functions.rewards.logic.ledger import LedgerService
from functions.rewards.logic.ports import Clock, GiftCards, Ledger
from functions.rewards.logic.rules import RulesService
from functions.rewards.models.api import (
    CatalogOut,
    EntitlementOut,
    GiftCardHoldOut,
    GiftCardOut,
    GiftCardRedeemIn,
    GiftCardReleaseIn,
    RedemptionOut,
    RewardOut,
)
from functions.rewards.models.events import GiftCardIssued, RewardRedeemed

REDEMPTION_RULE = "redemption"
CAPTURED, RELEASED = "captured", "released"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_ATTEMPTS = 4


def new_gift_card_code() -> str:
    """`PLN-XXXX-XXXX-XXXX-XXXX`: 80 random bits, no look-alike characters."""
    groups = ["".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "PLN-" + "-".join(groups)


class RedemptionService:
    def __init__(self, ledger: Ledger, cards: GiftCards, points: LedgerService, rules: RulesService, clock: Clock):
        self._ledger = ledger
        self._cards = cards
        self._points = points
        self._rules = rules
        self._clock = clock

    def catalog(self) -> CatalogOut:
        return CatalogOut(items=[RewardOut.of(r) for r in self._rules.current().rules.catalog if r.active])

    # ---------------------------------------------------------------- redemption

    def redeem(self, caller: Principal, key: str, reward_id: str) -> tuple[RedemptionOut, bool]:
        """Spend points on a reward; (the redemption, True) when made now, (it, False) for a repeat."""
        existing = self._ledger.redemption(caller.user_id, key)
        if existing is not None:
            return self._repeat(existing, reward_id), False
        reward = self._rules.current().rules.reward(reward_id)
        if reward is None:
            raise NotFound("no such reward in the catalog", code="reward_not_found")
        now = self._clock()
        redemption = Redemption(
            redemption_id="rd_" + hashlib.sha256(f"{caller.user_id}#{key}".encode()).hexdigest()[:24],
            user_id=caller.user_id,
            reward_id=reward.reward_id,
            kind=reward.kind,
            points=reward.points,
            at=now,
            idempotency_key=key,
            entitlement=reward.entitlement,
            partner=reward.partner,
            amount=reward.amount,
            currency=reward.currency if reward.amount else None,
        )
        code, card = (None, None)
        if reward.kind is RewardKind.GIFT_CARD:
            code, card = self._issue_card(caller, reward, redemption)
        entitlement = self._entitlement(caller, reward, redemption) if reward.kind is RewardKind.PERK else None
        if card is not None:
            redemption = redemption.model_copy(
                update={"gift_card_id": card.gift_card_id, "gift_card_hash": card.code_hash}
            )
        events: list[DomainEvent] = [
            RewardRedeemed(
                event_id=redemption.redemption_id,
                user_id=caller.user_id,
                redemption_id=redemption.redemption_id,
                reward_id=reward.reward_id,
                kind=reward.kind,
                points=reward.points,
            )
        ]
        if card is not None:
            events.append(
                GiftCardIssued(
                    user_id=caller.user_id, gift_card_id=card.gift_card_id, amount=card.initial, currency=card.currency
                )
            )
        written = self._points.debit(
            caller.user_id,
            kind=EntryKind.REDEEM,
            points=reward.points,
            reason=f"redeemed: {reward.title}",
            rule=REDEMPTION_RULE,
            cause=f"{caller.user_id}#{key}",
            redemption=redemption,
            gift_card=card,
            entitlement=entitlement,
            events=tuple(events),
        )
        if not written:  # the same key, concurrently
            concurrent = self._ledger.redemption(caller.user_id, key)
            if concurrent is None:
                raise Unavailable("the redemption is in progress, retry", code="redemption_in_progress")
            return self._repeat(concurrent, reward_id), False
        balance = self._points.account(caller.user_id).balance
        return self._out(redemption, balance, card, code, entitlement), True

    def _repeat(self, existing: Redemption, reward_id: str) -> RedemptionOut:
        if existing.reward_id != reward_id:
            raise UnprocessableEntity("this Idempotency-Key was used for another reward", code="idempotency_key_reused")
        card = self._cards.gift_card(existing.gift_card_hash) if existing.gift_card_hash else None
        entitlement = None
        if existing.entitlement is not None:
            entitlement = next(
                (e for e in self._ledger.entitlements(existing.user_id) if e.redemption_id == existing.redemption_id),
                None,
            )
        balance = self._points.account(existing.user_id).balance
        return self._out(existing, balance, card, None, entitlement)

    def _out(
        self,
        redemption: Redemption,
        balance: int,
        card: GiftCard | None,
        code: str | None,
        entitlement: Entitlement | None,
    ) -> RedemptionOut:
        return RedemptionOut(
            redemption_id=redemption.redemption_id,
            reward_id=redemption.reward_id,
            kind=redemption.kind,
            points=redemption.points,
            balance=balance,
            at=redemption.at,
            gift_card=GiftCardOut.of(card, code) if card is not None else None,
            entitlement=EntitlementOut.of(entitlement) if entitlement is not None else None,
            partner=redemption.partner,
            amount=redemption.amount,
            currency=redemption.currency,
        )

    def _issue_card(self, caller: Principal, reward: CatalogReward, redemption: Redemption) -> tuple[str, GiftCard]:
        code = new_gift_card_code()
        card = GiftCard(
            gift_card_id="gc_" + redemption.redemption_id.removeprefix("rd_"),
            code_hash=gift_card_hash(code),
            last4=code[-4:],
            owner_id=caller.user_id,
            initial=reward.amount or 0,
            balance=reward.amount or 0,
            currency=reward.currency,
            issued_at=redemption.at,
        )
        return code, card

    def _entitlement(self, caller: Principal, reward: CatalogReward, redemption: Redemption) -> Entitlement:
        """A perk runs for its duration; redeemed again while running, it runs on from its end."""
        now = redemption.at
        running = [
            e.expires_at
            for e in self._ledger.entitlements(caller.user_id)
            if e.name == reward.entitlement and e.expires_at > now
        ]
        start = max([now, *running])
        return Entitlement(
            name=reward.entitlement or reward.reward_id,
            user_id=caller.user_id,
            granted_at=now,
            expires_at=start + timedelta(days=reward.duration_days or 0),
            redemption_id=redemption.redemption_id,
        )

    def gift_cards(self, caller: Principal) -> list[GiftCardOut]:
        cards = sorted(self._cards.gift_cards_of(caller.user_id), key=lambda c: c.issued_at, reverse=True)
        return [GiftCardOut.of(card) for card in cards]

    # ---------------------------------------------------------------- checkout

    def capture(self, caller: Principal, request: GiftCardRedeemIn) -> GiftCardHoldOut:
        """Take up to `amount` from the card for the checkout `key`; a repeat of the key returns
        the hold it made. Never below zero: the write is conditional on the balance."""
        code_hash = gift_card_hash(request.code)
        for _ in range(_ATTEMPTS):
            card = self._card(code_hash)
            existing = self._cards.hold(code_hash, request.key)
            if existing is not None:
                return self._held(caller, existing, card)
            if card.currency != request.currency:
                raise UnprocessableEntity(f"the gift card is in {card.currency}", code="currency_mismatch")
            applied = min(request.amount, card.balance)
            if applied == 0:
                raise UnprocessableEntity("the gift card has no balance left", code="gift_card_empty")
            hold = GiftCardHold(
                key=request.key,
                gift_card_id=card.gift_card_id,
                user_id=caller.user_id,
                amount=applied,
                currency=card.currency,
                status=CAPTURED,
                at=self._clock(),
            )
            try:
                if self._cards.capture(code_hash, hold):
                    return GiftCardHoldOut.of(hold, card.balance - applied)
            except Conflict as exc:
                if exc.code != "gift_card_balance_changed":
                    raise
        raise Unavailable("the gift card is busy, retry", code="gift_card_busy")

    def release(self, caller: Principal, request: GiftCardReleaseIn) -> GiftCardHoldOut:
        """Give a checkout's hold back to the card (failed or cancelled checkout); once."""
        code_hash = gift_card_hash(request.code)
        card = self._card(code_hash)
        hold = self._cards.hold(code_hash, request.key)
        if hold is None or not self._may_use(caller, hold):
            raise NotFound("no such gift card hold", code="hold_not_found")
        if hold.status == CAPTURED:
            self._cards.release(code_hash, hold)
            card = self._card(code_hash)
            hold = hold.model_copy(update={"status": RELEASED})
        return GiftCardHoldOut.of(hold, card.balance)

    def _held(self, caller: Principal, hold: GiftCardHold, card: GiftCard) -> GiftCardHoldOut:
        if not self._may_use(caller, hold):
            raise Conflict("this key is taken by another checkout", code="hold_key_taken")
        return GiftCardHoldOut.of(hold, card.balance)

    def _card(self, code_hash: str) -> GiftCard:
        card = self._cards.gift_card(code_hash)
        if card is None:
            raise NotFound("no gift card with this code", code="gift_card_not_found")
        return card

    @staticmethod
    def _may_use(caller: Principal, hold: GiftCardHold) -> bool:
        return hold.user_id == caller.user_id or caller.has(Role.ADMIN)
