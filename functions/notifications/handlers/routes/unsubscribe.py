"""One-click unsubscribe (RFC 8058): public routes, the signed token is the authentication."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends

from functions.common.responses import answers
from functions.notifications.handlers.dependencies import member_service
from functions.notifications.logic.members import MemberService
from functions.notifications.models.api import UnsubscribeOut

router = Router()
TAGS = ["notifications"]
Members = Annotated[MemberService, Depends(member_service)]
ERRORS = {"e400": "link_expired", "e404": "link_not_found"}


@router.get(
    "/unsubscribe/<token>",
    summary="What an unsubscribe link unsubscribes from (topic and channel), and whether it still applies",
    tags=TAGS,
    responses=answers(UnsubscribeOut, "The link's subscription", **ERRORS),
)
def unsubscription(service: Members, token: str) -> UnsubscribeOut:
    return service.unsubscription(token)


@router.post(
    "/unsubscribe/<token>",
    summary="Unsubscribe (one-click, List-Unsubscribe-Post); repeating it changes nothing",
    tags=TAGS,
    responses=answers(UnsubscribeOut, "Unsubscribed", **ERRORS),
)
def unsubscribe(service: Members, token: str) -> UnsubscribeOut:
    return service.unsubscribe(token)
