"""Payment adapters behind the logic's `PaymentProvider` port.

- `LocalPaymentProvider`: authorises and captures with Stripe's test card tokens, keeping its payments
  in a ledger (the orders table, `DynamoOrdersStore`), one payment per key. Used locally and in tests.
- `StripePaymentProvider`: the shape of a PSP adapter for AWS stages, mapping the port onto Stripe
  PaymentIntents (manual capture); it needs a `StripeApi` client injected (not bundled yet).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from functions.common.errors import Conflict, NotFound, UnprocessableEntity
from functions.orders.logic.ports import Clock, Payment, PaymentDeclined, PaymentError, PaymentStatus

SUCCEEDING_CARDS = frozenset(
    {"tok_visa", "tok_visa_debit", "tok_mastercard", "tok_amex", "tok_captureError", "tok_refundFailsOnce"}
)
DECLINING_CARDS = frozenset(
    {"tok_declined", "tok_chargeDeclined", "tok_chargeDeclinedInsufficientFunds", "tok_chargeDeclinedFraudulent"}
)
FAILING_CARDS = frozenset({"tok_error", "tok_chargeDeclinedProcessingError"})
CAPTURE_FAILING_CARD = "tok_captureError"
REFUND_FAILING_ONCE_CARD = "tok_refundFailsOnce"
"""Pays; the first attempt of each of its refunds fails (a retry with the same key succeeds)."""
TEST_CARDS = SUCCEEDING_CARDS | DECLINING_CARDS | FAILING_CARDS


class PaymentLedger(Protocol):
    def put_if_absent(self, payment: Payment) -> Payment:
        """Store the payment unless one with its id exists; return the stored one."""
        ...

    def get(self, payment_id: str) -> Payment | None: ...

    def replace(self, payment: Payment, expected: Payment) -> None:
        """Store `payment` only if the stored one still equals `expected` in status and refunds (else Conflict)."""
        ...


def payment_id_for(key: str) -> str:
    return f"pay_{key}"


class LocalPaymentProvider:
    def __init__(self, ledger: PaymentLedger, clock: Clock):
        self._ledger = ledger
        self._clock = clock

    def authorize(self, *, key: str, user_id: str, amount: int, currency: str, method: str) -> Payment:
        if method not in TEST_CARDS:
            raise UnprocessableEntity(
                f"unknown payment method {method!r}; use a test token such as tok_visa", code="invalid_payment_method"
            )
        status = PaymentStatus.AUTHORIZED
        if method in DECLINING_CARDS:
            status = PaymentStatus.DECLINED
        elif method in FAILING_CARDS:
            status = PaymentStatus.FAILED
        payment = self._ledger.put_if_absent(
            Payment(
                payment_id=payment_id_for(key),
                key=key,
                user_id=user_id,
                amount=amount,
                currency=currency,
                method=method,
                status=status,
                created_at=self._clock.now(),
            )
        )
        if payment.status == PaymentStatus.DECLINED:
            raise PaymentDeclined("card_declined")
        if payment.status == PaymentStatus.FAILED:
            raise PaymentError("processing_error")
        return payment

    def capture(self, payment_id: str) -> Payment:
        payment = self._get(payment_id)
        if payment.status == PaymentStatus.CAPTURED:
            return payment
        if payment.status != PaymentStatus.AUTHORIZED:
            raise PaymentError(f"cannot capture a {payment.status} payment")
        if payment.method == CAPTURE_FAILING_CARD:
            raise PaymentError("capture_failed")
        captured = payment.model_copy(update={"status": PaymentStatus.CAPTURED})
        self._ledger.replace(captured, payment)
        return captured

    def void(self, payment_id: str) -> None:
        payment = self._ledger.get(payment_id)
        if payment is None or payment.status != PaymentStatus.AUTHORIZED:
            return
        self._ledger.replace(payment.model_copy(update={"status": PaymentStatus.VOIDED}), payment)

    def refund(self, payment_id: str, amount: int, key: str) -> Payment:
        for _ in range(5):
            payment = self._get(payment_id)
            if key in payment.refunds:
                return payment
            if payment.status != PaymentStatus.CAPTURED:
                raise PaymentError(f"cannot refund a {payment.status} payment")
            if payment.refunded + amount > payment.amount:
                raise PaymentError("refunds would exceed the payment")
            if payment.method == REFUND_FAILING_ONCE_CARD and key not in payment.failed_refunds:
                failed = payment.model_copy(update={"failed_refunds": [*payment.failed_refunds, key]})
                try:
                    self._ledger.replace(failed, payment)
                except Conflict:
                    continue
                raise PaymentError("refund_failed")
            refunded = payment.model_copy(
                update={"refunded": payment.refunded + amount, "refunds": [*payment.refunds, key]}
            )
            try:
                self._ledger.replace(refunded, payment)
            except Conflict:
                continue
            return refunded
        raise PaymentError("the payment is being changed concurrently")

    def find(self, key: str) -> Payment | None:
        return self._ledger.get(payment_id_for(key))

    def _get(self, payment_id: str) -> Payment:
        payment = self._ledger.get(payment_id)
        if payment is None:
            raise NotFound(f"payment {payment_id} does not exist", code="payment_not_found")
        return payment


class StripeApi(Protocol):
    """The few Stripe calls the adapter makes (e.g. a thin client over the `stripe` SDK)."""

    def create_payment_intent(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]: ...

    def capture_payment_intent(self, intent_id: str) -> dict[str, Any]: ...

    def cancel_payment_intent(self, intent_id: str) -> dict[str, Any]: ...

    def create_refund(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]: ...

    def find_payment_intent(self, order_key: str) -> dict[str, Any] | None: ...


class StripeCardError(Exception):
    """What a `StripeApi` raises for a card decline (Stripe's `CardError`)."""

    def __init__(self, decline_code: str):
        super().__init__(decline_code)
        self.decline_code = decline_code


_STRIPE_STATUS = {
    "requires_capture": PaymentStatus.AUTHORIZED,
    "succeeded": PaymentStatus.CAPTURED,
    "canceled": PaymentStatus.VOIDED,
}


class StripePaymentProvider:
    """PaymentIntents with `capture_method=manual`: authorise at checkout, capture once the order is paid."""

    def __init__(self, api: StripeApi):
        self._api = api

    def authorize(self, *, key: str, user_id: str, amount: int, currency: str, method: str) -> Payment:
        params = {
            "amount": amount,
            "currency": currency.lower(),
            "payment_method": method,
            "confirm": True,
            "capture_method": "manual",
            "metadata": {"order_id": key, "user_id": user_id},
        }
        try:
            intent = self._api.create_payment_intent(params, idempotency_key=key)
        except StripeCardError as exc:
            raise PaymentDeclined(exc.decline_code) from exc
        except Exception as exc:
            raise PaymentError(str(exc)) from exc
        return self._payment(intent, key, user_id)

    def capture(self, payment_id: str) -> Payment:
        intent = self._call(self._api.capture_payment_intent, payment_id)
        return self._payment(intent, intent.get("metadata", {}).get("order_id", ""), "")

    def void(self, payment_id: str) -> None:
        self._call(self._api.cancel_payment_intent, payment_id)

    def refund(self, payment_id: str, amount: int, key: str) -> Payment:
        try:
            self._api.create_refund({"payment_intent": payment_id, "amount": amount}, idempotency_key=key)
        except Exception as exc:
            raise PaymentError(str(exc)) from exc
        intent = self._api.find_payment_intent(payment_id)
        if intent is None:
            raise PaymentError(f"payment {payment_id} vanished")
        return self._payment(intent, key, "")

    def find(self, key: str) -> Payment | None:
        intent = self._api.find_payment_intent(key)
        return None if intent is None else self._payment(intent, key, "")

    @staticmethod
    def _call(call: Any, intent_id: str) -> dict[str, Any]:
        try:
            result: dict[str, Any] = call(intent_id)
        except Exception as exc:
            raise PaymentError(str(exc)) from exc
        return result

    @staticmethod
    def _payment(intent: dict[str, Any], key: str, user_id: str) -> Payment:
        return Payment(
            payment_id=str(intent["id"]),
            key=key,
            user_id=user_id,
            amount=int(intent["amount"]),
            currency=str(intent["currency"]).upper(),
            method=str(intent.get("payment_method") or ""),
            status=_STRIPE_STATUS.get(str(intent.get("status")), PaymentStatus.FAILED),
            refunded=int(intent.get("amount_refunded", 0)),
            created_at=datetime.fromtimestamp(int(intent.get("created", 0))),
        )
