"""Feedback and product suggestion forms, and the admins' view of them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.responses import created
from functions.community.handlers.dependencies import feedback_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.feedback import FeedbackService
from functions.community.models.api import ActedOnInput, FeedbackInput, FeedbackView, SuggestionInput

router = Router()
Service = Annotated[FeedbackService, Depends(feedback_service)]


@router.post(
    "/feedback",
    summary="Send feedback about Plein (topic, text, optional 1-5 rating)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(FeedbackView, "Feedback received"),
)
def send_feedback(request: Annotated[FeedbackInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.submit(principal(router), request))


@router.post(
    "/suggestions",
    summary="Suggest a product Plein should offer",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(FeedbackView, "Suggestion received"),
)
def send_suggestion(request: Annotated[SuggestionInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.submit(principal(router), request))


@router.get(
    "/admin/feedback",
    summary="Feedback or suggestions, open or acted on, newest first (admins)",
    tags=TAGS,
    security=SIGNED_IN,
)
def list_feedback(
    service: Service,
    kind: Annotated[Literal["feedback", "suggestion"], Query()] = "feedback",
    state: Annotated[Literal["open", "acted_on"], Query()] = "open",
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Page[FeedbackView]:
    return service.listing(principal(router), kind, state, limit, cursor)


@router.post(
    "/admin/feedback/<feedback_id>/acted-on",
    summary="Mark feedback or a suggestion acted on, once (FeedbackActedOn rewards the author)",
    tags=TAGS,
    security=SIGNED_IN,
)
def act_on_feedback(
    feedback_id: str, service: Service, request: Annotated[ActedOnInput | None, Body()] = None
) -> FeedbackView:
    note = request.note if request else None
    return service.act_on(principal(router), identifier(feedback_id, "feedback"), note)
