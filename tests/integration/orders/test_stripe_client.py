"""The Stripe HTTP client and the payment adapter against a stand-in Stripe on loopback: the
requests Stripe expects (form encoding, idempotency keys, the key read per call), a decline as a
decline, and any other failure as a retryable payment error."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from functions.orders.logic.ports import PaymentDeclined, PaymentError
from functions.orders.store.payments import StripePaymentProvider
from functions.orders.store.stripe_client import StripeHttpClient, form_encode

INTENT = {"id": "pi_1", "amount": 1999, "currency": "eur", "status": "requires_capture", "created": 1700000000}


class FakeStripe(BaseHTTPRequestHandler):
    requests: ClassVar[list[dict[str, Any]]] = []
    answers: ClassVar[dict[str, tuple[int, dict[str, Any]]]] = {}

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        path = self.path.split("?", 1)[0]
        self.requests.append(
            {"method": self.command, "path": self.path, "form": dict(urllib.parse.parse_qsl(body)), **self.headers}
        )
        status, payload = self.answers.get(path, (200, INTENT))
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: Any) -> None:
        return None


@pytest.fixture
def stripe() -> Iterator[str]:
    FakeStripe.requests.clear()
    FakeStripe.answers.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def provider(url: str, keys: Iterator[str] | None = None) -> StripePaymentProvider:
    key_source = keys or iter(["sk_test_1"] * 10)
    return StripePaymentProvider(StripeHttpClient(lambda: next(key_source), base_url=url))


def test_authorize_sends_a_manual_capture_intent_with_the_order_key(stripe: str) -> None:
    payment = provider(stripe).authorize(key="o-1", user_id="u-1", amount=1999, currency="EUR", method="pm_card")

    [request] = FakeStripe.requests
    assert (request["method"], request["path"]) == ("POST", "/v1/payment_intents")
    assert request["Idempotency-Key"] == "o-1"
    assert request["Authorization"] == "Bearer sk_test_1"
    assert request["form"] == {
        "amount": "1999",
        "currency": "eur",
        "payment_method": "pm_card",
        "confirm": "true",
        "capture_method": "manual",
        "metadata[order_id]": "o-1",
        "metadata[user_id]": "u-1",
    }
    assert (payment.payment_id, payment.amount, payment.currency) == ("pi_1", 1999, "EUR")


def test_a_card_decline_is_a_decline(stripe: str) -> None:
    FakeStripe.answers["/v1/payment_intents"] = (
        402,
        {"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"}},
    )

    with pytest.raises(PaymentDeclined, match="insufficient_funds"):
        provider(stripe).authorize(key="o-1", user_id="u-1", amount=1, currency="EUR", method="pm")


@pytest.mark.parametrize("status", [400, 401, 429, 500])
def test_other_failures_are_retryable_payment_errors(stripe: str, status: int) -> None:
    FakeStripe.answers["/v1/payment_intents/pi_1/capture"] = (status, {"error": {"type": "api_error"}})

    with pytest.raises(PaymentError):
        provider(stripe).capture("pi_1")


def test_an_unreachable_stripe_is_a_payment_error() -> None:
    with pytest.raises(PaymentError):
        provider("http://127.0.0.1:9").capture("pi_1")


def test_find_by_order_key_searches_the_metadata_and_the_key_is_read_per_call(stripe: str) -> None:
    FakeStripe.answers["/v1/payment_intents/search"] = (200, {"data": [INTENT]})
    keys = iter(["sk_old", "sk_rotated"])
    adapter = provider(stripe, keys)

    adapter.capture("pi_1")
    found = adapter.find("o'-1")

    assert found is not None
    assert found.payment_id == "pi_1"
    search = urllib.parse.parse_qs(urllib.parse.urlsplit(FakeStripe.requests[1]["path"]).query)["query"]
    assert search == ["metadata['order_id']:'o-1'"]
    assert [r["Authorization"] for r in FakeStripe.requests] == ["Bearer sk_old", "Bearer sk_rotated"]


def test_form_encoding_nests_and_skips_none() -> None:
    assert form_encode({"a": 1, "b": {"c": True, "d": None}}) == [("a", "1"), ("b[c]", "true")]


def test_plain_http_to_another_host_is_refused() -> None:
    with pytest.raises(ValueError, match="HTTPS"):
        StripeHttpClient(lambda: "k", base_url="http://stripe.example")
