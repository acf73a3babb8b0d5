"""Product ideas: propose, support, milestones, decisions."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.responses import created
from functions.community.handlers.dependencies import idea_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.domain import IdeaStatus
from functions.community.logic.ideas import IdeaService
from functions.community.models.api import IdeaDecisionInput, IdeaInput, IdeaView, SupportView

router = Router()
Service = Annotated[IdeaService, Depends(idea_service)]


@router.post(
    "/ideas",
    summary="Propose a product idea (optionally addressed to a vendor)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(IdeaView, "Idea stored; see `status`"),
)
def propose_idea(request: Annotated[IdeaInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.propose(principal(router), request))


@router.get("/ideas", summary="Published ideas, newest first, optionally in one state", tags=TAGS)
def list_ideas(
    service: Service,
    state: Annotated[IdeaStatus | None, Query()] = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Page[IdeaView]:
    return service.ideas(state, limit, cursor)


@router.get("/ideas/<idea_id>", summary="An idea with its supporters and next milestone", tags=TAGS)
def get_idea(idea_id: str, service: Service) -> IdeaView:
    return service.get(identifier(idea_id, "idea"))


@router.get(
    "/ideas/<idea_id>/support",
    summary="Whether the caller supports an idea",
    tags=TAGS,
    security=SIGNED_IN,
)
def my_support(idea_id: str, service: Service) -> SupportView:
    return service.support_status(principal(router), identifier(idea_id, "idea"))


@router.put(
    "/ideas/<idea_id>/support",
    summary="Support an idea (once per member; idempotent)",
    tags=TAGS,
    security=SIGNED_IN,
)
def support_idea(idea_id: str, service: Service) -> SupportView:
    return service.support(principal(router), identifier(idea_id, "idea"))


@router.delete(
    "/ideas/<idea_id>/support",
    summary="Withdraw support (idempotent; milestones reached stay reached)",
    tags=TAGS,
    security=SIGNED_IN,
)
def withdraw_support(idea_id: str, service: Service) -> SupportView:
    return service.unsupport(principal(router), identifier(idea_id, "idea"))


@router.post(
    "/admin/ideas/<idea_id>/decision",
    summary="Accept or decline an idea in review, with feedback (admins, or the vendor it is addressed to)",
    tags=TAGS,
    security=SIGNED_IN,
)
def decide_idea(idea_id: str, request: Annotated[IdeaDecisionInput, Body()], service: Service) -> IdeaView:
    return service.decide(principal(router), identifier(idea_id, "idea"), request)
