"""The admins' moderation queue and its decisions (kept on each case as the audit trail)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.community.handlers.dependencies import moderation_service
from functions.community.handlers.routes.shared import TAGS, identifier
from functions.community.logic.domain import CaseState
from functions.community.logic.moderation import ModerationService
from functions.community.models.api import CaseView, ModerationDecisionInput

router = Router()
Service = Annotated[ModerationService, Depends(moderation_service)]


@router.get(
    "/admin/moderation",
    summary="Moderation cases: open ones oldest-first is the queue; decided ones are the audit trail",
    tags=TAGS,
    security=SIGNED_IN,
)
def moderation_queue(
    service: Service,
    state: Annotated[CaseState, Query()] = CaseState.OPEN,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Page[CaseView]:
    page = service.queue(principal(router), state, limit, cursor)
    return Page[CaseView](
        items=[CaseView.model_validate(c.model_dump()) for c in page.items], next_cursor=page.next_cursor
    )


@router.post(
    "/admin/moderation/<case_id>/decision",
    summary="Approve (publish) or reject the content of a case; recorded with the admin, time and note",
    tags=TAGS,
    security=SIGNED_IN,
)
def decide_case(case_id: str, request: Annotated[ModerationDecisionInput, Body()], service: Service) -> CaseView:
    case = service.decide(principal(router), identifier(case_id, "case"), request.decision == "approve", request.note)
    return CaseView.model_validate(case.model_dump())
