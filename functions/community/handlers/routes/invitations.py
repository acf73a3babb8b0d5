"""Review invitations from review-request e-mails: public routes, the signed token authenticates."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.responses import created
from functions.community.handlers.dependencies import invitation_service
from functions.community.handlers.routes.shared import TAGS, respond_created
from functions.community.logic.invitations import InvitationView, ReviewInvitations
from functions.community.models.api import ReviewInput, ReviewView

router = Router()
Service = Annotated[ReviewInvitations, Depends(invitation_service)]


@router.get(
    "/review-invitations/<token>",
    summary="What a review invitation link is for (product, order) and whether it was used",
    description="404 `link_not_found` for a forged link, 400 `link_expired` for an old one.",
    tags=TAGS,
)
def invitation(token: str, service: Service) -> InvitationView:
    return service.invitation(token)


@router.post(
    "/review-invitations/<token>/review",
    summary="Write the invited review (the link authenticates; verified through the delivered order)",
    description="409 `duplicate_review` when the member already reviewed the product; "
    "404 `link_not_found`, 400 `link_expired`.",
    tags=TAGS,
    responses=created(ReviewView, "Review stored; see `status` and `reasons`"),
)
def review(token: str, request: Annotated[ReviewInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.review(token, request))
