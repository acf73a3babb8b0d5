"""Shares: short links with the sharer's referral code, and the redirect that records clicks."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.api import SIGNED_IN, principal
from functions.common.responses import created
from functions.community.handlers.dependencies import share_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.shares import ShareService
from functions.community.models.api import ShareInput, ShareView

router = Router()
Service = Annotated[ShareService, Depends(share_service)]


@router.post(
    "/shares",
    summary="Share a product, public collection or idea: a short link with the caller's referral code",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(ShareView, "Share link created, with ready-made targets per network"),
)
def create_share(request: Annotated[ShareInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.create(principal(router), request))


@router.get(
    "/s/<code>",
    summary="Open a short link: records the click (ShareClicked) and redirects to the target",
    tags=TAGS,
    responses={302: {"description": "Redirect to the shared page (with `?ref=<referral code>`)"}},
)
def open_share(code: str, service: Service) -> Response[None]:
    target = service.open(identifier(code, "share"))
    return Response(status_code=HTTPStatus.FOUND, headers={"Location": target, "Cache-Control": "no-store"})
