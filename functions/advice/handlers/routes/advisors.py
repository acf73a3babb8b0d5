"""Becoming and being an advisor: applications, the profile, earnings."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.advice.handlers.dependencies import application_service, session_service
from functions.advice.logic.applications import ApplicationService
from functions.advice.logic.sessions import SessionService
from functions.advice.models.api import (
    AdvisorOut,
    Answers,
    ApplicationCreate,
    ApplicationOut,
    ApplicationUpdate,
    Earnings,
    Feedback,
    ProfileUpdate,
)
from functions.common.api import SIGNED_IN, json_response, principal
from functions.common.errors import ErrorResponse

router = Router()
TAGS = ["advice"]
Applications = Annotated[ApplicationService, Depends(application_service)]
Sessions = Annotated[SessionService, Depends(session_service)]


@router.post(
    "/advice/applications",
    summary="Apply to an advice program with an invite code; returns the tests to take",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {
            "description": "Created (or the caller's running application)",
            "content": {"application/json": {"model": ApplicationOut}},
        },
        404: {
            "description": "No such invite code (`invite_not_found`)",
            "content": {"application/json": {"model": ErrorResponse}},
        },
    },
)
def apply(body: Annotated[ApplicationCreate, Body()], applications: Applications) -> Response[Any]:
    application = applications.apply(principal(router), body)
    return json_response(HTTPStatus.CREATED, application.model_dump(mode="json"))


@router.get(
    "/advice/applications/<application_id>",
    summary="An application: status, tests, attempts and knowledge base",
    tags=TAGS,
    security=SIGNED_IN,
)
def get_application(application_id: str, applications: Applications) -> ApplicationOut:
    return applications.get(principal(router), application_id)


@router.post(
    "/advice/applications/<application_id>/answers",
    summary="Submit test answers: passed or failed, with feedback and retry rules",
    tags=TAGS,
    security=SIGNED_IN,
)
def answer(application_id: str, body: Annotated[Answers, Body()], applications: Applications) -> Feedback:
    return applications.answer(principal(router), application_id, body)


@router.patch(
    "/advice/applications/<application_id>",
    summary="Confirm having read the knowledge base: with the tests passed and a profile, approves",
    tags=TAGS,
    security=SIGNED_IN,
)
def confirm_knowledge_base(
    application_id: str, body: Annotated[ApplicationUpdate, Body()], applications: Applications
) -> ApplicationOut:
    return applications.confirm_knowledge_base(principal(router), application_id)


@router.get(
    "/advice/advisors/me",
    summary="The caller's advisor profile",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        200: {"description": "The profile", "content": {"application/json": {"model": AdvisorOut}}},
        404: {
            "description": "No profile yet (`profile_not_found`)",
            "content": {"application/json": {"model": ErrorResponse}},
        },
    },
)
def get_me(applications: Applications) -> AdvisorOut:
    return applications.advisor(principal(router))


@router.put(
    "/advice/advisors/me",
    summary="Create or update the advisor profile (expertise, languages, bio, photo, availability)",
    tags=TAGS,
    security=SIGNED_IN,
)
def put_me(body: Annotated[ProfileUpdate, Body()], applications: Applications) -> AdvisorOut:
    return applications.save_profile(principal(router), body)


@router.get(
    "/advice/advisors/me/earnings",
    summary="Compensation earned for rated sessions (points and cash)",
    tags=TAGS,
    security=SIGNED_IN,
)
def earnings(sessions: Sessions) -> Earnings:
    return sessions.earnings(principal(router))
