"""Advice sessions after the fact: lists, transcripts (participants and admins) and ratings."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query

from functions.advice.handlers.dependencies import session_service
from functions.advice.logic.sessions import SessionService
from functions.advice.models.api import RatingIn, RatingOut, SessionDetail, SessionOut
from functions.common.api import IDEMPOTENCY_HEADER, SIGNED_IN, principal
from functions.common.pagination import Page

router = Router()
TAGS = ["advice"]
Sessions = Annotated[SessionService, Depends(session_service)]


@router.get(
    "/advice/sessions",
    summary="The caller's advice sessions, newest first; `flagged=true`: the review queue (admins)",
    tags=TAGS,
    security=SIGNED_IN,
)
def list_sessions(
    sessions: Sessions,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    flagged: Annotated[
        bool, Query(description="Admins: the sessions the answer-quality scorer flagged for review")
    ] = False,
) -> Page[SessionOut]:
    return sessions.listing(principal(router), limit, cursor, flagged=flagged)


@router.get(
    "/advice/sessions/<session_id>",
    summary="A session with its transcript (its two participants and admins only)",
    tags=TAGS,
    security=SIGNED_IN,
)
def get_session(session_id: str, sessions: Sessions) -> SessionDetail:
    return sessions.detail(principal(router), session_id)


@router.post(
    "/advice/sessions/<session_id>/rating",
    summary="Rate an ended session (CSAT 1-5, optional NPS 0-10 and feedback); pays the advisor once",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        200: {"description": "Rated", "content": {"application/json": {"model": RatingOut}}},
        409: {"description": "Still running, or already rated (with another Idempotency-Key)"},
    },
)
def rate_session(
    session_id: str,
    body: Annotated[RatingIn, Body()],
    sessions: Sessions,
    idempotency_key: Annotated[
        str | None, Header(alias=IDEMPOTENCY_HEADER, max_length=200, description="Retries with it get the same answer")
    ] = None,
) -> RatingOut:
    return sessions.rate(principal(router), session_id, body, idempotency_key)
