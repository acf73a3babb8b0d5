"""The payment adapters: the local provider's test cards and the Stripe-shaped adapter's mapping."""

from __future__ import annotations

from typing import Any

import pytest

from functions.common.errors import UnprocessableEntity
from functions.orders.logic.ports import PaymentDeclined, PaymentError, PaymentStatus
from functions.orders.store.payments import LocalPaymentProvider, StripeCardError, StripePaymentProvider
from tests.unit.orders.fakes import FakeClock, InMemoryOrdersStore


@pytest.fixture
def local() -> LocalPaymentProvider:
    return LocalPaymentProvider(InMemoryOrdersStore(), FakeClock())


def test_one_payment_per_key_and_refunds_once_per_refund_key(local: LocalPaymentProvider) -> None:
    first = local.authorize(key="o1", user_id="u1", amount=1000, currency="EUR", method="tok_visa")
    again = local.authorize(key="o1", user_id="u1", amount=1000, currency="EUR", method="tok_visa")
    assert again.payment_id == first.payment_id
    local.capture(first.payment_id)
    local.refund(first.payment_id, 300, "r1")
    assert local.refund(first.payment_id, 300, "r1").refunded == 300
    with pytest.raises(PaymentError):
        local.refund(first.payment_id, 800, "r2")


@pytest.mark.parametrize(
    ("card", "error"),
    [("tok_chargeDeclined", PaymentDeclined), ("tok_error", PaymentError), ("nope", UnprocessableEntity)],
)
def test_test_cards_decline_and_fail(local: LocalPaymentProvider, card: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        local.authorize(key="o1", user_id="u1", amount=1, currency="EUR", method=card)


def test_void_releases_an_authorisation_only(local: LocalPaymentProvider) -> None:
    payment = local.authorize(key="o1", user_id="u1", amount=1, currency="EUR", method="tok_visa")
    local.void(payment.payment_id)
    assert local.find("o1") is not None
    assert local.find("o1").status == PaymentStatus.VOIDED  # type: ignore[union-attr]
    with pytest.raises(PaymentError):
        local.capture(payment.payment_id)


class FakeStripe:
    def __init__(self) -> None:
        self.intents: dict[str, dict[str, Any]] = {}
        self.keys: dict[str, str] = {}

    def create_payment_intent(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        if params["payment_method"] == "pm_card_chargeDeclined":
            raise StripeCardError("generic_decline")
        if idempotency_key not in self.keys:
            intent_id = f"pi_{len(self.intents) + 1}"
            self.intents[intent_id] = {"id": intent_id, **params, "status": "requires_capture", "created": 0}
            self.keys[idempotency_key] = intent_id
        return self.intents[self.keys[idempotency_key]]

    def capture_payment_intent(self, intent_id: str) -> dict[str, Any]:
        self.intents[intent_id]["status"] = "succeeded"
        return self.intents[intent_id]

    def cancel_payment_intent(self, intent_id: str) -> dict[str, Any]:
        self.intents[intent_id]["status"] = "canceled"
        return self.intents[intent_id]

    def create_refund(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        intent = self.intents[params["payment_intent"]]
        intent["amount_refunded"] = intent.get("amount_refunded", 0) + params["amount"]
        return {"id": f"re_{idempotency_key}"}

    def find_payment_intent(self, order_key: str) -> dict[str, Any] | None:
        intent_id = self.keys.get(order_key, order_key)
        return self.intents.get(intent_id)


def test_the_stripe_adapter_maps_payment_intents() -> None:
    stripe = FakeStripe()
    provider = StripePaymentProvider(stripe)
    payment = provider.authorize(key="o1", user_id="u1", amount=1000, currency="EUR", method="pm_card_visa")
    assert (payment.status, payment.amount, payment.currency) == (PaymentStatus.AUTHORIZED, 1000, "EUR")
    assert stripe.intents[payment.payment_id]["capture_method"] == "manual"
    assert provider.capture(payment.payment_id).status == PaymentStatus.CAPTURED
    assert provider.refund(payment.payment_id, 400, "r1").refunded == 400
    with pytest.raises(PaymentDeclined):
        provider.authorize(key="o2", user_id="u1", amount=1, currency="EUR", method="pm_card_chargeDeclined")
