"""Referrals: my code, link and referees' statuses; a new member claims a code."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.api import SIGNED_IN, json_response, principal
from functions.common.responses import answers, failures
from functions.rewards.handlers.dependencies import referral_service
from functions.rewards.logic.referrals import ReferralService, referral_link
from functions.rewards.models.api import ClaimIn, ReferralOut, ReferralsOut

router = Router()
TAGS = ["rewards"]
Service = Annotated[ReferralService, Depends(referral_service)]


@router.get(
    "/referrals/me",
    summary="My referral code and link, and the status of everyone who claimed it (refusals with reasons)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=answers(ReferralsOut, "My code and referrals", e401="unauthenticated", e409="referral_code_unavailable"),
)
def my_referrals(service: Service) -> ReferralsOut:
    code, referrals = service.my_referrals(principal(router))
    return ReferralsOut(code=code.code, link=referral_link(code.code), referrals=[ReferralOut.of(r) for r in referrals])


@router.post(
    "/referrals/claim",
    summary="Claim a referral code as a new member (201); a refusal is recorded and answered 422 with its reason",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {"description": "Claimed", "content": {"application/json": {"model": ReferralOut}}},
        **failures(
            e401="unauthenticated",
            e404="referral_code_not_found",
            e409="already_referred, referral_changed",
            e422="validation_failed, self_referral, self_referral_email, referee_not_new",
        ),
    },
)
def claim(request: Annotated[ClaimIn, Body()], service: Service) -> Response[Any]:
    referral = service.claim(principal(router), request.code)
    return json_response(HTTPStatus.CREATED, ReferralOut.of(referral).model_dump(mode="json"))
