"""rewards-redemptions: gift cards and points paying at checkout, invoked directly by the orders
context (RequestResponse). The payload is a `ChargeRequest` or a `ReleaseRequest`
(models/invoke.py); a domain error or an invalid payload is answered as an `ErrorPayload`
({"error": {"code", "message", "status"}}), never raised, so the caller can map it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from functions.common.errors import PleinError
from functions.common.observability import logger
from functions.rewards.handlers.dependencies import checkout_payments
from functions.rewards.models.invoke import (
    REQUEST,
    ChargeRequest,
    ChargeResult,
    ErrorBody,
    ErrorPayload,
    ReleaseResult,
)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        request = REQUEST.validate_python(event)
    except ValidationError as exc:
        first = exc.errors()[0] if exc.errors() else {"msg": "invalid payload"}
        return _error("validation_failed", f"invalid payload: {first['msg']}", 422)
    service = checkout_payments()
    try:
        if isinstance(request, ChargeRequest):
            charge = service.charge(
                user_id=request.user_id,
                gift_card_code=request.gift_card_code,
                points=request.points,
                amount=request.amount,
                currency=request.currency,
                key=request.key,
            )
            return ChargeResult.of(charge).model_dump(mode="json")
        release = service.release(key=request.key, release_key=request.release_key, amount=request.amount)
        return ReleaseResult.of(release).model_dump(mode="json")
    except PleinError as exc:
        logger().info("redemption refused", extra={"code": exc.code, "action": request.action})
        return _error(exc.code, exc.message, int(exc.status))


def _error(code: str, message: str, status: int) -> dict[str, Any]:
    return ErrorPayload(error=ErrorBody(code=code, message=message, status=status)).model_dump(mode="json")
