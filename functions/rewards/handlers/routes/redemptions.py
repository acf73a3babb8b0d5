"""The rewards catalog, redeeming points, and gift cards at checkout (hold and release)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Header

from functions.common.api import IDEMPOTENCY_HEADER, SIGNED_IN, json_response, principal
from functions.common.responses import answers, failures
from functions.rewards.handlers.dependencies import redemption_service
from functions.rewards.logic.domain import idempotency_key
from functions.rewards.logic.redemption import RedemptionService
from functions.rewards.models.api import (
    CatalogOut,
    GiftCardHoldOut,
    GiftCardRedeemIn,
    GiftCardReleaseIn,
    RedemptionIn,
    RedemptionOut,
)

router = Router()
TAGS = ["rewards"]
Service = Annotated[RedemptionService, Depends(redemption_service)]


@router.get("/rewards/catalog", summary="Rewards that points can be redeemed for", tags=TAGS)
def catalog(service: Service) -> CatalogOut:
    return service.catalog()


@router.post(
    "/rewards/redemptions",
    summary="Redeem points for a reward (Idempotency-Key required): 201, a repeat of the key 200 without the code",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {"description": "Redeemed", "content": {"application/json": {"model": RedemptionOut}}},
        200: {
            "description": "Repeated key: the same redemption (a gift card's code is not shown again)",
            "content": {"application/json": {"model": RedemptionOut}},
        },
        **failures(
            e400="missing_idempotency_key, invalid_idempotency_key",
            e401="unauthenticated",
            e404="reward_not_found",
            e409="insufficient_points",
            e422="validation_failed, idempotency_key_reused",
            e503="busy, redemption_in_progress",
        ),
    },
)
def redeem(
    request: Annotated[RedemptionIn, Body()],
    service: Service,
    key: Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, description="Required")] = None,
) -> Response[Any]:
    raw = key or router.current_event.get_header_value(IDEMPOTENCY_HEADER, case_sensitive=False)
    redemption, created = service.redeem(principal(router), idempotency_key(raw), request.reward_id)
    return json_response(HTTPStatus.CREATED if created else HTTPStatus.OK, redemption.model_dump(mode="json"))


@router.post(
    "/rewards/gift-cards/redeem",
    summary="Pay with a gift card: take up to `amount` from the card by its code for one checkout `key` "
    "(a repeat of the key returns the same hold; never below zero)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(
        GiftCardHoldOut,
        "The hold: what the card pays for this checkout",
        e401="unauthenticated",
        e404="gift_card_not_found",
        e409="hold_key_taken",
        e422="validation_failed, currency_mismatch, gift_card_empty",
        e503="busy, gift_card_busy",
    ),
)
def redeem_gift_card(request: Annotated[GiftCardRedeemIn, Body()], service: Service) -> GiftCardHoldOut:
    return service.capture(principal(router), request)


@router.post(
    "/rewards/gift-cards/release",
    summary="Give a checkout's gift card hold back to the card (failed or cancelled checkout); repeatable",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(
        GiftCardHoldOut,
        "The released hold",
        e401="unauthenticated",
        e404="gift_card_not_found, hold_not_found",
        e422="validation_failed",
        e503="busy",
    ),
)
def release_gift_card(request: Annotated[GiftCardReleaseIn, Body()], service: Service) -> GiftCardHoldOut:
    return service.release(principal(router), request)
