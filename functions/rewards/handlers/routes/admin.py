"""Admin: earning rules (versioned), audited point adjustments, and segments per journey stage and affinity."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query

from functions.common.api import IDEMPOTENCY_HEADER, SIGNED_IN, json_response, principal
from functions.common.responses import answers, failures
from functions.common.values import Identifier
from functions.rewards.handlers.dependencies import member_service, rules_service, segment_service
from functions.rewards.logic.domain import idempotency_key
from functions.rewards.logic.members import MemberService
from functions.rewards.logic.rules import RulesService
from functions.rewards.logic.segments import SegmentService
from functions.rewards.models.api import (
    AdjustmentIn,
    AffinitiesOut,
    AuditPage,
    EntryOut,
    ExportFormat,
    MeOut,
    RulesIn,
    RulesOut,
    SegmentMembersPage,
    SegmentsOut,
)

router = Router()
TAGS = ["rewards-admin"]
Rules = Annotated[RulesService, Depends(rules_service)]
Members = Annotated[MemberService, Depends(member_service)]
Segments = Annotated[SegmentService, Depends(segment_service)]
ADMIN_ONLY = failures(e401="unauthenticated", e403="missing_group")
AffinityQuery = Annotated[
    str | None,
    Query(min_length=1, max_length=60, description="Only members with this affinity (profile interest, any case)"),
]


def _slug(value: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in value.casefold())[:60]


@router.get(
    "/admin/rewards/rules",
    summary="The earning rules in force, with their version (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(RulesOut, "The rules in force"), **ADMIN_ONLY},
)
def get_rules(service: Rules) -> RulesOut:
    return RulesOut.of(service.for_admin(principal(router)))


@router.put(
    "/admin/rewards/rules",
    summary="Replace the earning rules (admins); `expected_version` guards against concurrent edits",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        **answers(RulesOut, "The saved version"),
        **ADMIN_ONLY,
        **failures(e409="rules_version_conflict", e422="validation_failed", e503="busy"),
    },
)
def put_rules(request: Annotated[RulesIn, Body()], service: Rules) -> RulesOut:
    return RulesOut.of(service.update(principal(router), request.expected_version, request.rules))


@router.post(
    "/admin/rewards/adjustments",
    summary="Credit or debit a member's points (admins, Idempotency-Key required); the ledger keeps who and why",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        201: {
            "description": "Adjusted (a repeat of the key changes nothing)",
            "content": {"application/json": {"model": EntryOut}},
        },
        **ADMIN_ONLY,
        **failures(
            e400="missing_idempotency_key, invalid_idempotency_key",
            e409="insufficient_points",
            e422="validation_failed, zero_adjustment",
            e503="busy, account_busy",
        ),
    },
)
def adjust(
    request: Annotated[AdjustmentIn, Body()],
    service: Members,
    key: Annotated[str | None, Header(alias=IDEMPOTENCY_HEADER, description="Required")] = None,
) -> Response[Any]:
    raw = key or router.current_event.get_header_value(IDEMPOTENCY_HEADER, case_sensitive=False)
    entry = service.adjust(principal(router), idempotency_key(raw), request)
    return json_response(HTTPStatus.CREATED, entry.model_dump(mode="json"))


@router.get(
    "/admin/rewards/members/<user_id>",
    summary="A member's balance, stage and progress (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(MeOut, "The member's rewards"), **ADMIN_ONLY, **failures(e422="validation_failed")},
)
def member(user_id: Identifier, service: Members) -> MeOut:
    return service.member(principal(router), user_id)


@router.get(
    "/admin/rewards/members/<user_id>/ledger",
    summary="A member's ledger with its audit trail: rule, cause, who adjusted, rules version (admins)",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        **answers(AuditPage, "A page of entries, newest first"),
        **ADMIN_ONLY,
        **failures(e400="invalid_cursor, invalid_limit", e422="validation_failed"),
    },
)
def member_ledger(
    user_id: Identifier,
    service: Members,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> AuditPage:
    return service.audit(principal(router), user_id, limit, cursor)


@router.get(
    "/admin/segments",
    summary="Members per journey stage (admins); `affinity` counts only members with that affinity",
    tags=TAGS,
    security=SIGNED_IN,
    responses={**answers(SegmentsOut, "Counts per stage"), **ADMIN_ONLY, **failures(e422="validation_failed")},
)
def segments(service: Segments, affinity: AffinityQuery = None) -> SegmentsOut:
    return service.counts(principal(router), affinity)


@router.get(
    "/admin/segments/affinities",
    summary="The most common member affinities with their member counts (admins), of one stage or of all",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        **answers(AffinitiesOut, "Top affinities, most members first"),
        **ADMIN_ONLY,
        **failures(e404="segment_not_found", e422="validation_failed"),
    },
)
def segment_affinities(
    service: Segments,
    stage: Annotated[str | None, Query(max_length=40, description="A journey stage; all members if absent")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="How many affinities (top N)")] = 10,
) -> AffinitiesOut:
    return service.top_affinities(principal(router), stage, limit)


@router.get(
    "/admin/segments/<stage>/members",
    summary="Members of one journey stage (admins), paged; `format=csv` exports the whole segment as CSV",
    tags=TAGS,
    security=SIGNED_IN,
    responses={
        200: {
            "description": "A page of members (JSON), or the whole segment as CSV "
            "(user_id,stage,stage_since,balance,affinities; affinities joined with ';')",
            "content": {"application/json": {"model": SegmentMembersPage}, "text/csv": {"schema": {"type": "string"}}},
        },
        **ADMIN_ONLY,
        **failures(e400="invalid_cursor, invalid_limit", e404="segment_not_found", e422="validation_failed"),
    },
)
def segment_members(
    stage: str,
    service: Segments,
    *,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    format: Annotated[ExportFormat, Query(description="json (paged) or csv (whole segment)")] = ExportFormat.JSON,
    affinity: AffinityQuery = None,
) -> Response[Any]:
    caller = principal(router)
    if format is ExportFormat.CSV:
        body = service.export_csv(caller, stage, affinity)
        name = f"segment-{stage}-{_slug(affinity)}" if affinity else f"segment-{stage}"
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(status_code=HTTPStatus.OK, content_type="text/csv", body=body, headers=headers)
    page = service.members(caller, stage, limit, cursor, affinity)
    return json_response(HTTPStatus.OK, page.model_dump(mode="json"))
