"""Admin: advisor cash payouts per month (close a finished month, list its payouts, CSV for finance)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query

from functions.common.api import SIGNED_IN, json_response, principal
from functions.common.responses import failures
from functions.rewards.handlers.dependencies import payout_service
from functions.rewards.logic.payouts import PayoutService
from functions.rewards.models.api import ExportFormat, PayoutRunOut, Period

router = Router()
TAGS = ["rewards-admin"]
Payouts = Annotated[PayoutService, Depends(payout_service)]
ADMIN_ONLY = failures(e401="unauthenticated", e403="missing_group")


@router.post(
    "/admin/payouts/<period>",
    summary="Close a finished month (admins): one cash payout per advisor owed cash for it; a repeat "
    "adds none and answers the same run. Finance pays from the payouts; no money moves here",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {"description": "Closed now", "content": {"application/json": {"model": PayoutRunOut}}},
        200: {"description": "Closed before: the same run", "content": {"application/json": {"model": PayoutRunOut}}},
        **ADMIN_ONLY,
        **failures(e409="period_not_finished", e422="validation_failed", e503="busy"),
    },
)
def close_month(period: Period, service: Payouts) -> Response[Any]:
    run, created = service.close(principal(router), period)
    return json_response(HTTPStatus.CREATED if created else HTTPStatus.OK, run.model_dump(mode="json"))


@router.get(
    "/admin/payouts/<period>",
    summary="A month's advisor payouts (admins); `status` is open until the month is closed; `format=csv` for finance",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        200: {
            "description": "The run (JSON) or its payouts as CSV "
            "(payout_id,advisor_id,period,amount,currency,sessions,created_at)",
            "content": {"application/json": {"model": PayoutRunOut}, "text/csv": {"schema": {"type": "string"}}},
        },
        **ADMIN_ONLY,
        **failures(e422="validation_failed"),
    },
)
def month_payouts(
    period: Period,
    service: Payouts,
    format: Annotated[ExportFormat, Query(description="json or csv")] = ExportFormat.JSON,
) -> Response[Any]:
    caller = principal(router)
    if format is ExportFormat.CSV:
        body = service.export_csv(caller, period)
        headers = {"Content-Disposition": f'attachment; filename="payouts-{period}.csv"'}
        return Response(status_code=HTTPStatus.OK, content_type="text/csv", body=body, headers=headers)
    return json_response(HTTPStatus.OK, service.run(caller, period).model_dump(mode="json"))
