"""Questions and answers on products."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.common.api import SIGNED_IN, principal
from functions.common.pagination import Page
from functions.common.responses import created
from functions.community.handlers.dependencies import question_service
from functions.community.handlers.routes.shared import TAGS, identifier, respond_created
from functions.community.logic.questions import QuestionService
from functions.community.models.api import AnswerInput, AnswerView, QuestionInput, QuestionThread, QuestionView

router = Router()
Service = Annotated[QuestionService, Depends(question_service)]


@router.get(
    "/products/<product_id>/questions",
    summary="A product's published questions, newest first",
    tags=TAGS,
)
def list_questions(
    product_id: str,
    service: Service,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Page[QuestionView]:
    return service.questions(identifier(product_id, "product"), limit, cursor)


@router.post(
    "/products/<product_id>/questions",
    summary="Ask a question about a product",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(QuestionView, "Question stored; see `status`"),
)
def ask_question(product_id: str, request: Annotated[QuestionInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.ask(principal(router), identifier(product_id, "product"), request))


@router.get(
    "/questions/<question_id>",
    summary="A question with its answers (the accepted one first); each answer marked member, vendor or advisor",
    tags=TAGS,
)
def get_question(question_id: str, service: Service) -> QuestionThread:
    return service.thread(identifier(question_id, "question"))


@router.post(
    "/questions/<question_id>/answers",
    summary="Answer a question (marked vendor or advisor from the caller's groups, else member)",
    tags=TAGS,
    security=SIGNED_IN,
    responses=created(AnswerView, "Answer stored; see `status`"),
)
def answer_question(question_id: str, request: Annotated[AnswerInput, Body()], service: Service) -> Response[Any]:
    return respond_created(service.answer(principal(router), identifier(question_id, "question"), request))


@router.post(
    "/questions/<question_id>/answers/<answer_id>/accept",
    summary="The asker accepts an answer (not their own)",
    tags=TAGS,
    security=SIGNED_IN,
)
def accept_answer(question_id: str, answer_id: str, service: Service) -> QuestionThread:
    return service.accept(principal(router), identifier(question_id, "question"), identifier(answer_id, "answer"))
