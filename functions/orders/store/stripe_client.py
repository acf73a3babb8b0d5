"""Stripe's REST API over HTTPS with the standard library: the `StripeApi` the payment adapter uses.

No SDK: five calls, form-encoded as Stripe expects (`metadata[order_id]=...`), each with the
account's secret key read at run time (rotation reaches a warm function within minutes). A card
decline (HTTP 402, `card_error`) becomes `StripeCardError`; anything else Stripe or the network
says becomes `StripeUnavailable`, which the adapter turns into a retryable payment error.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from functions.orders.store.payments import StripeCardError

STRIPE_API = "https://api.stripe.com"
TIMEOUT_SECONDS = 10
_PAYMENT_REQUIRED = 402


class StripeUnavailable(Exception):
    """Stripe refused or did not answer a call for a reason other than the card."""


def form_encode(params: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: nested mappings as `a[b]`, booleans as `true`/`false`."""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        key = f"{prefix}[{name}]" if prefix else str(name)
        if isinstance(value, Mapping):
            pairs += form_encode(value, key)
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif value is not None:
            pairs.append((key, str(value)))
    return pairs


class StripeHttpClient:
    def __init__(self, secret_key: Callable[[], str], base_url: str = STRIPE_API, timeout: float = TIMEOUT_SECONDS):
        if not base_url.startswith("https://") and not base_url.startswith("http://127.0.0.1"):
            raise ValueError("Stripe is called over HTTPS only")
        self._secret_key = secret_key
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def create_payment_intent(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self._call("POST", "/v1/payment_intents", params, idempotency_key)

    def capture_payment_intent(self, intent_id: str) -> dict[str, Any]:
        return self._call("POST", f"/v1/payment_intents/{_segment(intent_id)}/capture")

    def cancel_payment_intent(self, intent_id: str) -> dict[str, Any]:
        return self._call("POST", f"/v1/payment_intents/{_segment(intent_id)}/cancel")

    def create_refund(self, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
        return self._call("POST", "/v1/refunds", params, idempotency_key)

    def find_payment_intent(self, reference: str) -> dict[str, Any] | None:
        """By PaymentIntent id (`pi_...`), or by the order key the intent was created with."""
        if reference.startswith("pi_"):
            return self._call("GET", f"/v1/payment_intents/{_segment(reference)}")
        query = f"metadata['order_id']:'{reference.replace(chr(39), '')}'"
        found = self._call("GET", "/v1/payment_intents/search?" + urllib.parse.urlencode({"query": query}))
        data = found.get("data") or []
        return data[0] if data else None

    def _call(
        self, method: str, path: str, params: Mapping[str, Any] | None = None, idempotency_key: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self._secret_key()}", "Stripe-Version": "2024-06-20"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        body = urllib.parse.urlencode(form_encode(params)).encode() if params is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self._base_url + path, data=body, method=method, headers=headers)  # noqa: S310 - https only, checked in __init__
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as exc:
            error = _error_of(exc)
            if exc.code == _PAYMENT_REQUIRED and error.get("type") == "card_error":
                raise StripeCardError(str(error.get("decline_code") or error.get("code") or "card_declined")) from exc
            raise StripeUnavailable(f"Stripe answered {exc.code}: {error.get('code') or error.get('type')}") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise StripeUnavailable(f"Stripe did not answer: {exc}") from exc


def _segment(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _error_of(exc: urllib.error.HTTPError) -> dict[str, Any]:
    try:
        error = json.loads(exc.read()).get("error")
    except (ValueError, AttributeError):
        return {}
    return error if isinstance(error, dict) else {}
