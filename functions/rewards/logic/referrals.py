"""Referrals: every member's code and link, claims by new members, and the referrer's reward once
the referee's first order is delivered and kept past its return window.

Fraud rules, each refusal saved on the referral with its reason (the referrer sees it as a status):
- `self_referral`: the referee is the referrer (same user id), or `self_referral_email`: both
  signed in with the same e-mail address (ignoring case and `+tags`). Payment fingerprints and
  addresses are not in the orders events today, so they cannot be compared here.
- `referee_not_new`: the referee had ordered before claiming, or their first order is not the one
  after the claim.
- `order_below_minimum`: the first order's items total is below the rules' minimum.
- `first_order_returned` / `first_order_cancelled`: within the return window.
- `monthly_cap_reached`: the referrer was already paid the rules' monthly cap this month.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from functions.common.auth import Principal
from functions.common.errors import Conflict, NotFound, UnprocessableEntity
from functions.rewards.logic.domain import (
    Activity,
    Referral,
    ReferralCode,
    ReferralStatus,
    normalised_email,
)
from functions.rewards.logic.ledger import Award, LedgerService
from functions.rewards.logic.ports import Clock, Ledger, Referrals
from functions.rewards.logic.rules import RulesService
from functions.rewards.models.consumed import (
    OrderCancelledView,
    OrderDeliveredView,
    OrderPlacedView,
    OrderReturnedView,
)
from functions.rewards.models.events import ReferralConverted

REFERRAL_RULE = "referral"
LINK_PATH = "/join?ref="
_CODE_ATTEMPTS = 5
_OPEN = (ReferralStatus.ORDERED, ReferralStatus.AWAITING_RETURN_WINDOW)


def candidate_code(user_id: str, attempt: int) -> str:
    digest = hashlib.sha256(f"{user_id}#{attempt}".encode()).digest()
    return base64.b32encode(digest).decode()[:8]


class ReferralService:
    def __init__(self, referrals: Referrals, ledger: Ledger, points: LedgerService, rules: RulesService, clock: Clock):
        self._referrals = referrals
        self._ledger = ledger
        self._points = points
        self._rules = rules
        self._clock = clock

    # ---------------------------------------------------------------- members

    def my_code(self, caller: Principal) -> ReferralCode:
        """The caller's code, made on first use (deterministic per user)."""
        existing = self._referrals.code_of(caller.user_id)
        if existing is not None:
            return existing
        for attempt in range(_CODE_ATTEMPTS):
            code = ReferralCode(
                code=candidate_code(caller.user_id, attempt),
                owner_id=caller.user_id,
                email_hash=normalised_email(caller.email),
            )
            if self._referrals.save_code(code):
                return code
            mine = self._referrals.code_of(caller.user_id)
            if mine is not None:  # made concurrently
                return mine
        raise Conflict("no free referral code, retry", code="referral_code_unavailable")

    def my_referrals(self, caller: Principal) -> tuple[ReferralCode, list[Referral]]:
        code = self.my_code(caller)
        referrals = sorted(self._referrals.referrals_of(caller.user_id), key=lambda r: r.claimed_at, reverse=True)
        return code, referrals

    def claim(self, caller: Principal, code: str) -> Referral:
        """A new member claims a code. A refusal is saved (the referrer sees it) and answered 422
        with its reason as the code; a second claim is 409 `already_referred`."""
        if self._referrals.referral(caller.user_id) is not None:
            raise Conflict("you have already claimed a referral code", code="already_referred")
        owner = self._referrals.code(code.strip().upper())
        if owner is None:
            raise NotFound("no such referral code", code="referral_code_not_found")
        reason = self._claim_refusal(caller, owner)
        referral = Referral(
            referee_id=caller.user_id,
            referrer_id=owner.owner_id,
            code=owner.code,
            status=ReferralStatus.CLAIMED if reason is None else ReferralStatus.REFUSED,
            reason=reason,
            claimed_at=self._clock(),
        )
        self._referrals.save_referral(referral)
        if reason is not None:
            raise UnprocessableEntity(f"the referral was refused: {reason}", code=reason)
        return referral

    def _claim_refusal(self, caller: Principal, owner: ReferralCode) -> str | None:
        if owner.owner_id == caller.user_id:
            return "self_referral"
        email = normalised_email(caller.email)
        if email is not None and email == owner.email_hash:
            return "self_referral_email"
        account = self._ledger.account(caller.user_id)
        if account is not None and account.first_order_id is not None:
            return "referee_not_new"
        return None

    # ---------------------------------------------------------------- order events

    def order_placed(self, event: OrderPlacedView) -> None:
        self._first_order(event.user_id, event.order_id, event.items_total)

    def _first_order(self, referee_id: str, order_id: str, value: int) -> Referral | None:
        """Remember the member's first order; a claimed referral moves on with it (or is refused).
        The referral once it is past `claimed`, else None."""
        first = self._ledger.record_first_order(referee_id, order_id)
        referral = self._referrals.referral(referee_id)
        if referral is None or referral.status is not ReferralStatus.CLAIMED:
            return referral
        if first != order_id:
            return self._refuse(referral, "referee_not_new")
        if value < self._rules.current().rules.referrals.min_order_value:
            return self._refuse(referral, "order_below_minimum")
        return self._save(referral, status=ReferralStatus.ORDERED, order_id=order_id, order_value=value)

    def order_delivered(self, event: OrderDeliveredView) -> None:
        # Queues do not keep order: the delivery may come before the placement, so it counts as one.
        self._first_order(event.user_id, event.order_id, event.lines_total)
        referral = self._open_referral(event.user_id, event.order_id)
        if referral is None or referral.status is not ReferralStatus.ORDERED:
            return
        window = timedelta(days=self._rules.current().rules.referrals.return_window_days)
        waiting = self._save(referral, status=ReferralStatus.AWAITING_RETURN_WINDOW, due_at=event.occurred_at + window)
        if waiting.due_at is not None and waiting.due_at <= self._clock():
            self.convert(waiting)

    def order_returned(self, event: OrderReturnedView) -> None:
        referral = self._open_referral(event.user_id, event.order_id)
        if referral is not None:
            self._refuse(referral, "first_order_returned")

    def order_cancelled(self, event: OrderCancelledView) -> None:
        referral = self._open_referral(event.user_id, event.order_id)
        if referral is not None:
            self._refuse(referral, "first_order_cancelled")

    def _open_referral(self, referee_id: str, order_id: str) -> Referral | None:
        referral = self._referrals.referral(referee_id)
        if referral is None or referral.status not in _OPEN or referral.order_id != order_id:
            return None
        return referral

    # ---------------------------------------------------------------- conversion

    def convert_due(self) -> int:
        """Pay (or refuse) every referral whose return window has ended; how many were decided."""
        due = self._referrals.referrals_due(self._clock())
        for referral in due:
            self.convert(referral)
        return len(due)

    def convert(self, referral: Referral) -> Referral:
        rules = self._rules.current().rules.referrals
        now = self._clock()
        paid_this_month = [
            other
            for other in self._referrals.referrals_of(referral.referrer_id)
            if other.status is ReferralStatus.CONVERTED
            and other.converted_at is not None
            and (other.converted_at.year, other.converted_at.month) == (now.year, now.month)
        ]
        if len(paid_this_month) >= rules.monthly_cap:
            return self._refuse(referral, "monthly_cap_reached")
        converted = ReferralConverted(
            event_id=f"referral-{referral.referee_id}",
            referrer_id=referral.referrer_id,
            referee_id=referral.referee_id,
            points=rules.points,
        )
        self._points.earn(
            Award(
                user_id=referral.referrer_id,
                rule=REFERRAL_RULE,
                cause=referral.referee_id,
                points=rules.points,
                reason="referral",
                activity=Activity.REFERRAL,
                occurred_at=now,
                multiply=False,
                events=(converted,),
            )
        )
        return self._save(referral, status=ReferralStatus.CONVERTED, converted_at=now, points=rules.points)

    def _refuse(self, referral: Referral, reason: str) -> Referral:
        return self._save(referral, status=ReferralStatus.REFUSED, reason=reason, due_at=None)

    def _save(self, referral: Referral, **changes: object) -> Referral:
        updated = referral.model_copy(update={**changes, "version": referral.version + 1})
        self._referrals.save_referral(updated)
        return updated


def referral_link(code: str) -> str:
    return f"{LINK_PATH}{code}"
