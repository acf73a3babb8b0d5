"""The adapters behind the logic's `Redemptions` port.

`LambdaRedemptions` invokes the rewards context's `rewards-redemptions` function (RequestResponse,
named by REDEMPTIONS_FUNCTION). The payloads below are orders' views of rewards' models
(functions/rewards/models/invoke.py; tests/contract checks they agree). A refusal comes back as
{"error": {"code", "message", "status"}} and is raised with the same code and a 4xx status; an
unhandled error or a timeout of the function is a 503 `redemptions_unavailable`.

`NoRedemptions` stands in where no rewards function is configured: it refuses gift cards and points.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import ValidationError

from functions.common.errors import Conflict, NotFound, PleinError, Unavailable, UnprocessableEntity
from functions.common.models import Record
from functions.common.observability import logger
from functions.orders.logic.ports import Redeemed


class ChargeCall(Record):
    action: Literal["charge"] = "charge"
    key: str
    user_id: str
    gift_card_code: str | None = None
    points: int | None = None
    amount: int
    currency: str


class ReleaseCall(Record):
    action: Literal["release"] = "release"
    key: str
    release_key: str
    amount: int | None = None


class ChargeAnswer(Record):
    key: str
    gift_card_amount: int
    gift_card_last4: str | None = None
    points: int
    points_value: int
    discount: int


class ReleaseAnswer(Record):
    key: str
    release_key: str
    amount: int


class RefusalBody(Record):
    code: str
    message: str
    status: int


class Refusal(Record):
    error: RefusalBody


def _unavailable() -> Unavailable:
    return Unavailable("gift cards and points cannot be used right now; retry", code="redemptions_unavailable")


class LambdaRedemptions:
    def __init__(self, function_name: str, client: Any = None):
        self._function = function_name
        self._client = client

    def redeem(
        self, *, user_id: str, gift_card: str | None, points: int | None, amount: int, currency: str, key: str
    ) -> Redeemed:
        call = ChargeCall(
            key=key, user_id=user_id, gift_card_code=gift_card, points=points, amount=amount, currency=currency
        )
        answer = ChargeAnswer.model_validate(self._invoke(call.model_dump(mode="json")))
        return Redeemed(
            discount=answer.discount,
            gift_card_amount=answer.gift_card_amount,
            gift_card_last4=answer.gift_card_last4,
            points=answer.points,
            points_value=answer.points_value,
        )

    def release(self, *, key: str, release_key: str, amount: int | None = None) -> int:
        call = ReleaseCall(key=key, release_key=release_key, amount=amount)
        return ReleaseAnswer.model_validate(self._invoke(call.model_dump(mode="json"))).amount

    def _invoke(self, payload: dict[str, Any]) -> dict[str, Any]:
        client = self._lambda()
        try:
            response = client.invoke(
                FunctionName=self._function,
                InvocationType="RequestResponse",
                Payload=json.dumps(payload).encode(),
            )
            raw = response["Payload"].read()
        except Exception as exc:  # a timeout, throttling, no such function: the caller may retry later
            logger().warning("rewards-redemptions could not be invoked", extra={"error": repr(exc)})
            raise _unavailable() from exc
        if response.get("FunctionError"):
            logger().error("rewards-redemptions failed", extra={"payload": raw[:500].decode(errors="replace")})
            raise _unavailable()
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise _unavailable() from exc
        if not isinstance(body, dict):
            raise _unavailable()
        if "error" in body:
            try:
                refusal = Refusal.model_validate(body).error
            except ValidationError as exc:
                raise _unavailable() from exc
            raise _refusal(refusal)
        return body

    def _lambda(self) -> Any:
        """A client that gives up within orders-api's own timeout (the function's is 10 s); a retry
        is safe: charges are once per key, releases once per release key."""
        if self._client is None:
            import boto3
            from botocore.config import Config

            config = Config(connect_timeout=3, read_timeout=12, retries={"mode": "standard", "max_attempts": 2})
            self._client = boto3.session.Session().client("lambda", config=config)
        return self._client


def _refusal(refusal: RefusalBody) -> PleinError:
    """The rewards context's refusal, as the orders API answers it (always a 4xx or a 503)."""
    if refusal.status == 503:
        return Unavailable(refusal.message, code=refusal.code)
    if refusal.status == 404:
        return NotFound(refusal.message, code=refusal.code)
    if refusal.status == 409:
        return Conflict(refusal.message, code=refusal.code)
    if 400 <= refusal.status < 500:
        return UnprocessableEntity(refusal.message, code=refusal.code)
    return _unavailable()


class NoRedemptions:
    """Where no rewards function is configured, gift cards and points cannot be redeemed at checkout."""

    def redeem(
        self, *, user_id: str, gift_card: str | None, points: int | None, amount: int, currency: str, key: str
    ) -> Redeemed:
        raise UnprocessableEntity(
            "gift cards and reward points cannot be redeemed here", code="redemptions_unavailable"
        )

    def release(self, *, key: str, release_key: str, amount: int | None = None) -> int:
        return 0
