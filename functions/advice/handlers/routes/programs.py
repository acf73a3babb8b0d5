"""Advice programs for their owners: create, invite codes, tests, knowledge base, partner report."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Query

from functions.advice.handlers.dependencies import program_service, session_service
from functions.advice.logic.domain import ProgramTest
from functions.advice.logic.programs import ProgramService
from functions.advice.logic.report import report_csv
from functions.advice.logic.sessions import SessionService
from functions.advice.models.api import (
    InviteCreate,
    InviteOut,
    KnowledgeBase,
    ProgramCreate,
    ProgramList,
    ProgramOut,
    Report,
)
from functions.common.api import SIGNED_IN, json_response, principal

router = Router()
TAGS = ["advice"]
Programs = Annotated[ProgramService, Depends(program_service)]
Sessions = Annotated[SessionService, Depends(session_service)]


@router.post(
    "/advice/programs",
    summary="Create an advice program (vendors for their own vendor, admins for any)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={201: {"description": "Created", "content": {"application/json": {"model": ProgramOut}}}},
)
def create_program(body: Annotated[ProgramCreate, Body()], programs: Programs) -> Response[Any]:
    created = programs.create(principal(router), body)
    return json_response(HTTPStatus.CREATED, created.model_dump(mode="json"))


@router.get("/advice/programs", summary="The programs the caller manages", tags=TAGS, security=SIGNED_IN)
def list_programs(programs: Programs) -> ProgramList:
    return programs.mine(principal(router))


@router.get("/advice/programs/<program_id>", summary="A program", tags=TAGS, security=SIGNED_IN)
def get_program(program_id: str, programs: Programs) -> ProgramOut:
    return programs.get(principal(router), program_id)


@router.post(
    "/advice/programs/<program_id>/invites",
    summary="Create an invite code (single use, or multi-use with an expiry) and its invitation link",
    tags=TAGS,
    security=SIGNED_IN,
    responses={201: {"description": "Created", "content": {"application/json": {"model": InviteOut}}}},
)
def create_invite(program_id: str, body: Annotated[InviteCreate, Body()], programs: Programs) -> Response[Any]:
    invite = programs.create_invite(principal(router), program_id, body)
    return json_response(HTTPStatus.CREATED, invite.model_dump(mode="json"))


@router.get(
    "/advice/programs/<program_id>/test",
    summary="The program's tests with their answers and rubrics (owners)",
    tags=TAGS,
    security=SIGNED_IN,
)
def get_test(program_id: str, programs: Programs) -> ProgramTest:
    return programs.test(principal(router), program_id)


@router.put(
    "/advice/programs/<program_id>/test",
    summary="Set the knowledge test, communication scenarios, motivation questions and retry rules",
    tags=TAGS,
    security=SIGNED_IN,
)
def put_test(program_id: str, body: Annotated[ProgramTest, Body()], programs: Programs) -> ProgramTest:
    return programs.save_test(principal(router), program_id, body)


@router.get(
    "/advice/programs/<program_id>/knowledge-base",
    summary="The articles advisors read (owners, applicants and advisors)",
    tags=TAGS,
    security=SIGNED_IN,
)
def get_knowledge_base(program_id: str, programs: Programs) -> KnowledgeBase:
    return programs.knowledge_base(principal(router), program_id)


@router.put(
    "/advice/programs/<program_id>/knowledge-base",
    summary="Replace the knowledge base articles",
    tags=TAGS,
    security=SIGNED_IN,
)
def put_knowledge_base(program_id: str, body: Annotated[KnowledgeBase, Body()], programs: Programs) -> KnowledgeBase:
    return programs.save_knowledge_base(principal(router), program_id, body)


@router.get(
    "/advice/programs/<program_id>/report",
    summary="Partner portal: KPIs per program and per advisor over [from, to), as JSON or CSV",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        200: {
            "description": "The report; with format=csv one row for the program and one per advisor",
            "content": {"application/json": {"model": Report}, "text/csv": {"schema": {"type": "string"}}},
        }
    },
)
def program_report(
    program_id: str,
    sessions: Sessions,
    start: Annotated[datetime, Query(alias="from", description="Inclusive, ISO 8601")],
    end: Annotated[datetime, Query(alias="to", description="Exclusive, ISO 8601")],
    output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Response[Any]:
    report = sessions.report(principal(router), program_id, start, end)
    if output == "csv":
        return Response(
            status_code=200,
            content_type="text/csv",
            body=report_csv(report),
            headers={"Content-Disposition": f'attachment; filename="advice-{program_id}.csv"'},
        )
    return json_response(HTTPStatus.OK, report.model_dump(mode="json"))
