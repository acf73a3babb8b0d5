"""Reports of published reviews, questions, answers and comments to the moderators."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body

from functions.common.api import SIGNED_IN, principal
from functions.community.handlers.dependencies import report_service
from functions.community.handlers.routes.shared import TAGS, identifier
from functions.community.logic.reports import ReportService
from functions.community.models.api import ReportInput, ReportView

router = Router()
Service = Annotated[ReportService, Depends(report_service)]


@router.post(
    "/reports",
    summary="Report a review, question, answer or comment (on a collection or an article) to the moderators",
    description="Once per member, never one's own; the first report opens a moderation case. One route for "
    "every kind of text (instead of one per kind) keeps the REST API's resources few.",
    tags=TAGS,
    security=SIGNED_IN,
)
def report(request: Annotated[ReportInput, Body()], service: Service) -> ReportView:
    subject_id = identifier(request.subject_id, request.subject)
    return service.report(principal(router), request.subject, subject_id, request)
